"""The figures of a board session: how late the board's commands were, when
it missed, and how far its commands were from a law's (back to back).

Drawn through hilander.hil.report.figures.plotting (the only module that imports matplotlib).
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np

from hilander.hil.analysis.backtoback import BackToBack
from hilander.hil.report.figures.plotting import finish, legend, png, pyplot
from hilander.hil.session.linkstats import LinkStats, phase_name

FLOOR = 1e-18  # a difference of exactly zero, on a log axis
WRAP_CHARS = 100  # a 9-point line across the figure


def latency(stats: LinkStats, mode: str, period_s: float) -> bytes:
    """The round trip of each step: its histogram (p50, p99 and, in real time,
    the deadline), on time and late (answers after their deadline or
    timeout, dropped); and over the flight, with the misses and timeouts."""
    us = np.asarray(stats.latencies_s) * 1e6
    late = np.asarray(stats.late_latencies_s) * 1e6
    fig, (a1, a2) = pyplot().subplots(2, 1, figsize=(9, 6), layout="constrained")
    both = np.r_[us, late]
    if len(both):
        bins = np.linspace(float(both.min()), float(both.max()) + 1.0, 61)
        a1.hist(us, bins=bins, color="C0", alpha=0.8, label="on time")
        if len(late):
            a1.hist(late, bins=bins, color="C3", alpha=0.6, label="late (dropped)")
    if len(us):
        for q, style in ((50, "--"), (99, ":")):
            a1.axvline(float(np.percentile(us, q)), color="k", ls=style, lw=1, label=f"p{q}")
    if mode == "realtime":
        a1.axvline(period_s * 1e6, color="r", lw=1.2, label="deadline (one period)")
    a1.set_xlabel("round trip, frame sent to command received [us]")
    a1.set_ylabel("steps")
    a1.set_yscale("log")
    a2.plot(stats.answer_time_s, us, ".", ms=1.5, label="round trip")
    if len(late):
        a2.plot(stats.late_time_s, late, ".", color="C3", ms=1.5, label="late answer (dropped)")
    a2.plot(stats.answer_time_s, stats.compute_us, ".", ms=1.5, label="board's own step")
    top = float(both.max()) if len(both) else 1.0
    _ticks(a2, stats.miss_time_s, top, "r", "deadline miss")
    _ticks(a2, stats.timeout_time_s, top, "darkorange", "timeout (resent)")
    a2.set_xlabel("time [s]")
    a2.set_ylabel("[us]")
    a2.set_yscale("log")
    title = (
        f"latency ({mode}): {len(us)} on time, {len(late)} late, "
        f"{stats.deadline_misses} deadline misses, {stats.timeouts} timeouts"
    )
    return finish(fig, (a1, a2), title, outside=True)


def cost(stats: LinkStats) -> bytes:
    """Each step's cost in the board's own units over the flight, coloured by
    phase, against the budget the board declares; the costliest step marked."""
    b = stats.board_instructions()
    assert b is not None, "the board counts nothing"
    c = np.maximum(np.asarray(stats.instructions, float), 1.0)  # a log axis
    t, phases = np.asarray(stats.answer_time_s), np.asarray(stats.answered_phases)
    fig, ax = pyplot().subplots(figsize=(9, 4), layout="constrained")
    for i, p in enumerate(dict.fromkeys(stats.answered_phases)):  # in flight order
        ax.plot(t[phases == p], c[phases == p], ".", ms=2, color=f"C{i % 10}", label=phase_name(p))
    if b["budget"]:
        ax.axhline(b["budget"], color="r", lw=1.2, label=f"budget {b['budget']:,}")
    where = f"costliest: step {b['max_step']} ({b['max_phase']})"
    ax.plot([b["max_time_s"]], [max(b["max"], 1.0)], "kx", ms=6, mew=2, label=where)
    ax.set_yscale("log")
    ax.set_xlabel("time [s]")
    ax.set_ylabel(f"cost of the step [{b['unit'] or 'counts'}]")
    over = "" if b["over_budget"] is None else f", {b['over_budget']} over budget"
    title = f"cost per step: p50 {b['p50']:,.0f}, max {b['max']:,.0f}{over}"
    return finish(fig, (ax,), title, legend_size=7, outside=True)


def _ticks(ax: Any, times: list[float], top: float, colour: str, label: str) -> None:
    if times:
        ax.plot(times, np.full(len(times), 1.3 * top), "|", color=colour, ms=10, label=label)


def back_to_back(tally: BackToBack, what: str) -> bytes:
    """The largest relative difference of each command field, step by step;
    where every command was identical, a note saying so (nothing to plot)."""
    t = np.asarray(tally.time_s)
    differ = {n: np.asarray(d) for n, d in tally.difference.items() if np.asarray(d).any()}
    identical = [n for n in tally.difference if n not in differ]
    title = (
        f"back to back: {tally.identical} identical, {tally.within} within "
        f"{tally.tolerance:g}, {len(t) - tally.identical - tally.within} different"
    )
    if not differ:
        return _all_identical(tally, what, title, identical)
    fig, ax = pyplot().subplots(figsize=(9, 4.2), layout="constrained")
    for name, d in differ.items():
        ax.plot(t, np.maximum(d, FLOOR), lw=0.8, label=name)
    ax.axhline(tally.tolerance, color="r", ls="--", lw=1, label="tolerance")
    ax.set_yscale("log")
    ax.set_ylim(bottom=1e-9)
    ax.set_xlabel("time [s]")
    ax.set_ylabel("relative difference")
    ax.grid(alpha=0.3)
    legend(ax, outside=True)
    same = ", ".join(identical) if identical else "none"
    ax.set_title(_wrap(f"{what}; identical at every step: {same}"), fontsize=9)
    fig.suptitle(title)
    return png(fig)


def _all_identical(tally: BackToBack, what: str, title: str, fields: list[str]) -> bytes:
    """A note in place of an empty plot: every command equal, field by field."""
    fig = pyplot().figure(figsize=(9, 2.2), layout="constrained")
    n = len(tally.time_s)
    if n:
        note = f"all {n:,} commands identical to the law's, at every step"
    else:
        note = "no command compared"
    fig.text(0.5, 0.62, note, ha="center", va="center", fontsize=13)
    detail = f"{what}; fields compared: {', '.join(fields)}"
    fig.text(0.5, 0.3, _wrap(detail), ha="center", va="center", fontsize=9, color="0.3")
    fig.suptitle(title)
    return png(fig)


def _wrap(text: str) -> str:
    return "\n".join(textwrap.wrap(text, WRAP_CHARS))
