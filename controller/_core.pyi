from typing import Any

import numpy.typing as npt

CONSTANTS: dict[str, int]

class LawCore:
    def __init__(self, params: dict[str, Any]) -> None: ...
    def reset(self) -> None: ...
    def load_hazard_map(
        self,
        cost: npt.ArrayLike,
        elevation_m: npt.ArrayLike,
        cell_size_m: float,
        origin_S_m: tuple[float, float],
    ) -> None: ...
    def step(self, frame: dict[str, Any]) -> dict[str, Any]: ...
    def state_dict(self) -> dict[str, Any]: ...
    def set_phase(self, phase: int) -> None: ...

def py_clearance(cost: Any, cell_size_m: float, cost_safe_max: float) -> list[list[float]]: ...
def py_select_site(
    cost: Any,
    elevation_m: Any,
    cell_size_m: float,
    origin_S_m: tuple[float, float],
    query: dict[str, Any],
) -> tuple[tuple[float, float, float] | None, int]: ...
def py_nearest_safe_cell(
    cost: Any,
    elevation_m: Any,
    cell_size_m: float,
    origin_S_m: tuple[float, float],
    cost_safe_max: float,
    clearance_min_m: float,
    x_m: float,
    y_m: float,
    unreached: tuple[float, float, float] = ...,
) -> tuple[float, float, float] | None: ...
def py_search_site(
    cost: Any,
    elevation_m: Any,
    cell_size_m: float,
    origin_S_m: tuple[float, float],
    query: dict[str, Any],
    units: int,
) -> tuple[tuple[float, float, float] | None, int, int]: ...
def phase_table() -> list[tuple[int, int]]: ...
