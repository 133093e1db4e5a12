"""Where an installed hilander builds its firmware (hil/board/firmware.py).

The wheel ships the firmware's sources (pyproject's package data) as
hilander/firmware_stub/; an installed hilander builds a copy of them in the
user's cache, made whole or not at all, one make at a time; a source
checkout builds in its own firmware_stub/. A missing tool is one line that
names it and its Debian package. Here the installed layout is a folder of
the shipped files; tests/packaging/test_wheel.py installs the real wheel.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

from hilander.hil.board import firmware
from hilander.hil.board.targets import TARGETS
from hilander.hil.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
PACKAGE_DATA = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
    "package-data"
]["hilander.firmware_stub"]


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """The firmware's sources as the wheel ships them, where it installs them."""
    folder = tmp_path / "site-packages" / "hilander" / "firmware_stub"
    for pattern in PACKAGE_DATA:
        for source in firmware.SOURCES.glob(pattern):
            copy = folder / source.relative_to(firmware.SOURCES)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy)
    return folder


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("HILANDER_CACHE_DIR", str(folder))
    return folder


def tools_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *names: str) -> None:
    """PATH with these programs of this machine's and nothing else; no $CC."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for name in names:
        found = shutil.which(name)
        assert found is not None, f"{name} is needed for this test"
        (folder / name).symlink_to(found)
    monkeypatch.setenv("PATH", str(folder))
    monkeypatch.delenv("CC", raising=False)


@pytest.mark.parametrize("build", [*TARGETS, "check"])
def test_the_shipped_sources_are_all_each_build_needs(shipped: Path, build: str) -> None:
    """make -n: every prerequisite of the target is there (nothing is built)."""
    done = subprocess.run(
        ["make", "-n", "-C", str(shipped), build], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_an_installed_hilander_builds_in_the_cache(
    shipped: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(firmware, "SOURCES", shipped)
    folder = firmware.firmware_dir(None)
    digest = firmware.sources_digest(shipped)
    assert folder == cache / "firmware" / f"{metadata.version('hilander')}-{digest}"
    firmware.build_firmware(folder, "host")
    assert (folder / TARGETS["host"].image).is_file()
    assert not (shipped / "build").exists()  # nothing written where it is installed
    assert firmware.firmware_dir(None) == folder  # the next time: the same, already built


def test_a_source_checkout_builds_in_its_own_tree(
    shipped: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (shipped.parent / "pyproject.toml").write_text("")  # firmware_stub/ beside a pyproject
    monkeypatch.setattr(firmware, "SOURCES", shipped)
    assert firmware.firmware_dir(None) == shipped and not cache.exists()


def test_changed_sources_build_in_a_new_folder(shipped: Path, cache: Path) -> None:
    before = firmware.cached_copy(shipped)
    law = shipped / "core" / "hl_law.c"
    law.write_text(law.read_text() + "\n/* changed */\n")
    after = firmware.cached_copy(shipped)
    assert after != before and after.parent == before.parent
    assert (after / "core" / "hl_law.c").read_text() == law.read_text()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"HILANDER_CACHE_DIR": "/c/h", "XDG_CACHE_HOME": "/x"}, "/c/h"),
        ({"XDG_CACHE_HOME": "/x"}, "/x/hilander"),
        ({"XDG_CACHE_HOME": "relative"}, "HOME/.cache/hilander"),  # XDG: relative is ignored
        ({}, "HOME/.cache/hilander"),
    ],
)
def test_the_cache_folder(
    env: dict[str, str], expected: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("HILANDER_CACHE_DIR", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert firmware.cache_dir() == Path(expected.replace("HOME", str(tmp_path)))


SLOW_MAKEFILE = """\
host: build/host/hilander-fw

build/host/hilander-fw: core/main.c
\techo start >> "$$LOG"; sleep 0.2; mkdir -p $(@D); touch $@; echo end >> "$$LOG"
"""


def test_concurrent_builds_copy_once_and_make_once(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Eight builds at once (pytest workers, a campaign): one copy, one make,
    no half-made folder left behind."""
    sources = tmp_path / "firmware_stub"
    (sources / "core").mkdir(parents=True)
    (sources / "core" / "main.c").write_text("int main(void) { return 0; }\n")
    (sources / "Makefile").write_text(SLOW_MAKEFILE)
    log = tmp_path / "make.log"
    monkeypatch.setenv("LOG", str(log))
    folders: list[Path] = []

    def build() -> None:
        folder = firmware.cached_copy(sources)
        firmware.build_firmware(folder, "host")
        folders.append(folder)

    threads = [threading.Thread(target=build) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(folders) == 8 and len(set(folders)) == 1
    assert log.read_text() == "start\nend\n"
    assert [p.name for p in (cache / "firmware").iterdir()] == [folders[0].name]


def one_line(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 2
    out, err = capsys.readouterr()
    assert out == ""
    (line,) = err.splitlines()
    return line


def test_without_a_compiler_one_line_names_it_and_its_package(
    shipped: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tools_only(tmp_path, monkeypatch, "make")
    line = one_line(capsys, "board", "--firmware", "host", "--firmware-dir", str(shipped))
    assert (
        line
        == "hilander: error: cannot start the host firmware: cc not found (Debian: apt install gcc)"
    )


def test_without_make_one_line(
    shipped: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tools_only(tmp_path, monkeypatch)
    line = one_line(capsys, "board", "--firmware", "host-asan", "--firmware-dir", str(shipped))
    assert line.endswith("host-asan firmware: make not found (Debian: apt install make)")


def test_cc_names_the_compiler(
    shipped: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tools_only(tmp_path, monkeypatch, "make")
    monkeypatch.setenv("CC", "my-cc -O1")
    with pytest.raises(firmware.FirmwareError, match="my-cc not found"):
        firmware.build_firmware(shipped, "host")


def test_an_emulated_board_without_qemu_is_said_before_any_build(
    shipped: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tools_only(tmp_path, monkeypatch, "make")
    line = one_line(capsys, "board", "--firmware", "qemu-m4f", "--firmware-dir", str(shipped))
    assert line.endswith("qemu-system-arm not found (Debian: apt install qemu-system-arm)")
    assert not (shipped / "build" / "qemu-m4f").exists()


def test_without_the_cross_compiler_one_line_names_newlib_too(
    shipped: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tools_only(tmp_path, monkeypatch, "make")
    with pytest.raises(firmware.FirmwareError) as e:
        firmware.build_firmware(shipped, "qemu")
    packages = "gcc-arm-none-eabi libnewlib-arm-none-eabi"
    assert str(e.value).endswith(f"arm-none-eabi-gcc not found (Debian: apt install {packages})")


def test_an_unwritable_cache_is_one_line(
    shipped: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("")
    monkeypatch.setenv("HILANDER_CACHE_DIR", str(blocked / "cache"))
    with pytest.raises(firmware.FirmwareError, match="set HILANDER_CACHE_DIR") as e:
        firmware.cached_copy(shipped)
    assert "\n" not in str(e.value)
