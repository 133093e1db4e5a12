"""Reading a scenario's TOML safely: a size cap, a nesting cap, one-line errors.

tomllib parses nested arrays and inline tables by recursion, so a file nested
a few thousand deep raises RecursionError, and a huge file takes memory and
time before any key is checked, and a dotted key of thousands of parts takes
time quadratic in them. Here a file is refused before parsing when it is
larger than TOML_BYTES_MAX or nests deeper than TOML_DEPTH_MAX (a scan of the
brackets, braces and key dots outside strings and comments), and whatever
tomllib still refuses becomes a ScenarioError whose text is one line.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from hilander.sim.schema import ScenarioError, shorten

TOML_BYTES_MAX = 1_000_000  # a scenario is a few kB; the largest built-in is under 3 kB
TOML_DEPTH_MAX = 32  # nested [ and {, or a dotted key's parts; a scenario needs 3


def is_file(path: Path) -> bool:
    """A regular file (not a folder, a device or a pipe); False for a path
    the system cannot even look up (too long, a NUL in it)."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def read_text(path: Path, source: str) -> str:
    """The text of a scenario file: at most TOML_BYTES_MAX bytes of UTF-8."""
    try:
        with path.open("rb") as f:
            data = f.read(TOML_BYTES_MAX + 1)
    except OSError as e:
        raise ScenarioError(f"{source}: cannot read: {e.strerror or e}") from None
    if len(data) > TOML_BYTES_MAX:
        size = f"{TOML_BYTES_MAX:,} bytes"
        raise ScenarioError(f"{shorten(source, 320)}: larger than {size}, too large for a scenario")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        bad = data[e.start : e.start + 1]
        raise ScenarioError(
            f"{shorten(source, 320)}: cannot read: not UTF-8 (byte {e.start}: {bad!r})"
        ) from None


def parse(text: str, source: str) -> dict[str, Any]:
    """The TOML document of ``text``, or a one-line ScenarioError."""
    where = shorten(source, 320)
    if len(text) > TOML_BYTES_MAX:
        raise ScenarioError(f"{where}: larger than {TOML_BYTES_MAX:,} characters")
    depth, line = nesting(text)
    if depth > TOML_DEPTH_MAX:
        raise ScenarioError(
            f"{where}: invalid TOML: nested deeper than {TOML_DEPTH_MAX} (line {line})"
        )
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ScenarioError(f"{where}: invalid TOML: {shorten(str(e), 200)}") from None
    except (RecursionError, MemoryError, ValueError) as e:  # ValueError: an int of 4,300+ digits
        reason = shorten(str(e), 120) or type(e).__name__
        raise ScenarioError(f"{where}: invalid TOML: {reason}") from None


def nesting(text: str) -> tuple[int, int]:
    """(deepest nesting, its line): of [ and { in values and table headers,
    or of a dotted key (a.b.c is 3 deep; tomllib takes time quadratic in
    it). A scan that skips strings and comments; a dot between two digits
    (a float, a time) is not a key's."""
    depth = deepest = dots = 0
    line = deepest_line = 1
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            line, dots = line + 1, 0
        elif c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        elif c in "\"'":
            i, line = _skip_string(text, i, line)
            continue
        elif c in "[{":
            depth += 1
        elif c in "]}":
            depth = max(0, depth - 1)
        elif c == "." and not (text[i - 1 : i].isdigit() and text[i + 1 : i + 2].isdigit()):
            dots += 1
        if max(depth, dots + 1) > deepest:
            deepest, deepest_line = max(depth, dots + 1), line
        i += 1
    return deepest, deepest_line


def _skip_string(text: str, i: int, line: int) -> tuple[int, int]:
    """The index after the string that starts at ``i``, and the line there."""
    quote = text[i]
    triple = text.startswith(quote * 3, i)
    close = quote * 3 if triple else quote
    j = i + len(close)
    n = len(text)
    while j < n:
        c = text[j]
        if c == "\\" and quote == '"':
            j += 2
            continue
        if c == "\n":
            if not triple:  # an unterminated string: tomllib reports it
                return j, line
            line += 1
        if text.startswith(close, j):
            return j + len(close), line
        j += 1
    return n, line
