"""Benchmark of the serial link: the codec, and lockstep over a pseudo-terminal.

    python benchmarks/bench_link.py [--board virtual|host|qemu|qemu-m4f] [--exchanges N] [--json]

Reports:
- encode + decode of one SENSOR_FRAME and of one COMMAND (median of repeats);
- lockstep exchanges per second with a board in another process (`hilander
  board --virtual`, or the C firmware: `--firmware host` on a pty, `--firmware
  qemu` on an emulated Cortex-M3), frame out, command back, through the whole
  host session (RemoteController.step), the round-trip time p50/p99/max, and
  the board's own step time as it reports it (COMMAND.compute_time_us);
- a whole lockstep landing of the default scenario through the same board.

Wall-clock figures on a shared machine: read the medians.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
import timeit
from pathlib import Path
from typing import Any

import numpy as np

from hilander.controller.interface import Command, SensorFrame
from hilander.hil.session import open_board
from hilander.hil.wire.codec import Decoder, encode
from hilander.sim.result import summarize
from hilander.sim.scenario import load_scenario

FRAME = SensorFrame(
    12,
    0.6,
    1500.0,
    True,
    (1.0, 2.0, -80.0),
    True,
    (10.0, 20.0, 1500.0),
    (1.0, 2.0, -80.0),
    (0.0, 0.0, 3.7),
    2500.0,
    10000.0,
    8,
    0.0,
    0,
    False,
)
COMMAND = Command(12, (1.0, 2.0, 9000.0), 0.5, 1, 3, (1.0, 2.0, 3.0), 0)


def codec_us(msg: Any, repeat: int, number: int = 20000) -> float:
    decoder = Decoder()
    times = timeit.repeat(lambda: decoder.feed(encode(msg, 1, 2)), number=number, repeat=repeat)
    return statistics.median(times) / number * 1e6


def start_board(kind: str) -> tuple[subprocess.Popen[str], str]:
    script = Path(sys.executable).parent / "hilander"
    which = ["--virtual"] if kind == "virtual" else ["--firmware", kind]
    proc = subprocess.Popen(
        [str(script), "board", *which],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip()


def exchanges(port: str, n: int) -> dict[str, Any]:
    with open_board(port) as board:
        rc = board.controller
        rc.reset(load_scenario("default").law)
        start = time.perf_counter()
        for k in range(n):
            FRAME.step = k
            rc.step(FRAME)
        elapsed = time.perf_counter() - start
    rtt = np.asarray(rc.stats.latencies_s) * 1e6
    return {
        "exchanges_per_s": n / elapsed,
        "rtt_us": {
            "p50": float(np.percentile(rtt, 50)),
            "p99": float(np.percentile(rtt, 99)),
            "max": float(rtt.max()),
        },
        "board_step_us": board.link_summary().board_compute_us.to_dict(),
    }


def landing(port: str) -> dict[str, Any]:
    with open_board(port) as board:
        start = time.perf_counter()
        summary = summarize(board.fly(load_scenario("default")))
        elapsed = time.perf_counter() - start
    ticks = summary.sim.control_ticks
    return {
        "verdict": summary.verdict,
        "wall_s": elapsed,
        "ticks": ticks,
        "ticks_per_s": ticks / elapsed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    boards = ("virtual", "host", "qemu", "qemu-m4f")
    parser.add_argument("--board", choices=boards, default="virtual")
    parser.add_argument("--exchanges", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result: dict[str, Any] = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "codec_frame_us": codec_us(FRAME, args.repeat),
        "codec_command_us": codec_us(COMMAND, args.repeat),
    }
    proc, port = start_board(args.board)
    try:
        result["lockstep"] = exchanges(port, args.exchanges)
        result["landing"] = landing(port)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    lock, land = result["lockstep"], result["landing"]
    print(f"encode + decode, SENSOR_FRAME   {result['codec_frame_us']:.2f} us")
    print(f"encode + decode, COMMAND        {result['codec_command_us']:.2f} us")
    step = lock["board_step_us"]
    print(f"lockstep exchanges, {args.board:7s}    {lock['exchanges_per_s']:.0f} /s")
    print(f"the board's own step p50 / max  {step['p50']} / {step['max']} us")
    print(
        f"round trip p50 / p99 / max      {lock['rtt_us']['p50']:.0f} / "
        f"{lock['rtt_us']['p99']:.0f} / {lock['rtt_us']['max']:.0f} us"
    )
    print(
        f"default landing in lockstep     {land['wall_s']:.2f} s, {land['ticks']} ticks, "
        f"{land['ticks_per_s']:.0f} ticks/s, {land['verdict']}"
    )


if __name__ == "__main__":
    main()
