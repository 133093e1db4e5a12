"""Every number a board must know is in the spec: each member of each
enumeration on the wire has its meaning (docs/protocol.md, "Numbers"), and
the generated tables name every PARAMS field with its unit and rule."""

from __future__ import annotations

from pathlib import Path

from hilander.hil.wire.meanings import TABLES
from hilander.hil.wire.protocol import PARAM_FIELDS

DOC = (Path(__file__).parents[3] / "docs" / "protocol.md").read_text()


def test_every_member_of_every_enumeration_has_a_meaning() -> None:
    for heading, enumeration, meaning, _ in TABLES:
        assert set(meaning) == set(enumeration), heading
        assert all(text.strip() for text in meaning.values()), heading


def test_the_spec_prints_every_value_and_every_params_field() -> None:
    for _, enumeration, _, _ in TABLES:
        for member in enumeration:
            assert f"| {member.value} | {member.name} |" in DOC, member
    for i, f in enumerate(PARAM_FIELDS):
        assert f"| {i} | `{f.name}` | {f.metadata['unit']} |" in DOC, f.name
