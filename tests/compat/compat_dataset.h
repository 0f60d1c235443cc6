// A deterministic data set for comparing query engines: counters with resets,
// gauges, classic histograms (_bucket/_sum/_count), several jobs and
// instances, series that start late, end early or pause (with stale markers).
//
// Every series has its own phase offset whose millisecond part is never 0,
// so no sample lies on a whole second: queries at whole-second times with
// whole-second ranges never have a sample on a range's boundary, where
// Prometheus 2.x (closed ranges) and 3.x (left-open ranges) differ.
#pragma once

#include <cstdint>
#include <vector>

#include "ember/wire/remote_write.h"

namespace ember::compat {

struct DatasetOptions {
  // First sample time (a whole second). Unit: ms. Default: 2026-01-01T00:00:00Z.
  int64_t start_ms = 1767225600000;
  // Length of the data set. Unit: ms. Default: 3 hours.
  int64_t duration_ms = int64_t{3} * 3600 * 1000;
  // Sample interval. Unit: ms. Default: 15 s.
  int64_t interval_ms = 15000;
  // Scrape targets (job, instance pairs); each carries ~27 series.
  // Default: 12 (~330 series).
  int targets = 12;
  uint64_t seed = 42;
};

// Every series with all its samples, sorted by labels.
std::vector<wire::WriteSeries> GenerateDataset(const DatasetOptions& options);

// The same samples cut into consecutive time windows of `window_ms`, each a
// write request's worth; a window holds every series that has samples in it.
// Pushing the windows in order writes each series in time order.
std::vector<std::vector<wire::WriteSeries>> SplitByTime(const std::vector<wire::WriteSeries>& series,
                                                        int64_t start_ms, int64_t window_ms);

}  // namespace ember::compat
