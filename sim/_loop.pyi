from typing import Any

import numpy as np
import numpy.typing as npt

from hilander.controller._core import LawCore
from hilander.sim._world import World

def fly_compiled(world: World, law: LawCore, telemetry: npt.NDArray[np.float64]) -> int: ...
def replay_law(
    law: LawCore, frames: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], float]: ...
