#include "benchmark.h"

namespace ember::bench {

Result<std::vector<Figure>> RunHttpTrivial(const BenchmarkOptions& options);
Result<std::vector<Figure>> RunHealthVsPrometheus(const BenchmarkOptions& options);

std::vector<Benchmark> AllBenchmarks() {
  return {
      {"http-trivial", "HTTP server request rate and latency on a route that does no work (in process)",
       RunHttpTrivial},
      {"http-health-vs-prometheus", "ember-scraper vs Prometheus 2.42 on /-/healthy under the same wrk load",
       RunHealthVsPrometheus},
  };
}

}  // namespace ember::bench
