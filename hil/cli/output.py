"""What the command prints beside its results: progress, notes, diagnostics, colour.

- ``-q``/``--quiet``: no progress bars and no notes; results, warnings and
  errors only.
- ``-v``/``--verbose``: diagnostics from the ``logging`` module (the port
  opened, the handshake, resends, map transfers, the firmware's folder, the
  campaign's chunks, the files written, how long each phase took): ``-v``
  INFO, ``-vv`` DEBUG; WARNING otherwise. Each line goes to standard error
  as ``hilander: LEVEL: message``.
- Colour: the verdict word of a summary, green or red, only when standard
  output is a terminal, ``TERM`` is not ``dumb`` and ``NO_COLOR`` is unset
  or empty (https://no-color.org).

The options are global: ``hilander -v sim`` and ``hilander sim -v`` are the
same (``-v`` counts on both sides). The library never configures logging: its
modules only call ``logging.getLogger(__name__)``; this module, for the
command, attaches one handler to the ``hilander`` logger while ``main`` runs
and takes it away after.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import os
import re
import sys
from collections.abc import Iterator
from typing import Any, TextIO, cast

LOGGER = "hilander"  # the parent of every module's logger (hilander.hil.link.transport, ...)
GREEN, RED, RESET = "\033[32m", "\033[31m", "\033[0m"
GOOD = ("PASS", "IDENTICAL", "WITHIN_TOLERANCE")
BAD = ("FAIL", "STALL", "LINK_LOST", "NUMERICAL_FAULT", "INTERRUPTED", "DIFFERENT", "NOT_COMPARED")
_VERDICT = re.compile(r": ([A-Z_]+)$", re.M)
_VIOLATION = re.compile(r"^(  )(VIOLATION)\b", re.M)


class _Settings:
    quiet = False


SETTINGS = _Settings()


def add_output_options(p: argparse.ArgumentParser, where: str) -> None:
    """-q and -v on the main parser (``where`` "before") and on each command
    ("after"): each side has its own destination, added up in ``verbosity``,
    so that a command's defaults never overwrite what came before it."""
    p.add_argument(
        "-q",
        "--quiet",
        dest=f"quiet_{where}",
        action="store_true",
        help="no progress and no notes: results, warnings and errors only",
    )
    p.add_argument(
        "-v",
        "--verbose",
        dest=f"verbose_{where}",
        action="count",
        default=0,
        help="diagnostics on stderr: -v what is done (ports, handshakes, files, timings), "
        "-vv every detail (resends, chunks)",
    )


def verbosity(args: argparse.Namespace) -> tuple[int, bool]:
    """(how many -v, -q given) from both sides of the command."""
    verbose = getattr(args, "verbose_before", 0) + getattr(args, "verbose_after", 0)
    quiet = getattr(args, "quiet_before", False) or getattr(args, "quiet_after", False)
    return verbose, quiet


class _Stderr(logging.Handler):
    """Lines to whatever ``sys.stderr`` is when a record comes (a test's capture too)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
            sys.stderr.flush()
        except Exception:  # a closed stderr must not turn a diagnostic into a failure
            self.handleError(record)


class _Format(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return f"hilander: {record.levelname.lower()}: {record.getMessage()}"


@contextlib.contextmanager
def configured(verbose: int, quiet: bool) -> Iterator[None]:
    """Logging and quiet set up for one run of the command, undone after it."""
    logger = logging.getLogger(LOGGER)
    level = logging.DEBUG if verbose >= 2 else logging.INFO if verbose == 1 else logging.WARNING
    handler = _Stderr()
    handler.setFormatter(_Format())
    before = logger.level, SETTINGS.quiet
    logger.setLevel(level)
    logger.addHandler(handler)
    SETTINGS.quiet = quiet
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(before[0])
        SETTINGS.quiet = before[1]


class _Discard(io.TextIOBase):
    """Where progress goes with -q: nowhere (not a terminal)."""

    def write(self, s: str) -> int:
        return len(s)


def progress_stream() -> TextIO:
    """Standard error, or nothing with -q."""
    return cast(TextIO, _Discard()) if SETTINGS.quiet else sys.stderr


def quiet() -> bool:
    """-q was given: no progress, no notes, no banners."""
    return SETTINGS.quiet


def note(message: str) -> None:
    """A line on standard error that -q silences (``hilander: note: ...``)."""
    if not SETTINGS.quiet:
        print(f"hilander: note: {message}", file=sys.stderr)


def colour_on(stream: Any) -> bool:
    """Colour only on a terminal, and never with NO_COLOR set (non-empty) or TERM=dumb."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty is not None and isatty())


def paint(text: str, stream: Any = None) -> str:
    """``text`` (a summary for people) with its verdict words coloured, where
    ``stream`` (standard output) takes colour; else unchanged."""
    if not colour_on(sys.stdout if stream is None else stream):
        return text

    def verdict(m: re.Match[str]) -> str:
        word = m.group(1)
        colour = GREEN if word in GOOD else RED if word in BAD else ""
        return f": {colour}{word}{RESET}" if colour else m.group(0)

    first, sep, rest = text.partition("\n")
    rest = _VIOLATION.sub(lambda m: f"{m.group(1)}{RED}{m.group(2)}{RESET}", rest)
    return _VERDICT.sub(verdict, first) + sep + rest
