// TargetExposition: what one scrape target of the scrape benchmark serves, a
// Kubernetes node seen through two exporters at once: node-exporter families
// (per-CPU and per-mode counters, memory, network, disk and filesystem series,
// interrupts, the Go runtime's summary) followed by kube-state-metrics
// families for the pods on that node (pod and container info, phases,
// readiness, restarts, resource requests and limits), in Prometheus text
// format 0.0.4 with HELP and TYPE lines.
//
// Values move on every scrape except those real exporters keep constant
// (info series, 0/1 states, creation times, sizes of file systems): counters
// grow by about a fixed step, gauges wander around a centre, each at its
// exporter's precision. The same target index, seed and scrape number give
// the same bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ember::bench {

class TargetExposition {
 public:
  // `series` samples exactly (at least the node-exporter part is always
  // complete up to that count); `target` names the node ("ip-10-0-...").
  TargetExposition(int target, int series, uint64_t seed = 1);

  size_t series() const { return series_.size(); }
  // The share of series whose value changes from one scrape to the next.
  double ChangingFraction() const;

  // Writes the body of scrape `k` (0, 1, ...) to *out, replacing its content.
  // Thread-safe: only reads the object.
  void Render(uint64_t k, std::string* out) const;

 private:
  enum class Kind : uint8_t { kConstant, kCounter, kGauge };
  struct Series {
    std::string prefix;  // `name{labels} `
    Kind kind = Kind::kConstant;
    int64_t start = 0;   // value units at scrape 0 (the centre, for a gauge)
    int64_t step = 0;    // counter: units added per scrape; gauge: largest move from the centre
    double divisor = 1;  // value = units / divisor
    uint64_t seed = 0;
    uint32_t family = 0;  // index into families_
  };
  struct Family {
    std::string header;  // # HELP and # TYPE lines
    size_t end = 0;      // one past its last series in series_ (empty when equal to the previous end)
  };
  friend class ExpositionBuilder;

  std::vector<Family> families_;
  std::vector<Series> series_;
};

}  // namespace ember::bench
