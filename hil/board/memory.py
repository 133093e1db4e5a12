"""The memory of a Cortex-M firmware build: flash, RAM, and the worst-case
stack, from the image alone (`hilander memory`; docs/firmware.md, Memory).

- Flash and RAM from the ELF's sections (``arm-none-eabi-size -A``): flash
  holds the code, constants and the initial data; RAM the data, the bss and
  the stack region the linker script reserves (``_stack_bottom`` to
  ``_stack_top``).
- The worst-case stack by static analysis of the linked image
  (``arm-none-eabi-objdump -d``): each function's frame from its prologue
  (``push``, ``vpush``, ``sub sp``), its calls (``bl``, and tail branches to
  another function), the deepest path from the reset handler, plus the
  deepest interrupt handler and the exception frame the core stacks for it.
  Library code (libm, libgcc's soft float) is analysed like ours, since the
  image holds it. Indirect calls (``blx``/``bx`` through a register) are
  resolved by INDIRECT, which names where each one can go; one found
  elsewhere, a recursion, or a frame set by a register are reported and make
  the analysis incomplete, never silently ignored.
- The firmware is built with ``-fstack-usage``: the compiler's own frame
  sizes (``*.su`` beside the image) check the prologue reading
  (tests/firmware/test_memory.py).
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from hilander.hil.board.firmware import FirmwareError
from hilander.hil.board.targets import Target

HAL_HOOKS = ("uart_write", "micros", "counts_now", "instructions_of", "hl_stack_high_water_B")
PHASE_HANDLERS = ("approach", "descend", "hover", "hl_flyaway", "hold")
# Where each indirect call can go: the board core calls the HAL through
# hl_board_io_t (set in hal/cortex-m/main.c); the law flies a phase through
# its phase table (hl_law.c, PHASES).
INDIRECT = {
    **{
        f: HAL_HOOKS
        for f in ("ack", "ack_if_asked", "fault", "hl_board_init", "hl_board_poll", "hl_board_push")
    },
    "hl_law_step": PHASE_HANDLERS,
}
RESET = "hl_reset_handler"
HANDLERS = ("hl_systick_handler", "hl_uart0_rx_handler", "hang")
EXCEPTION_FRAME_B = 32 + 4  # eight words, and a word to align the stack to 8 bytes
FPU_EXCEPTION_FRAME_B = 104 + 4  # 26 words with the FPU's registers (the M4F)

_FUNC = re.compile(r"^(?P<at>[0-9a-f]+) <(?P<name>[^>]+)>:$")
_CALL = re.compile(r"\t(?P<op>b(?:l|[a-z]{2})?)(?:\.w|\.n)?\t(?P<at>[0-9a-f]+) <(?P<to>[^>+]+)>$")
_INDIRECT = re.compile(r"\t(?:blx|bx)\t(?!lr\b)\w+$")
_PUSH = re.compile(r"\t(?:push(?:\.w)?\t|stmdb(?:\.w)?\tsp!, )\{(?P<regs>[^}]*)\}")
_VPUSH = re.compile(r"\tvpush\t\{(?P<regs>[^}]*)\}")
_SUB_SP = re.compile(r"\tsub(?:\.w|w)?\tsp, (?:sp, )?#(?P<n>\d+)")
_SUB_SP_REG = re.compile(r"\tsub(?:\.w)?\tsp, (?:sp, )?r\d+")


class ImageError(FirmwareError):
    """The image cannot be analysed (not built, no binutils); str() is one line."""


@dataclass
class Function:
    frame_B: int = 0
    calls: set[str] = field(default_factory=set)
    indirect: bool = False
    dynamic: bool = False  # a frame set by a register: unbounded


@dataclass
class StackReport:
    worst_B: int  # the deepest main path, the deepest handler, the exception frame
    path: list[str]  # the deepest main path, reset handler first
    handler_path: list[str]
    exception_frame_B: int
    problems: list[str]  # recursion, unresolved indirect calls, dynamic frames


@dataclass
class MemoryReport:
    target: str
    flash_B: int
    ram_B: int  # data + bss + the stack region
    stack_region_B: int
    stack: StackReport
    flash_budget_B: int
    ram_budget_B: int
    stack_budget_B: int

    def to_dict(self) -> dict[str, object]:
        s = self.stack
        return {
            "target": self.target,
            "flash_B": self.flash_B,
            "flash_budget_B": self.flash_budget_B,
            "ram_B": self.ram_B,
            "ram_budget_B": self.ram_budget_B,
            "stack_region_B": self.stack_region_B,
            "stack_worst_B": s.worst_B,
            "stack_budget_B": self.stack_budget_B,
            "stack_path": s.path,
            "stack_handler_path": s.handler_path,
            "exception_frame_B": s.exception_frame_B,
            "problems": s.problems,
            "within_budgets": self.within_budgets(),
        }

    def within_budgets(self) -> bool:
        return (
            self.flash_B <= self.flash_budget_B
            and self.ram_B <= self.ram_budget_B
            and self.stack.worst_B <= self.stack_budget_B
            and not self.stack.problems
        )


def _tool(args: list[str]) -> str:
    try:
        done = subprocess.run(args, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise ImageError(f"{args[0]} not found (Debian: binutils-arm-none-eabi)") from None
    if done.returncode != 0:
        raise ImageError(f"{args[0]}: {(done.stderr.strip().splitlines() or ['failed'])[-1]}")
    return done.stdout


def functions(image: Path) -> dict[str, Function]:
    """Every function of the image, by name (a static function defined in
    several files: name@address): its frame, its calls, its indirect calls."""
    listing = _tool(["arm-none-eabi-objdump", "-d", "--no-show-raw-insn", str(image)])
    heads = [m for line in listing.split("\n") if (m := _FUNC.match(line))]
    names = [h["name"] for h in heads]
    key = {
        int(h["at"], 16): h["name"] if names.count(h["name"]) == 1 else f"{h['name']}@{h['at']}"
        for h in heads
    }
    out: dict[str, Function] = {}
    name, current = "", Function()
    for line in listing.split("\n"):
        if head := _FUNC.match(line):
            name = key[int(head["at"], 16)]
            current = out.setdefault(name, Function())
        elif name:
            _read_instruction(line, name, current, key)
    return out


def _read_instruction(line: str, name: str, f: Function, key: dict[int, str]) -> None:
    """Add what one disassembled instruction says to ``f`` (a branch to the
    function's own start is a loop, not a call)."""
    if m := _PUSH.search(line):
        f.frame_B += 4 * _count(m["regs"])
    elif m := _VPUSH.search(line):
        f.frame_B += (8 if "d" in m["regs"] else 4) * _count(m["regs"])
    elif m := _SUB_SP.search(line):
        f.frame_B += int(m["n"])
    elif _SUB_SP_REG.search(line):
        f.dynamic = True
    elif m := _CALL.search(line):
        to = key.get(int(m["at"], 16), m["to"])
        if m["op"] == "bl" or to != name:
            f.calls.add(to)
    elif _INDIRECT.search(line):
        f.indirect = True


def _count(regs: str) -> int:
    """Registers in an objdump list: 'r4, r5, lr' is 3, 'd8-d11' is 4."""
    n = 0
    for part in regs.split(","):
        ends = re.findall(r"\d+", part)
        n += int(ends[1]) - int(ends[0]) + 1 if "-" in part and len(ends) == 2 else 1
    return n


def worst_stack(fns: dict[str, Function], fpu: bool) -> StackReport:
    """The deepest path from the reset handler, plus the deepest handler and
    the exception frame (with the FPU's registers where the core has them)."""
    problems: list[str] = []
    depth: dict[str, tuple[int, list[str]]] = {}

    def deepest(name: str, on_path: tuple[str, ...]) -> tuple[int, list[str]]:
        if name in on_path:
            problems.append(f"recursion: {' -> '.join((*on_path, name))}")
            return 0, []
        if name in depth:
            return depth[name]
        f = fns.get(name)
        if f is None:
            problems.append(f"{name}: called but not in the image")
            return 0, [name]
        if f.dynamic:
            problems.append(f"{name}: a stack frame set at run time")
        callees = set(f.calls)
        if f.indirect:
            if name not in INDIRECT:
                problems.append(f"{name}: an indirect call INDIRECT does not resolve")
            callees |= set(INDIRECT.get(name, ()))
        best: tuple[int, list[str]] = (0, [])
        for callee in sorted(callees):
            got = deepest(callee, (*on_path, name))
            best = max(best, got, key=lambda d: d[0])
        depth[name] = (f.frame_B + best[0], [name, *best[1]])
        return depth[name]

    main_B, path = deepest(RESET, ())
    handler_B, handler_path = max((deepest(h, ()) for h in HANDLERS), key=lambda d: d[0])
    frame = FPU_EXCEPTION_FRAME_B if fpu else EXCEPTION_FRAME_B
    return StackReport(main_B + handler_B + frame, path, handler_path, frame, sorted(set(problems)))


def sections(image: Path) -> dict[str, int]:
    """Section sizes [B] from arm-none-eabi-size -A."""
    sizes = {}
    for line in _tool(["arm-none-eabi-size", "-A", "-d", str(image)]).splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0].startswith(".") and parts[1].isdigit():
            sizes[parts[0]] = int(parts[1])
    return sizes


