"""The office's server clock: always later than every write the record has seen."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from recordsync.hlc import Timestamp
from sync_server.web.office_writes import server_timestamp

_clock = st.builds(
    Timestamp,
    # The last encodable millisecond (year 2286) has no successor once its counter is
    # full; the server refuses clocks ahead of its own, so none is ever stored.
    wall_ms=st.integers(0, 10**13 - 2),
    counter=st.integers(0, 99_999),
    node=st.sampled_from(["server", "phone1", "zz.last:node", "a"]),
).map(Timestamp.encode)


@given(st.dictionaries(st.sampled_from(["name_th", "phone", "_deleted", "review_status"]),
                       _clock))
def test_server_timestamp_is_later_than_every_clock_of_the_record(clocks: dict) -> None:
    stamp = Timestamp.decode(server_timestamp(clocks))
    assert stamp.node == "server"
    for text in clocks.values():
        assert stamp > Timestamp.decode(text)
        assert server_timestamp(clocks) > text  # and as text: stored clocks compare as text
