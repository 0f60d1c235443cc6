// The data both halves of the series store's crash test agree on.
#pragma once

#include <bit>
#include <cstdint>
#include <string>

#include "ember/base/labels.h"
#include "ember/tsdb/db.h"

namespace ember::crash_test {

inline constexpr int kSeries = 300;

inline tsdb::DbOptions Options(const std::string& dir) {
  tsdb::DbOptions o;
  o.dir = dir;
  o.maintenance_interval_ms = 0;
  o.retention_ms = 0;
  o.samples_per_chunk = 40;  // many cuts, so kills land between chunk writes
  o.wal_segment_size_bytes = 64 << 10;
  o.block_cache_bytes = 1 << 20;
  return o;
}

inline Labels SeriesLabels(int i) {
  return Labels{{"__name__", i % 2 == 0 ? "node_cpu_seconds_total" : "node_memory_bytes"},
                {"instance", "10.0.0." + std::to_string(i % 50) + ":9100"},
                {"series", std::to_string(i)}};
}

inline int64_t SampleTime(int64_t batch, int i) { return batch * 15000 + i % 7; }

inline double SampleValue(int64_t batch, int i) {
  if ((batch + i) % 97 == 0) return std::bit_cast<double>(uint64_t{0x7ff0000000000002});
  return static_cast<double>(batch * (i + 1)) / 100.0;
}

}  // namespace ember::crash_test
