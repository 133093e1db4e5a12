"""Argument types for the command line: a bounded integer or number, with a
one-line error that names the argument and what it needs."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable


def integer(what: str, low: int, high: int) -> Callable[[str], int]:
    """An integer from ``low`` to ``high``, both included."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = low - 1
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"invalid {what} {text!r}: need {low} to {high}")
        return value

    return parse


def number(
    what: str, low: float, high: float, *, below_high: bool = False
) -> Callable[[str], float]:
    """A finite number from ``low`` to ``high`` (``high`` excluded if ``below_high``)."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        top_ok = value < high if below_high else value <= high
        if not (low <= value and top_ok):
            raise argparse.ArgumentTypeError(f"invalid {what} {text!r}: need {low:g} to {high:g}")
        return value

    return parse
