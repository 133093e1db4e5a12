"""Shared test set-up: hypothesis profiles, the skips of the board and qemu
markers. The --hil-port option comes from hilander's own pytest plugin
(hilander.testing.plugin, loaded through its pytest11 entry point).

Profiles: ``dev`` (default, fast) and ``ci`` (more examples, derandomized),
chosen with HYPOTHESIS_PROFILE or, on CI, by CI=true.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

pytest_plugins = ["pytester"]  # the plugin's own tests (tests/hil/testing/test_plugin.py)

settings.register_profile("dev", max_examples=30, deadline=None)
settings.register_profile(
    "ci",
    max_examples=150,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") == "true" else "dev")
)


QEMU_TOOLS = ("qemu-system-arm", "arm-none-eabi-gcc")


def pytest_collection_modifyitems(config: pytest.Config, items: list[Any]) -> None:
    missing = [tool for tool in QEMU_TOOLS if shutil.which(tool) is None]
    skip_qemu = pytest.mark.skip(
        reason=f"needs {' and '.join(missing)} (Debian: gcc-arm-none-eabi "
        "libnewlib-arm-none-eabi qemu-system-arm; .ci/run installs them)"
    )
    skip_board = pytest.mark.skip(reason="needs a board: give --hil-port URL")
    for item in items:  # markers, not keywords: tests/hil/board/ is a folder named board
        if item.get_closest_marker("board") and not config.getoption("--hil-port"):
            item.add_marker(skip_board)
        if item.get_closest_marker("qemu") and missing:
            item.add_marker(skip_qemu)
