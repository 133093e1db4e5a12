"""``--hil-board NAME``: the plugin starts the board for the session (as
pytest-embedded's ``dut`` with ``--embedded-services``), the ``lander``
flies on it, ``hil_board`` gives its ``.name`` and ``.url``, and after the
session nothing of it is left: the firmware's process ended, the virtual
board's thread and pty gone. A board that cannot start: one line, each test
that needs it an error."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

from tests.common.procs import wait_gone

FLIES = """
import threading

def test_x(lander):
    flight = lander.fly("default")
    assert flight.verdict == "pass"
    assert flight.where.startswith("board at /dev/") and flight.link.frames_received > 1000

def test_y(hil_board):
    assert hil_board.url
    process = getattr(hil_board, "process", None)
    with open("board.txt", "w") as f:
        f.write(f"{hil_board.name} {hil_board.url} {process and process.pid}")
    assert hil_board.running
    if hil_board.name == "virtual":
        assert process is None and "virtual-board" in {t.name for t in threading.enumerate()}
    else:
        assert process.poll() is None
"""


def board_seen(pytester: pytest.Pytester) -> tuple[str, str, int | None]:
    name, url, pid = (pytester.path / "board.txt").read_text().split()
    return name, url, None if pid == "None" else int(pid)


def test_the_virtual_board_is_started_flown_and_stopped(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(FLIES)
    result = pytester.runpytest("-p", "no:cacheprovider", "--hil-board=virtual")
    result.assert_outcomes(passed=2)
    assert board_seen(pytester)[0] == "virtual"
    assert "virtual-board" not in {t.name for t in threading.enumerate()}  # stopped


def test_your_own_law_on_the_virtual_board(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        mylaw="""
        from hilander.controller.law import CompiledLaw

        class Law(CompiledLaw):
            def reset(self, config):
                open("reset-by-mylaw", "a").close()
                return super().reset(config)
        """
    )
    pytester.makepyfile(FLIES)
    pytester.syspathinsert()
    args = ("-p", "no:cacheprovider", "--hil-board=virtual", "--hil-controller=mylaw:Law")
    result = pytester.runpytest(*args)
    result.assert_outcomes(passed=2)
    assert (pytester.path / "reset-by-mylaw").exists()  # the board's law, over the wire


@pytest.mark.parametrize(
    "board",
    [
        pytest.param("host", id="host"),
        pytest.param("qemu", marks=pytest.mark.qemu, id="qemu"),
    ],
)
def test_the_firmware_is_started_flown_and_ended(pytester: pytest.Pytester, board: str) -> None:
    pytester.makepyfile(FLIES)
    # in a subprocess: the process that started the firmware ends, as a CI job's does
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", f"--hil-board={board}")
    result.assert_outcomes(passed=2)
    name, url, pid = board_seen(pytester)
    assert name == board and url.startswith("/dev/pts/") and pid is not None
    assert wait_gone([pid], 30.0) == set()


def test_a_board_that_cannot_start_is_one_line_per_test(
    pytester: pytest.Pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(FLIES)
    monkeypatch.setenv("PATH", str(tmp_path))  # no make, no compiler: nothing can be built
    done = pytester.run(
        sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--hil-board=host"
    )
    done.assert_outcomes(errors=2)
    errors = [line for line in done.outlines if line.startswith("--hil-board host: ")]
    assert len(errors) == 2 and "make" in errors[0]


def test_a_failed_flight_on_a_board_says_how_to_fly_it_there_again(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        def test_too_soft(lander):
            assert lander.fly("default", 7).touchdown.vertical_speed_mps < 0.5
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "--hil-board=virtual")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*- hilander: fly it again -*",
            "flight 1: default seed 7 on the board at /dev/*: pass",
            "  hilander board --virtual   # prints PORT; then, beside it:",
            "  hilander hil */flight-1-default-seed-7/scenario.toml --port PORT --timeout 0.25 "
            "--retries 3",
            "  hilander sim */flight-1-default-seed-7/scenario.toml   # the same on the desk",
            "  hilander board --virtual   # prints PORT; then, beside it:",
            "  hilander hil default --seed 7 --port PORT --timeout 0.25 --retries 3",
        ]
    )


# A firmware that says its port, then ends: at once, or at the first bytes
# the host sends it (mid-flight), with its last words on its output.
ENDS = r"""
import os, pty, sys
main, port = pty.openpty()
print(os.ttyname(port), flush=True)
if sys.argv[1] == "at-hello":
    os.read(main, 1)
print("hard fault at 0x08000a10", flush=True)
sys.exit(3)
"""

CONFTEST = """
import sys
from hilander.hil.board import start

def fake(name, make=None):
    return start.start_process(name, [sys.executable, "-c", {script!r}, {when!r}], 30.0)

start.start_board = fake  # the plugin starts this firmware as its board
"""


@pytest.mark.parametrize("when", ["at-once", "at-hello"])
def test_a_firmware_that_ends_fails_the_tests_with_its_last_words(
    pytester: pytest.Pytester, when: str
) -> None:
    pytester.makeconftest(CONFTEST.format(script=ENDS, when=when))
    pytester.makepyfile(
        """
        def test_ended(hil_board, lander):
            if hil_board.process.args[-1] == "at-once":
                hil_board.process.wait()
            lander.fly("default")

        def test_after(lander):
            lander.fly("default")
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--hil-board=host")
    result.assert_outcomes(failed=2)
    ended = "--hil-board host: the host firmware ended (exit status 3), its last lines:"
    # the FAILURES section (the short summary repeats each message whole where CI is set)
    lines = result.outlines
    failures = lines[: next(i for i, line in enumerate(lines) if "short test summary" in line)]
    assert failures.count(ended) == 2
    assert failures.count("  hard fault at 0x08000a10") == 2
    assert "Traceback" not in result.stdout.str()


def test_a_port_that_does_not_open_is_one_line_per_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(FLIES)
    result = pytester.runpytest("-p", "no:cacheprovider", "--hil-port=socket://localhost:1")
    result.assert_outcomes(errors=2)
    said = [line for line in result.outlines if line.startswith("--hil-port socket://")]
    assert len(said) == 2 and said[0].startswith("--hil-port socket://localhost:1: cannot open ")
    assert "transport.py" not in result.stdout.str()
