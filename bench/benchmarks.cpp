#include "benchmark.h"

namespace ember::bench {

Result<std::vector<Figure>> RunHttpTrivial(const BenchmarkOptions& options);
Result<std::vector<Figure>> RunHealthVsPrometheus(const BenchmarkOptions& options);
Result<std::vector<Figure>> RunTsdbStorageVsPrometheus(const BenchmarkOptions& options);
Result<std::vector<Figure>> RunTsdbStorageVsPrometheusQuick(const BenchmarkOptions& options);

std::vector<Benchmark> AllBenchmarks() {
  return {
      {"http-trivial", "HTTP server request rate and latency on a route that does no work (in process)",
       RunHttpTrivial},
      {"http-health-vs-prometheus", "ember-scraper vs Prometheus 2.42 on /-/healthy under the same wrk load",
       RunHealthVsPrometheus},
      {"tsdb-storage-vs-prometheus",
       "Series store on ~100k Kubernetes-like series x 2 h vs Prometheus 2.42 blocks (--series, --hours)",
       RunTsdbStorageVsPrometheus},
      {"tsdb-storage-vs-prometheus-quick", "The same on ~10k series x 1 h", RunTsdbStorageVsPrometheusQuick},
  };
}

}  // namespace ember::bench
