from collections.abc import Sequence
from typing import Any

def py_attitude_torque(
    q_SB: Sequence[float],
    rate_B_radps: Sequence[float],
    thrust_dir_S: Sequence[float],
    params: dict[str, Any],
) -> list[float]: ...
def py_allocate(
    layout: dict[str, Any],
    params: dict[str, Any],
    engines_ok: int,
    force_N: float,
    torque_B_Nm: Sequence[float],
) -> tuple[int, list[float], int]: ...
def py_allocate_warm(
    layout: dict[str, Any],
    params: dict[str, Any],
    engines_ok: int,
    force_N: float,
    torque_B_Nm: Sequence[float],
    held: tuple[int, int],
) -> tuple[int, list[float], int, tuple[int, int]]: ...
