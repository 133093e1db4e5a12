"""The tests' layout (tests/README.md): tests/hil/ mirrors the subpackages of
hil/, and no test module imports another (what they share lives in
tests/common/ or in a conftest.py)."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
# The source tree, not the installed package: hil/testing installs as
# hilander.testing, so only the source has it under hil/.
HIL = TESTS.parent / "hil"


def _folders(root: Path) -> set[Path]:
    """The folders under ``root``, caches (``__pycache__``, ``.hypothesis``) aside."""
    relative = (p.relative_to(root) for p in root.rglob("*") if p.is_dir())
    return {p for p in relative if not any(part.startswith((".", "__")) for part in p.parts)}


def test_the_hil_tests_mirror_the_subpackages_of_hil() -> None:
    packages = {p.parent.relative_to(HIL) for p in HIL.rglob("__init__.py")}
    folders = _folders(TESTS / "hil")
    assert folders, "tests/hil/ has a folder per subpackage of hil/"
    strays = sorted(str(f) for f in folders - packages)
    assert not strays, f"no such subpackage of hil/: {strays}"
    bare = sorted(str(f) for f in folders if not (TESTS / "hil" / f / "__init__.py").exists())
    assert not bare, f"without an __init__.py (test basenames would clash): {bare}"


def imported_test_modules(path: Path) -> set[str]:
    """The test modules (``tests.…test_*``) and conftest modules that ``path``
    imports, relative imports resolved; ``from package import test_x`` counts.
    pytest gives a test its fixtures; a helper is imported from tests/common."""
    package = list(path.relative_to(TESTS.parent).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            names.update(f"{module}.{alias.name}" for alias in node.names)
    found: set[str] = set()
    for name in names:
        parts = name.split(".")
        if parts[0] != "tests":
            continue
        for i, part in enumerate(parts):
            if part.startswith("test_") or part == "conftest":
                found.add(".".join(parts[: i + 1]))
                break
    return found


def test_no_test_module_imports_another_or_a_conftest() -> None:
    imports = {
        (path.relative_to(TESTS).as_posix(), module)
        for path in sorted(TESTS.rglob("*.py"))
        for module in imported_test_modules(path)
    }
    assert not imports, f"move what they share to tests/common/ (helpers): {sorted(imports)}"
