"""Fixtures for the plugin's tests."""

from __future__ import annotations

import pytest

from hilander.hil.report.figures import plotting


@pytest.fixture(scope="session", autouse=True)
def _matplotlib_loaded() -> None:
    """pytester puts sys.modules back as it found them after each test:
    loaded before, matplotlib stays whole. Loaded inside a pytester test (by
    a report the plugin writes) it would be dropped, and come back to the
    tests after as a second copy whose classes the first copy's pyplot does
    not recognise (a MatplotlibDeprecationWarning, an error here)."""
    plotting.available()
