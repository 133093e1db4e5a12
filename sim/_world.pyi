from typing import Any

import numpy as np
import numpy.typing as npt

COLUMNS: tuple[str, ...]

class World:
    def __init__(
        self,
        params: dict[str, Any],
        position_S_m: list[float],
        velocity_S_mps: list[float],
        seed: int,
        relief_m: npt.NDArray[np.float64],
        hazard_mask: npt.NDArray[Any],
        geometry: dict[str, Any],
        hazard_map: tuple[Any, Any, float, tuple[float, float]] | None = ...,
    ) -> None: ...
    def sense(self) -> dict[str, Any]: ...
    def command(self, command: dict[str, Any]) -> None: ...
    def advance(self) -> None: ...
    def record(self, command: dict[str, Any], row: npt.NDArray[np.float64]) -> None: ...
    def orient(
        self,
        q_SB: tuple[float, float, float, float],
        rate_B_radps: tuple[float, float, float] = ...,
    ) -> None: ...
    @property
    def done(self) -> bool: ...
    @property
    def tick(self) -> int: ...
    @property
    def records(self) -> dict[str, Any]: ...
    def state_dict(self) -> dict[str, Any]: ...
