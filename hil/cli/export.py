"""``hilander export REC.hlr --mcap [OUT.mcap]``: a recording as an MCAP
file for Foxglove or PlotJuggler (hil/report/mcap_recording.py, docs/logs.md).

Exit 0 when the file is written, frames that did not decode included (they
are on the raw channels, and counted); 2 for a file that is no recording,
an output that exists (without ``--force``) or cannot be written.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from hilander.hil.cli.exits import Exit, UsageError
from hilander.hil.link.record import read_recording
from hilander.hil.report.files import write_atomic, writing
from hilander.hil.report.mcap_recording import Exported, claim_file, recording_mcap

# --mcap with no file: REC.mcap beside the recording (not a str: argparse would convert it)
BESIDE = object()


def add_export_command(sub: Any) -> None:
    p = sub.add_parser(
        "export", help="convert a recording to MCAP for Foxglove or PlotJuggler (docs/logs.md)"
    )
    p.add_argument(
        "file", type=Path, metavar="REC", help="a file written by 'hilander hil --record'"
    )
    p.add_argument(
        "--mcap",
        type=Path,
        nargs="?",
        const=BESIDE,
        metavar="OUT",
        help="write MCAP (default OUT: the recording's name with .mcap, beside it)",
    )
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
    p.add_argument("--json", action="store_true", help="print what was written as one JSON object")


def run_export(args: argparse.Namespace) -> int:
    if args.mcap is None:
        raise UsageError("export: say what to write: --mcap [OUT.mcap]")
    out: Path = args.file.with_suffix(".mcap") if args.mcap is BESIDE else args.mcap
    if out.resolve() == args.file.resolve():
        raise UsageError(f"export: {out} is the recording itself")
    recording = read_recording(args.file)  # RecordingError: bad input, exit 2
    claim_file(out, args.force)
    data, found = recording_mcap(recording)
    with writing(out):
        write_atomic(out, data)
    report = {"recording": str(args.file), "mcap": str(out), **found.to_dict()}
    print(json.dumps(report, indent=2) if args.json else export_text(out, found))
    return Exit.PASS


def export_text(out: Path, found: Exported) -> str:
    """'wrote run.mcap: 5,846 frames (host 2,924, board 2,922), all decoded'."""
    frames = sum(found.frames.values())
    each = ", ".join(f"{d} {n:,}" for d, n in found.frames.items())
    bad = sum(found.not_decoded.values())
    problems = ", ".join(f"{k} {n:,}" for k, n in sorted(found.problems.items()))
    decoded = "all decoded" if not bad else f"{bad:,} not decoded ({problems})"
    cut = "; the recording was cut short (its whole records exported)" if found.truncated else ""
    return f"wrote {out}: {frames:,} frames ({each}), {decoded}{cut}"
