"""A campaign's runs on disk as they finish: nothing lost on a kill.

While a campaign flies into ``--out``, each chunk of finished runs is
appended to two files and flushed at once (and fsync'd at most once a
second, and at the end):

- ``runs.csv``: the table a person reads, one line per run in the order the
  runs *finished*; when the campaign ends it is rewritten in run order
  (byte for byte the file an uninterrupted campaign writes);
- ``runs.journal.jsonl``: what ``--resume`` reads back: a first line that
  says which campaign it is (scenario, seed, runs, controller), then one JSON
  object per run, all its figures and violations. It is removed once every
  run is flown and the summary and report are written.

A ``kill -9`` loses at most the runs in flight. ``--resume`` reads the
journal up to its last whole line, rewrites ``runs.csv`` from it, and flies
the runs missing.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import numpy as np

from hilander.hil.campaign.executors import Campaign
from hilander.hil.campaign.summary import csv_columns, csv_line
from hilander.hil.report.files import OutputError, writing
from hilander.hil.report.pages import scenario_sha256

RUNS_CSV = "runs.csv"
JOURNAL = "runs.journal.jsonl"
FSYNC_PERIOD_S = 1.0
FORMAT = 1


def identity(c: Campaign) -> dict[str, Any]:
    """What makes a campaign the same one: ``--resume`` checks it."""
    return {
        "journal": FORMAT,
        "scenario": c.scenario.name,
        "source": c.scenario.source,
        "scenario_sha256": scenario_sha256(c.scenario),
        "seed": c.seed,
        "runs": c.runs,
        "controller": c.controller,
        "optimal_every": c.optimal_every,
        "check_failures": c.check_failures,
    }


def _describe(ident: dict[str, Any]) -> str:
    return (
        f"{ident.get('source')} (seed {ident.get('seed')}, {ident.get('runs')} runs, "
        f"{ident.get('controller')}, optimal every {ident.get('optimal_every')}, "
        f"failures checked {ident.get('check_failures', False)})"
    )


class RunsFile:
    """runs.csv and the journal of one campaign in ``out``, appended as runs finish."""

    def __init__(self, out: Path, campaign: Campaign) -> None:
        self.out, self.campaign = out, campaign
        self.columns = csv_columns(campaign)
        self._csv: IO[str] | None = None
        self._journal: IO[str] | None = None
        self._synced = time.monotonic()

    def start(self) -> None:
        """A new campaign: both files started afresh."""
        with writing(self.out):
            self.out.mkdir(parents=True, exist_ok=True)
            self._journal = open(self.out / JOURNAL, "w", encoding="utf-8")  # noqa: SIM115
            self._journal.write(json.dumps(identity(self.campaign)) + "\n")
            self._csv = open(self.out / RUNS_CSV, "w", encoding="utf-8", newline="")  # noqa: SIM115
            self._csv.write(self._header())
            self._flush(sync=True)

    def resume(self) -> Iterator[list[dict[str, Any]]]:
        """The runs a killed campaign had finished, a chunk at a time, from
        its journal; runs.csv is rewritten from them and both files then take
        the runs still to fly."""
        path = self.out / JOURNAL
        with writing(self.out):
            if not path.exists() and (self.out / "summary.json").exists():
                raise OutputError(f"{self.out}: the campaign there is finished: nothing to resume")
            if not path.exists():
                raise OutputError(f"{self.out}: no campaign to resume here (no {JOURNAL})")
            journal = open(path, "r+", encoding="utf-8")  # noqa: SIM115
            try:
                self._check(journal.readline())
            except OutputError:
                journal.close()
                raise
            self._journal = journal
            self._csv = open(self.out / RUNS_CSV, "w", encoding="utf-8", newline="")  # noqa: SIM115
            self._csv.write(self._header())
            yield from self._replay(journal)
            self._flush(sync=True)

    def _check(self, first: str) -> None:
        try:
            found = json.loads(first)
        except ValueError:
            found = None
        if not isinstance(found, dict) or found.get("journal") != FORMAT:
            raise OutputError(f"{self.out}: {JOURNAL} is not a hilander campaign journal")
        found = {"check_failures": False, **found}  # a journal from before the option
        if found != identity(self.campaign):
            raise OutputError(
                f"{self.out}: holds the campaign {_describe(found)}, not "
                f"{_describe(identity(self.campaign))}: not resumed"
            )

    def _replay(self, journal: IO[str]) -> Iterator[list[dict[str, Any]]]:
        """Each whole line of the journal; a torn last line is cut off."""
        good = journal.tell()
        chunk: list[dict[str, Any]] = []
        for line in iter(journal.readline, ""):
            row = _row(line, self.campaign.runs)
            if row is None:
                break
            good += len(line.encode("utf-8"))
            assert self._csv is not None
            self._csv.write(csv_line(self.columns, row))
            chunk.append(row)
            if len(chunk) >= 256:
                yield chunk
                chunk = []
        if chunk:
            yield chunk
        journal.seek(good)
        journal.truncate()

    def __call__(self, rows: list[dict[str, Any]]) -> None:
        """Append finished runs to both files, flushed."""
        assert self._csv is not None and self._journal is not None
        with writing(self.out):
            for row in rows:
                self._journal.write(json.dumps(row) + "\n")
                self._csv.write(csv_line(self.columns, row))
            self._flush(sync=time.monotonic() - self._synced >= FSYNC_PERIOD_S)

    def _flush(self, sync: bool) -> None:
        for f in (self._journal, self._csv):
            if f is not None:
                f.flush()
                if sync:
                    os.fsync(f.fileno())
        if sync:
            self._synced = time.monotonic()

    def _header(self) -> str:
        return csv_line(self.columns, dict(zip(self.columns, self.columns, strict=True)))

    def close(self) -> None:
        """Flush, fsync and close both files (the journal stays)."""
        with writing(self.out):
            self._flush(sync=True)
            for f in (self._journal, self._csv):
                if f is not None:
                    f.close()
        self._journal = self._csv = None

    def discard(self) -> None:
        """A campaign that stopped on an error before its first run: its
        empty files are removed (the folder is as it found it)."""
        self.close()
        with writing(self.out):
            for name in (RUNS_CSV, JOURNAL):
                (self.out / name).unlink(missing_ok=True)

    def write_ordered(self) -> Path:
        """runs.csv rewritten in run order (what an uninterrupted campaign
        writes): an offset per run, then each line copied in order, so that
        memory stays flat in the number of runs."""
        self.close()
        path = self.out / RUNS_CSV
        offsets = np.full(self.campaign.runs, -1, dtype=np.int64)
        with writing(self.out), open(path, "rb") as f:
            f.readline()
            for offset, line in _lines(f):
                offsets[int(line.split(b",", 1)[0])] = offset
            tmp = path.with_name(f".{path.name}.tmp")
            with open(tmp, "wb") as ordered:
                ordered.write(self._header().encode("utf-8"))
                for offset in offsets[offsets >= 0]:
                    f.seek(int(offset))
                    ordered.write(f.readline())
                ordered.flush()
                os.fsync(ordered.fileno())
            os.replace(tmp, path)
        return path

    def finished(self) -> None:
        """Every run flown and written: the journal goes."""
        with writing(self.out):
            (self.out / JOURNAL).unlink(missing_ok=True)


def _lines(f: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    offset = f.tell()
    for line in iter(f.readline, b""):
        yield offset, line
        offset += len(line)


def _row(line: str, runs: int) -> dict[str, Any] | None:
    """A whole journal line's row, or None (torn by a kill, or not a run)."""
    if not line.endswith("\n"):
        return None
    try:
        row = json.loads(line)
    except ValueError:
        return None
    ok = isinstance(row, dict) and isinstance(row.get("run"), int) and 0 <= row["run"] < runs
    return row if ok else None
