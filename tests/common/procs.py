"""Processes seen through /proc (Linux): a process's children, whether a PID
still runs, and a poll until some are gone (never a sleep-and-hope)."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterable
from pathlib import Path

POLL_S = 0.05


def children(pid: int) -> set[int]:
    """The PIDs whose parent is ``pid`` (every thread's children)."""
    found: set[int] = set()
    for f in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found.update(int(p) for p in f.read_text().split())
        except OSError:  # the thread ended meanwhile
            continue
    return found


def running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie is not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_gone(pids: Iterable[int], timeout_s: float) -> set[int]:
    """Poll until none of ``pids`` runs, or the timeout: those still running."""
    left = set(pids)
    deadline = time.monotonic() + timeout_s
    while left and time.monotonic() < deadline:
        left = {p for p in left if running(p)}
        if left:
            time.sleep(POLL_S)
    return left


def wait_for(predicate: object, proc: subprocess.Popen[str], timeout_s: float) -> bool:
    """Poll ``predicate()`` until true, the process ends, or the timeout."""
    assert callable(predicate)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        if proc.poll() is not None:
            return bool(predicate())
        time.sleep(POLL_S)
    return False
