"""Every command the docs show, extracted and run (tests/docs/).

What counts as a command: each line of a fenced ``sh``, ``bash``, ``shell`` or
``console`` block of README.md and docs/*.md, and of an untagged block whose
lines start with ``$ `` (a console: the ``$`` lines are commands, the others
their output) or whose first line is a command (its first word a program of
PROGRAMS, its second not ending in ``:`` as ``hilander sim: PASS`` does).
``# ...`` ends a line as a comment; a trailing ``\\`` joins the next line.

How a block runs: its commands in order, through ``bash -o pipefail``, in one
fresh folder (later lines use what earlier lines wrote), with the test venv's
``bin`` first on PATH (``hilander`` is the installed console script,
``python``, ``pytest``, ``dask`` the venv's). A folder of a block that names
the source tree (``tests/``, ``benchmarks/``, ``.venv/``, ...) links the
clone's top-level entries, ``docs/`` and ``firmware_stub/core`` copied (the
generators rewrite them). A command that serves (SERVERS) runs in the
background until the block ends; its address replaces the docs' placeholders
in the commands after it (SUBSTITUTIONS); a placeholder with no server of the
block yet starts default_service()'s. Files the docs assume (docrunner.GIVEN)
are made when a command names them and they are not there yet.

What is checked: the exit status is 0, or N when the comment says ``exit N``
unconditionally (``exit 1 when ...``, ``on ...`` or ``if ...`` names a case a
fresh run is not in) or the console shows a ``hilander: error:`` line (then 2,
and that line on stderr); the files a comment promises (``report.html``,
``runs.csv``, ...) exist, in the ``--out`` folder or where the path says;
``--record F`` and ``> F`` leave F.

What is changed or left out is declared here, each with its reason, once:
NOT_RUN, SUBSTITUTIONS, SCALED, APPENDED, SLOW, SERVERS; tests/docs/ asserts
that every command is run or declared, and that no declaration is stale.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
SHELL_LANGUAGES = ("sh", "bash", "shell", "console")


class Rule(NamedTuple):
    pattern: str  # a regular expression searched in a command's text
    text: str  # what replaces, is appended, or the cap (SCALED)
    reason: str


PROGRAMS = {
    "hilander": "the installed console script of the test venv (tests/common/console.py)",
    "python": "the test venv's python",
    "python3": "the test venv's python",
    "pytest": "the test venv's pytest, in the folder of a project with a landing test file",
    "dask": "the test venv's dask command (distributed)",
    "pip": "the test venv's pip",
    ".venv/bin/": "the test venv's bin/ (the block's folder links .venv to it)",
    "make": "make, on the source tree's firmware_stub (see SUBSTITUTIONS)",
    "qemu-system-arm": "the system's QEMU",
    "taskset": "util-linux, pinning to one core",
    "valgrind": "the system's valgrind",
    "firmware_stub/": "the source tree's scripts (see SUBSTITUTIONS)",
    "until": "bash's own loop, run as written",
}

NOT_RUN = (
    Rule(
        r"^python3 -m venv \.venv && \.venv/bin/pip install",
        "",
        "a fresh venv built from the clone (minutes, the network): .ci/run runs both set-up "
        "commands exactly as written on a clean clone; tests/hil/gen/test_docs.py holds "
        "their shape",
    ),
    Rule(
        r"\bpip install '(hilander)?\.?\[",
        "",
        "installs an extra into the environment that the other tests share; the test venv "
        "is installed with the extras",
    ),
    Rule(
        r"^valgrind --tool=callgrind",
        "",
        "Python, numpy and a landing under callgrind: minutes; a measurement, nothing to check",
    ),
)

PORT = r"/dev/ttyACM\d+|/dev/pts/(?:\d+|N)\b|socket://(?:127\.0\.0\.1|localhost):\d+"
SUBSTITUTIONS = (
    Rule(
        PORT,
        "{port}",
        "a real board's or QEMU's port: the port of a board the block started, else of "
        "default_service()'s board (the virtual board; the host firmware in firmware.md)",
    ),
    Rule(
        r"tcp://(?:HOST|\d+\.\d+\.\d+\.\d+):8786",
        "{scheduler}",
        "a Dask cluster: the scheduler the block started, else a LocalCluster's",
    ),
    Rule(
        r"make -C firmware_stub\b",
        f"make -C {ROOT}/firmware_stub",
        "make builds in the source tree, where the firmware tests build (only what changed)",
    ),
    Rule(
        r"(?<![\w/])firmware_stub/(?=fuzz/|build/)",
        f"{ROOT}/firmware_stub/",
        "the source tree's fuzzing scripts and builds, as make leaves them",
    ),
)

SCALED = (
    Rule(r"(?<!\S)(?:-n|--runs) (\d+)", "20", "a campaign's code path does not depend on its size"),
    Rule(r"--repeat (\d+)", "1", "a benchmark's repeats measure, they check nothing more"),
    Rule(r"--exchanges (\d+)", "200", "a link benchmark's exchanges: the same loop, fewer times"),
    Rule(r"--nworkers (\d+)", "2", "this machine has 2 cores"),
    Rule(r"coverage\.sh (\d+)", "1", "seconds of fuzzing: the same corpus, build and report"),
)

APPENDED = (
    Rule(
        r"bench_campaign\.py(?!.*--runs)",
        " --runs 20",
        "its default is 10,000 runs, local and on Dask (see SCALED)",
    ),
    Rule(
        r"bench_board_cost\.py(?!.*--scenario)",
        " --scenario default",
        "its default flies every built-in landing under QEMU: one shows the same table",
    ),
)

SLOW = (
    Rule(r"--mode realtime", "", "a landing in real time lasts its simulated tens of seconds"),
    Rule(r"qemu|check-board|--hil-port", "", "a board over a port: thousands of round trips"),
    Rule(r"benchmarks/|coverage\.sh|pytest .*tests/", "", "benchmarks and the suite's own tests"),
    Rule(r"campaign|baseline", "", "campaigns: dozens of landings and their reports"),
)


class Server(NamedTuple):
    pattern: str  # the command serves until stopped
    ready: str  # its output when it serves; group 1 (if any) is its address
    binds: str  # the placeholder its address fills
    reason: str


SERVERS = (
    Server(r"^hilander board\b", r"(/dev/pts/\d+)", "port", "prints its port, serves until ^C"),
    Server(r"^qemu-system-arm\b", r"redirected to (/dev/pts/\d+)", "port", "QEMU's UART"),
    Server(r"^dask scheduler\b", r"Scheduler at:\s+(tcp://\S+)", "scheduler", "a Dask scheduler"),
    Server(r"^dask worker\b", r"Starting established connection|Registered to", "", "workers"),
)
LOCAL_CLUSTER = (
    "python -c 'import signal; from distributed import LocalCluster; "
    "c = LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None); "
    'print("Scheduler at:", c.scheduler_address, flush=True); signal.pause()\''
)


def default_service(name: str, doc: str) -> str:
    """The command that serves ``name`` for a block that started none."""
    if name == "scheduler":
        return LOCAL_CLUSTER
    return (
        "hilander board --firmware host"
        if doc == "docs/firmware.md"
        else "hilander board --virtual"
    )


@dataclass(frozen=True)
class Command:
    text: str  # as shown: prompt and comment removed, continued lines joined
    comment: str
    line: int
    output: tuple[str, ...] = ()  # a console's lines under it

    @property
    def program(self) -> str:
        words = [w for w in self.text.split() if not re.match(r"[A-Z_][A-Z0-9_]*=", w)]
        return program_of(words[0]) if words else ""


@dataclass(frozen=True)
class Block:
    doc: str  # relative to the clone
    index: int  # the block's number in its file, from 0
    line: int
    commands: tuple[Command, ...]

    @property
    def id(self) -> str:
        first = re.sub(r"[^\w.-]+", "-", " ".join(self.commands[0].text.split()[:2]))
        return f"{self.doc}#{self.index}:{first}"


def doc_files() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def fences(text: str) -> Iterator[tuple[int, str, list[str]]]:
    """(line number, language, lines) of each fenced block, indented ones too."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = re.match(r"^(\s*)```(\w*)\s*$", lines[i])
        if m:
            end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == "```"), i)
            indent = len(m.group(1))
            yield i + 1, m.group(2), [line[indent:] for line in lines[i + 1 : end]]
            i = end
        i += 1


