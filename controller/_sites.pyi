from typing import Any

def py_clearance(cost: Any, cell_size_m: float, cost_safe_max: float) -> list[list[float]]: ...
def py_select_site(
    cost: Any,
    elevation_m: Any,
    cell_size_m: float,
    origin_S_m: tuple[float, float],
    query: dict[str, Any],
) -> tuple[tuple[float, float, float] | None, int]: ...
