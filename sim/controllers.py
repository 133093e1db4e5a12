"""Flight computers by name: ``compiled``, ``reference`` or ``module:Class``.

The name is what crosses process boundaries (campaign workers, Dask), so a
user's law is imported again where the landing flies. ``module`` is imported
as pytest and uvicorn import an application: the current directory first on
``sys.path`` (``search_current_directory``), so ``mymodule:Hover`` flies
from the folder that holds ``mymodule.py``.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable

from hilander.controller import FlightComputer, ReferenceLaw
from hilander.controller.law import CompiledLaw


class ControllerError(ValueError):
    """A controller name that cannot be loaded; str() is one line."""


def flight_computer_factory(
    name: str, option: str = "--controller"
) -> Callable[[], FlightComputer]:
    """What makes a new flight computer of the name given (checked once here);
    ``option`` names the option that gave it, in the error message."""
    if name == "compiled":
        return CompiledLaw
    if name == "reference":
        return ReferenceLaw
    module, _, attr = name.partition(":")
    if not module or not attr:
        raise ControllerError(f"{option} {name}: use compiled, reference or module:Class")
    search_current_directory()
    try:
        cls = getattr(importlib.import_module(module), attr)
        fc = cls()
    except ModuleNotFoundError as e:
        if e.name is None or not (module == e.name or module.startswith(e.name + ".")):
            raise ControllerError(f"{option} {name}: cannot load it: {e}") from None
        raise ControllerError(
            f"{option} {name}: no module named {e.name!r} "
            "(looked in the current directory and on sys.path)"
        ) from None
    except Exception as e:
        raise ControllerError(f"{option} {name}: cannot load it: {e}") from None
    if not (callable(getattr(fc, "reset", None)) and callable(getattr(fc, "step", None))):
        raise ControllerError(f"{option} {name}: needs reset(config) and step(frame) methods")
    return cls  # type: ignore[no-any-return]


def search_current_directory() -> None:
    """Put the current directory first on ``sys.path`` (once), as pytest and
    uvicorn do: a user's ``module:Class`` is found in the folder they work in.
    Worker processes started by ``spawn`` inherit ``sys.path``."""
    here = os.getcwd()
    if here not in sys.path:
        sys.path.insert(0, here)
        importlib.invalidate_caches()


def desk_factory(name: str, option: str = "--controller") -> Callable[[], FlightComputer] | None:
    """None for the compiled loop (the fast path), else the factory."""
    return None if name == "compiled" else flight_computer_factory(name, option)
