"""The one module that imports matplotlib (headless, Agg), on the first
figure drawn: the optional `report` extra (`pip install 'hilander[report]'`).
The figure modules (landing, link, campaign, optimal) draw through
``pyplot()``; the law and the world never plot.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np

EXTRA_HINT = "the report needs matplotlib: pip install 'hilander[report]'"
DPI = 90
LEGEND_MARKER_PT = 6.0  # every marker in a legend, whatever its size in the plot
EDGE_PX = 1.0  # how far a text may reach past the figure's edge (rounding)
_NOT_LOADED: Any = object()
plt: Any = _NOT_LOADED  # matplotlib.pyplot once loaded; None where it is not installed


def _load() -> Any:
    """matplotlib.pyplot, imported on the first report only (so that a command
    that draws nothing does not pay for it), or None without the extra."""
    global plt  # noqa: PLW0603 - the module's one lazily loaded import
    if plt is _NOT_LOADED:
        try:
            import matplotlib  # noqa: PLC0415

            matplotlib.use("Agg")
            import matplotlib.pyplot  # noqa: PLC0415

            plt = matplotlib.pyplot
        except ImportError:  # pragma: no cover - the extra is not installed
            plt = None
    return plt


class ReportUnavailableError(RuntimeError):
    """matplotlib is not installed; str() is one line."""


def available() -> bool:
    return _load() is not None


def pyplot() -> Any:
    """matplotlib.pyplot, or a one-line error where the extra is missing."""
    if _load() is None:
        raise ReportUnavailableError(EXTRA_HINT)
    return plt


def png(fig: Any) -> bytes:
    """The figure as PNG bytes; the figure is closed."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    pyplot().close(fig)
    return buffer.getvalue()


def legend(ax: Any, outside: bool = False, **kwargs: Any) -> Any:
    """The panel's legend, its markers all LEGEND_MARKER_PT (a dot of 1.5 pt
    and a star of 10 pt read alike); ``outside``: right of the panel, clear
    of its data (the figure's layout must make room: ``layout="constrained"``)."""
    kwargs.setdefault("fontsize", 8)
    if outside:
        kwargs.update(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    else:
        kwargs.setdefault("loc", "best")
    made = ax.legend(**kwargs)
    for handle in made.legend_handles:
        if hasattr(handle, "set_markersize"):
            handle.set_markersize(LEGEND_MARKER_PT)
    return made


def finish(fig: Any, axes: Any, title: str, legend_size: float = 8, outside: bool = False) -> bytes:
    """Grid and legend on each panel (``outside``: right of it), the
    figure's title, laid out, as PNG."""
    for ax in axes:
        ax.grid(alpha=0.3)
        legend(ax, outside, fontsize=legend_size)
    fig.suptitle(title)
    if fig.get_layout_engine() is None:
        fig.tight_layout()
    return png(fig)


def hazard_background(ax: Any, terrain: Any) -> float:
    """The truth hazard mask of a terrain under a ground plot (red: hazard);
    returns the half-width of the square shown, centred on the target."""
    xs, ys = terrain.node_coordinates()
    ax.imshow(
        terrain.hazard,
        origin="lower",
        extent=(xs[0], xs[-1], ys[0], ys[-1]),
        cmap="Reds",
        alpha=0.5,
        vmin=0,
        vmax=2,
    )
    half = 0.5 * float(xs[-1] - xs[0])
    ax.set_xlim(-half, half)
    ax.set_ylim(-half, half)
    ax.set_xlabel("east [m]")
    ax.set_ylabel("north [m]")
    return half


def layout_problems(fig: Any) -> list[str]:
    """What a figure shows badly, drawn as it is saved: a text cut off at
    the figure's edge, a legend over plotted points, a legend marker larger
    than LEGEND_MARKER_PT. Empty: none. The reports' tests run it on every
    figure; it costs a draw, so ``png`` does not."""
    fig.set_dpi(DPI)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    problems = _clipped(fig, renderer)
    for ax in fig.axes:
        made = ax.get_legend()
        if made is None or not ax.get_visible():
            continue
        name = ax.get_title() or ax.get_ylabel() or "a panel"
        if covered := _points_under(fig, made.get_window_extent(renderer)):
            problems.append(f"the legend of '{name}' covers {covered} plotted points")
        sizes = [h.get_markersize() for h in made.legend_handles if _has_marker(h)]
        if sizes and max(sizes) > LEGEND_MARKER_PT:
            problems.append(f"a legend marker of '{name}' is {max(sizes):g} pt")
    return problems


def _outside(box: Any, fig: Any) -> str:
    """The edges of the figure that ``box`` (display pixels) reaches past."""
    edges = (
        ("left", box.x0 < -EDGE_PX),
        ("bottom", box.y0 < -EDGE_PX),
        ("right", box.x1 > fig.bbox.width + EDGE_PX),
        ("top", box.y1 > fig.bbox.height + EDGE_PX),
    )
    return ", ".join(side for side, past in edges if past)


def _clipped(fig: Any, renderer: Any) -> list[str]:
    """Each text (titles, labels, legends, notes) and each panel's tick
    labels that reach past the figure's edge."""
    from matplotlib.text import Text  # noqa: PLC0415 - loaded with pyplot

    visible = [ax for ax in fig.axes if ax.get_visible()]
    ticks = {
        id(label)
        for ax in fig.axes
        for axis in (ax.xaxis, ax.yaxis)
        for tick in axis.get_major_ticks() + axis.get_minor_ticks()
        for label in (tick.label1, tick.label2)
    }
    texts = [*fig.texts, *(t for ax in visible for t in ax.findobj(Text))]
    problems = []
    for text in texts:
        if id(text) in ticks or not text.get_visible() or not text.get_text().strip():
            continue
        if side := _outside(text.get_window_extent(renderer), fig):
            problems.append(f"'{text.get_text()}' cut off at the {side}")
    for i, ax in enumerate(visible):
        if side := _outside(ax.get_tightbbox(renderer), fig):
            problems.append(f"panel {i} ('{ax.get_title() or ax.get_ylabel()}') cut off at {side}")
    return list(dict.fromkeys(problems))


def _points_under(fig: Any, box: Any) -> int:
    """How many plotted points (line vertices, markers) shown in any panel lie inside ``box``."""
    count = 0
    for ax in fig.axes:
        for line in ax.lines:
            if line.get_transform() is not ax.transData or not line.get_visible():
                continue  # reference lines (axhline, axvline) span the panel
            xy = ax.transData.transform(line.get_xydata())
            xy = xy[np.isfinite(xy).all(axis=1)]
            count += int((_within(xy, ax.bbox, True) & _within(xy, box, False)).sum())
    return count


def _within(xy: Any, box: Any, edges: bool) -> Any:
    """Which of the points ``xy`` (display pixels) are inside ``box``, on its edges or not."""
    x, y = xy[:, 0], xy[:, 1]
    if edges:
        return (x >= box.x0) & (x <= box.x1) & (y >= box.y0) & (y <= box.y1)
    return (x > box.x0) & (x < box.x1) & (y > box.y0) & (y < box.y1)


def _has_marker(handle: Any) -> bool:
    return hasattr(handle, "get_marker") and handle.get_marker() not in (None, "", "None", " ")
