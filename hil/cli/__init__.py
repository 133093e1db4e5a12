"""hilander.hil.cli: the ``hilander`` command line, and nothing imports it.

``main`` builds the parser and dispatches; ``args`` and ``argtypes`` declare
the arguments; ``boards``, ``campaign`` and ``optimal`` hold the commands;
``progress`` draws progress on standard error; ``exits`` is every exit status
in one place.
"""

from hilander.hil.cli.main import entry, main

__all__ = ["entry", "main"]
