// A synthetic node-exporter-like scrape body for the parser benchmark.
#pragma once

#include <cstdint>
#include <string>

namespace ember::bench {

// About `series` samples in families shaped like node-exporter's (per-CPU
// and per-mode counters, per-device disk, network and filesystem series,
// classic histograms and summaries), with HELP and TYPE lines and values at
// the exporters' precision. The same seed gives the same bytes.
// `openmetrics`: counters named `_total` in samples only, `unknown` for
// untyped, `# EOF` at the end; otherwise Prometheus text 0.0.4.
std::string NodeExporterPayload(int64_t series, bool openmetrics, uint64_t seed = 1);

}  // namespace ember::bench
