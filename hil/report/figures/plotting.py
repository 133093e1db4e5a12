"""The one module that imports matplotlib (headless, Agg), on the first
figure drawn: the optional `report` extra (`pip install 'hilander[report]'`).
The figure modules (landing, link, campaign, optimal) draw through
``pyplot()``; the law and the world never plot.
"""

from __future__ import annotations

import io
from typing import Any

EXTRA_HINT = "the report needs matplotlib: pip install 'hilander[report]'"
DPI = 90
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


def finish(fig: Any, axes: Any, title: str, legend_size: float = 8) -> bytes:
    """Grid and legend on each panel, the figure's title, laid out, as PNG."""
    for ax in axes:
        ax.grid(alpha=0.3)
        ax.legend(loc="best", fontsize=legend_size, markerscale=3)
    fig.suptitle(title)
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
