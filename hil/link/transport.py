"""Byte transports: a serial port or pyserial URL, or one end of a pseudo-terminal.

Every transport has the same three calls: ``write(data)``, ``read(timeout_s)``
(whatever arrives within the timeout, possibly nothing) and ``close()``. A port
that goes away raises ``LinkLost``; a write that cannot go out within
``WRITE_TIMEOUT_S`` raises ``WriteTimeout`` (a ``LinkLost`` that the session
counts as lateness, not a lost link); a port that cannot be opened raises
``PortError``. All carry a one-line message.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import termios
import time
import tty
from typing import Any, Protocol

import serial

DEFAULT_BAUD = 921600  # what a USB CDC port ignores and a UART at 1 Mbit/s takes
WRITE_TIMEOUT_S = 2.0
READ_SIZE = 4096
log = logging.getLogger(__name__)


class PortError(OSError):
    """The port cannot be opened; str() is one line."""


class LinkLost(OSError):  # noqa: N818 - the link is lost; it is not a bug
    """The port went away while in use; str() is one line."""


class WriteTimeout(LinkLost):
    """A write did not go out within WRITE_TIMEOUT_S (the peer does not read,
    or the host is slow): lateness, which the session counts (a timeout in
    lockstep, a deadline miss in real time), never a lost link by itself.
    What was not written is dropped; the peer resynchronises on the next
    frame delimiter."""


class Transport(Protocol):
    name: str

    def write(self, data: bytes) -> None: ...

    def read(self, timeout_s: float) -> bytes: ...

    def close(self) -> None: ...


class SimClock(Protocol):
    """Something on the link that follows simulated time (a fault injector's
    stalls and unplugs): the session tells it the time of each frame."""

    def set_time(self, time_s: float) -> None: ...


def _oneline(e: BaseException) -> str:
    return " ".join(str(e).split()) or type(e).__name__


class SerialTransport:
    """A pyserial port: a device path or any ``serial_for_url`` URL
    (``socket://host:port``, ``loop://``, ``spy://...``, ``rfc2217://...``)."""

    def __init__(self, port: Any, name: str) -> None:
        self._port = port
        self.name = name
        try:
            self._fd: int | None = port.fileno()
        except (AttributeError, NotImplementedError, OSError, ValueError):
            self._fd = None

    def write(self, data: bytes) -> None:
        try:
            self._port.write(data)
        except serial.SerialTimeoutException:
            raise WriteTimeout(
                f"{self.name}: write timed out after {WRITE_TIMEOUT_S:g} s"
            ) from None
        except (serial.SerialException, OSError) as e:
            raise LinkLost(f"{self.name}: {_oneline(e)}") from None

    def read(self, timeout_s: float) -> bytes:
        try:
            if self._port.in_waiting:
                return bytes(self._port.read(self._port.in_waiting))
            if self._fd is not None:
                if not select.select([self._fd], [], [], max(timeout_s, 0.0))[0]:
                    return b""
                return bytes(self._port.read(READ_SIZE))
            self._port.timeout = max(timeout_s, 0.0)
            first = self._port.read(1)
            rest = self._port.read(self._port.in_waiting) if first else b""
            return bytes(first + rest)
        except (serial.SerialException, OSError, TypeError) as e:
            raise LinkLost(f"{self.name}: {_oneline(e)}") from None

    def close(self) -> None:
        with contextlib.suppress(serial.SerialException, OSError):
            self._port.close()


def open_port(url: str, baud: int = DEFAULT_BAUD) -> SerialTransport:
    """A device path or pyserial URL, opened raw, 8N1, non-blocking reads."""
    try:
        port = serial.serial_for_url(url, baudrate=baud, timeout=0, write_timeout=WRITE_TIMEOUT_S)
    except (serial.SerialException, OSError, ValueError) as e:
        cause = e.__context__ if isinstance(e.__context__, OSError) else e
        reason = getattr(cause, "strerror", None) or _oneline(cause)
        raise PortError(f"cannot open {url}: {reason}") from None
    log.info("opened %s at %d baud", url, baud)
    return SerialTransport(port, url)


class FdTransport:
    """One end of a pseudo-terminal (the virtual board keeps the master).

    The descriptor is made non-blocking: a pty may say it is writable and
    then block a write larger than the room it has, which would make the
    write timeout a hang when the peer stops reading."""

    def __init__(self, fd: int, name: str) -> None:
        self._fd = fd
        self.name = name
        os.set_blocking(fd, False)

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        deadline = time.monotonic() + WRITE_TIMEOUT_S
        while view:
            if not select.select([], [self._fd], [], max(deadline - time.monotonic(), 0))[1]:
                raise WriteTimeout(f"{self.name}: write timed out after {WRITE_TIMEOUT_S:g} s")
            try:
                view = view[os.write(self._fd, view) :]
            except BlockingIOError:
                continue  # less room than select promised: wait again, within the deadline
            except OSError as e:
                raise LinkLost(f"{self.name}: {_oneline(e)}") from None

    def read(self, timeout_s: float) -> bytes:
        try:
            if not select.select([self._fd], [], [], max(timeout_s, 0.0))[0]:
                return b""
            return os.read(self._fd, READ_SIZE)
        except BlockingIOError:
            return b""
        except OSError as e:
            raise LinkLost(f"{self.name}: {_oneline(e)}") from None

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self._fd)


class PtyPair:
    """A pseudo-terminal: the board side (master) and the path a host opens.

    The slave end is put in raw mode and kept open here, so that nothing is
    echoed or translated and the master never sees a hang-up between hosts.
    """

    def __init__(self) -> None:
        self.master_fd, self._slave_fd = os.openpty()
        tty.setraw(self._slave_fd, termios.TCSANOW)
        self.path = os.ttyname(self._slave_fd)

    def board_end(self) -> FdTransport:
        return FdTransport(self.master_fd, f"pty master of {self.path}")

    def close(self) -> None:
        for fd in (self.master_fd, self._slave_fd):
            with contextlib.suppress(OSError):
                os.close(fd)
