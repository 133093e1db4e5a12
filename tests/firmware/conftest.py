"""Fixtures for the firmware tests: the host library built once."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.common.firmware import HOST_BUILD, make


@pytest.fixture(scope="session")
def host_lib() -> Path:
    """The folder of the C core built as shared libraries (float32 and double)
    for ctypes: libhlcore.so and libhlcore_double.so."""
    make("lib")
    return HOST_BUILD
