"""The plugin's settings: each a command-line option and an ini option (the
command line wins), checked before any test, one line for a bad value or a
contradiction; and the trap of ``--hil-port PATH`` written with a space."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hilander.hil.board.start import BOARDS
from hilander.hil.board.targets import EMULATED, TARGETS
from hilander.hil.link.transport import DEFAULT_BAUD
from hilander.testing import options

PROBE = """
import json

def test_probe(lander):
    o = lander.options
    seen = {"port": lander.port, "baud": lander.baud, "mode": o.mode.name.lower(),
            "timeout_s": o.timeout_s, "retries": o.retries}
    with open("seen.json", "w") as f:
        json.dump(seen, f)
"""

DEFAULTS = {"port": None, "baud": 921600, "mode": "lockstep", "timeout_s": 0.25, "retries": 3}
GIVEN = {"port": "loop://", "baud": 115200, "mode": "realtime", "timeout_s": 1.5, "retries": 5}
FLAGS = [f"--hil-{k.replace('_s', '').replace('_', '-')}={v}" for k, v in GIVEN.items()]
INI = "\n".join(f'hil_{k.replace("_s", "")} = "{v}"' for k, v in GIVEN.items())


def seen(pytester: pytest.Pytester, *args: str) -> dict[str, object]:
    pytester.makepyfile(PROBE)
    result = pytester.runpytest("-p", "no:cacheprovider", *args)
    result.assert_outcomes(passed=1)
    return dict(json.loads((pytester.path / "seen.json").read_text()))


def test_the_defaults_are_the_command_lines(pytester: pytest.Pytester) -> None:
    assert seen(pytester) == DEFAULTS
    assert options.BAUD == DEFAULT_BAUD
    assert set(options.BOARDS) == set(BOARDS) == {*TARGETS, "virtual"}
    assert set(options.EMULATED) == set(EMULATED)


def test_each_option_on_the_command_line(pytester: pytest.Pytester) -> None:
    assert seen(pytester, *FLAGS) == GIVEN


def test_each_option_in_the_ini_file(pytester: pytest.Pytester) -> None:
    pytester.makepyprojecttoml(f"[tool.pytest.ini_options]\n{INI}\n")
    assert seen(pytester) == GIVEN


def test_the_command_line_wins_over_the_ini_file(pytester: pytest.Pytester) -> None:
    pytester.makepyprojecttoml(f"[tool.pytest.ini_options]\n{INI}\n")
    assert seen(pytester, "--hil-timeout=0.5", "--hil-mode=lockstep")["timeout_s"] == 0.5
    assert json.loads((pytester.path / "seen.json").read_text())["mode"] == "lockstep"


@pytest.mark.parametrize(
    ("header", "args"),
    [
        ("hilander: landings on the desk", []),
        ("hilander: landings on the desk, law reference", ["--hil-controller=reference"]),
        (
            "hilander: landings on the qemu board (started for the session), lockstep, "
            "timeout 2 s, 3 retries",
            ["--hil-board=qemu"],
        ),
        (
            "hilander: landings on the host board (started for the session), realtime, "
            "timeout 0.25 s, 3 retries",
            ["--hil-board=host", "--hil-mode=realtime"],
        ),
        (
            "hilander: landings on the board at loop://, lockstep, timeout 1 s, 0 retries",
            ["--hil-port=loop://", "--hil-timeout=1", "--hil-retries=0"],
        ),
    ],
)
def test_the_session_header_says_where_it_flies(
    pytester: pytest.Pytester, header: str, args: list[str]
) -> None:
    result = pytester.runpytest("-p", "no:cacheprovider", "--co", *args)
    result.stdout.fnmatch_lines([header])


BAD = [
    (["--hil-timeout=abc"], "--hil-timeout abc: seconds from 0.001 to 60"),
    (["--hil-timeout=0"], "--hil-timeout 0: seconds from 0.001 to 60"),
    (["--hil-retries=many"], "--hil-retries many: an integer from 0 to 100"),
    (["--hil-baud=-9600"], "--hil-baud -9600: an integer from 1 to 100000000"),
    (["--hil-mode=fast"], "--hil-mode fast: one of lockstep, realtime"),
    (
        ["--hil-board=arduino"],
        "--hil-board arduino: one of host, host-asan, qemu, qemu-m4f, virtual",
    ),
    (
        ["--hil-port=loop://", "--hil-board=virtual"],
        "--hil-port loop:// and --hil-board virtual: give one, the board at a port or the "
        "board the plugin starts",
    ),
    (
        ["--hil-port=loop://", "--hil-controller=reference"],
        "--hil-controller reference: the law flies on the desk or on --hil-board virtual, "
        "but --hil-port loop:// flies the board's own firmware: give one",
    ),
    (["--hil-controller=nomodule:Law"], "--hil-controller nomodule:Law: *"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "line"), BAD)
def test_a_bad_option_stops_the_session_with_one_line(
    pytester: pytest.Pytester, args: list[str], line: str
) -> None:
    pytester.makepyfile(PROBE)
    result = pytester.runpytest("-p", "no:cacheprovider", *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: {line}"])
    assert not (pytester.path / "seen.json").exists()


@pytest.mark.parametrize(
    ("ini", "line"),
    [
        ('hil_retries = "-1"', "ini option hil_retries = -1: an integer from 0 to 100"),
        (
            'hil_board = "host"\nhil_controller = "reference"',
            "ini option hil_controller = reference: the law flies on the desk or on "
            "--hil-board virtual, but ini option hil_board = host flies the board's own "
            "firmware: give one",
        ),
    ],
)
def test_a_bad_ini_option_stops_the_session_with_one_line(
    pytester: pytest.Pytester, ini: str, line: str
) -> None:
    pytester.makepyprojecttoml(f"[tool.pytest.ini_options]\n{ini}\n")
    result = pytester.runpytest("-p", "no:cacheprovider", "--co")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: {line}"])


def test_a_port_or_board_on_the_command_line_overrides_the_other_in_the_ini_file(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyprojecttoml('[tool.pytest.ini_options]\nhil_board = "virtual"\n')
    assert seen(pytester, "--hil-port=loop://")["port"] == "loop://"
    pytester.makepyprojecttoml('[tool.pytest.ini_options]\nhil_port = "loop://"\n')
    header = pytester.runpytest("-p", "no:cacheprovider", "--co", "--hil-board=virtual")
    header.stdout.fnmatch_lines(["hilander: landings on the virtual board (started *"])


def test_a_port_and_a_board_both_in_the_ini_file_contradict(pytester: pytest.Pytester) -> None:
    pytester.makepyprojecttoml(
        '[tool.pytest.ini_options]\nhil_port = "loop://"\nhil_board = "virtual"\n'
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "--co")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: ini option hil_port = loop:// and ini option hil_board = virtual: give one, "
            "the board at a port or the board the plugin starts"
        ]
    )


# A project whose configuration matters: its tests are check_*.py files.
PROJECT = '[tool.pytest.ini_options]\npython_files = ["check_*.py"]\n'


@pytest.fixture
def project(pytester: pytest.Pytester, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A user's project, and a path outside it that exists, as a port."""
    pytester.makepyprojecttoml(PROJECT)
    given = 'assert pytestconfig.getoption("--hil-port") or pytestconfig.getini("hil_port")'
    pytester.makepyfile(check_port=f"def test_port(pytestconfig):\n    {given}\n")
    port = tmp_path_factory.mktemp("dev") / "ttyACM0"
    port.touch()
    return port


