// Chunk values: the dense encoding at rest, XOR accepted when reading.
#include "../chunks/dense_chunk.h"
#include "ember/tsdb/xor_chunk.h"
#include "encoding.h"
#include "keys.h"

namespace ember::tsdb {

std::string EncodeChunkValue(const Sample* samples, size_t n) {
  std::string out;
  out.push_back(static_cast<char>(ChunkFormat::kDense));
  PutUvarint(&out, static_cast<uint64_t>(samples[n - 1].t) - static_cast<uint64_t>(samples[0].t));
  PutUvarint(&out, n);
  out += EncodeDenseChunk(std::span<const Sample>(samples, n));
  return out;
}

Status DecodeChunkValue(std::string_view value, int64_t min_t, std::vector<Sample>* out) {
  ChunkValueHeader h;
  EMBER_RETURN_IF_ERROR(ParseChunkValue(value, min_t, &h));
  size_t before = out->size();
  if (h.format == ChunkFormat::kDense) {
    EMBER_RETURN_IF_ERROR(DecodeDenseChunk(h.payload, out));
  } else {
    XorIterator it(h.payload);
    while (it.Next()) out->push_back({it.t(), it.v()});
    EMBER_RETURN_IF_ERROR(it.status());
  }
  if (out->size() - before != h.num_samples) {
    return Status::Corruption("chunk value: holds " + std::to_string(out->size() - before) +
                              " samples, header says " + std::to_string(h.num_samples));
  }
  return Status::Ok();
}

}  // namespace ember::tsdb
