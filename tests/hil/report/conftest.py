"""``figure_problems``: every figure drawn during a test, with what it shows
badly (plotting.layout_problems: text cut off, a legend over the data, huge
legend markers), checked as it is saved and before it is closed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from hilander.hil.report.figures import plotting


class CheckingPyplot:
    """matplotlib.pyplot, except that ``close(fig)`` first records the
    figure's title and its layout problems (``png`` closes every figure
    the reports draw, once saved)."""

    def __init__(self, pyplot: Any) -> None:
        self._pyplot = pyplot
        self.drawn: dict[str, list[str]] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pyplot, name)

    def close(self, fig: Any) -> None:
        title = fig.get_suptitle() or " / ".join(ax.get_title() for ax in fig.axes)
        name = f"{len(self.drawn)}: {title}"
        self.drawn[name] = plotting.layout_problems(fig)
        self._pyplot.close(fig)


@pytest.fixture
def figure_problems(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, list[str]]]:
    """Title -> problems of every figure drawn in the test (in order)."""
    checking = CheckingPyplot(plotting.pyplot())
    monkeypatch.setattr(plotting, "plt", checking)
    yield checking.drawn
