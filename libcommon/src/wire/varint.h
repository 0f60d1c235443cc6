// Base-128 varints as protobuf and Go's encoding/binary write them (least
// significant group first, high bit = more follows). Private to src/wire.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ember::wire::internal {

inline void AppendUvarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// Reads a uvarint at `*pos` and advances past it. Returns false, leaving *pos
// unspecified, when `data` ends inside it or it runs past 10 bytes. Bits past
// the 64th are dropped, as protobuf's parser drops them.
inline bool ReadUvarint(std::string_view data, size_t* pos, uint64_t* value) {
  uint64_t result = 0;
  size_t p = *pos;
  for (int shift = 0; shift <= 63; shift += 7) {
    if (p >= data.size()) return false;
    const auto byte = static_cast<uint8_t>(data[p++]);
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (byte < 0x80) {
      *pos = p;
      *value = result;
      return true;
    }
  }
  return false;
}

}  // namespace ember::wire::internal
