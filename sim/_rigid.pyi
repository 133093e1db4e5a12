import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
ArrayLike = npt.ArrayLike

def py_quat_mul(a: ArrayLike, b: ArrayLike) -> Array: ...
def py_quat_rotate(q: ArrayLike, v: ArrayLike, inverse: bool = ...) -> Array: ...
def py_quat_normalize(q: ArrayLike) -> Array: ...
def py_mass_properties(
    dry_mass_kg: float,
    dry_com_B_m: ArrayLike,
    dry_inertia_B_kg_m2: ArrayLike,
    propellant_kg: float,
    tank_com_B_m: ArrayLike,
    tank_radius_m: float,
) -> tuple[float, Array, Array, Array]: ...
def py_rigid_run(
    state: ArrayLike,
    mass_kg: float,
    com_B_m: ArrayLike,
    inertia_B_kg_m2: ArrayLike,
    force_S_N: ArrayLike,
    torque_B_Nm: ArrayLike,
    gravity_mps2: float,
    dt_s: float,
    steps: int,
    every: int = ...,
    engines: tuple[ArrayLike, ArrayLike, float, ArrayLike] | None = ...,
) -> Array: ...
def py_point_state(
    state: ArrayLike, com_B_m: ArrayLike, point_B_m: ArrayLike
) -> tuple[Array, Array]: ...
def py_engine_wrench(
    position_B_m: ArrayLike,
    direction_B: ArrayLike,
    thrust_max_N: float,
    throttle: ArrayLike,
    thrust_scale: ArrayLike,
    com_B_m: ArrayLike,
) -> tuple[Array, Array]: ...
