/* CRC-32C, four bits at a time: a 64-byte table, small enough for any board. */
#include "hl_crc32c.h"

/* TABLE[n] = the CRC register after shifting the 4-bit value n through the
 * reflected polynomial 0x82F63B78 four times. */
static const uint32_t TABLE[16] = {
    0x00000000u, 0x105EC76Fu, 0x20BD8EDEu, 0x30E349B1u,
    0x417B1DBCu, 0x5125DAD3u, 0x61C69362u, 0x7198540Du,
    0x82F63B78u, 0x92A8FC17u, 0xA24BB5A6u, 0xB21572C9u,
    0xC38D26C4u, 0xD3D3E1ABu, 0xE330A81Au, 0xF36E6F75u
};

uint32_t hl_crc32c_update(uint32_t crc, const uint8_t *data, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        crc ^= data[i];
        crc = (crc >> 4) ^ TABLE[crc & 0x0Fu];
        crc = (crc >> 4) ^ TABLE[crc & 0x0Fu];
    }
    return crc;
}

uint32_t hl_crc32c(const uint8_t *data, size_t n)
{
    return hl_crc32c_update(0xFFFFFFFFu, data, n) ^ 0xFFFFFFFFu;
}
