"""Hypothesis strategies over the wire messages, for the Python codec's tests
(tests/hil/wire) and the C codec's (tests/firmware): every message type with
any field values, and the golden messages as a stream."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from hilander.hil.wire.protocol import MAP_CHUNK_VALUES, SPECS
from tests.common.golden import GOLDEN

F32 = st.floats(width=32, allow_nan=False)
U8, U16, U32 = (st.integers(0, 2**n - 1) for n in (8, 16, 32))


def _strategy(f: Any) -> Any:
    ints = {"u8": U8, "u16": U16, "u32": U32}
    if f.py is str:
        text = st.text(st.characters(exclude_characters="\0", codec="utf-8"), max_size=5)
        return text if f.count else st.text(max_size=200)
    if f.wire in ints:
        base = st.booleans() if f.py is bool else ints[f.wire]
    else:
        base = F32 if f.wire == "f32" else st.floats(allow_nan=False)
    if f.count == 0:
        return st.lists(base, max_size=MAP_CHUNK_VALUES).map(tuple)
    return st.tuples(*[base] * f.count) if f.count > 1 else base


MESSAGES = st.one_of(*[st.builds(s.cls, **{f.name: _strategy(f) for f in s.fields}) for s in SPECS])

STREAM = [m for _, m, *_ in GOLDEN]
