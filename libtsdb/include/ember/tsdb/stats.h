// Statistics about the stored series, for the TSDB status page
// (`/api/v1/status/tsdb`) and for self-metrics.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ember::tsdb {

// A name (metric name, label name or `name=value` pair) and a count or size.
struct StatEntry {
  std::string name;
  uint64_t value = 0;

  friend bool operator==(const StatEntry&, const StatEntry&) = default;
};

// Cardinality of the series index, computed from the postings. Each list is
// sorted by value, largest first (ties by name), and cut to the limit asked.
struct CardinalityStats {
  uint64_t num_series = 0;
  // Distinct label pairs (name=value) in the index.
  uint64_t num_label_pairs = 0;
  // Series per metric name (`__name__` value).
  std::vector<StatEntry> series_count_by_metric_name;
  // Distinct values per label name.
  std::vector<StatEntry> label_value_count_by_label_name;
  // Bytes of all values of a label name, each counted once per series
  // carrying it (as Prometheus's memoryInBytesByLabelName).
  std::vector<StatEntry> memory_in_bytes_by_label_name;
  // Series per `name=value` pair.
  std::vector<StatEntry> series_count_by_label_value_pair;
};

// The head (recent, in-memory) part of the store.
struct HeadStats {
  uint64_t num_series = 0;  // series with an open chunk
  uint64_t num_chunks = 0;  // chunks held in memory
  int64_t min_time = 0;     // oldest sample in the head, ms; kMaxTime when empty
  int64_t max_time = 0;     // newest sample in the head, ms; kMinTime when empty
};

}  // namespace ember::tsdb
