// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of WAL
// records. Same values as SSE4.2's crc32 instruction and as Go's
// crc32.MakeTable(crc32.Castagnoli): Crc32c("123456789") == 0xE3069283.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

namespace ember::wal {

// The CRC-32C of `data` continued from `crc`, the CRC of the bytes before it
// (0 for none): Crc32cExtend(Crc32c(a), b) == Crc32c(a + b).
uint32_t Crc32cExtend(uint32_t crc, std::string_view data);

inline uint32_t Crc32c(std::string_view data) { return Crc32cExtend(0, data); }

// The same CRC by table lookups, which Crc32cExtend falls back to on CPUs
// without SSE4.2; public so that tests check both give the same answer.
uint32_t Crc32cExtendPortable(uint32_t crc, std::string_view data);

}  // namespace ember::wal
