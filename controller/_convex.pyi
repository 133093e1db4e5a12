from typing import Any

def py_solve(
    problem: dict[str, Any], settings: dict[str, Any], tf: float = 0.0, warm: bool = False
) -> tuple[int, float, float, int, float, list[list[float]], list[float], int]: ...
