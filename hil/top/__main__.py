"""``python -m hilander``: the ``hilander`` command."""

from __future__ import annotations

from hilander.hil.cli.main import entry

if __name__ == "__main__":
    entry()
