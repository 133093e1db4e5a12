"""The runner of the docs' commands (tests/common/doccommands.py says what
is run and what is declared): a block's folder, the files the docs assume
(GIVEN), its servers, each command run and checked."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from tests.common.doccommands import (
    ROOT,
    SERVERS,
    VENV_BIN,
    Block,
    Command,
    default_service,
    expected_status,
    fences,
    promised_files,
    rewrite,
    runnable,
)

COMMAND_TIMEOUT_S = 900.0
SERVER_START_TIMEOUT_S = 240.0


def _doc_block(doc: str, first: str) -> str:
    """The fenced block of ``doc`` whose first line starts with ``first``."""
    for _, _, lines in fences((ROOT / doc).read_text(encoding="utf-8")):
        if lines and lines[0].startswith(first):
            return "\n".join(lines) + "\n"
    raise AssertionError(f"{doc} shows no block starting {first!r} (doccommands.GIVEN)")


def _away(run: BlockRun) -> None:
    text = _doc_block("docs/quickstart.md", 'name = "away"')
    if any("got [40.0, -100.0]" in line for c in run.block.commands for line in c.output):
        text = re.sub(r"velocity_mps = .*", "velocity_mps = [40.0, -100.0]", text)
    run.write("away.toml", text)


def _my(run: BlockRun) -> None:
    away = _doc_block("docs/quickstart.md", 'name = "away"').replace('"away"', '"my"')
    run.write("my.toml", away + "\n" + _doc_block("docs/campaigns.md", "[dispersions.initial"))


def _suite(name: str) -> Callable[[BlockRun], None]:
    def make(run: BlockRun) -> None:
        run.write(name, _doc_block("docs/campaigns.md", "# ci/landing-suite.toml"))
        run.write("ci/scenarios/away.toml", _doc_block("docs/quickstart.md", 'name = "away"'))

    return make


def _mypkg(run: BlockRun) -> None:
    run.write("mypkg/__init__.py", "")
    run.write("mypkg/law.py", "from hilander.controller.law import CompiledLaw as MyLaw\n\n")


TOO_STRICT = """

def test_too_strict(lander: Lander) -> None:
    flight = lander.fly("default", seed=2)
    assert flight.touchdown is not None and flight.touchdown.vertical_speed_mps < 0.5
