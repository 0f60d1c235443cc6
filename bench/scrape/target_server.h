// TargetServer: the scrape benchmark's targets, one process (the benchmark
// driver's), one listener per target on its own loopback port, all served by
// one io_context. Each GET renders the target's next scrape
// (TargetExposition) in Prometheus text format 0.0.4, uncompressed, over
// keep-alive HTTP/1.1.
//
// Two scrapers can share the targets without seeing each other's scrapes:
// each is given its own metrics path, and each (target, path) pair has its
// own scrape counter, so every scraper sees every target's values move one
// step per scrape it makes. What was served is counted per path, which is how
// the benchmark counts the samples each scraper took in.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "ember/base/status.h"
#include "target_exposition.h"

namespace ember::bench {

struct TargetServerOptions {
  // Scrape targets, each on its own port. Default: 100.
  int targets = 100;
  // Samples in each target's exposition. Default: 1,000.
  int series_per_target = 1000;
  // Metrics paths served, e.g. "/metrics/prometheus"; others get 404.
  std::vector<std::string> paths;
  // Threads running the io_context. Default: 1.
  int threads = 1;
  uint64_t seed = 1;
};

// What was served on one path, over all targets, so far.
struct Served {
  uint64_t scrapes = 0;
  uint64_t samples = 0;
  uint64_t bytes = 0;  // bodies only
};

class TargetServer {
 public:
  // Builds every target's series, binds the listeners and starts serving.
  // Errors: IOError when a listener cannot be bound.
  static Result<std::unique_ptr<TargetServer>> Start(TargetServerOptions options);
  // Stops serving and joins the threads.
  ~TargetServer();
  TargetServer(const TargetServer&) = delete;
  TargetServer& operator=(const TargetServer&) = delete;

  // The targets' ports, in target order.
  const std::vector<uint16_t>& ports() const { return ports_; }
  // Thread-safe.
  Served ServedOn(size_t path_index) const;
  // Bytes of one rendered body of target 0 (all targets are about that size).
  size_t BodyBytes() const;
  // The share of series whose value moves every scrape.
  double ChangingFraction() const { return targets_.empty() ? 0 : targets_[0].ChangingFraction(); }

 private:
  struct Impl;
  struct PathCounters {
    std::atomic<uint64_t> scrapes{0};
    std::atomic<uint64_t> samples{0};
    std::atomic<uint64_t> bytes{0};
  };
  explicit TargetServer(TargetServerOptions options);

  TargetServerOptions options_;
  std::vector<TargetExposition> targets_;
  // scrape_counts_[target * paths + path]: scrapes of that pair so far.
  std::unique_ptr<std::atomic<uint64_t>[]> scrape_counts_;
  std::unique_ptr<PathCounters[]> counters_;
  std::vector<uint16_t> ports_;
  std::unique_ptr<Impl> impl_;
  std::vector<std::thread> threads_;
};

}  // namespace ember::bench
