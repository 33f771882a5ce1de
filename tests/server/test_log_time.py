"""The access log's time stamp, built without a datetime per line, is exactly what
`datetime.fromtimestamp(t, UTC).isoformat(timespec="milliseconds")` prints."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from sync_server.middleware import _utc_iso_ms


@given(st.floats(min_value=0, max_value=4e9, allow_nan=False))
def test_log_time_equals_isoformat(created: float) -> None:
    expected = datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds")
    assert _utc_iso_ms(created) == expected
