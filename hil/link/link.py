"""A link: frames both ways over a transport, with sequence numbers and counters.

The link knows nothing about landings. It numbers what it sends, decodes what
it reads, keeps the decoder's counters, tells duplicates and gaps from the
sequence numbers, and hands every byte to the recorder if there is one.

A duplicate is a frame received again: the same sequence number and the same
content as one of the last ``RECENT_FRAMES`` received (a board's repeated
COMMAND is its cached bytes, seq and all). It is counted once, here, and
still delivered, marked: ``duplicate`` says whether the packet ``receive``
returned last was one, so that the layer above does not count it again.
A gap is a run of sequence numbers skipped going forward; a frame numbered
behind the last one (its first copy came late, or the peer restarted its
numbering) is neither, and does not move the count back.
"""

from __future__ import annotations

import time
from collections import deque
from typing import Any

from hilander.hil.link.record import Recorder
from hilander.hil.link.transport import Transport
from hilander.hil.wire.codec import Decoder, Packet, encode
from hilander.hil.wire.protocol import PROTOCOL_VERSION

RECENT_FRAMES = 256  # frames remembered to tell a repeat from a new frame


class Link:
    def __init__(self, transport: Transport, recorder: Recorder | None = None) -> None:
        self.transport = transport
        self.recorder = recorder
        self.decoder = Decoder()
        self.session_id = 0
        self._seq = 0
        self._queue: deque[tuple[Packet, bool]] = deque()
        self._last_seq: int | None = None
        self._recent: dict[int, Packet] = {}  # seq -> the last frame received with it
        self.frames_sent = 0
        self.frames_received = 0  # every frame decoded, duplicates included
        self.seq_gaps = 0  # sequence numbers skipped: frames the peer sent that never came whole
        self.duplicates = 0  # frames received again (same seq, same content)
        self.duplicate = False  # the packet receive() returned last is a duplicate

    @property
    def next_seq(self) -> int:
        """The sequence number the next frame will carry."""
        return self._seq

    def frame(
        self, msg: Any, flags: int = 0, session_id: int | None = None, version: int | None = None
    ) -> bytes:
        """One message encoded with the next sequence number (not yet sent)."""
        seq = self._seq
        self._seq = (seq + 1) & 0xFFFF
        sid = self.session_id if session_id is None else session_id
        return encode(msg, sid, seq, flags, PROTOCOL_VERSION if version is None else version)

    def send(self, msg: Any, flags: int = 0, session_id: int | None = None) -> None:
        self.write(self.frame(msg, flags, session_id))

    def restart_sequence(self) -> None:
        """The peer rebooted: its numbering starts again."""
        self._last_seq = None
        self._recent.clear()

    def write(self, data: bytes, frames: int = 1) -> None:
        """Raw bytes to the line: ``frames`` whole frames (0 for a bare delimiter)."""
        self.frames_sent += frames
        if self.recorder is not None:
            self.recorder.tx(data)
        self.transport.write(data)

    def receive(self, timeout_s: float) -> Packet | None:
        """The next packet, waiting at most ``timeout_s``; None if none came.
        ``duplicate`` then says whether it is a frame received before."""
        deadline = time.monotonic() + timeout_s
        while not self._queue:
            remaining = deadline - time.monotonic()
            data = self.transport.read(max(remaining, 0.0))
            if data:
                self.feed(data)
            if not self._queue and remaining <= 0:
                return None  # bounded even when bytes keep coming and none make a frame
        packet, self.duplicate = self._queue.popleft()
        return packet

    def feed(self, data: bytes) -> None:
        if self.recorder is not None:
            self.recorder.rx(data)
        for packet in self.decoder.feed(data):
            duplicate = self._sequence(packet)
            self.frames_received += 1
            self._queue.append((packet, duplicate))

    def _sequence(self, packet: Packet) -> bool:
        """Count a gap or a duplicate; True if the packet is a duplicate."""
        seq = packet.seq
        if self._recent.get(seq) == packet:
            self.duplicates += 1
            return True
        self._recent.pop(seq, None)
        self._recent[seq] = packet
        if len(self._recent) > RECENT_FRAMES:
            del self._recent[next(iter(self._recent))]
        last = self._last_seq
        gap = 0 if last is None else (seq - last - 1) & 0xFFFF
        if gap < 0x8000:  # forward (behind: a late first copy, or a restart)
            self.seq_gaps += gap
            self._last_seq = seq
        return False

    def counters(self) -> dict[str, int]:
        c = self.decoder.counters
        return {
            "frames_sent": self.frames_sent,
            "frames_received": self.frames_received,
            "crc_errors": c.crc_errors,
            "framing_errors": c.framing_errors,
            "resyncs": c.resyncs,
            "oversize": c.oversize,
            "unknown_type": c.unknown_type,
            "bad_payload": c.bad_payload,
            "version_mismatch": c.version_mismatch,
            "seq_gaps": self.seq_gaps,
            "duplicates": self.duplicates,
        }
