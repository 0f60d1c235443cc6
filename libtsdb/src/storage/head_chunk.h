// HeadChunk: a series' open chunk in the head, appended to one sample at a
// time in Prometheus's XOR encoding (persisted chunks use the dense one).
//
// Not thread-safe: the series' stripe lock guards it. Copies are deep.
#pragma once

#include <cstdint>
#include <vector>

#include "ember/base/status.h"
#include "ember/tsdb/sample.h"
#include "ember/tsdb/xor_chunk.h"

namespace ember::tsdb {

class HeadChunk {
 public:
  HeadChunk() = default;

  // Appends a sample after the last one (the caller checked t).
  void Append(int64_t t, double v);

  uint32_t num_samples() const { return static_cast<uint32_t>(xor_.num_samples()); }
  // Inline and heap bytes held, for statistics.
  size_t MemoryBytes() const;

  // Appends every sample, in time order, to *out. Corruption only if the
  // memory was damaged.
  Status Decode(std::vector<Sample>* out) const;

 private:
  XorAppender xor_;
};

}  // namespace ember::tsdb
