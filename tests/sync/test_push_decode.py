"""The push body decoder (`routes._decode_push`) reads exactly what `json.loads` reads.

It uses orjson where it can (faster; server only) and json where orjson differs (lone
surrogate escapes, NaN, 1e400, integers past 64 bits, which orjson reads as floats).
Property: for any JSON body, the changes equal json's, type for type, and
`lone_surrogates_possible` is True whenever a string holds a lone surrogate.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sync_server.sync.routes import _decode_push

SCALARS = st.one_of(
    st.none(), st.booleans(), st.floats(allow_nan=True, allow_infinity=True),
    st.integers(), st.integers(min_value=2**62, max_value=2**70).map(lambda i: -i),
    st.integers(min_value=2**62, max_value=2**70), st.text())
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=5), inner, max_size=4)),
    max_leaves=20)


def _exact(value: Any) -> str:
    """A text that tells 1 from 1.0 and True from 1 (json.dumps does)."""
    return json.dumps(value, sort_keys=True, allow_nan=True)


@settings(max_examples=300, deadline=None)
@given(changes=st.lists(VALUES, max_size=5), ascii_only=st.booleans())
def test_decoded_changes_equal_json_loads(changes: list[Any], ascii_only: bool) -> None:
    raw = json.dumps({"changes": changes}, ensure_ascii=ascii_only).encode("utf-8",
                                                                            "surrogatepass")
    decoded, surrogates_possible = _decode_push(raw, "identity")
    assert _exact(decoded) == _exact(json.loads(raw)["changes"])

    def lone(value: Any) -> bool:
        if isinstance(value, str):
            return any(0xD800 <= ord(c) <= 0xDFFF for c in value)
        if isinstance(value, dict):
            return any(lone(k) or lone(v) for k, v in value.items())
        return isinstance(value, list) and any(lone(v) for v in value)

    if lone(decoded):
        assert surrogates_possible


def test_an_integer_past_64_bits_stays_an_integer() -> None:
    # orjson alone read 123456789012345678901234567890 as 1.2345678901234568e+29.
    for number in (2**64 + 1, -(2**63) - 1, 10**29):
        decoded, _ = _decode_push(f'{{"changes": [{number}]}}'.encode(), "identity")
        assert decoded == [number] and type(decoded[0]) is int
