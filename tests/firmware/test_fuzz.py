"""The C decoder and board under libFuzzer for a bounded time: the raw-bytes
target for 30 s (`firmware_stub/fuzz/run.sh 3600` runs it longer), and the
structure-aware target (valid frames, sessions, hazard maps, landings) for
10 s, with a floor on the coverage of the board it reaches
(`firmware_stub/fuzz/coverage.sh`; docs/performance.md, "Fuzzing")."""

from __future__ import annotations

import functools
import os
import re
import runpy
import shutil
import subprocess

import pytest

from tests.common.firmware import FIRMWARE

FUZZ = FIRMWARE / "fuzz"
FUZZ_SECONDS = 30
SESSION_SECONDS = 10
# hl_board.c's branches (llvm-cov) that the structure-aware target reaches
# in SESSION_SECONDS from its seeds. Measured on this 2-core machine: 85.9 %
# from the seeds alone, 93-96 % after 10 to 60 s; the issue asked for 70 %.
BOARD_BRANCHES_FLOOR = 80.0
BOARD_REGIONS_FLOOR = 90.0  # measured: 96.3 % from the seeds alone, 97-98.5 % after


@functools.cache
def libfuzzer_missing() -> str | None:
    """Why clang cannot build a libFuzzer target here, or None if it can."""
    clang = shutil.which("clang")
    if clang is None:
        return "no clang"
    done = subprocess.run(
        [clang, "-x", "c", "-fsanitize=fuzzer", "-o", os.devnull, "-"],
        input="int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n",
        capture_output=True,
        text=True,
        check=False,
    )
    return None if done.returncode == 0 else f"clang has no libFuzzer: {done.stderr[-300:]}"


def need_libfuzzer() -> None:
    """Skip without clang's libFuzzer, but not in CI: .ci/run installs it."""
    missing = libfuzzer_missing()
    if missing is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{missing} (.ci/run installs clang: Debian's clang and libclang-rt)")
    pytest.skip(f"{missing} (Debian: clang; .ci/run installs it)")


def run(args: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)


@pytest.mark.slow
def test_the_decoder_survives_the_fuzzer() -> None:
    need_libfuzzer()
    done = run([str(FUZZ / "run.sh"), str(FUZZ_SECONDS)], timeout=FUZZ_SECONDS + 240)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Done " in done.stderr and "runs in" in done.stderr


@pytest.mark.slow
def test_the_session_fuzzer_reaches_the_board() -> None:
    need_libfuzzer()
    done = run([str(FUZZ / "coverage.sh"), str(SESSION_SECONDS), "session"], timeout=300)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    found = re.search(
        r"^coverage: session core/hl_board\.c regions ([\d.]+) % branches ([\d.]+) %",
        done.stdout,
        re.M,
    )
    assert found, done.stdout[-3000:]
    regions, branches = float(found[1]), float(found[2])
    assert branches >= BOARD_BRANCHES_FLOOR, done.stdout[-2000:]
    assert regions >= BOARD_REGIONS_FLOOR, done.stdout[-2000:]


def test_the_fuzz_presets_are_generated() -> None:
    """fuzz_presets.h is gen_presets.py's output (the PARAMS of the laws as
    LawConfig has them now), and seeds.py counts its presets."""
    render = runpy.run_path(str(FUZZ / "gen_presets.py"))["render"]
    assert (FUZZ / "fuzz_presets.h").read_text() == render(), (
        "firmware_stub/fuzz/fuzz_presets.h is out of date: "
        "run .venv/bin/python firmware_stub/fuzz/gen_presets.py"
    )
    count = re.search(r"#define FZ_PRESET_COUNT (\d+)", render())
    assert count and runpy.run_path(str(FUZZ / "seeds.py"))["PRESETS"] == int(count[1])


def test_the_seeds_are_inputs_of_the_harness() -> None:
    """seeds.py's operation codes are the harness's: their order in its OPS table."""
    table = re.search(r"OPS\[\] = \{(.*?)\};", (FUZZ / "fuzz_session.c").read_text(), re.S)
    assert table
    ops = [name.strip() for name in table[1].split(",") if name.strip()]
    seeds = runpy.run_path(str(FUZZ / "seeds.py"))
    assert [seeds[op.removeprefix("op_").upper()] for op in ops] == list(range(len(ops)))
