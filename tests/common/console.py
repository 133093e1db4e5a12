"""The installed ``hilander`` console script, run as a user runs it, for the
acceptance tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def hilander(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "hilander"
    assert script.exists(), "the hilander console script is installed with the package"
    return subprocess.run(
        [str(script), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
        check=False,
    )