def test_the_port_with_a_space_stops_the_session_it_would_misconfigure(
    pytester: pytest.Pytester, project: Path
) -> None:
    """``--hil-port PATH``: pytest reads PATH as a test path when it looks for
    the project's root and configuration (before plugins add options); the
    rootdir it derives holds the port, not the project, and check_*.py would
    not be collected. One line says so, and how to write it."""
    result = pytester.runpytest("-p", "no:cacheprovider", "--hil-port", str(project))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    rootdir = project.parent.parent  # the common folder of the port and the project
    assert pytester.path.is_relative_to(rootdir) and rootdir != pytester.path
    result.stderr.fnmatch_lines(
        [
            f"ERROR: --hil-port {project}: pytest took {project} for a test path and looked "
            f"for the project's configuration from it (rootdir {rootdir}, no configuration "
            f"file); write --hil-port={project}, or set hil_port in the project's pytest "
            "configuration"
        ]
    )


def test_a_report_folder_with_a_space_stops_the_session_it_would_misconfigure(
    pytester: pytest.Pytester, project: Path
) -> None:
    """The same trap for every option with a value: ``--hil-report DIR``, an
    existing folder outside the project."""
    folder = project.parent
    result = pytester.runpytest("-p", "no:cacheprovider", "--hil-report", str(folder))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            f"ERROR: --hil-report {folder}: pytest took {folder} for a test path and looked "
            f"for the project's configuration from it (rootdir {folder.parent}, no "
            f"configuration file); write --hil-report={folder}, or set hil_report in the "
            "project's pytest configuration"
        ]
    )


