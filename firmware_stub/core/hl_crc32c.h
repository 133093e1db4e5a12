/* CRC-32C (Castagnoli): reflected polynomial 0x82F63B78, init and final XOR
 * 0xFFFFFFFF. Check value: hl_crc32c("123456789", 9) == 0xE3069283. */
#ifndef HL_CRC32C_H
#define HL_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* The CRC of a block followed by its own CRC (little-endian), whatever the block. */
#define HL_CRC32C_RESIDUE 0x48674BC7u

uint32_t hl_crc32c(const uint8_t *data, size_t n);

/* In pieces: crc = 0xFFFFFFFF, crc = hl_crc32c_update(crc, piece, n)...,
 * and the CRC is crc ^ 0xFFFFFFFF. */
uint32_t hl_crc32c_update(uint32_t crc, const uint8_t *data, size_t n);

#endif
