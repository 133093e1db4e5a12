"""Cases of PARAMS: a valid configuration taken, invalid ones refused by
name and index with the configuration of before kept, and a sensor frame
before any PARAMS."""

from __future__ import annotations

from hilander.hil.conformance.case import CONTROLLER, Case, CaseFailed, check
from hilander.hil.conformance.context import Context, ack_text, command_for
from hilander.hil.conformance.probe import describe_all
from hilander.hil.wire.params import PARAMS_COUNT_WRONG
from hilander.hil.wire.protocol import (
    PARAM_NAMES,
    Ack,
    AckStatus,
    Fault,
    FaultCode,
    Params,
)


def params_valid(ctx: Context) -> str:
    ctx.fresh(params=False, first_step=False)
    since = ctx.probe.mark()
    sent = ctx.probe.send(ctx.stock.params())
    ack = ctx.ack(sent, since)
    check(ack.status == AckStatus.OK, f"valid PARAMS answered {ack_text(ack)}")
    answers = [p for p in ctx.settled(since) if isinstance(p.msg, Ack | Fault)]
    check(len(answers) == 1, f"valid PARAMS answered {describe_all(answers)}")
    ctx.step(0)
    return f"one ACK OK naming PARAMS seq {sent.seq}; COMMAND 0 after"


def refused(ctx: Context, msg: Params, field: str | None) -> str:
    """PARAMS that break a rule: FAULT PARAMS_INVALID naming ``field``, then
    ACK INVALID with its index (PARAMS_COUNT_WRONG for no field: a wrong count); the
    configuration of before kept (the next step answered)."""
    ctx.fresh()
    since = ctx.probe.mark()
    sent = ctx.probe.send(msg)
    ack = ctx.ack(sent, since)
    detail = PARAMS_COUNT_WRONG if field is None else PARAM_NAMES.index(field)
    check(
        ack.status == AckStatus.INVALID and ack.detail == detail,
        f"{ack_text(ack)}, not ACK INVALID (detail {detail})",
    )
    fault = ctx.fault(FaultCode.PARAMS_INVALID, ctx.session, since)
    if field is not None:
        check(
            fault.text.startswith(field), f"FAULT PARAMS_INVALID {fault.text!r} names not {field}"
        )
    answers = ctx.probe.answers(since)
    order = [p for p in answers if isinstance(p.msg, Fault | Ack)]
    check(isinstance(order[0].msg, Fault), f"the ACK came before the FAULT: {describe_all(order)}")
    try:
        ctx.step(1)
    except CaseFailed as e:
        raise CaseFailed(f"the configuration of before was lost: {e.observed}") from None
    return f"FAULT PARAMS_INVALID {fault.text[:48]!r}, then ACK INVALID detail {detail}; COMMAND 1"


def params_nan(ctx: Context) -> str:
    return refused(ctx, ctx.stock.params_with("gravity_mps2", float("nan")), "gravity_mps2")


def params_range(ctx: Context) -> str:
    return refused(ctx, ctx.stock.params_with("throttle_max", 1.5), "throttle_max")


def params_fraction(ctx: Context) -> str:
    return refused(ctx, ctx.stock.params_with("engine_count", 2.5), "engine_count")


def params_between(ctx: Context) -> str:
    values = dict(zip(PARAM_NAMES, ctx.stock.params().values, strict=True))
    above = values["tgo_freeze_s"] + 1.0  # its own range keeps it; the rule between breaks
    return refused(ctx, ctx.stock.params_with("tgo_switch_s", above), "tgo_switch_s")


def params_count(ctx: Context) -> str:
    values = ctx.stock.params().values
    short = refused(ctx, Params(values[:-1]), None)
    refused(ctx, Params((*values, 0.0)), None)
    return f"{len(values) - 1} and {len(values) + 1} values: {short}"


def before_params(ctx: Context) -> str:
    ctx.fresh(params=False, first_step=False)
    since = ctx.probe.mark()
    ctx.send_frame(0)
    ctx.fault(FaultCode.UNEXPECTED, ctx.session, since, step=0)
    ctx.none_of(command_for(0, ctx.session), "a COMMAND before PARAMS", since)
    ctx.configure()
    ctx.step(0)
    return "FAULT UNEXPECTED step 0 and no COMMAND; after PARAMS, COMMAND 0"


CASES = (
    Case(
        "params-valid",
        CONTROLLER,
        "valid PARAMS -> exactly one ACK OK naming PARAMS and its seq",
        params_valid,
    ),
    Case(
        "params-nan",
        CONTROLLER,
        "PARAMS with gravity_mps2 NaN -> FAULT PARAMS_INVALID naming it, then ACK INVALID "
        "detail 15; the configuration of before kept",
        params_nan,
    ),
    Case(
        "params-range",
        CONTROLLER,
        "PARAMS with throttle_max 1.5 (<= 1) -> FAULT PARAMS_INVALID naming it, then ACK INVALID "
        "detail 5; the configuration of before kept",
        params_range,
    ),
    Case(
        "params-fraction",
        CONTROLLER,
        "PARAMS with engine_count 2.5 (an integer) -> FAULT PARAMS_INVALID naming it, then ACK "
        "INVALID detail 2; the configuration of before kept",
        params_fraction,
    ),
    Case(
        "params-between",
        CONTROLLER,
        "PARAMS with tgo_switch_s above tgo_freeze_s (each in its range; the first rule between "
        "values) -> FAULT PARAMS_INVALID naming it, then ACK INVALID detail 22",
        params_between,
    ),
    Case(
        "params-count",
        CONTROLLER,
        "PARAMS with one value too few or too many -> FAULT PARAMS_INVALID, then ACK INVALID "
        "detail 0xFFFFFFFF; the configuration of before kept",
        params_count,
    ),
    Case(
        "before-params",
        CONTROLLER,
        "SENSOR_FRAME before PARAMS -> FAULT UNEXPECTED (its step), no COMMAND",
        before_params,
    ),
)
