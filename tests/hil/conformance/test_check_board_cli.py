"""`hilander check-board` as a user meets it: the table and the verdict,
--json, --case, --list, and the exit statuses (0 every case passed, 1 one
failed, 3 no board, 2 bad arguments), each error one line."""

from __future__ import annotations

import json

import pytest

from hilander.hil.cli.main import main
from hilander.hil.conformance import CASES
from hilander.hil.link.transport import PtyPair
from tests.common.broken_boards import StepsTwiceOnResend
from tests.common.quirky import serving

FEW = ("handshake", "resend", "map-whole")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["check-board", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def few(*more: str) -> list[str]:
    return [a for name in (*FEW, *more) for a in ("--case", name)]


def test_a_conforming_board_exits_0_with_a_table(
    virtual_port: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, virtual_port, *few())
    assert code == 0 and err == ""
    rows = [line.split()[0] for line in out.splitlines() if line and not line[0].isspace()]
    assert rows[1:-1] == list(FEW)  # the header, a row a case in the suite's order, the verdict
    assert "requires:" in out and "board:" in out
    assert out.splitlines()[-1].startswith("check-board: PASS (3 passed, 0 failed, 0 skipped)")


def test_json_gives_every_case_its_rule_and_outcome(
    virtual_port: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, virtual_port, "--json", *few())
    report = json.loads(out)
    assert code == 0 and report["verdict"] == "pass"
    assert report["counts"] == {"pass": 3, "fail": 0, "skip": 0}
    assert [c["name"] for c in report["cases"]] == list(FEW)
    for c in report["cases"]:
        assert {"name", "rule", "requirement", "observed", "outcome", "required"} <= set(c)
        assert c["rule"].startswith("docs/protocol.md#") and c["observed"]
    assert report["cases"][2]["required"] is False and report["cases"][2]["needs"] == "HAZARD_MAP"


def test_a_failing_case_exits_1_and_names_its_rule(capsys: pytest.CaptureFixture[str]) -> None:
    with serving(StepsTwiceOnResend) as served:
        code, out, _ = run(capsys, served.path, "--json", *few())
    report = json.loads(out)
    assert code == 1 and report["verdict"] == "fail"
    bad = [c for c in report["cases"] if c["outcome"] == "fail"]
    assert [c["name"] for c in bad] == ["resend"]
    assert bad[0]["rule"] == "docs/protocol.md#the-controller-message-by-message"
    assert "the law stepped again" in bad[0]["observed"]


def test_list_names_every_case(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--list", "--json")
    listed = json.loads(out)
    assert code == 0 and [c["name"] for c in listed] == [c.name for c in CASES]
    code, out, _ = run(capsys, "--list")
    assert code == 0 and all(c.name in out and c.rule in out for c in CASES)


def test_a_port_that_cannot_be_opened_is_bad_input(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "/dev/no-such-board")
    assert code == 2 and out == ""  # as for hilander hil
    assert err == "hilander: error: cannot open /dev/no-such-board: No such file or directory\n"


def test_a_board_that_never_answers_is_the_link_status(
    capsys: pytest.CaptureFixture[str],
) -> None:
    pty = PtyPair()  # a port with nobody behind it
    try:
        code, out, err = run(capsys, pty.path, "--timeout", "2")
    finally:
        pty.close()
    assert code == 3 and out == ""
    assert err.startswith(f"hilander: error: {pty.path}: no answer to HELLO after 3 tries")
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        ((), "give the board's URL"),
        (("x", "--case", "no-such-case"), "no such case: no-such-case"),
        (("x", "--timeout", "0.5"), "invalid --timeout '0.5': need 2 to 120"),
        (("x", "--baud", "fast"), "invalid value 'fast': need a baud rate"),
        (("x", "--bogus"), "unrecognized arguments: --bogus"),
    ],
)
def test_bad_arguments_are_one_line_and_status_2(
    argv: tuple[str, ...], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("hilander: error: ") and says in err and err.count("\n") == 1
