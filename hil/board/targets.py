"""The firmware builds `hilander board --firmware NAME` starts, and how.

Two run on this machine as processes (`host`, `host-asan`: the firmware on a
pseudo-terminal, timed by the host's clock), two on QEMU's emulated Cortex-M
boards (`qemu`: a Cortex-M3 on mps2-an385, soft float; `qemu-m4f`: a
Cortex-M4F on mps2-an386, hard float with the FPU on). The emulated ones run
in virtual time, `-icount shift=ICOUNT_SHIFT,align=off,sleep=on`: every
instruction advances the board's clock by 2^shift ns, whatever the host's
load, so the cost of a step (COMMAND.compute_instructions) is the same on
every machine. Each target declares its clock, its control period and its
step budget in the firmware (firmware_stub/Makefile, TARGET_DEFS) and tells
the host in BOARD_INFO; docs/firmware.md explains the model.
"""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass

ICOUNT_SHIFT = 7  # 128 ns of virtual time per instruction; the same in firmware_stub/Makefile


@dataclass(frozen=True)
class Tool:
    """A program a firmware needs to build or to run, and where to get it."""

    command: str  # what is run, unless the environment names another (``env``)
    debian: str  # the Debian package(s) that bring it
    env: str | None = None  # the variable firmware_stub/Makefile takes it from (CC, ARM_CC)

    def program(self) -> str:
        """The program to look for on PATH: ``$CC``'s first word, or the command."""
        given = os.environ.get(self.env, "") if self.env else ""
        words = shlex.split(given) if given.strip() else []
        return words[0] if words else self.command


MAKE = Tool("make", "make")
HOST_CC = Tool("cc", "gcc", "CC")
ARM_CC = Tool("arm-none-eabi-gcc", "gcc-arm-none-eabi libnewlib-arm-none-eabi", "ARM_CC")
QEMU = Tool("qemu-system-arm", "qemu-system-arm")


@dataclass(frozen=True)
class Target:
    name: str  # --firmware NAME, and the make target
    image: str  # what make builds, under firmware_stub/
    machine: str | None  # QEMU's -M, or None for a host process
    about: str  # in `hilander board --help`
    fpu: bool = False  # the core stacks the FPU's registers on an exception
    # Memory budgets (hilander memory; docs/firmware.md, Memory): a flight
    # part of the Cortex-M3/M4F class (e.g. 512 KB of flash, 128 KB of SRAM)
    # gives the law and its board code a quarter of the flash and three
    # quarters of the RAM, the rest to the flight software around it; the
    # stack its 16 KB region (hal/cortex-m/mps2_an385.ld, STACK_SIZE).
    flash_budget_B: int = 128 * 1024
    ram_budget_B: int = 96 * 1024
    stack_budget_B: int = 16 * 1024

    def build_tools(self) -> tuple[Tool, ...]:
        """What ``make NAME`` runs: make and the C compiler for this target."""
        return (MAKE, HOST_CC if self.machine is None else ARM_CC)

    def run_tools(self) -> tuple[Tool, ...]:
        """What starting the built image runs: QEMU for an emulated board."""
        return () if self.machine is None else (QEMU,)

    def qemu_options(self) -> list[str]:
        """QEMU's options for this board, all but the serial port and the image."""
        assert self.machine is not None
        icount = f"shift={ICOUNT_SHIFT},align=off,sleep=on"
        return [
            "qemu-system-arm",
            "-M",
            self.machine,
            "-nographic",
            "-monitor",
            "none",
            "-icount",
            icount,
        ]


TARGETS = {
    t.name: t
    for t in (
        Target("host", "build/host/hilander-fw", None, "this machine, on a pty"),
        Target("host-asan", "build/host-asan/hilander-fw", None, "with ASan and UBSan"),
        Target("qemu", "build/qemu/hilander-fw.elf", "mps2-an385", "emulated Cortex-M3"),
        Target(
            "qemu-m4f", "build/qemu-m4f/hilander-fw.elf", "mps2-an386", "emulated Cortex-M4F", True
        ),
    )
}
EMULATED = tuple(name for name, t in TARGETS.items() if t.machine is not None)
