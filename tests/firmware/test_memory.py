"""Memory of the Cortex-M firmware (hil/board/memory.py, `hilander memory`):
flash, RAM and the static worst-case stack within each target's budgets, the
analysis checked against the compiler's frame sizes and against the painted
stack's high-water mark on the emulated board, and its problems reported.
Skipped, with the reason, where QEMU or the ARM toolchain is missing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hilander.hil.board.memory import (
    EXCEPTION_FRAME_B,
    RESET,
    Function,
    ImageError,
    compiler_frames,
    functions,
    memory_report,
    worst_stack,
)
from hilander.hil.board.targets import EMULATED, TARGETS
from hilander.hil.cli.main import main
from tests.common.firmware import FIRMWARE, make
from tests.common.qemu import start_qemu, stop

# hl_board_init takes a struct by value: GCC's -fstack-usage leaves out the
# 16 bytes it spills it to below the pushed registers; the prologue has them.
SPILLS_A_STRUCT_ARGUMENT = {"hl_board_init": 16}


@pytest.mark.qemu
@pytest.mark.parametrize("target", EMULATED)
def test_flash_ram_and_stack_fit_their_budgets(target: str) -> None:
    make(target)
    r = memory_report(FIRMWARE, TARGETS[target])
    assert not r.stack.problems, r.stack.problems
    assert 0 < r.flash_B <= r.flash_budget_B
    assert r.stack_region_B < r.ram_B <= r.ram_budget_B
    assert r.stack_region_B == r.stack_budget_B == 16 * 1024
    assert 0 < r.stack.worst_B <= r.stack_budget_B
    assert r.stack.path[:4] == [RESET, "main", "hl_board_push", "hl_law_step"]
    assert r.within_budgets()


@pytest.mark.qemu
@pytest.mark.parametrize("target", EMULATED)
def test_the_frames_read_from_the_image_are_the_compilers(target: str) -> None:
    """Every function compiled with -fstack-usage: the prologue read from the
    linked image gives the compiler's own frame size (or more, where noted)."""
    make(target)
    ours = functions(FIRMWARE / TARGETS[target].image)
    gcc = compiler_frames(FIRMWARE, TARGETS[target])
    both = sorted(set(ours) & set(gcc))
    assert len(both) >= 40, both
    for name in both:
        extra = SPILLS_A_STRUCT_ARGUMENT.get(name, 0)
        assert ours[name].frame_B == gcc[name] + extra, name


def test_the_deepest_path_adds_the_frames_and_a_handler() -> None:
    fns = {
        RESET: Function(8, {"main"}),
        "main": Function(16, {"a", "b"}),
        "a": Function(100, set()),
        "b": Function(40, {"c"}),
        "c": Function(70, set()),
        "hl_systick_handler": Function(24, {"c"}),
        "hl_uart0_rx_handler": Function(0, set()),
        "hang": Function(0, set()),
    }
    s = worst_stack(fns, fpu=False)
    assert s.path == [RESET, "main", "b", "c"] and s.handler_path == ["hl_systick_handler", "c"]
    assert s.worst_B == 8 + 16 + 40 + 70 + (24 + 70) + EXCEPTION_FRAME_B
    assert s.problems == []


def test_recursion_unresolved_calls_and_dynamic_frames_are_reported() -> None:
    fns = {
        RESET: Function(8, {"main"}),
        "main": Function(16, {"loop", "pointer", "alloca"}),
        "loop": Function(8, {"loop"}),
        "pointer": Function(8, set(), indirect=True),
        "alloca": Function(8, set(), dynamic=True),
        "hl_systick_handler": Function(0, {"missing"}),
    }
    problems = " | ".join(worst_stack(fns, fpu=True).problems)
    assert "recursion: " in problems and "loop -> loop" in problems
    assert "pointer: an indirect call INDIRECT does not resolve" in problems
    assert "alloca: a stack frame set at run time" in problems
    assert "missing: called but not in the image" in problems


@pytest.mark.qemu
@pytest.mark.parametrize("target", EMULATED)
def test_the_painted_stack_stays_within_the_static_worst_case(
    target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A landing with a hazard map (site search, replans) on the emulated
    board: the high-water mark the board reports is above nothing and below
    the analysis (the measurement cannot exceed a sound bound)."""
    qemu, port = start_qemu("pty", target)
    try:
        code = main(["hil", "--port", port, "--json", "default"])
    finally:
        stop(qemu)
    summary: dict[str, Any] = json.loads(capsys.readouterr()[0])
    assert code == 0, summary["violations"]
    measured = summary["link"]["stack_high_water_B"]
    worst = memory_report(FIRMWARE, TARGETS[target]).stack.worst_B
    assert 512 < measured <= worst, (measured, worst)


@pytest.mark.qemu
def test_the_memory_command_the_docs_show(capsys: pytest.CaptureFixture[str]) -> None:
    text = (FIRMWARE.parent / "docs" / "firmware.md").read_text()
    assert "hilander memory --json" in text and "hilander memory --firmware qemu-m4f" in text
    assert main(["memory", "--json"]) == 0
    reports = json.loads(capsys.readouterr()[0])
    assert list(reports) == list(EMULATED)
    assert all(r["within_budgets"] and not r["problems"] for r in reports.values())
    assert main(["memory", "--firmware", "qemu-m4f"]) == 0
    out = capsys.readouterr()[0]
    assert out.startswith("qemu-m4f: emulated Cortex-M4F\n  flash ") and "deepest path" in out


def test_a_host_build_or_a_missing_image_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for args in (["--firmware", "host"], ["--firmware-dir", str(tmp_path)]):
        assert main(["memory", *args]) == 2
        err = capsys.readouterr()[1]
        assert err.startswith("hilander: error: ") and err.count("\n") == 1, err
    with pytest.raises(ImageError, match="a host build"):
        memory_report(FIRMWARE, TARGETS["host"])
