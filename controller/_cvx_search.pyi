from typing import Any

Solved = tuple[int, float, float, int, float, list[list[float]], list[float], int]

def py_solve(
    problem: dict[str, Any], settings: dict[str, Any], tf: float = 0.0, warm: bool = False
) -> Solved: ...
def py_search_sliced(
    problem: dict[str, Any], settings: dict[str, Any], budget: int
) -> tuple[Solved, list[int]]: ...
