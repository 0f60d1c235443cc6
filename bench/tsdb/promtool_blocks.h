// Prometheus's side of the storage benchmark: `promtool tsdb
// create-blocks-from openmetrics` writes TSDB blocks (2 h each, aligned on
// 2 h) from an OpenMetrics file, the same blocks Prometheus's head would cut.
#pragma once

#include <cstdint>
#include <string>

#include "ember/base/status.h"

namespace ember::bench {

struct PromtoolBlocks {
  uint64_t bytes = 0;        // every file of every block
  uint64_t chunk_bytes = 0;  // chunks/ segment files
  uint64_t index_bytes = 0;  // index files
  uint64_t samples = 0;      // summed from the blocks' meta.json
  uint64_t series = 0;       // summed too: a series in two blocks counts twice
  int blocks = 0;
  double wall_seconds = 0;
  double cpu_seconds = 0;  // promtool's user + system time
};

// promtool's path: $PROMTOOL when set, else /usr/bin/promtool, else the first
// on PATH; empty when there is none.
std::string FindPromtool();

// Runs promtool on `openmetrics_file`, writing blocks into `out_dir` and its
// output into `log_file`, and measures what it wrote. Errors: Internal when
// promtool fails (its log tells why).
Result<PromtoolBlocks> CreatePrometheusBlocks(const std::string& promtool,
                                              const std::string& openmetrics_file, const std::string& out_dir,
                                              const std::string& log_file);

}  // namespace ember::bench
