// Load generators for HTTP benchmarks: a closed-loop client over keep-alive
// connections on loopback, and wrk when it is installed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ember::bench {

struct LoadResult {
  uint64_t requests = 0;
  uint64_t errors = 0;
  double seconds = 0;
  std::vector<double> latencies_us;  // a sample of request latencies, sorted

  double RequestsPerSecond() const { return seconds > 0 ? static_cast<double>(requests) / seconds : 0; }
  // The q-quantile (0..1) of the sampled latencies, in microseconds.
  double LatencyUs(double q) const;
};

// A TCP connection to 127.0.0.1:`port` with Nagle off; -1 when it fails.
int ConnectLoopback(uint16_t port);

// Runs `connections` connections, each on its own thread sending GET `path`
// and waiting for the whole 200 response before the next, for `seconds`.
LoadResult RunClosedLoop(uint16_t port, const std::string& path, int connections, double seconds);

struct WrkResult {
  bool ran = false;  // false when wrk is not installed or failed
  double requests_per_second = 0;
  double p99_us = 0;
};

// Runs `wrk -t1 -c<connections> -d<seconds>s --latency` against
// http://127.0.0.1:<port><path>.
WrkResult RunWrk(uint16_t port, const std::string& path, int connections, double seconds);

}  // namespace ember::bench
