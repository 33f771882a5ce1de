"""`json_text` (orjson, with the standard library for what orjson refuses) encodes every
JSON column and sync answer: whatever it writes reads back as the value it was given,
compact, with Thai left as UTF-8; without floats, the very text the standard library
wrote before.

(Push bodies are decoded by the standard library: orjson reads an integer past 64 bits as
a float, and this test's first draft, which decoded with orjson too, found that.)
"""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sync_server.db.engine import json_text

SCALARS = st.one_of(
    st.none(), st.booleans(), st.text(),
    st.integers(),  # past 64 bits too: orjson refuses them, the fallback writes them
    st.floats(allow_nan=False, allow_infinity=False))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(), inner, max_size=4)), max_leaves=20)


def _same(a: Any, b: Any) -> bool:
    """Equal as JSON values (0.0 and -0.0 differ only in sign, and so must match too)."""
    if isinstance(a, float) and isinstance(b, float):
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


@settings(max_examples=400)
@given(VALUES)
def test_what_json_text_writes_reads_back(value: Any) -> None:
    text = json_text(value)
    assert _same(json.loads(text), value)
    if not _has_float(value):  # floats may be spelled differently (1e+16, 1e16)
        assert text == json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _has_float(value: Any) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, list):
        return any(_has_float(v) for v in value)
    if isinstance(value, dict):
        return any(_has_float(v) for v in value.values())
    return False


def test_json_text_keeps_thai_as_utf8() -> None:
    assert json_text({"name_th": "กลุ่มทอผ้า"}) == '{"name_th":"กลุ่มทอผ้า"}'
