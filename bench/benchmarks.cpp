#include "benchmark.h"

namespace ember::bench {

Result<std::vector<Figure>> RunHttpTrivial(const BenchmarkOptions& options);
Result<std::vector<Figure>> RunHealthVsPrometheus(const BenchmarkOptions& options);
Result<std::vector<Figure>> RunTsdbStorageVsPrometheus(const BenchmarkOptions& options);
Result<std::vector<Figure>> RunTsdbStorageVsPrometheusQuick(const BenchmarkOptions& options);
Result<std::vector<Figure>> RunPromqlVsPrometheus(const BenchmarkOptions& options);
Result<std::vector<Figure>> RunPromqlVsPrometheusQuick(const BenchmarkOptions& options);
Result<std::vector<Figure>> RunRemoteWriteVsPrometheus(const BenchmarkOptions& options);
Result<std::vector<Figure>> RunRemoteWriteVsPrometheusQuick(const BenchmarkOptions& options);
Result<std::vector<Figure>> RunTextparse(const BenchmarkOptions& options);
Result<std::vector<Figure>> RunScrapeVsPrometheus(const BenchmarkOptions& options);
Result<std::vector<Figure>> RunScrapeVsPrometheusQuick(const BenchmarkOptions& options);

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
      {"promql-vs-prometheus",
       "Dashboard range queries, ~13.5k series x 4 h: engine vs Prometheus 2.42 (--series, --hours)",
       RunPromqlVsPrometheus},
      {"promql-vs-prometheus-quick", "The same on ~2k series x 2 h", RunPromqlVsPrometheusQuick},
      {"remote-write-vs-prometheus",
       "Remote write 1.0 ingestion, ~100k series x 40 rounds, vs Prometheus 2.42 (--series, --hours)",
       RunRemoteWriteVsPrometheus},
      {"remote-write-vs-prometheus-quick", "The same on ~10k series x 10 rounds",
       RunRemoteWriteVsPrometheusQuick},
      {"scrape-vs-prometheus",
       "Scraping 100 loopback targets x 1,000 series every 2 s: CPU per sample and memory vs Prometheus 2.42 "
       "(--series, --seconds per block)",
       RunScrapeVsPrometheus},
      {"scrape-vs-prometheus-quick", "The same on 20 targets every 1 s, two 10 s blocks",
       RunScrapeVsPrometheusQuick},
      {"textparse",
       "Exposition-format parsers: MB/s and samples/s per core on alltypes.237mfs and a node-exporter-like "
       "body (--series, --seconds)",
       RunTextparse},
  };
}

}  // namespace ember::bench
