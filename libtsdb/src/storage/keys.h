// RocksDB column families and key layouts of the store, documented in
// libtsdb/docs/format/storage.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ember/base/status.h"
#include "ember/tsdb/sample.h"

namespace ember::tsdb {

inline constexpr char kSeriesFamily[] = "series";
inline constexpr char kPostingsFamily[] = "postings";
inline constexpr char kChunksFamily[] = "chunks";
inline constexpr char kTombstonesFamily[] = "tombstones";

// default family: the time below which samples were dropped by retention
// (8 bytes, OrderedTime); appends below it are out of bounds.
inline constexpr char kRetentionCutKey[] = "retention_cut";

// Partition p holds the samples with p * duration <= t < (p + 1) * duration.
inline int64_t PartitionOf(int64_t t, int64_t duration) {
  int64_t q = t / duration;
  return (t % duration != 0 && t < 0) ? q - 1 : q;
}

// series: id -> packed labels.
std::string SeriesKey(uint64_t id);
// postings: partition | id -> "" (the series has chunks in the partition).
std::string PartitionSeriesKey(int64_t partition, uint64_t id);
std::string PartitionPrefix(int64_t partition);
// chunks: partition | id | min_t | kind [| sequence].
enum class ChunkKind : uint8_t {
  kInOrder = 0,     // the series' in-order samples; rewritten in place as it fills
  kOutOfOrder = 1,  // out-of-order samples; followed by a unique sequence number
};
std::string ChunkKey(int64_t partition, uint64_t id, int64_t min_t, ChunkKind kind, uint64_t sequence = 0);
std::string SeriesChunksPrefix(int64_t partition, uint64_t id);

struct ChunkKeyParts {
  int64_t partition = 0;
  uint64_t id = 0;
  int64_t min_t = 0;
  ChunkKind kind = ChunkKind::kInOrder;
};
bool ParseChunkKey(std::string_view key, ChunkKeyParts* out);
bool ParsePartitionSeriesKey(std::string_view key, int64_t* partition, uint64_t* id);
bool ParseSeriesKey(std::string_view key, uint64_t* id);

// A chunk value: a format byte, then the encoded samples. The dense
// chunk's own header holds the sample count and the first and last times.
enum class ChunkFormat : uint8_t {
  kDense = 1,  // the dense encoding of libtsdb/docs/format/dense_chunk.md
};
struct ChunkValueHeader {
  int64_t max_t = 0;
  uint32_t num_samples = 0;
  std::string_view payload;
};
// Reads a chunk value's header, checking its first time is the key's.
// Errors: Corruption.
Status ParseChunkValue(std::string_view value, int64_t min_t, ChunkValueHeader* out);

// Encodes samples (sorted, unique timestamps, at least one) as a chunk value.
std::string EncodeChunkValue(const Sample* samples, size_t n);
// Decodes a chunk value's samples, appending them to *out.
Status DecodeChunkValue(std::string_view value, int64_t min_t, std::vector<Sample>* out);

}  // namespace ember::tsdb
