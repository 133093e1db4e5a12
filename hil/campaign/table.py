"""The runs of a campaign in the parent, in memory flat in their number.

A finished run arrives as a row (a dict, from ``sim.campaign.fly_run``); the
table keeps only what the summary and the report read: one float64 per
figure, position and dispersed column, and a verdict code (a byte), all in
arrays indexed by run and allocated once for the campaign's ``runs``; the
count of each verdict and of each violation kind; and bounded lists, the
worst runs (``WORST_RUNS``) and the first errors (``ERRORS_LISTED``). The
rows themselves are not kept: with ``--out`` they are streamed to disk
(``hilander.hil.report.runs_file``). Rows may arrive in any order; every
reduction reads the arrays in run order, so the summary does not depend on
it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from hilander.sim.campaign import CHECK_NAMES, METRIC_NAMES, POSITION_NAMES, VERDICT_ERROR

if TYPE_CHECKING:
    from hilander.hil.campaign.executors import Campaign

WORST_RUNS = 10
ERRORS_LISTED = 20
NOT_FLOWN = 255  # the verdict code of a run not flown (yet)
Row = dict[str, Any]


@dataclass(frozen=True)
class Candidate:
    """A run that may be among the worst: what the summary lists of it."""

    severity: tuple[int, float, int]
    run: int
    seed: int
    verdict: str
    limit_use: float | None
    violations: str


def severity(row: Row) -> tuple[int, float, int]:
    """Errors first, then failures, then the runs closest to a limit."""
    rank = {VERDICT_ERROR: 0, "pass": 2}.get(row["verdict"], 1)
    use = row.get("limit_use", math.nan)
    return (rank, -math.inf if math.isnan(use) else -use, int(row["run"]))


class RunTable:
    """The runs flown so far: figures by column, verdicts, bounded lists."""

    def __init__(self, campaign: Campaign) -> None:
        self.campaign = campaign
        drawn = [name for d in campaign.scenario.dispersions for name in d.columns()]
        self.columns = (*METRIC_NAMES, *POSITION_NAMES, *CHECK_NAMES, *drawn)
        n = campaign.runs
        self._values = np.full((len(self.columns), n), np.nan)
        self._index = {name: i for i, name in enumerate(self.columns)}
        self._verdict = np.full(n, NOT_FLOWN, dtype=np.uint8)
        self._codes: dict[str, int] = {}
        self.verdicts: Counter[str] = Counter()
        self.kinds: Counter[str] = Counter()
        self.worst: list[Candidate] = []
        self.errors: list[tuple[int, str]] = []

    def __len__(self) -> int:
        return sum(self.verdicts.values())

    def add(self, rows: Iterable[Row]) -> None:
        """Take finished runs (a run already in the table is taken again)."""
        rows = list(rows)
        for row in rows:
            self._add(row)
        self.worst = sorted([*self.worst, *self._candidates(rows)], key=lambda c: c.severity)
        del self.worst[WORST_RUNS:]
        fresh = [(int(r["run"]), r.get("error", "")) for r in rows if r["verdict"] == VERDICT_ERROR]
        self.errors = sorted([*self.errors, *fresh])[:ERRORS_LISTED]

    def _add(self, row: Row) -> None:
        k = int(row["run"])
        if self._verdict[k] != NOT_FLOWN:
            raise ValueError(f"run {k} is in the table twice")
        verdict = str(row["verdict"])
        code = self._codes.setdefault(verdict, len(self._codes))
        if code >= NOT_FLOWN:
            raise ValueError(f"more than {NOT_FLOWN} kinds of verdict")
        self._verdict[k] = code
        self.verdicts[verdict] += 1
        self.kinds.update(set(row.get("violation_kinds", ())))
        for name, value in row.items():
            i = self._index.get(name)
            if i is not None and value is not None:
                self._values[i, k] = float(value)

    def _candidates(self, rows: list[Row]) -> Iterator[Candidate]:
        for r in sorted(rows, key=severity)[:WORST_RUNS]:
            use = r.get("limit_use")
            yield Candidate(
                severity(r),
                int(r["run"]),
                r["seed"],
                r["verdict"],
                None if use is None or math.isnan(use) else round(float(use), 4),
                r.get("violations") or r.get("error", ""),
            )

    def flown(self) -> npt.NDArray[np.bool_]:
        """Which runs are in the table, by run index."""
        return self._verdict != NOT_FLOWN  # type: ignore[no-any-return]

    def missing(self) -> npt.NDArray[np.int64]:
        """The run indices not flown yet, in order."""
        return np.flatnonzero(~self.flown()).astype(np.int64)

    def _code(self, verdict: str) -> int:
        return self._codes.get(verdict, -1)

    def passed(self) -> npt.NDArray[np.bool_]:
        """For each run flown, in run order: did it pass."""
        v = self._verdict[self.flown()]
        return v == self._code("pass")  # type: ignore[no-any-return]

    def landed(self) -> npt.NDArray[np.bool_]:
        """For each run flown, in run order: did it fly (not raise)."""
        v = self._verdict[self.flown()]
        return v != self._code(VERDICT_ERROR)  # type: ignore[no-any-return]

    def column(self, name: str) -> npt.NDArray[np.float64]:
        """A column over the runs flown, in run order (NaN where a run has none)."""
        i = self._index.get(name)
        if i is None:
            return np.full(int(self.flown().sum()), np.nan)
        return self._values[i, self.flown()]  # type: ignore[no-any-return]

    def rows(self) -> list[Row]:
        """The runs flown as rows of numbers and verdicts, in run order (for a
        test or a notebook; the campaign itself never builds them)."""
        names = {code: verdict for verdict, code in self._codes.items()}
        flown = np.flatnonzero(self.flown())
        values = self._values[:, flown]
        return [
            {
                "run": int(k),
                "verdict": names[int(self._verdict[k])],
                **{name: float(values[i, j]) for i, name in enumerate(self.columns)},
            }
            for j, k in enumerate(flown)
        ]

    def nbytes(self) -> int:
        """The bytes of the arrays (the numbers themselves)."""
        return int(self._values.nbytes + self._verdict.nbytes)
