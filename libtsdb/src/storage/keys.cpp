#include "keys.h"

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

}  // namespace ember::tsdb
