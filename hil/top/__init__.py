"""hilander: a hardware-in-the-loop testbed for Mars terminal-descent landing
controllers.

The law is ``hilander.controller``, the world ``hilander.sim``, the boundary
and the application ``hilander.hil``, the pytest plugin and strategies
``hilander.testing``; ``python -m hilander`` is the ``hilander`` command.
This package holds only the version: importing it loads nothing else.
"""

from __future__ import annotations

from importlib import metadata

__all__ = ["__version__"]

__version__: str = metadata.version("hilander")  # pyproject's version, as installed
