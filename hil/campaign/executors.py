"""Flying a campaign: N dispersed runs, serially, on local processes or on a
Dask cluster, with the same per-run results everywhere.

Runs go out in chunks (a few dozen runs a task) so that the cost of a task
is paid once per chunk; each run is a pure function of (scenario, campaign
seed, run index, controller name), so where and in which order it flies
changes nothing. Rows come back in the order their chunks finish, and the
parent keeps them by run index (``table.RunTable``), not as rows; a few
chunks a worker are in flight at a time, so that the parent's memory does
not grow with the number of runs.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import logging
import math
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from hilander.hil.board.lifeline import die_with_parent
from hilander.hil.campaign.table import RunTable
from hilander.sim.campaign import VERDICT_ERROR, fly_run
from hilander.sim.controllers import desk_factory
from hilander.sim.run import Landing
from hilander.sim.scenario import Scenario

CHUNK_MAX = 50
WINDOW = 2  # chunks submitted per worker at a time: memory flat in the runs
OPTIMAL_NODES = 40  # enough: the optimum moves < 0.1 % from 40 to 60 nodes
Progress = Callable[[list[dict[str, Any]]], None]
log = logging.getLogger(__name__)


class SchedulerError(RuntimeError):
    """The Dask scheduler cannot be used; str() is one line."""


@dataclass(frozen=True)
class Campaign:
    """What to fly: the scenario (with its dispersions), how many runs, the
    campaign seed and the controller's name."""

    scenario: Scenario
    runs: int
    seed: int
    controller: str = "compiled"
    optimal_every: int = 0  # solve the fuel optimum on every K-th run (0: never)
    check_failures: bool = False  # was each failed run flyable (the optimum to the gate)


@dataclass
class CampaignResult:
    """The runs flown (``table``: figures by column, not a row per run), how
    long it took, where, and whether Ctrl-C stopped it."""

    campaign: Campaign
    table: RunTable
    wall_time_s: float
    executor: str
    interrupted: bool = False

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The runs as rows of numbers and verdicts (built on demand)."""
        return self.table.rows()


def run_chunk(
    scenario: Scenario,
    seed: int,
    controller: str,
    runs: list[int],
    optimal_every: int = 0,
    check_failures: bool = False,
) -> list[dict[str, Any]]:
    """Fly the runs given (the task a worker process or a Dask worker runs)."""
    make = desk_factory(controller)
    label = None if make is None else controller
    asks = [_Analysis(_sampled(k, optimal_every), check_failures) for k in runs]
    return [fly_run(scenario, seed, k, make, label, ask) for k, ask in zip(runs, asks, strict=True)]


def _sampled(run: int, every: int) -> bool:
    return every > 0 and run % every == 0


@dataclass(frozen=True)
class _Analysis:
    """The fuel-optimal figures one run asks for, from its landing and verdict:
    the propellant ratio (a sampled run), the failure's check (a failed run)."""

    ratio: bool
    check_failures: bool

    def __call__(self, landing: Landing, verdict: str) -> dict[str, float]:
        out = _ratio(landing) if self.ratio else {}
        if self.check_failures and verdict != "pass":
            from hilander.hil.analysis.flyable import flyable  # noqa: PLC0415

            out.update(flyable(landing.scenario))
        return out


def _ratio(landing: Landing) -> dict[str, float]:
    """The propellant ratio to the fuel optimum (NaN if it has none)."""
    from hilander.hil.analysis.optimal import OptimalError, Options, propellant_ratio  # noqa: PLC0415

    try:
        return {"propellant_ratio": propellant_ratio(landing, Options(nodes=OPTIMAL_NODES))}
    except OptimalError:
        return {"propellant_ratio": math.nan}


def _asks(c: Campaign) -> tuple[int, bool]:
    """What a chunk's runs compute beside their flight (run_chunk's last arguments)."""
    return c.optimal_every, c.check_failures


