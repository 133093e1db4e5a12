"""Flying a campaign: N dispersed runs, serially, on local processes or on a
Dask cluster, with the same per-run results everywhere.

Runs go out in chunks (a few dozen runs a task) so that the cost of a task
is paid once per chunk; each run is a pure function of (scenario, campaign
seed, run index, controller name), so where and in which order it flies
changes nothing. Rows come back sorted by run index.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import math
import multiprocessing
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from hilander.sim.campaign import VERDICT_ERROR, fly_run
from hilander.sim.controllers import desk_factory
from hilander.sim.run import Landing
from hilander.sim.scenario import Scenario

CHUNK_MAX = 50
OPTIMAL_NODES = 40  # enough: the optimum moves < 0.1 % from 40 to 60 nodes
Progress = Callable[[list[dict[str, Any]]], None]


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


@dataclass
class CampaignResult:
    campaign: Campaign
    rows: list[dict[str, Any]]
    wall_time_s: float
    executor: str
    interrupted: bool = False


def run_chunk(
    scenario: Scenario, seed: int, controller: str, runs: list[int], optimal_every: int = 0
) -> list[dict[str, Any]]:
    """Fly the runs given (the task a worker process or a Dask worker runs)."""
    make = desk_factory(controller)
    label = None if make is None else controller
    return [
        fly_run(scenario, seed, k, make, label, _ratio if _sampled(k, optimal_every) else None)
        for k in runs
    ]


def _sampled(run: int, every: int) -> bool:
    return every > 0 and run % every == 0


def _ratio(landing: Landing) -> dict[str, float]:
    """The propellant ratio to the fuel optimum (NaN if it has none)."""
    from hilander.hil.analysis.optimal import OptimalError, Options, propellant_ratio  # noqa: PLC0415

    try:
        return {"propellant_ratio": propellant_ratio(landing, Options(nodes=OPTIMAL_NODES))}
    except OptimalError:
        return {"propellant_ratio": math.nan}


def chunk_runs(runs: int, workers: int) -> list[list[int]]:
    """Run indices cut into chunks: about eight per worker, at most CHUNK_MAX runs each."""
    size = max(1, min(CHUNK_MAX, runs // max(1, workers * 8)))
    return [list(range(i, min(i + size, runs))) for i in range(0, runs, size)]


def fly_campaign(
    c: Campaign,
    workers: int = 1,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> CampaignResult:
    """Fly every run; Ctrl-C stops early and keeps the runs already flown."""
    rows: list[dict[str, Any]] = []
    done = progress or (lambda _rows: None)
    start = time.perf_counter()
    interrupted = False
    if scheduler is not None:
        executor = f"dask {scheduler}"
        results = _dask(c, scheduler)
    elif workers > 1:
        executor = f"{workers} local processes"
        results = _processes(c, workers)
    else:
        executor = "serial"
        results = (
            run_chunk(c.scenario, c.seed, c.controller, [k], c.optimal_every) for k in range(c.runs)
        )
    try:
        for chunk in results:
            rows += chunk
            done(chunk)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        close = getattr(results, "close", None)
        if close is not None:
            close()
    rows.sort(key=lambda r: int(r["run"]))
    return CampaignResult(c, rows, time.perf_counter() - start, executor, interrupted)


def _processes(c: Campaign, workers: int) -> Iterator[list[dict[str, Any]]]:
    context = multiprocessing.get_context("spawn")
    pool = cf.ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_leave_ctrl_c_to_the_parent
    )
    chunks = chunk_runs(c.runs, workers)
    futures: dict[cf.Future[list[dict[str, Any]]], list[int]] = {}
    for k, runs in enumerate(chunks):
        # the pool starts one worker a submit until it has them all
        with _born_ignoring_ctrl_c() if k < workers else contextlib.nullcontext():
            future = pool.submit(run_chunk, c.scenario, c.seed, c.controller, runs, c.optimal_every)
        futures[future] = runs
    try:
        for future in cf.as_completed(futures):
            yield _chunk_result(future, futures[future])
    finally:
        for future in futures:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


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


def _leave_ctrl_c_to_the_parent() -> None:
    """A terminal's Ctrl-C reaches the workers too: they ignore it and finish
    their chunk, while the parent stops taking results and keeps what flew."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _chunk_result(future: Any, runs: list[int]) -> list[dict[str, Any]]:
    """The chunk's rows, or one error row per run when the task itself died
    (a worker that crashed or was killed): recorded, never fatal."""
    try:
        return future.result()  # type: ignore[no-any-return]
    except Exception as e:  # the task died: recorded, never fatal
        message = f"task failed: {type(e).__name__}: {e}".splitlines()[0]
        return [{"run": k, "seed": None, "verdict": VERDICT_ERROR, "error": message} for k in runs]


def _dask(c: Campaign, address: str) -> Iterator[list[dict[str, Any]]]:
    try:
        from distributed import Client, as_completed  # noqa: PLC0415 - the optional extra
    except ImportError:
        raise SchedulerError(
            "--scheduler needs Dask's distributed scheduler: pip install 'hilander[dask]'"
        ) from None
    try:
        client = Client(address, timeout="10s", set_as_default=False)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as e:
        raise SchedulerError(f"cannot reach the Dask scheduler at {address}: {e}") from None
    return _dask_results(client, as_completed, c)


def _dask_results(client: Any, as_completed: Any, c: Campaign) -> Iterator[list[dict[str, Any]]]:
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        scenario = client.scatter(c.scenario, broadcast=True)
        futures, runs_of = [], {}
        for runs in chunk_runs(c.runs, workers):
            future = client.submit(
                run_chunk, scenario, c.seed, c.controller, runs, c.optimal_every, pure=False
            )
            futures.append(future)
            runs_of[future.key] = runs
        for future in as_completed(futures, loop=client.loop):
            yield _chunk_result(future, runs_of[future.key])
    finally:
        client.close()
