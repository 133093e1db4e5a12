"""hilander.hil.link: bytes and frames over a port.

``transport`` opens a serial port, a pyserial URL or a pseudo-terminal and
gives three calls (write, read with a timeout, close); ``faults`` wraps one
with seeded link faults; ``record`` keeps every byte both ways; ``link``
numbers, frames and decodes, and counts what went wrong. Nothing here knows
about landings.
"""

from hilander.hil.link.link import Link
from hilander.hil.link.transport import LinkLost, PortError, PtyPair, Transport, open_port

__all__ = ["Link", "LinkLost", "PortError", "PtyPair", "Transport", "open_port"]
