"""Children that die with their parent: the firmware a ``hilander board``
starts, the worker processes of a campaign.

On Linux a child asks the kernel for a signal when its parent dies
(``prctl(PR_SET_PDEATHSIG)``), so that a ``kill -9`` of hilander leaves no
orphan. The kernel sends it when the *thread* that started the child ends,
so start children from the thread that lives as long as they should (the
main thread here). If the parent died before the child asked, the child's
parent is already another process: it exits at once. Elsewhere, nothing.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from typing import Any

PR_SET_PDEATHSIG = 1


def _prctl() -> Any:
    """libc's prctl, or None off Linux."""
    if not sys.platform.startswith("linux"):
        return None
    return ctypes.CDLL(None, use_errno=True).prctl


def die_with_parent(parent_pid: int, sig: int = signal.SIGKILL, prctl: Any = None) -> None:
    """Ask for ``sig`` when the parent dies; exit now if it is already dead."""
    prctl = prctl or _prctl()
    if prctl is None:
        return
    prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
    if os.getppid() != parent_pid:
        os._exit(1)


class ParentDeath:
    """A ``preexec_fn`` for ``subprocess.Popen``: the child gets ``sig`` when
    the process that made this object (its parent) dies."""

    def __init__(self, sig: int = signal.SIGTERM) -> None:
        self.parent_pid = os.getpid()
        self.sig = sig
        self.prctl = _prctl()  # looked up here: between fork and exec, only the call

    def __call__(self) -> None:
        if self.prctl is not None:
            die_with_parent(self.parent_pid, self.sig, self.prctl)
