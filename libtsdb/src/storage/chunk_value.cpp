// Chunk values: a format byte and a dense chunk.
#include "../chunks/dense_chunk.h"
#include "keys.h"

namespace ember::tsdb {

std::string EncodeChunkValue(const Sample* samples, size_t n) {
  std::string out(1, static_cast<char>(ChunkFormat::kDense));
  out += EncodeDenseChunk(std::span<const Sample>(samples, n));
  return out;
}

Status ParseChunkValue(std::string_view value, int64_t min_t, ChunkValueHeader* out) {
  if (value.empty() || static_cast<ChunkFormat>(value[0]) != ChunkFormat::kDense) {
    return Status::Corruption(value.empty() ? "chunk value: empty"
                                            : "chunk value: unknown format " +
                                                  std::to_string(static_cast<uint8_t>(value[0])));
  }
  const std::string_view payload = value.substr(1);
  EMBER_ASSIGN_OR_RETURN(size_t n, DenseChunkNumSamples(payload));
  EMBER_ASSIGN_OR_RETURN(int64_t first, DenseChunkMinTime(payload));
  EMBER_ASSIGN_OR_RETURN(int64_t last, DenseChunkMaxTime(payload));
  if (first != min_t) return Status::Corruption("chunk value: first time differs from its key's");
  out->max_t = last;
  out->num_samples = static_cast<uint32_t>(n);
  out->payload = payload;
  return Status::Ok();
}

Status DecodeChunkValue(std::string_view value, int64_t min_t, std::vector<Sample>* out) {
  ChunkValueHeader h;
  EMBER_RETURN_IF_ERROR(ParseChunkValue(value, min_t, &h));
  return DecodeDenseChunk(h.payload, out);
}

}  // namespace ember::tsdb
