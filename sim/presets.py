"""Vehicle presets, each number with its source, by landing system: the sky
cranes (presets_msl.py), the legged landers (presets_legs.py), the airbag
landers (presets_airbags.py) and the Mars Sample Return landers
(presets_msr.py). Sources are the entries of the project's reference,
mars-landers.md (section and confidence mark: A official, B secondary, C
recalled/unverified, R recomputed). A scenario's [vehicle] and [limits]
tables override a preset field by field.
"""

from typing import Any

from hilander.sim.presets_airbags import AIRBAG_PRESETS
from hilander.sim.presets_legs import LEGGED_PRESETS
from hilander.sim.presets_msl import M2020_VEHICLE, MSL_LIMITS, MSL_VEHICLE
from hilander.sim.presets_msr import MSR_PRESETS

PRESETS: dict[str, dict[str, Any]] = {
    "msl": {
        "description": "Curiosity (MSL, 2012) sky crane: 8 MLEs, 899 kg rover, 7.5 m bridle",
        "source": "mars-landers.md §1 (JPL TRS 2014/44159, A; NavFilter slides, B)",
        "scenario": "default",
        "vehicle": MSL_VEHICLE,
        "limits": MSL_LIMITS,
        "law": {},
    },
    "m2020": {
        "description": (
            "Perseverance (M2020, 2021) sky crane: 8 MR-80Bs, 1,025 kg rover, 6.4 m bridles"
        ),
        "source": "mars-landers.md §1 (JPL press kit, A/B; NASA caption, A)",
        "scenario": "m2020",
        "vehicle": M2020_VEHICLE,
        "limits": MSL_LIMITS,
        # convex: 105-107 kg from the gate to the cut (8 runs), the 20 kg reserve, 5 over
        "law": {"plan_reserve_kg": 130.0},
    },
    **LEGGED_PRESETS,
    **AIRBAG_PRESETS,
    **MSR_PRESETS,
}
