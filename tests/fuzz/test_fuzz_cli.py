"""Fuzzing the arguments of `hilander sim`: scenario names and paths, --seed,
--run, --controller, --out, --json and stray tokens, each combination run
through the real entry point and classified (tests/common/outcomes.py).

A known finding outside this part (the CLI options' engineer's) is kept out
of the arguments drawn and named below.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.common.outcomes import PASSING, Outcome, run_forked, run_inprocess

# Found in the CLI options' part (hil/cli/args.py), not fixed here and kept out
# of the arguments drawn: `sim --out ''` writes into the current directory.

SCENARIOS = st.one_of(
    st.sampled_from(["default", "msl", "insight", "mer", "mco-units", "windy", "nope"]),
    st.sampled_from(["/dev/zero", "/dev/null", "/", ".", "..", "/etc/passwd", "x.toml", "a/b"]),
    st.text(min_size=1, max_size=30).filter(lambda t: not t.startswith("-")),
)
NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["0x10", "1e3", "nan", "inf", "-0", "", " 1", "1_000", "0b11", "٣"]),
    st.text(max_size=10),
)
CONTROLLERS = st.sampled_from(
    [
        "compiled",
        "reference",
        "nope",
        "nope:Class",
        "math:pi",
        "collections:OrderedDict",
        ":",
        "a:b:c",
        "tests.common.flaky_law:FlakyLaw",
        "",
    ]
)


@st.composite
def sim_arguments(draw: st.DrawFn, out_root: str) -> list[str]:
    argv = ["sim"]
    if draw(st.booleans()):
        argv.append(draw(SCENARIOS))
    if draw(st.booleans()):
        argv.append("--json")
    if draw(st.booleans()):
        argv += ["--seed", draw(NUMBERS)]
    if draw(st.integers(0, 3)) == 0:
        argv += ["--run", draw(NUMBERS)]
    if draw(st.integers(0, 3)) == 0:
        argv += ["--controller", draw(CONTROLLERS)]
    if draw(st.integers(0, 4)) == 0:
        name = draw(st.text(min_size=1, max_size=12).filter(lambda t: "\x00" not in t))
        argv += ["--out", str(Path(out_root) / name.replace("/", "_").lstrip("."))]
    if draw(st.integers(0, 5)) == 0:
        argv.append(draw(st.text(max_size=12)))
    return argv


def _check(outcome: Outcome, argv: list[str]) -> None:
    assert outcome.kind in PASSING, f"hilander {argv!r}: {outcome.describe()}"


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_sim_arguments_in_process(data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory(prefix="hilander-fuzz-") as tmp:
        argv = data.draw(sim_arguments(tmp))
        _check(run_inprocess(argv), argv)


@settings(max_examples=10, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_sim_arguments_in_a_forked_child(data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory(prefix="hilander-fuzz-") as tmp:
        argv = data.draw(sim_arguments(tmp))
        _check(run_forked(argv, timeout_s=120.0), argv)
