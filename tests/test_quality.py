"""The codebase's own checks, run with the tests so that CI enforces them:
ruff, mypy, the layering (import-linter for Python, a scan for cimports),
cython-lint, and the size of modules (the firmware's C too) and functions."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("controller", "sim", "hil")
# import name under hilander ("": hilander itself) -> source folder (pyproject's package-dir)
SOURCES = {
    "": "hil/top",
    "controller": "controller",
    "sim": "sim",
    "hil": "hil",
    "testing": "hil/testing",
}
NESTED = ("testing", "top")  # folders in hil/ that are packages of their own, not in hilander.hil
PYTHON_DIRS = [*PACKAGES, "tests", "benchmarks", "docs/examples", "setup.py"]
MODULE_LINES_MAX = 400
FUNCTION_LINES_MAX = 40


def tool(name: str) -> str:
    """The tool installed beside this Python (the [test] extra), else on PATH."""
    here = Path(sys.executable).parent / name
    found = str(here) if here.exists() else shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: pip install '.[test]'")
    return found


def check(args: list[str], **env: str) -> None:
    environ = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        **env,
    }
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, env=environ, check=False)
    assert done.returncode == 0, f"{' '.join(args)}\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="session")
def package_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """hilander/{__init__.py,controller,sim,hil,testing} as links to the source folders."""
    tree = tmp_path_factory.mktemp("tree")
    (tree / "hilander").mkdir()
    for name, folder in SOURCES.items():
        for p in package_files(ROOT / folder):
            link = tree / "hilander" / name / p.relative_to(ROOT / folder)
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(p)
    return tree


def package_files(folder: Path) -> list[Path]:
    """The files of a package and its subpackages; hil/testing is hilander.testing
    and hil/top is hilander, not subpackages of hilander.hil."""
    found = []
    for p in sorted(folder.rglob("*")):
        inside = p.relative_to(folder).parts
        if p.is_file() and "__pycache__" not in inside and inside[0] not in NESTED:
            found.append(p)
    return found if folder.name not in NESTED else sorted(folder.glob("*.*"))


def test_ruff_lint() -> None:
    check([tool("ruff"), "check", *PYTHON_DIRS])


def test_ruff_format() -> None:
    check([tool("ruff"), "format", "--check", *PYTHON_DIRS])


def test_mypy(package_tree: Path) -> None:
    args = [
        tool("mypy"),
        "--config-file",
        str(ROOT / "pyproject.toml"),
        "--cache-dir",
        str(package_tree / ".mypy_cache"),
    ]
    check([*args, "-p", "hilander"], MYPYPATH=str(package_tree))  # and its subpackages


def test_python_layers_hold(package_tree: Path) -> None:
    check(
        [tool("lint-imports"), str(ROOT / "pyproject.toml"), "--no-cache"],
        PYTHONPATH=str(package_tree),
    )


@pytest.mark.parametrize(
    "module",
    [
        "hilander.hil.wire",
        "hilander.controller.config",
        "hilander.controller.reference",
        "hilander.controller",
    ],
)
def test_the_codec_and_the_oracle_never_load_the_compiled_law(module: str) -> None:
    """Import-linter sees Python imports; this sees what is loaded. The wire
    codec and the pure-Python reference law are checked against the compiled
    law, so they must not run on it."""
    code = (
        f"import sys, {module}; "
        "print(sorted(m for m in sys.modules if m.startswith('hilander.') "
        "and m.rsplit('.', 1)[-1].startswith('_')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "[]", f"{module} loads {done.stdout.strip()}"


def cython_files() -> list[Path]:
    return sorted(
        p for name in PACKAGES for ext in ("pyx", "pxd") for p in (ROOT / name).rglob(f"*.{ext}")
    )


def test_cython_lint() -> None:
    check([tool("cython-lint"), "--max-line-length", "100", *map(str, cython_files())])


def test_cython_layers_hold() -> None:
    """controller cimports nothing above it; sim nothing from hil."""
    below = {"controller": ("controller",), "sim": ("controller", "sim"), "hil": PACKAGES}
    for path in cython_files():
        allowed = below[path.parent.name]
        for used in re.findall(r"(?:from|cimport)\s+hilander\.(\w+)", path.read_text()):
            assert used in allowed, f"{path.relative_to(ROOT)} reaches up into hilander.{used}"


def source_files() -> list[Path]:
    return sorted(
        p
        for folder in SOURCES.values()
        for p in package_files(ROOT / folder)
        if p.suffix in (".py", ".pyx", ".pxd")
    )


FIRMWARE = ROOT / "firmware_stub"
# Generated by `python -m hilander.hil.gen.cmessages` from the wire protocol's
# definitions (a test holds them to it), not written by hand: not held to the size.
GENERATED_C = ("core/hl_messages.c", "core/hl_messages.h")


def c_files() -> list[Path]:
    """The firmware's C sources and headers, the generated ones aside."""
    return sorted(
        p
        for folder in ("core", "hal", "test", "fuzz")
        for ext in ("c", "h")
        for p in (FIRMWARE / folder).rglob(f"*.{ext}")
        if p.relative_to(FIRMWARE).as_posix() not in GENERATED_C
    )


def test_the_firmware_has_c_sources_to_size() -> None:
    found = {p.relative_to(FIRMWARE).as_posix() for p in c_files()}
    assert {"core/hl_law.c", "hal/host/main.c", "test/hl_test_api.c"} <= found
    assert (FIRMWARE / GENERATED_C[0]).exists()  # the exclusion still names a file


@pytest.mark.parametrize(
    "path", source_files() + c_files(), ids=lambda p: p.relative_to(ROOT).as_posix()
)
def test_module_size(path: Path) -> None:
    lines = len(path.read_text().splitlines())
    assert lines <= MODULE_LINES_MAX, f"{path.name}: {lines} lines"


def python_functions(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text())
    return [
        (node.name, (node.end_lineno or node.lineno) - node.lineno + 1)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
    ]


def cython_functions(path: Path) -> list[tuple[str, int]]:
    """(name, lines) of each def/cdef function, by indentation."""
    lines = path.read_text().splitlines()
    found = []
    for i, line in enumerate(lines):
        m = re.match(r"^(\s*)(?:cdef|cpdef|def)\s+(?:[\w\[\]*, ]+\s+)?(\w+)\(", line)
        if not m or "cdef class" in line:
            continue
        end, indent = i + 1, len(m.group(1))
        while end < len(lines) and (
            not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent
        ):
            end += 1
        while not lines[end - 1].strip():
            end -= 1
        found.append((m.group(2), end - i))
    return found


@pytest.mark.parametrize("path", source_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_function_size(path: Path) -> None:
    functions = python_functions(path) if path.suffix == ".py" else cython_functions(path)
    long = [(name, n) for name, n in functions if n > FUNCTION_LINES_MAX]
    assert not long, f"{path.name}: functions over {FUNCTION_LINES_MAX} lines: {long}"


def _imports(path: Path) -> set[str]:
    """The top-level names of the modules a Python file imports."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_plotting_module_imports_matplotlib() -> None:
    importers = [
        p.relative_to(ROOT).as_posix()
        for p in source_files()
        if p.suffix == ".py" and "matplotlib" in _imports(p)
    ]
    assert importers == ["hil/report/figures/plotting.py"]
