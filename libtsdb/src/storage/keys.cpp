#include "keys.h"

#include "ember/tsdb/xor_chunk.h"
#include "encoding.h"

namespace ember::tsdb {

std::string SeriesKey(uint64_t id) {
  std::string k;
  PutFixed64BE(&k, id);
  return k;
}

std::string PartitionPrefix(int64_t partition) {
  std::string k;
  PutFixed64BE(&k, OrderedTime(partition));
  return k;
}

std::string PartitionSeriesKey(int64_t partition, uint64_t id) {
  std::string k = PartitionPrefix(partition);
  PutFixed64BE(&k, id);
  return k;
}

std::string SeriesChunksPrefix(int64_t partition, uint64_t id) { return PartitionSeriesKey(partition, id); }

std::string ChunkKey(int64_t partition, uint64_t id, int64_t min_t, ChunkKind kind, uint64_t sequence) {
  std::string k = PartitionSeriesKey(partition, id);
  PutFixed64BE(&k, OrderedTime(min_t));
  k.push_back(static_cast<char>(kind));
  if (kind == ChunkKind::kOutOfOrder) PutFixed64BE(&k, sequence);
  return k;
}

bool ParseChunkKey(std::string_view key, ChunkKeyParts* out) {
  size_t pos = 0;
  uint64_t p, id, t;
  if (!GetFixed64BE(key, &pos, &p) || !GetFixed64BE(key, &pos, &id) || !GetFixed64BE(key, &pos, &t) ||
      pos >= key.size()) {
    return false;
  }
  auto kind = static_cast<ChunkKind>(key[pos]);
  if (kind == ChunkKind::kInOrder ? key.size() != pos + 1
                                  : (kind != ChunkKind::kOutOfOrder || key.size() != pos + 9)) {
    return false;
  }
  *out = {FromOrderedTime(p), id, FromOrderedTime(t), kind};
  return true;
}

bool ParsePartitionSeriesKey(std::string_view key, int64_t* partition, uint64_t* id) {
  size_t pos = 0;
  uint64_t p;
  if (key.size() != 16 || !GetFixed64BE(key, &pos, &p) || !GetFixed64BE(key, &pos, id)) return false;
  *partition = FromOrderedTime(p);
  return true;
}

bool ParseSeriesKey(std::string_view key, uint64_t* id) {
  size_t pos = 0;
  return key.size() == 8 && GetFixed64BE(key, &pos, id);
}

Status ParseChunkValue(std::string_view value, int64_t min_t, ChunkValueHeader* out) {
  size_t pos = 1;
  uint64_t span, n;
  if (value.empty() || !GetUvarint(value, &pos, &span) || !GetUvarint(value, &pos, &n) || n == 0 ||
      n > kXorChunkMaxSamples) {
    return Status::Corruption("chunk value: bad header");
  }
  auto format = static_cast<ChunkFormat>(value[0]);
  if (format != ChunkFormat::kXor && format != ChunkFormat::kDense) {
    return Status::Corruption("chunk value: unknown format " +
                              std::to_string(static_cast<uint8_t>(value[0])));
  }
  out->format = format;
  out->max_t = static_cast<int64_t>(static_cast<uint64_t>(min_t) + span);
  out->num_samples = static_cast<uint32_t>(n);
  out->payload = value.substr(pos);
  return Status::Ok();
}

}  // namespace ember::tsdb
