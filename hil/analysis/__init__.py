"""hilander.hil.analysis: what is computed from flights and recordings.

``backtoback`` compares two command streams step by step; ``replay`` feeds a
recording's frames to a law and compares; ``optimal`` solves the fuel-optimal
descent (lossless convexification, the ``analysis`` extra) for the law's
efficiency ratio.
"""

from hilander.hil.analysis.backtoback import BackToBack
from hilander.hil.analysis.optimal import OptimalError, optimum_for, propellant_ratio
from hilander.hil.analysis.replay import refly

__all__ = ["BackToBack", "OptimalError", "optimum_for", "propellant_ratio", "refly"]
