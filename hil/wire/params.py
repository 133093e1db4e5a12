"""PARAMS on the wire: the law's configuration as f64 values, and back.

Each value keeps its field's rule (``hilander.controller.config.LawConfig``:
range, whole number, word index) and the rules between fields
(``CROSS_RULES``); a board that rejects a PARAMS names the field it blames by
its index in PARAMS order (ACK INVALID's detail). The C firmware checks the
same rules from a table generated from the same declarations.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from hilander.controller.config import LawConfig
from hilander.controller.params import ConfigError, bound_error
from hilander.hil.wire.protocol import PARAM_FIELDS, PARAM_NAMES, Params

PARAMS_COUNT_WRONG = 0xFFFFFFFF  # ACK INVALID's detail for a PARAMS of the wrong length


def config_from_params(msg: Params) -> LawConfig:
    """The LawConfig a PARAMS message carries; ConfigError (naming the field
    blamed, "" for a wrong number of values) if it breaks a rule."""
    if len(msg.values) != len(PARAM_NAMES):
        raise ConfigError("", f"PARAMS has {len(msg.values)} values, need {len(PARAM_NAMES)}")
    kwargs: dict[str, Any] = dict(zip(PARAM_NAMES, msg.values, strict=True))
    for f in PARAM_FIELDS:  # each value's own rule, in PARAMS order, as the C firmware
        kwargs[f.name] = _value(f, kwargs[f.name])
    return LawConfig(**kwargs)


def _value(f: dataclasses.Field[Any], value: float) -> Any:
    """A PARAMS value as its field holds it; ConfigError if it breaks the
    field's rule (finite, its bounds, whole for an integer, a word's index)."""
    choices = f.metadata.get("choices")
    if choices is not None:
        return _choice(f.name, choices, value)
    whole = f.type in ("int", int)
    reason = "must be a whole number" if whole and not float(value).is_integer() else None
    reason = reason or bound_error(f, value)
    if reason:
        raise ConfigError(f.name, f"{f.name} = {value!r}: {reason}")
    return int(value) if whole else value


def params_rejection(error: ConfigError) -> int:
    """ACK INVALID's detail for a PARAMS rejected with ``error``: the index in
    PARAMS order of the field it blames, PARAMS_COUNT_WRONG for a wrong length."""
    return PARAM_NAMES.index(error.field) if error.field in PARAM_NAMES else PARAMS_COUNT_WRONG


def _choice(name: str, choices: tuple[str, ...], value: float) -> str:
    """The word a PARAMS value stands for; ConfigError if none."""
    if not (float(value).is_integer() and 0 <= value < len(choices)):
        raise ConfigError(name, f"{name} = {value!r}: must be an index of {', '.join(choices)}")
    return choices[int(value)]