def split_comment(line: str, quote: str = "") -> tuple[str, str, str]:
    """The code and the ``#`` comment of a shell line (quotes respected), and the
    quote still open at its end (a string that goes on to the next line)."""
    for i, c in enumerate(line):
        if quote:
            quote = "" if c == quote else quote
        elif c in "'\"":
            quote = c
        elif c == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip(), line[i + 1 :].strip(), ""
    return line.rstrip(), "", quote


def commands_of(language: str, lines: list[str], first_line: int) -> tuple[Command, ...]:
    console = any(line.startswith("$ ") for line in lines)
    if not console and language not in SHELL_LANGUAGES and not _starts_with_command(lines):
        return ()
    found: list[Command] = []
    pending, quote = "", ""
    for n, raw in enumerate(lines, first_line + 1):
        if console and not raw.startswith("$ ") and not pending:
            if found:
                found[-1] = Command(**{**found[-1].__dict__, "output": (*found[-1].output, raw)})
            continue
        line = raw if quote else raw.lstrip() if pending else raw.removeprefix("$ ")
        code, comment, quote = split_comment(line, quote)
        if quote:  # a quoted string goes on: its lines as they are
            pending += code + "\n"
        elif code.endswith("\\"):
            pending += code[:-1].rstrip() + " "
        else:
            text, pending = (pending + code).strip(), ""
            found += [Command(text, comment, n)] if text else []
    return tuple(found)