def chunk_size(runs: int, workers: int) -> int:
    """About eight chunks per worker, at most CHUNK_MAX runs each."""
    return max(1, min(CHUNK_MAX, runs // max(1, workers * 8)))


def chunk_runs(runs: int, workers: int) -> list[list[int]]:
    """Run indices cut into chunks: about eight per worker, at most CHUNK_MAX runs each."""
    size = chunk_size(runs, workers)
    return [list(range(i, min(i + size, runs))) for i in range(0, runs, size)]


def chunks_of(todo: npt.NDArray[np.int64], workers: int) -> Iterator[list[int]]:
    """The runs left to fly cut into chunks, made one at a time."""
    size = chunk_size(len(todo), workers)
    for i in range(0, len(todo), size):
        yield [int(k) for k in todo[i : i + size]]


def fly_campaign(
    c: Campaign,
    workers: int = 1,
    scheduler: str | None = None,
    progress: Progress | None = None,
    record: Progress | None = None,
    table: RunTable | None = None,
) -> CampaignResult:
    """Fly every run not yet in ``table`` (a resumed campaign's), handing each
    chunk of finished rows to ``record`` (the runs file) and ``progress``;
    Ctrl-C stops early and keeps the runs already flown."""
    table = table if table is not None else RunTable(c)
    todo = table.missing()
    start = time.perf_counter()
    interrupted = False
    executor, results = _executor(c, workers, scheduler, todo)
    try:
        for chunk in results:
            with _ctrl_c_after():  # a chunk in the runs file is a chunk in the table
                if record is not None:
                    record(chunk)
                table.add(chunk)
            log.debug("chunk flown: %d run(s), %d in all", len(chunk), len(table))
            if progress is not None:
                progress(chunk)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        close = getattr(results, "close", None)
        if close is not None:
            close()
    return CampaignResult(c, table, time.perf_counter() - start, executor, interrupted)


def _executor(
    c: Campaign, workers: int, scheduler: str | None, todo: npt.NDArray[np.int64]
) -> tuple[str, Iterator[list[dict[str, Any]]]]:
    """Where the runs fly (its name in the summary) and their chunks as they come."""
    if scheduler is not None:
        executor, results = f"dask {scheduler}", _dask(c, scheduler, todo)
    elif workers > 1:
        executor, results = f"{workers} local processes", _processes(c, workers, todo)
    else:
        executor, results = "serial", _serial(c, todo)
    log.info("campaign: %d runs to fly on %s", len(todo), executor)
    return executor, results


@contextlib.contextmanager
def _ctrl_c_after() -> Iterator[None]:
    """A Ctrl-C that comes inside the block is raised when it ends: the runs
    file and the table (which the summary counts) take a chunk both or
    neither. Off the main thread, signals cannot be caught: no change."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    before = signal.signal(signal.SIGINT, lambda signum, _: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)
    if caught:
        raise KeyboardInterrupt


def _serial(c: Campaign, todo: npt.NDArray[np.int64]) -> Iterator[list[dict[str, Any]]]:
    for k in todo:
        # looked up each time: a test puts a cheap stand-in for the flight here
        yield run_chunk(c.scenario, c.seed, c.controller, [int(k)], *_asks(c))


def _processes(
    c: Campaign, workers: int, todo: npt.NDArray[np.int64]
) -> Iterator[list[dict[str, Any]]]:
    """The chunks on a pool of ``workers`` processes, at most WINDOW chunks
    a worker submitted at a time (a finished chunk's rows are let go once
    yielded). The workers die with this process (``die_with_parent``)."""
    context = multiprocessing.get_context("spawn")
    pool = cf.ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_worker_start,
        initargs=(os.getpid(),),
    )
    chunks = chunks_of(todo, workers)
    pending: dict[cf.Future[list[dict[str, Any]]], list[int]] = {}

    def submit(k: int) -> None:
        runs = next(chunks, None)
        if runs is None:
            return
        # the pool starts one worker a submit until it has them all
        with _born_ignoring_ctrl_c() if k < workers else contextlib.nullcontext():
            pending[_submit(pool, c, runs)] = runs

    try:
        for k in range(workers * WINDOW):
            submit(k)
        while pending:
            done, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for future in done:
                runs = pending.pop(future)
                yield _chunk_result(future, runs)
                submit(workers)
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


def _submit(pool: cf.ProcessPoolExecutor, c: Campaign, runs: list[int]) -> cf.Future[Any]:
    """The chunk submitted; on a pool already broken, a future holding why."""
    try:
        return pool.submit(run_chunk, c.scenario, c.seed, c.controller, runs, *_asks(c))
    except BrokenProcessPool as e:
        future: cf.Future[Any] = cf.Future()
        future.set_exception(e)
        return future


@contextlib.contextmanager
def _born_ignoring_ctrl_c() -> Iterator[None]:
    """Ignore SIGINT while the workers are started: an ignored signal stays
    ignored across exec, and Python then installs no handler of its own, so
    a Ctrl-C while a worker still imports finds it ignoring, not printing a
    traceback. The parent's handler is back as soon as they are started."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _worker_start(parent_pid: int) -> None:
    """A terminal's Ctrl-C reaches the workers too: they ignore it and finish
    their chunk, while the parent stops taking results and keeps what flew.
    A worker dies with its parent (a kill -9 of the campaign leaves no
    orphan; the resource tracker then sees its pipe close and exits too)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent_pid)


def _chunk_result(future: Any, runs: list[int]) -> list[dict[str, Any]]:
    """The chunk's rows, or one error row per run when the task itself died
    (a worker that crashed or was killed): recorded, never fatal."""
    try:
        return future.result()  # type: ignore[no-any-return]
    except Exception as e:  # the task died: recorded, never fatal
        message = f"task failed: {type(e).__name__}: {e}".splitlines()[0]
        return [{"run": k, "seed": None, "verdict": VERDICT_ERROR, "error": message} for k in runs]


def _dask(c: Campaign, address: str, todo: npt.NDArray[np.int64]) -> Iterator[list[dict[str, Any]]]:
    try:
        from distributed import Client, as_completed  # noqa: PLC0415 - the optional extra
    except ImportError:
        raise SchedulerError(
            "--scheduler needs Dask's distributed scheduler: pip install 'hilander[dask]'"
        ) from None
    try:
        client = Client(address, timeout="10s", set_as_default=False)  # type: ignore[no-untyped-call]
    except Exception as e:  # whatever Dask raises, one line
        message = f"{e}".splitlines()[0] if f"{e}" else type(e).__name__
        raise SchedulerError(f"cannot reach the Dask scheduler at {address}: {message}") from None
    return _dask_results(client, as_completed, c, todo)


def _dask_results(
    client: Any, as_completed: Any, c: Campaign, todo: npt.NDArray[np.int64]
) -> Iterator[list[dict[str, Any]]]:
    """The chunks on the cluster, at most WINDOW chunks a worker in flight;
    each future is released once its rows are yielded."""
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        scenario = client.scatter(c.scenario, broadcast=True)
        chunks = chunks_of(todo, workers)
        runs_of: dict[str, list[int]] = {}

        def submit() -> Any:
            runs = next(chunks, None)
            if runs is None:
                return None
            f = client.submit(
                run_chunk, scenario, c.seed, c.controller, runs, *_asks(c), pure=False
            )
            runs_of[f.key] = runs
            return f

        first = [f for f in (submit() for _ in range(workers * WINDOW)) if f is not None]
        flying = as_completed(first, loop=client.loop)
        for future in flying:
            yield _chunk_result(future, runs_of.pop(future.key))
            future.release()
            nxt = submit()
            if nxt is not None:
                flying.add(nxt)
    finally:
        client.close()
