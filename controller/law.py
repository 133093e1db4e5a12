"""The compiled law as a flight computer.

``CompiledLaw``: ``reset(config)`` then ``step(frame) -> command``, one
compiled step per call. Its configuration, ``LawConfig``, is pure Python in
``hilander.controller.config``.
"""

from __future__ import annotations

from typing import Any

from hilander.controller import _core
from hilander.controller.config import LawConfig
from hilander.controller.interface import (
    Command,
    SensorFrame,
    command_from_dict,
    frame_to_dict,
)


class CompiledLaw:
    """The Cython law as a flight computer (one compiled step per call)."""

    def __init__(self) -> None:
        self._core: Any = None

    def reset(self, config: object) -> None:
        if not isinstance(config, LawConfig):
            raise TypeError("CompiledLaw.reset needs a LawConfig")
        self._core = _core.LawCore(config.to_params())

    def step(self, frame: SensorFrame) -> Command:
        if self._core is None:
            raise RuntimeError("CompiledLaw.step before reset")
        m = frame.hazard_map
        if frame.hazard_map_ready and m is not None:
            self._core.load_hazard_map(m.cost, m.elevation_m, m.cell_size_m, m.origin_S_m)
        return command_from_dict(self._core.step(frame_to_dict(frame)))