def test_a_report_folder_in_the_project_with_a_space_keeps_its_configuration(
    pytester: pytest.Pytester, project: Path
) -> None:
    """A folder below the one pytest runs in: pytest found the project's
    configuration from it, nothing to stop (the second run of the same
    ``--hil-report reports``)."""
    (pytester.path / "reports").mkdir()
    desk = "def test_desk(lander):\n    assert lander.port is None\n"
    pytester.makepyfile(check_port=desk)
    (pytester.mkpydir("sub") / "check_sub.py").write_text(desk)
    runs = ((pytester.path, "reports", 2), (pytester.path / "sub", "../reports", 1))
    for here, reports, collected in runs:
        with pytest.MonkeyPatch.context() as mp:
            mp.chdir(here)
            result = pytester.runpytest("-p", "no:cacheprovider", "--hil-report", reports)
        result.assert_outcomes(passed=collected)  # check_*.py: the configuration was read
        result.stdout.fnmatch_lines([f"rootdir: {pytester.path}", "configfile: pyproject.toml"])


@pytest.mark.parametrize("how", ["equals", "ini", "url with a space"])
def test_the_port_written_as_documented_keeps_the_project_configuration(
    pytester: pytest.Pytester, project: Path, how: str
) -> None:
    args = {
        "equals": [f"--hil-port={project}"],
        "ini": [],
        "url with a space": ["--hil-port", "socket://localhost:5555"],  # not a path
    }[how]
    if how == "ini":
        pytester.makepyprojecttoml(f'{PROJECT}hil_port = "{project}"\n')
    result = pytester.runpytest("-p", "no:cacheprovider", *args)
    result.assert_outcomes(passed=1)  # check_port.py collected: the configuration was read
    port = "socket://localhost:5555" if how == "url with a space" else project
    result.stdout.fnmatch_lines(
        [
            f"hilander: landings on the board at {port}, *",
            f"rootdir: {pytester.path}",
            "configfile: pyproject.toml",
        ]
    )


def test_the_docs_page_names_every_option_and_board() -> None:
    text = (Path(__file__).parents[3] / "docs" / "testing.md").read_text()
    for s in options.SETTINGS:
        assert f"| `{s.flag}={s.metavar}` | `{s.name}` |" in text, s.flag
    for board in options.BOARDS:
        assert f"| `{board}` |" in text, board


def test_the_board_law_and_report_folder_in_the_ini_file(pytester: pytest.Pytester) -> None:
    pytester.makepyprojecttoml(
        '[tool.pytest.ini_options]\nhil_controller = "reference"\nhil_report = "kept"\n'
    )
    pytester.makepyfile(
        """
        def test_reference_and_too_strict(lander):
            flight = lander.fly("default")
            assert flight.landing_summary.controller == "reference"
            assert flight.touchdown.vertical_speed_mps < 0.5
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")  # reports load matplotlib
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*assert * < 0.5*"])  # the law's assertion passed
    assert len(list((pytester.path / "kept").glob("*/flight-1-default-seed-1/scenario.toml"))) == 1
    pytester.makepyprojecttoml('[tool.pytest.ini_options]\nhil_board = "virtual"\n')
    header = pytester.runpytest("-p", "no:cacheprovider", "--co")
    header.stdout.fnmatch_lines(["hilander: landings on the virtual board (started *"])
