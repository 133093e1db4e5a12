"""Hazard maps on the wire: cut into chunks, put back together, checked."""

from __future__ import annotations

from typing import Any

import crc32c
import numpy as np

from hilander.controller.interface import HAZARD_MAP_MAX_CELLS, HazardMap
from hilander.hil.wire.protocol import (
    MAP_CELL_MAX_M,
    MAP_CELL_MIN_M,
    MAP_CHUNK_VALUES,
    MAP_ORIGIN_MAX_M,
    HazardMapBegin,
    HazardMapChunk,
    HazardMapEnd,
)

LAYERS = ("cost", "elevation_m")


def map_crc(cost: np.ndarray[Any, Any], elevation_m: np.ndarray[Any, Any]) -> int:
    """CRC-32C of the cost cells then the elevation cells, float32 little-endian."""
    data = cost.astype("<f4").tobytes() + elevation_m.astype("<f4").tobytes()
    return int(crc32c.crc32c(data))


def map_messages(hazard_map: HazardMap, map_id: int) -> list[Any]:
    """BEGIN, the chunks of both layers, END."""
    n = hazard_map.cells
    msgs: list[Any] = [
        HazardMapBegin(map_id, n, float(hazard_map.cell_size_m), hazard_map.origin_S_m)
    ]
    for layer, name in enumerate(LAYERS):
        flat = getattr(hazard_map, name).astype(np.float32).ravel()
        for first in range(0, n * n, MAP_CHUNK_VALUES):
            values = tuple(flat[first : first + MAP_CHUNK_VALUES].tolist())
            msgs.append(HazardMapChunk(map_id, layer, first, values))
    msgs.append(HazardMapEnd(map_id, map_crc(hazard_map.cost, hazard_map.elevation_m)))
    return msgs


def begin_error(msg: HazardMapBegin) -> str | None:
    """Why a HAZARD_MAP_BEGIN cannot start a transfer, or None."""
    if not 1 <= msg.cells <= HAZARD_MAP_MAX_CELLS:
        return f"cells = {msg.cells}: must be 1 to {HAZARD_MAP_MAX_CELLS}"
    if not MAP_CELL_MIN_M <= msg.cell_size_m <= MAP_CELL_MAX_M:
        limits = f"{MAP_CELL_MIN_M:g} to {MAP_CELL_MAX_M:g}"
        return f"cell_size_m = {msg.cell_size_m!r}: must be {limits}"
    if not all(abs(x) <= MAP_ORIGIN_MAX_M for x in msg.origin_S_m):
        return f"origin_S_m = {msg.origin_S_m!r}: must be within {MAP_ORIGIN_MAX_M:g} m"
    return None


class MapAssembler:
    """Collects one transfer; ``end()`` says whether it arrived whole."""

    def __init__(self) -> None:
        self.begin: HazardMapBegin | None = None
        self._layers: list[np.ndarray[Any, Any]] = []
        self._have: list[np.ndarray[Any, Any]] = []
        self.complete: HazardMap | None = None
        self._whole = (-1, 0)  # the whole map's id and CRC

    def start(self, msg: HazardMapBegin) -> bool:
        """False if the map is not one a board can hold (docs/protocol.md,
        "Hazard map transfer"): no transfer is then under way."""
        self.complete = None  # a new transfer replaces the last map, whole or not
        self.begin = msg if begin_error(msg) is None else None
        if self.begin is None:
            return False
        size = msg.cells * msg.cells
        self._layers = [np.zeros(size, np.float32) for _ in LAYERS]
        self._have = [np.zeros(size, bool) for _ in LAYERS]
        return True

    def add(self, msg: HazardMapChunk) -> bool:
        """Keep a chunk's cells; False (nothing kept) if it is not one of this
        transfer's: no transfer, another map, no such layer, no values, or
        cells past the map's last."""
        b = self.begin
        stop = msg.first_cell + len(msg.values)
        if b is None or msg.map_id != b.map_id or msg.layer >= len(LAYERS):
            return False
        if not msg.values or stop > b.cells * b.cells:
            return False
        self._layers[msg.layer][msg.first_cell : stop] = msg.values
        self._have[msg.layer][msg.first_cell : stop] = True
        return True

    def end(self, msg: HazardMapEnd) -> int:
        """Cells still missing (0: the map is complete and its CRC checks).
        A whole map closes the transfer; an END of it again is answered from
        its CRC, and the map stays whole."""
        whole = self.complete
        if whole is not None and msg.map_id == self._whole[0]:
            return 0 if msg.map_crc == self._whole[1] else whole.cells**2 * len(LAYERS)
        b = self.begin
        if b is None or msg.map_id != b.map_id:
            return HAZARD_MAP_MAX_CELLS**2 * len(LAYERS)
        missing = sum(int((~have).sum()) for have in self._have)
        if missing:
            return missing
        n = b.cells
        cost, elevation = (layer.reshape(n, n) for layer in self._layers)
        if map_crc(cost, elevation) != msg.map_crc:
            return n * n * len(LAYERS)
        self.complete = HazardMap(cost.copy(), elevation.copy(), b.cell_size_m, b.origin_S_m)
        self.begin, self._whole = None, (b.map_id, msg.map_crc)  # closed: no chunk changes it
        return 0