"""


def _landing_tests(run: BlockRun) -> None:
    text = (ROOT / "docs" / "examples" / "test_landing.py").read_text(encoding="utf-8")
    shown = "\n".join(line for c in run.block.commands for line in c.output)
    run.write("test_landing.py", text + (TOO_STRICT if "test_too_strict" in shown else ""))


def _recording(run: BlockRun) -> None:
    run.shell(run.resolve("hilander hil --port {port} --record landing.hlr"), 0)


def _flight(run: BlockRun) -> None:
    run.shell("hilander sim --out flight/", 0)


class Given(NamedTuple):
    wanted: str  # made when a command matches this and ``path`` is not there
    path: str
    make: Callable[[BlockRun], None]
    reason: str


GIVEN = (
    Given(
        r"\bflight/flight\.mcap",
        "flight/flight.mcap",
        _flight,
        "docs/logs.md's block before writes it: hilander sim --out flight/",
    ),
    Given(
        r"\baway\.toml",
        "away.toml",
        _away,
        "the quickstart's own scenario file (its mistake where a console shows its error)",
    ),
    Given(
        r"\bmy\.toml",
        "my.toml",
        _my,
        "a scenario of your own: the quickstart's, with the dispersions of docs/campaigns.md",
    ),
    Given(
        r"ci/suite\.toml",
        "ci/suite.toml",
        _suite("ci/suite.toml"),
        "the suite of docs/campaigns.md (ci/landing-suite.toml) under the README's name",
    ),
    Given(
        r"ci/landing-suite\.toml",
        "ci/landing-suite.toml",
        _suite("ci/landing-suite.toml"),
        "the suite docs/campaigns.md shows",
    ),
    Given(
        r"\bmypkg\.law\b",
        "mypkg/law.py",
        _mypkg,
        "your own law: the compiled law's Python facade, named MyLaw (it lands)",
    ),
    Given(
        r"^pytest\b",
        "test_landing.py",
        _landing_tests,
        "your repository's landing tests: "
        "docs/examples/test_landing.py (and test_too_strict where a console shows it fail)",
    ),
    Given(
        r"\blanding\.hlr\b",
        "landing.hlr",
        _recording,
        "a recording: the quickstart's "
        "hilander hil --record landing.hlr, against the block's board",
    ),
)

SOURCE_TREE = r"(?<![\w/])(?:tests|benchmarks|docs|firmware_stub)/|\.venv/|hilander\.hil\.gen"
NOT_LINKED = {".git", "build", "docs", "firmware_stub", "hilander.egg-info"}


def prepare(folder: Path, block: Block) -> None:
    """A folder for the block: empty, or like the clone where it names the source tree."""
    folder.mkdir(parents=True)
    if not any(re.search(SOURCE_TREE, c.text) for c in block.commands):
        return
    for entry in ROOT.iterdir():
        if entry.name not in NOT_LINKED and not entry.name.endswith("_cache"):
            (folder / entry.name).symlink_to(VENV_BIN.parent if entry.name == ".venv" else entry)
    shutil.copytree(ROOT / "docs", folder / "docs")
    shutil.copytree(ROOT / "firmware_stub" / "core", folder / "firmware_stub" / "core")


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    return {**env, "PATH": f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"}


def tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.splitlines()[-lines:])


@dataclass
class BlockRun:
    """One block's commands, run in order in ``folder``; close() stops its servers."""

    block: Block
    folder: Path
    logs: Path
    bound: dict[str, str] = field(default_factory=dict)
    servers: list[tuple[str, subprocess.Popen[bytes]]] = field(default_factory=list)
    ran: list[str] = field(default_factory=list)

    def write(self, name: str, text: str) -> None:
        (self.folder / name).parent.mkdir(parents=True, exist_ok=True)
        (self.folder / name).write_text(text, encoding="utf-8")

    def resolve(self, text: str) -> str:
        for name in ("port", "scheduler"):
            if "{" + name + "}" in text:
                if name not in self.bound:
                    self.start(default_service(name, self.block.doc))
                text = text.replace("{" + name + "}", self.bound[name])
        return text

    def run(self, command: Command) -> None:
        text = self.resolve(rewrite(command.text))
        for given in GIVEN:
            if re.search(given.wanted, text) and not (self.folder / given.path).exists():
                given.make(self)
        if any(re.search(s.pattern, text) for s in SERVERS):
            self.start(text.removesuffix("&").strip())
            return
        where = f"{self.block.doc}:{command.line}: {text}"
        stderr = self.shell(text, expected_status(command), where)
        for line in (o for o in command.output if o.startswith("hilander: error:")):
            assert line in stderr.splitlines(), f"{where}\nnot on stderr: {line}\n{stderr}"
        missing = [f for f in promised_files(command, text) if not (self.folder / f).exists()]
        assert not missing, f"{where}\ndid not write {missing}; wrote {self._written(missing)}"

    def _written(self, missing: list[str]) -> list[str]:
        """Up to ten files under the folders where ``missing`` files should be."""
        tops = {self.folder / Path(m).parts[0] for m in missing}
        found = sorted(p for top in tops if top.is_dir() for p in top.rglob("*") if p.is_file())
        return [p.relative_to(self.folder).as_posix() for p in found[:10]]

    def shell(self, text: str, expected: int, where: str = "") -> str:
        """Run ``text`` in the block's folder; its stderr. Fails unless ``expected``."""
        self.ran.append(text)
        proc = subprocess.Popen(
            ["bash", "-o", "pipefail", "-c", text],
            cwd=self.folder,
            env=environment(),
            start_new_session=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            out, err = proc.communicate(timeout=COMMAND_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
        assert proc.returncode == expected, (
            f"{where or text}\nexit {proc.returncode}, expected {expected}\n"
            f"stdout: {tail(out)}\nstderr: {tail(err)}"
        )
        return err

    def start(self, text: str) -> None:
        """Start a server; wait until it serves; bind its address. One whose output
        the docs send to a file (``> F &``) is waited for by the docs' own lines."""
        dask = SERVERS[2]  # the LocalCluster of default_service() says what a scheduler says
        server = next((s for s in SERVERS if re.search(s.pattern, text)), dask)
        self.ran.append(f"{text} &")
        log = self.logs / f"server-{len(self.servers)}.log"
        self.logs.mkdir(exist_ok=True)
        with log.open("wb") as sink:
            proc = subprocess.Popen(
                ["bash", "-c", f"exec {text}"],
                cwd=self.folder,
                env=environment(),
                start_new_session=True,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        self.servers.append((text, proc))
        if re.search(r"(?<![<>&\d])>\s*\S", text):
            return
        m = _wait_for(server.ready, log, proc)
        assert m is not None, f"{self.block.doc}: {text}: did not serve\n{tail(log.read_text())}"
        if server.binds:
            self.bound[server.binds] = m.group(1)

    def close(self) -> None:
        """Stop the servers (Ctrl-C, as the docs say), last first."""
        for _, proc in reversed(self.servers):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def _wait_for(pattern: str, log: Path, proc: subprocess.Popen[bytes]) -> re.Match[str] | None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        m = re.search(pattern, log.read_text(errors="replace"))
        if m or proc.poll() is not None:
            return m
        time.sleep(0.05)
    return None


def run_block(block: Block, tmp: Path) -> list[str]:
    """Run a block's commands (those not in NOT_RUN), each even after one failed;
    the commands as run. Fails with every command that failed."""
    run = BlockRun(block, tmp / "work", tmp / "logs")
    prepare(run.folder, block)
    failed = []
    try:
        for command in runnable(block):
            try:
                run.run(command)
            except AssertionError as e:
                failed.append(str(e))
    finally:
        run.close()
    assert not failed, f"{len(failed)} command(s) failed:\n\n" + "\n\n".join(failed)
    return run.ran
