"""Running ``hilander`` on hostile input and sorting what happens into five
classes (tests/fuzz/): only ``clean_error`` and ``sane_result`` pass.

- clean_error: exit 2, exactly one line on stderr, no traceback.
- sane_result: exit 0 or 1, a verdict; with --json, every number finite.
- traceback: a Python traceback, or any other exit status from the code.
- crash: killed by a signal (segfault, abort, out of memory).
- hang: still running at the timeout.

``run_inprocess`` calls the entry point with captured output (fast; only
where the input cannot crash the interpreter); ``run_forked`` runs it in a
forked child (a signal kills the child, not the test); ``run_console`` runs
the installed script, as a user does.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PASSING = ("clean_error", "sane_result")
CLASSES = (*PASSING, "traceback", "crash", "hang")
MEMORY_CAP_BYTES = 3 * 2**30  # a child that needs more is a crash (MemoryError or killed)


@dataclass(frozen=True)
class Outcome:
    kind: str
    code: int | None
    stdout: str
    stderr: str

    def describe(self) -> str:
        tail = self.stderr.strip().splitlines()[-3:]
        return f"{self.kind} (exit {self.code}): {' | '.join(tail)[:400]}"


def _all_finite(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_all_finite(v) for v in value.values())
    if isinstance(value, list):
        return all(_all_finite(v) for v in value)
    return True


def classify(code: int | None, stdout: str, stderr: str, *, json_out: bool) -> Outcome:
    """The class of one finished (or timed-out: code None) run."""
    if code is None:
        return Outcome("hang", code, stdout, stderr)
    if code < 0 or code in (134, 137, 139):  # a signal, or a shell's 128 + signal
        return Outcome("crash", code, stdout, stderr)
    if "Traceback (most recent call last)" in stderr:
        return Outcome("traceback", code, stdout, stderr)
    if code == 2:
        lines = stderr.splitlines()
        ok = len(lines) == 1 and lines[0].startswith("hilander: error: ")
        return Outcome("clean_error" if ok else "traceback", code, stdout, stderr)
    if code in (0, 1):
        sane = _sane(stdout, json_out)
        return Outcome("sane_result" if sane else "traceback", code, stdout, stderr)
    return Outcome("traceback", code, stdout, stderr)


def _sane(stdout: str, json_out: bool) -> bool:
    if not json_out:
        text = stdout.lower()
        return any(word in text for word in ("verdict", "pass", "fail", "usage:", "hilander "))
    try:
        data = json.loads(stdout, parse_constant=float)
    except ValueError:
        return False
    return isinstance(data, dict) and isinstance(data.get("verdict"), str) and _all_finite(data)


def run_inprocess(argv: list[str]) -> Outcome:
    """``hilander.hil.cli.main.main(argv)`` with stdout and stderr captured."""
    from hilander.hil.cli.main import main  # noqa: PLC0415 - not before a fork's memory cap

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code: int | None = int(main(argv))
        except SystemExit as e:  # argparse's --help and --version
            code = e.code if isinstance(e.code, int) else 2
        except Exception:
            traceback.print_exc(file=err)
            code = 1
    return classify(code, out.getvalue(), err.getvalue(), json_out="--json" in argv)


def run_forked(argv: list[str], timeout_s: float = 60.0) -> Outcome:
    """``main(argv)`` in a forked child with a memory cap; its exit status,
    signal or timeout classified. The child's output goes through files."""
    from hilander.hil.cli.main import main  # noqa: PLC0415, F401 - loaded before the fork

    with tempfile.TemporaryDirectory(prefix="hilander-fuzz-") as tmp:
        out_path, err_path = Path(tmp, "out"), Path(tmp, "err")
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            _child(argv, out_path, err_path)
        code = _wait(pid, timeout_s)
        stdout = out_path.read_text("utf-8", "replace") if out_path.exists() else ""
        stderr = err_path.read_text("utf-8", "replace") if err_path.exists() else ""
    return classify(code, stdout, stderr, json_out="--json" in argv)


def _child(argv: list[str], out_path: Path, err_path: Path) -> None:  # pragma: no cover
    code = 1
    try:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP_BYTES, MEMORY_CAP_BYTES))
        with open(out_path, "w") as out, open(err_path, "w") as err:
            os.dup2(out.fileno(), 1)
            os.dup2(err.fileno(), 2)
            sys.stdout = io.TextIOWrapper(os.fdopen(1, "wb", closefd=False), write_through=True)
            sys.stderr = io.TextIOWrapper(os.fdopen(2, "wb", closefd=False), write_through=True)
            from hilander.hil.cli.main import main  # noqa: PLC0415

            try:
                code = int(main(argv))
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else 2
            except BaseException:
                traceback.print_exc()
                code = 1
            sys.stdout.flush()
            sys.stderr.flush()
    finally:
        os._exit(code)


def _wait(pid: int, timeout_s: float) -> int | None:
    """The child's exit status (negative: its signal), or None after killing it."""
    deadline = time.monotonic() + timeout_s
    delay = 0.001
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return None
        time.sleep(delay)
        delay = min(0.05, delay * 2)


def run_console(argv: list[str], timeout_s: float = 120.0) -> Outcome:
    """The installed ``hilander`` script in a subprocess."""
    script = Path(sys.executable).parent / "hilander"
    try:
        done = subprocess.run(
            [str(script), *argv],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode("utf-8", "replace") if isinstance(e.stdout, bytes) else ""
        return Outcome("hang", None, out, "")
    return classify(done.returncode, done.stdout, done.stderr, json_out="--json" in argv)
