"""The C decoder and board under libFuzzer for a bounded time (30 s here;
`firmware_stub/fuzz/run.sh 3600` runs it longer)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.common.firmware import FIRMWARE

FUZZ_SECONDS = 30


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("clang") is None,
    reason="needs clang with libFuzzer (Debian: clang; .ci/run installs it)",
)
def test_the_decoder_survives_the_fuzzer() -> None:
    done = subprocess.run(
        [str(FIRMWARE / "fuzz" / "run.sh"), str(FUZZ_SECONDS)],
        capture_output=True,
        text=True,
        timeout=FUZZ_SECONDS + 240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Done " in done.stderr and "runs in" in done.stderr
