"""Link faults on purpose: a seeded transport wrapper, and the plan it follows.

``--fault`` options of ``hilander hil`` build a ``FaultPlan``:

    drop=P          each byte, either way, is lost with probability P
    flip=P          each byte, either way, gets one bit flipped with probability P
    garbage=R       R bursts a second of 1-64 random bytes from the board's side
    delay=S         every read is held back S seconds (USB serial adds 1-16 ms)
    jitter=S        plus a uniform random 0..S seconds
    dup=P           each frame the host writes goes twice with probability P
    stall=T:D       from sim time T, silence both ways for D wall seconds
    reset=T         at sim time T, ask the board to reboot (FAULT_INJECT RESET);
                    repeatable: each reset=T adds one (at most MAX_RESET_FAULTS)
    unplug=T        at sim time T, the port disappears

Any other fault given twice is refused with one line (which value would
count is not for hilander to guess).

Byte faults are drawn from one generator seeded with the fault seed, so a
run under faults is reproducible as far as the host decides it (a real
board's timing is not).
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from hilander.hil.link.transport import LinkLost, Transport

MAX_GARBAGE_BYTES = 64
MAX_RESET_FAULTS = 100
MAX_FAULT_TIME_S = 1e6  # sim times and durations: beyond any landing, and finite


class FaultSpecError(ValueError):
    """A --fault option that does not parse; str() is one line."""


@dataclass(frozen=True)
class FaultPlan:
    drop: float = 0.0
    flip: float = 0.0
    garbage: float = 0.0
    delay: float = 0.0
    jitter: float = 0.0
    dup: float = 0.0
    stall: tuple[float, float] | None = None
    reset: tuple[float, ...] = ()  # sim times, in order
    unplug: float | None = None

    @property
    def on_transport(self) -> bool:
        """Whether the transport itself must be wrapped."""
        return any(
            (
                self.drop,
                self.flip,
                self.garbage,
                self.delay,
                self.jitter,
                self.dup,
                self.stall is not None,
                self.unplug is not None,
            )
        )

    def describe(self) -> list[str]:
        """The plan as the --fault options that make it."""
        out: list[str] = []
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name == "reset":
                out.extend(f"reset={t:g}" for t in v)
            elif isinstance(v, tuple):
                out.append(f"{f.name}={v[0]:g}:{v[1]:g}")
            elif v is not None and (v or f.default is None):
                out.append(f"{f.name}={v:g}")
        return out


PROBABILITIES = ("drop", "flip", "dup")


def parse_faults(specs: list[str]) -> FaultPlan:
    """``["drop=0.001", "reset=30"]`` -> FaultPlan; FaultSpecError on bad input.

    ``reset`` accumulates; any other fault given twice is refused."""
    known = {f.name for f in fields(FaultPlan)}
    values: dict[str, Any] = {}
    resets: list[float] = []
    for spec in specs:
        name, sep, text = spec.partition("=")
        if name not in known or not sep:
            raise FaultSpecError(
                f"--fault {spec}: use NAME=VALUE with NAME one of {', '.join(sorted(known))}"
            )
        value = _fault_value(name, text, spec)
        if name == "reset":
            resets.append(value)
        elif name in values:
            raise FaultSpecError(
                f"--fault {spec}: {name} given twice (only reset=T may be repeated)"
            )
        else:
            values[name] = value
    if len(resets) > MAX_RESET_FAULTS:
        raise FaultSpecError(f"--fault reset: at most {MAX_RESET_FAULTS}, not {len(resets)}")
    return FaultPlan(**values, reset=tuple(sorted(resets)))


def _fault_value(name: str, text: str, spec: str) -> Any:
    try:
        if name == "stall":
            at, _, duration = text.partition(":")
            value: Any = (float(at), float(duration))
            bad = not all(0 <= v <= MAX_FAULT_TIME_S for v in value)
        else:
            value = float(text)
            top = 1.0 if name in PROBABILITIES else MAX_FAULT_TIME_S
            bad = not 0 <= value <= top
    except ValueError:
        bad = True
    if bad:
        form = (
            f"T:D (seconds, 0 to {MAX_FAULT_TIME_S:g})"
            if name == "stall"
            else (
                "a probability in [0, 1]"
                if name in PROBABILITIES
                else f"a number from 0 to {MAX_FAULT_TIME_S:g}"
            )
        )
        raise FaultSpecError(f"--fault {spec}: {name} needs {form}")
    return value


@dataclass(frozen=True)
class FaultSetting:
    """A fault plan and the seed of its random draws."""

    plan: FaultPlan
    seed: int


class FaultyTransport:
    """Wraps a transport and commits the plan's byte faults on it."""

    def __init__(self, inner: Transport, plan: FaultPlan, seed: int) -> None:
        self.inner = inner
        self.plan = plan
        self.name = inner.name
        self.rng = np.random.default_rng(seed)
        self.time_s = 0.0  # sim time, set by the session each tick
        self._garbage_at = time.monotonic()
        self._stall_until: float | None = None
        self._held: deque[tuple[float, bytes]] = deque()
        self._counts = {
            "dropped": 0,
            "flipped": 0,
            "garbage": 0,
            "duplicated": 0,
            "stalled": 0,
            "delayed": 0,  # bytes held back by delay= or jitter=
            "unplugged": 0,
        }

    def _check_plug(self) -> None:
        if self.plan.unplug is not None and self.time_s >= self.plan.unplug:
            self._counts["unplugged"] = 1
            raise LinkLost(
                f"{self.name}: the port disappeared (injected at t = {self.plan.unplug:g} s)"
            )

    def _stalled(self) -> bool:
        stall = self.plan.stall
        if stall is None or self.time_s < stall[0]:
            return False
        now = time.monotonic()
        if self._stall_until is None:
            self._stall_until = now + stall[1]
        return now < self._stall_until

    def write(self, data: bytes) -> None:
        self._check_plug()
        if self._stalled():
            self._counts["stalled"] += len(data)
            return
        if self.plan.dup and data.endswith(b"\0") and self.rng.random() < self.plan.dup:
            self._counts["duplicated"] += 1
            data = data + data
        self.inner.write(self._corrupt(data))

    def read(self, timeout_s: float) -> bytes:
        self._check_plug()
        if not (self.plan.delay or self.plan.jitter):
            return self._read_faulty(timeout_s)
        deadline = time.monotonic() + timeout_s
        while not (data := self._held_bytes()):
            now = time.monotonic()
            if now >= deadline:
                return b""
            wait = deadline - now
            if self._held:
                wait = min(wait, self._held[0][0] - now)
            # bytes are held from when they arrive: the read never sleeps past them
            arrived = self._read_faulty(max(wait, 0.0))
            if arrived:
                lag = self.plan.delay + self.plan.jitter * float(self.rng.random())
                self._held.append((time.monotonic() + lag, arrived))
                self._counts["delayed"] += len(arrived)
        return data

    def _read_faulty(self, timeout_s: float) -> bytes:
        """What the inner transport gives within ``timeout_s``, after the
        stall, the garbage and the corruption of the plan."""
        data = self.inner.read(timeout_s)
        if self._stalled():
            self._counts["stalled"] += len(data)
            return b""
        return self._garbage() + self._corrupt(data)

    def _held_bytes(self) -> bytes:
        out = b""
        now = time.monotonic()
        while self._held and self._held[0][0] <= now:
            out += self._held.popleft()[1]
        return out

    def injected(self) -> dict[str, int]:
        """How many faults of each kind were committed so far."""
        return dict(self._counts)

    def set_time(self, time_s: float) -> None:
        self.time_s = time_s

    def _garbage(self) -> bytes:
        """A burst with probability rate x the wall time since the last check."""
        rate = self.plan.garbage
        now = time.monotonic()
        elapsed, self._garbage_at = now - self._garbage_at, now
        if not rate or self.rng.random() >= min(1.0, rate * elapsed):
            return b""
        n = int(self.rng.integers(1, MAX_GARBAGE_BYTES + 1))
        self._counts["garbage"] += n
        return bytes(self.rng.integers(0, 256, n, dtype=np.uint8))

    def _corrupt(self, data: bytes) -> bytes:
        p = self.plan
        if not data or not (p.drop or p.flip):
            return data
        buf = np.frombuffer(data, np.uint8).copy()
        if p.flip:
            hit = self.rng.random(len(buf)) < p.flip
            bits = self.rng.integers(0, 8, len(buf))
            buf[hit] ^= (1 << bits[hit]).astype(np.uint8)
            self._counts["flipped"] += int(hit.sum())
        if p.drop:
            keep = self.rng.random(len(buf)) >= p.drop
            self._counts["dropped"] += int((~keep).sum())
            buf = buf[keep]
        return buf.tobytes()

    def close(self) -> None:
        self.inner.close()
