"""The wheel, installed in a fresh virtual environment, works without the clone.

Built once from a clean copy of the sources (`pip wheel --no-deps`), installed
with its dependencies from the package index into a new venv, and run from a
folder outside the source tree with the firmware cache in a temporary folder:
`hilander board --firmware host` builds the shipped firmware and flies, the
pytest plugin starts its board, `python -m hilander` and
`hilander.__version__` agree, and a missing compiler is one line. Slow (the
Cython build, a few minutes); run in CI.
"""

from __future__ import annotations

import fnmatch
import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
VERSION = PYPROJECT["project"]["version"]
# What the wheel is built from: what setup.py and pyproject.toml name, no build output.
TREE = ("pyproject.toml", "setup.py", "README.md", "controller", "sim", "hil", "firmware_stub")
NOT_SOURCES = ("build", "__pycache__", "*.so", "*.egg-info", ".*cache", ".hypothesis")
GENERATED = ("*.c", "*.cpp", "*.html")  # cython's output beside the .pyx; not in firmware_stub/
BUILD_TIMEOUT_S = 1800  # the Cython build and the dependencies' install on a busy machine

pytestmark = [pytest.mark.slow, pytest.mark.timeout(BUILD_TIMEOUT_S)]


def _not_sources(folder: str, names: list[str]) -> set[str]:
    patterns = NOT_SOURCES if "firmware_stub" in Path(folder).parts else NOT_SOURCES + GENERATED
    return {n for n in names if any(fnmatch.fnmatch(n, p) for p in patterns)}


def run(args: list[str | Path], cwd: Path, env: dict[str, str], timeout_s: float = 600) -> str:
    """Run a command; its stdout, or a failed test with what it said."""
    done = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout_s,
    )
    assert done.returncode == 0, f"{args}: {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without what would point Python at the clone or its venv."""
    drop = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSAFEPATH", "CC")
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("HILANDER")}
    return {**env, **extra}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """hilander's wheel, built from a clean copy of the sources."""
    src, out = tmp_path_factory.mktemp("src"), tmp_path_factory.mktemp("dist")
    for name in TREE:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=_not_sources)
        else:
            shutil.copy2(ROOT / name, src / name)
    pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", out, src]
    run(pip, src, clean_env(), BUILD_TIMEOUT_S)
    (built,) = out.glob("hilander-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin/ of a new virtual environment with the wheel installed."""
    root = tmp_path_factory.mktemp("venv")
    run([sys.executable, "-m", "venv", root], root, clean_env())
    run([root / "bin" / "python", "-m", "pip", "install", "-q", wheel], root, clean_env())
    return root / "bin"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A working folder with no clone above it."""
    folder = tmp_path / "work"
    folder.mkdir()
    assert ROOT not in folder.parents
    return folder


def shipped_firmware() -> set[str]:
    """The firmware's files the wheel should hold (pyproject's package data)."""
    globs = PYPROJECT["tool"]["setuptools"]["package-data"]["hilander.firmware_stub"]
    source = ROOT / "firmware_stub"
    return {p.relative_to(source).as_posix() for g in globs for p in source.glob(g)}


def test_the_wheel_holds_the_firmware_sources_and_one_top_package(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    prefix = "hilander/firmware_stub/"
    firmware = {n.removeprefix(prefix) for n in names if n.startswith(prefix)}
    assert firmware == shipped_firmware()
    assert {
        "Makefile",
        "core/hl_law.c",
        "hal/host/main.c",
        "hal/cortex-m/mps2_an385.ld",
    } <= firmware
    assert not [n for n in firmware if n.startswith(("build/", "fuzz/", "test/"))]
    assert names.count("hilander/__init__.py") == 1 and "hilander/__main__.py" in names
    assert not [n for n in names if "/top/" in n or n.startswith("firmware_stub/")]


def test_the_installed_host_firmware_builds_in_the_cache_and_flies(
    venv: Path, outside: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    env = clean_env(HILANDER_CACHE_DIR=str(cache), PATH=f"{venv}{os.pathsep}{os.environ['PATH']}")
    board = subprocess.Popen(
        [venv / "hilander", "board", "--firmware", "host"],
        cwd=outside,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert board.stdout is not None and board.stderr is not None
        port = board.stdout.readline().strip()
        assert port.startswith("/dev/"), board.stderr.read() if board.poll() is not None else port
        flown = json.loads(run([venv / "hilander", "hil", "--port", port, "--json"], outside, env))
        assert flown["verdict"] == "pass"
    finally:
        board.terminate()
        board.communicate(timeout=30)
    (built,) = cache.glob("firmware/*/build/host/hilander-fw")
    assert built.parents[2].name.startswith(f"{VERSION}-")


def test_python_m_hilander_and_the_version_agree(venv: Path, outside: Path) -> None:
    env = clean_env()
    said = run([venv / "python", "-m", "hilander", "--version"], outside, env)
    assert said == f"hilander {VERSION}\n" == run([venv / "hilander", "--version"], outside, env)
    code = "import hilander; print(hilander.__version__); print(hilander.__file__)"
    version, where = run([venv / "python", "-c", code], outside, env).split()
    assert version == VERSION and Path(where).is_relative_to(venv.parent)


PLUGIN_TEST = """
def test_x(lander):
    assert lander.fly("default").verdict == "pass"


def test_y(hil_board):
    assert hil_board.url
"""


def test_the_plugin_starts_the_installed_firmware(
    venv: Path, outside: Path, tmp_path: Path
) -> None:
    (outside / "test_on_board.py").write_text(PLUGIN_TEST)
    env = clean_env(HILANDER_CACHE_DIR=str(tmp_path / "cache"))
    pytest_args = ["-m", "pytest", "-q", "-p", "no:cacheprovider", "--hil-board=host"]
    said = run([venv / "python", *pytest_args, "test_on_board.py"], outside, env)
    assert "2 passed" in said


def test_a_missing_compiler_is_one_line(venv: Path, outside: Path, tmp_path: Path) -> None:
    tools = tmp_path / "tools"  # make, and no C compiler
    tools.mkdir()
    make = shutil.which("make")
    assert make is not None
    (tools / "make").symlink_to(make)
    env = clean_env(HILANDER_CACHE_DIR=str(tmp_path / "cache"), PATH=f"{venv}:{tools}")
    done = subprocess.run(
        [venv / "hilander", "board", "--firmware", "host"],
        cwd=outside,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines() == [
        "hilander: error: cannot start the host firmware: cc not found (Debian: apt install gcc)"
    ]
