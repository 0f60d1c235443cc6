// Fuzz target, two ways chosen by the first byte:
// - decode: arbitrary bytes decode without reading out of bounds and fail only
//   with Corruption; whatever decodes agrees with the header accessors and
//   re-encodes to a chunk that decodes to the same samples bit for bit;
// - encode: samples built from the input (steered towards the shapes the
//   encoder treats specially: short decimals, repeats, stale markers, odd NaNs,
//   outlying gaps) encode to a chunk that decodes to them bit for bit.
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "dense_chunk.h"

namespace {

using ember::tsdb::DecodeDenseChunk;
using ember::tsdb::EncodeDenseChunk;
using ember::tsdb::Sample;

void Check(bool ok) {
  if (!ok) std::abort();
}

void CheckRoundTrip(const std::vector<Sample>& samples) {
  const std::string bytes = EncodeDenseChunk(samples);
  std::vector<Sample> decoded;
  Check(DecodeDenseChunk(bytes, &decoded).ok());
  Check(decoded == samples);  // Sample's == compares value bits
  auto n = ember::tsdb::DenseChunkNumSamples(bytes);
  Check(n.ok() && *n == samples.size());
}

void Decode(std::string_view bytes) {
  std::vector<Sample> decoded;
  const ember::Status st = DecodeDenseChunk(bytes, &decoded);
  if (!st.ok()) {
    Check(st.code() == ember::StatusCode::kCorruption && decoded.empty());
    return;
  }
  auto n = ember::tsdb::DenseChunkNumSamples(bytes);
  auto min_time = ember::tsdb::DenseChunkMinTime(bytes);
  auto max_time = ember::tsdb::DenseChunkMaxTime(bytes);
  Check(n.ok() && *n == decoded.size() && !decoded.empty());
  Check(min_time.ok() && *min_time == decoded.front().t);
  Check(max_time.ok() && *max_time == decoded.back().t);
  CheckRoundTrip(decoded);
}

class Input {
 public:
  explicit Input(std::string_view data) : data_(data) {}
  bool empty() const { return data_.empty(); }
  uint8_t Byte() {
    if (data_.empty()) return 0;
    const auto b = static_cast<uint8_t>(data_[0]);
    data_.remove_prefix(1);
    return b;
  }
  uint64_t Bytes(int n) {
    uint64_t x = 0;
    for (int i = 0; i < n; ++i) x |= uint64_t{Byte()} << (8 * i);
    return x;
  }

 private:
  std::string_view data_;
};

void Encode(std::string_view data) {
  Input in(data);
  std::vector<Sample> samples;
  int64_t t = static_cast<int64_t>(in.Bytes(8));
  int64_t step = 15'000;
  double v = 0;
  while (!in.empty() && samples.size() < ember::tsdb::kDenseChunkMaxSamples) {
    const uint8_t op = in.Byte();
    switch (op & 7) {
      case 0:  // same gap
        break;
      case 1:
        step += static_cast<int8_t>(in.Byte());
        break;
      case 2:
        step = static_cast<int64_t>(in.Bytes(8) >> (in.Byte() & 63));
        break;
      default:
        step += 0;
    }
    if (step <= 0) step = 1;
    // Stop rather than wrap past the int64 maximum.
    if (!samples.empty() && t > std::numeric_limits<int64_t>::max() - step) break;
    if (!samples.empty()) t += step;
    switch (op >> 3 & 7) {
      case 0:  // the same value again
        break;
      case 1:
        v = std::bit_cast<double>(in.Bytes(8));
        break;
      case 2:
        v = static_cast<double>(static_cast<int16_t>(in.Bytes(2))) / std::pow(10.0, in.Byte() % 8);
        break;
      case 3:
        v = std::bit_cast<double>(ember::tsdb::kStaleNaNBits);
        break;
      case 4:
        v += static_cast<double>(in.Byte());
        break;
      case 5:
        v = static_cast<double>(static_cast<int64_t>(in.Bytes(8))) * std::pow(10.0, in.Byte() % 30);
        break;
      case 6:
        v = std::bit_cast<double>(std::bit_cast<uint64_t>(v) ^ (uint64_t{1} << (in.Byte() & 63)));
        break;
      default:
        v = static_cast<double>(in.Byte() % 3) / 4;
    }
    samples.push_back({t, v});
  }
  if (!samples.empty()) CheckRoundTrip(samples);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  if ((data[0] & 1) == 0) {
    Decode(bytes);
  } else {
    Encode(bytes);
  }
  return 0;
}
