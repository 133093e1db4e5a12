"""Fixtures for the law alone: a configuration, and both implementations
(the helpers are in tests/common/law.py)."""

from __future__ import annotations

import pytest

from hilander.controller import CompiledLaw, LawConfig, ReferenceLaw
from tests.common.law import VEHICLE


@pytest.fixture
def config() -> LawConfig:
    return LawConfig(**VEHICLE)


@pytest.fixture(params=["compiled", "reference"])
def law_cls(request: pytest.FixtureRequest) -> type:
    return CompiledLaw if request.param == "compiled" else ReferenceLaw
