#include "head_chunk.h"

namespace ember::tsdb {

void HeadChunk::Append(int64_t t, double v) { (void)xor_.Append(t, v); }

Status HeadChunk::Decode(std::vector<Sample>* out) const {
  XorIterator it(xor_.bytes());
  while (it.Next()) out->push_back({it.t(), it.v()});
  return it.status();
}

size_t HeadChunk::MemoryBytes() const {
  // The appender's buffer grows by a quarter at a time (xor_chunk.cpp).
  return sizeof(*this) + xor_.size_bytes() + xor_.size_bytes() / 8 + 16;
}

}  // namespace ember::tsdb
