// Byte encodings shared by the store's RocksDB keys, RocksDB values and WAL
// records: big-endian fixed integers (so keys sort numerically), varints,
// and the packed form of a label set. Documented in
// libtsdb/docs/format/storage.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ember/base/labels.h"
#include "ember/base/status.h"

namespace ember::tsdb {

void PutFixed64BE(std::string* out, uint64_t v);
// Reads 8 bytes at *pos; false (and *pos unchanged) when fewer remain.
bool GetFixed64BE(std::string_view in, size_t* pos, uint64_t* v);

// A signed timestamp as an order-preserving unsigned integer (sign bit flipped).
inline uint64_t OrderedTime(int64_t t) { return static_cast<uint64_t>(t) ^ (uint64_t{1} << 63); }
inline int64_t FromOrderedTime(uint64_t u) { return static_cast<int64_t>(u ^ (uint64_t{1} << 63)); }

void PutUvarint(std::string* out, uint64_t v);
void PutVarint(std::string* out, int64_t v);  // zigzag
bool GetUvarint(std::string_view in, size_t* pos, uint64_t* v);
bool GetVarint(std::string_view in, size_t* pos, int64_t* v);

void PutFixed64LE(std::string* out, uint64_t v);
bool GetFixed64LE(std::string_view in, size_t* pos, uint64_t* v);

// Labels as: uvarint count, then per label uvarint length + name bytes and
// uvarint length + value bytes, sorted by name as Labels are.
void PackLabels(const Labels& labels, std::string* out);
std::string PackLabels(const Labels& labels);
// Errors: Corruption when the bytes are not a packed label set.
Result<Labels> UnpackLabels(std::string_view packed);
// Reads a packed label set at *pos, advancing it.
Result<Labels> UnpackLabels(std::string_view in, size_t* pos);

}  // namespace ember::tsdb
