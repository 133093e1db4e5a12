"""The hazard map transfer of docs/protocol.md, both ends.

The world cuts a map into BEGIN, CHUNKs of up to 64 cells of one layer
(row-major, row = north index) and END with the CRC-32C of every cost cell
then every elevation cell as f32 little-endian; the board's receiver keeps
what the doc's rules keep and answers END.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from hilander.controller.interface import HazardMap
from tests.acceptance.cleanroom.protocol import ACK_STATUS, crc

CHUNK_CELLS = 64
MAX_CELLS = 64
LAYERS = 2  # 0 cost, 1 elevation_m
NO_TRANSFER_MISSING = 2 * MAX_CELLS * MAX_CELLS  # "detail 8 192 (every cell of the largest map)"


def map_crc(cost: npt.NDArray[Any], elevation: npt.NDArray[Any]) -> int:
    data = np.asarray(cost, "<f4").tobytes() + np.asarray(elevation, "<f4").tobytes()
    return crc(data)


def transfer(
    m: HazardMap, map_id: int
) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    """(BEGIN, CHUNKs, END) fields of one transfer of ``m``."""
    cells = m.cells
    begin = {
        "map_id": map_id,
        "cells": cells,
        "cell_size_m": m.cell_size_m,
        "origin_S_m": tuple(m.origin_S_m),
    }
    chunks = []
    for layer, grid in enumerate((m.cost, m.elevation_m)):
        flat = np.asarray(grid, "<f4").reshape(-1)
        for first in range(0, flat.size, CHUNK_CELLS):
            values = [float(x) for x in flat[first : first + CHUNK_CELLS]]
            chunks.append({"map_id": map_id, "layer": layer, "first_cell": first, "values": values})
    end = {"map_id": map_id, "map_crc": map_crc(m.cost, m.elevation_m)}
    return begin, chunks, end


@dataclass
class Transfer:
    map_id: int
    cells: int
    cell_size_m: float
    origin_S_m: tuple[float, float]
    layers: npt.NDArray[np.float32]
    got: npt.NDArray[np.bool_] = field(init=False)

    def __post_init__(self) -> None:
        self.got = np.zeros(self.layers.shape, bool)

    @property
    def missing(self) -> int:
        return int(self.got.size - np.count_nonzero(self.got))


class MapReceiver:
    """The board's side: a transfer under way, and the whole map in hand."""

    def __init__(self) -> None:
        self.transfer: Transfer | None = None
        self.whole: HazardMap | None = None
        self._whole = (-1, 0)  # the whole map's id and CRC

    def begin(self, f: dict[str, Any]) -> bool:
        """Taken or not; any transfer under way and any whole map go either way."""
        self.transfer, self.whole = None, None
        origin = tuple(float(x) for x in f["origin_S_m"])
        size = float(f["cell_size_m"])
        ok = 1 <= f["cells"] <= MAX_CELLS and 0.01 <= size <= 1000.0  # the doc's geometry
        if not ok or not all(abs(x) <= 1e6 for x in origin):
            return False
        n = int(f["cells"])
        grid = np.zeros((LAYERS, n * n), np.float32)
        self.transfer = Transfer(int(f["map_id"]), n, size, (origin[0], origin[1]), grid)
        return True

    def chunk(self, f: dict[str, Any]) -> bool:
        t, values = self.transfer, f["values"]
        if t is None or f["map_id"] != t.map_id or f["layer"] not in (0, 1) or not values:
            return False
        first = int(f["first_cell"])
        if first + len(values) > t.cells * t.cells:
            return False
        t.layers[f["layer"], first : first + len(values)] = values
        t.got[f["layer"], first : first + len(values)] = True
        return True

    def end(self, f: dict[str, Any]) -> tuple[int, int]:
        """(AckStatus, detail) of the answer to END: a whole map closes its
        transfer, and an END of it again is answered from its CRC."""
        t = self.transfer
        incomplete = ACK_STATUS["INCOMPLETE"]
        if self.whole is not None and f["map_id"] == self._whole[0]:
            same = f["map_crc"] == self._whole[1]
            return (ACK_STATUS["OK"], 0) if same else (incomplete, 2 * self.whole.cells**2)
        if t is None or f["map_id"] != t.map_id:
            return incomplete, NO_TRANSFER_MISSING
        if t.missing:
            return incomplete, t.missing
        n = t.cells
        cost, elevation = t.layers[0].reshape(n, n), t.layers[1].reshape(n, n)
        if map_crc(cost, elevation) != f["map_crc"]:
            return incomplete, 2 * n * n
        self.whole = HazardMap(cost.copy(), elevation.copy(), t.cell_size_m, t.origin_S_m)
        self.transfer, self._whole = None, (t.map_id, int(f["map_crc"]))  # closed
        return ACK_STATUS["OK"], 0