def stack_region_B(image: Path) -> int:
    """The linker script's stack region: _stack_top - _stack_bottom."""
    symbols = {}
    for line in _tool(["arm-none-eabi-nm", str(image)]).splitlines():
        parts = line.split()
        if len(parts) == 3:
            symbols[parts[2]] = int(parts[0], 16)
    if "_stack_top" not in symbols or "_stack_bottom" not in symbols:
        raise ImageError(f"{image}: no _stack_bottom/_stack_top (not a hilander Cortex-M image)")
    return symbols["_stack_top"] - symbols["_stack_bottom"]


def memory_report(folder: Path, target: Target) -> MemoryReport:
    """The memory of ``target``'s image, built under ``folder`` (firmware_stub/)."""
    image = folder / target.image
    if target.machine is None:
        raise ImageError(f"{target.name}: a host build; memory is for the Cortex-M targets")
    if not image.is_file():
        raise ImageError(f"{image} not built: make -C {folder} {target.name}")
    size = sections(image)
    region = stack_region_B(image)
    flash = size.get(".text", 0) + size.get(".ARM.exidx", 0) + size.get(".data", 0)
    ram = size.get(".data", 0) + size.get(".bss", 0) + region
    stack = worst_stack(functions(image), fpu=target.fpu)
    return MemoryReport(
        target.name,
        flash,
        ram,
        region,
        stack,
        target.flash_budget_B,
        target.ram_budget_B,
        target.stack_budget_B,
    )


def compiler_frames(folder: Path, target: Target) -> dict[str, int]:
    """The compiler's static frame sizes (-fstack-usage), by function name:
    only the names defined once and of fixed size."""
    frames: dict[str, list[int]] = {}
    image = folder / target.image
    for su in image.parent.glob(f"{image.name}-*.su"):
        for line in su.read_text().splitlines():
            where, size, kind = line.split("\t")
            if kind == "static":
                frames.setdefault(where.rsplit(":", 1)[-1], []).append(int(size))
    return {name: sizes[0] for name, sizes in frames.items() if len(sizes) == 1}
