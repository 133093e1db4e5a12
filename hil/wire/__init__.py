"""hilander.hil.wire: the protocol as bytes <-> messages, sans-I/O.

The field tables (``protocol``) are the single source of truth for every
message: the codec packs from them, the C structs and docs/protocol.md are
generated from them, and their schema hash is checked in HELLO. ``codec``
frames (COBS, header, CRC-32C) and decodes without ever raising on bad bytes;
``mapxfer`` cuts a hazard map into chunks and puts it back. No ports, clocks
or threads, and nothing compiled: ``import hilander.hil.wire`` never loads the
law it carries.
"""

from hilander.hil.wire.codec import Decoder, Packet, VersionMismatch, encode
from hilander.hil.wire.protocol import PROTOCOL_VERSION, SCHEMA_HASH

__all__ = ["PROTOCOL_VERSION", "SCHEMA_HASH", "Decoder", "Packet", "VersionMismatch", "encode"]
