// Samples, timestamps and Prometheus's stale marker.
#pragma once

#include <bit>
#include <cstdint>
#include <limits>

namespace ember::tsdb {

// One float sample: a timestamp in milliseconds since the Unix epoch and a
// value. Values are kept bit for bit, NaN payloads included.
struct Sample {
  int64_t t = 0;
  double v = 0;

  friend bool operator==(const Sample& a, const Sample& b) {
    return a.t == b.t && std::bit_cast<uint64_t>(a.v) == std::bit_cast<uint64_t>(b.v);
  }
};

// The bounds of the timestamp range, as Prometheus's math.MinInt64/MaxInt64
// used for "no limit" in queries.
inline constexpr int64_t kMinTime = std::numeric_limits<int64_t>::min();
inline constexpr int64_t kMaxTime = std::numeric_limits<int64_t>::max();

// The stale marker: a NaN with this exact bit pattern (Prometheus's
// value.StaleNaN). Any other NaN is an ordinary value.
inline constexpr uint64_t kStaleNaNBits = 0x7ff0000000000002ULL;

inline double StaleNaN() { return std::bit_cast<double>(kStaleNaNBits); }
inline bool IsStaleNaN(double v) { return std::bit_cast<uint64_t>(v) == kStaleNaNBits; }

}  // namespace ember::tsdb