def _starts_with_command(lines: list[str]) -> bool:
    words = (lines[0].split() if lines else []) + ["", ""]
    return bool(program_of(words[0])) and not words[1].endswith(":")


def program_of(word: str) -> str:
    """The entry of PROGRAMS that runs ``word`` ("" if none)."""
    return next((p for p in PROGRAMS if word == p or (p[-1] == "/" and word.startswith(p))), "")


def blocks() -> list[Block]:
    found = []
    for path in doc_files():
        doc = path.relative_to(ROOT).as_posix()
        index = 0
        for line, language, lines in fences(path.read_text(encoding="utf-8")):
            commands = commands_of(language, lines, line)
            if commands:
                found.append(Block(doc, index, line, commands))
                index += 1
    return found


def not_run(command: Command) -> Rule | None:
    return next((r for r in NOT_RUN if re.search(r.pattern, command.text)), None)


def runnable(block: Block) -> list[Command]:
    return [c for c in block.commands if not_run(c) is None]


def rewrite(text: str) -> str:
    """The command as run, placeholders ``{port}`` and ``{scheduler}`` left in."""
    for rule in SUBSTITUTIONS:
        text = re.sub(rule.pattern, rule.text, text)
    for rule in SCALED:
        text = re.sub(rule.pattern, _capped(int(rule.text)), text)
    for rule in APPENDED:
        if re.search(rule.pattern, text):
            text += rule.text
    return text


def _capped(cap: int) -> Callable[[re.Match[str]], str]:
    def number(m: re.Match[str]) -> str:
        start = m.start(1)
        return m.group(0)[: start - m.start()] + str(min(int(m.group(1)), cap))

    return number


def expected_status(command: Command) -> int:
    if any(line.startswith("hilander: error:") for line in command.output):
        return 2
    if command.program == "pytest" and any(" failed" in line for line in command.output):
        return 1
    m = re.search(r"\bexit (\d+)\b(?!\s+(?:when|on|if)\b)", command.comment)
    return int(m.group(1)) if m else 0


FILE_NAME = r"(?<![\w/.\[-])((?:[\w.-]+/)*[\w-]+\.(?:html|csv|jsonl?|toml|png|npz|mcap|xml|hlr))\b"


def promised_files(command: Command, text: str) -> list[str]:
    """The files a command says it writes: in its comment (inside its ``--out``
    folder unless a path), after ``--out``, ``--record``, ``--junitxml``, ``>``,
    and the paths its console output shows alone on a line."""
    out = re.search(r"--out[ =](\S+)", text)
    folder = out.group(1).rstrip("/") + "/" if out else ""
    files = [
        name if "/" in name else folder + name
        for name in re.findall(FILE_NAME, command.comment)
        if folder or "/" in name
    ]
    files += [line for line in command.output if re.fullmatch(FILE_NAME, line)]
    for flag in ("--out", "--record", "--junitxml", ">"):
        files += re.findall(rf"(?:^|\s){flag}[\s=]*([^\s|&;]+)", text)
    return files
