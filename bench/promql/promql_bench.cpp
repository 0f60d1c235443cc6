// promql-vs-prometheus: typical dashboard range queries over the same data
// in Ember's engine (in process) and in Prometheus 2.42 (over HTTP). The
// figure to track is the ratio of Ember's wall time to Prometheus's own
// evaluation time (stats execTotalTime, which leaves out HTTP and JSON); the
// HTTP round trip is shown beside it. Results must agree before timing counts.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "benchmark.h"
#include "compat_dataset.h"
#include "ember/promql/engine.h"
#include "ember/promql/queryable.h"
#include "ember/tsdb/db.h"
#include "prometheus_peer.h"
#include "query_result.h"
#include "test_support.h"

namespace ember::bench {
namespace {

struct DashboardQuery {
  std::string query;
  int64_t range_ms;  // ending at the data set's end
  int64_t step_ms;
};

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  if (v.empty()) return 0;
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

Result<std::vector<Figure>> Run(int targets, double hours, int repeats) {
  if (::access(compat::kPrometheusPath, X_OK) != 0) {
    return Status::FailedPrecondition(
        "prometheus is not installed (scripts/install-deps.sh --with-test-peers)");
  }
  testing::TempDir dir;
  EMBER_ASSIGN_OR_RETURN(auto peer, compat::PrometheusPeer::Start(dir));
  compat::DatasetOptions data;
  data.targets = targets;
  data.duration_ms = static_cast<int64_t>(hours * 3600 * 1000);
  auto series = compat::GenerateDataset(data);
  size_t samples = 0;
  for (const auto& s : series) samples += s.samples.size();
  std::printf("data set: %zu series, %zu samples over %.1f h\n", series.size(), samples, hours);
  auto batches = compat::SplitByTime(series, data.start_ms, 5 * 60 * 1000);
  series.clear();

  tsdb::DbOptions db_options;
  db_options.dir = dir.Join("ember");
  db_options.maintenance_interval_ms = 0;
  db_options.retention_ms = 0;
  EMBER_ASSIGN_OR_RETURN(auto db, tsdb::Db::Open(db_options, Logger()));
  for (const auto& batch : batches) {
    EMBER_RETURN_IF_ERROR(peer.Write(batch));
    auto app = db->NewAppender();
    for (const auto& s : batch) {
      for (const auto& sample : s.samples) EMBER_RETURN_IF_ERROR(app.Add(s.labels, sample.t, sample.v));
    }
    EMBER_RETURN_IF_ERROR(app.Commit());
  }
  batches.clear();

  const int64_t hour = 3600 * 1000;
  const int64_t end = data.start_ms + data.duration_ms - 60 * 1000;
  // Ranges start at least 65 minutes into the data, so no [1h] window reaches
  // back past the counters' first samples, where 2.x and 3.x extrapolate
  // differently (see tests/compat/allowlist.txt).
  const int64_t full = std::min<int64_t>(data.duration_ms - 65 * 60 * 1000, 6 * hour);
  const std::vector<DashboardQuery> queries = {
      {"sum by (job) (rate(http_requests_total[5m]))", full, 30000},
      {"sum by (job, code) (rate(http_requests_total[5m]))", hour, 15000},
      {"histogram_quantile(0.99, sum by (le) (rate(request_duration_seconds_bucket[5m])))", full, 30000},
      {"histogram_quantile(0.9, sum by (le, job) (rate(request_duration_seconds_bucket[5m])))", hour, 15000},
      {"topk(10, sum by (instance) (rate(http_requests_total[5m])))", hour, 15000},
      {"count by (job) (up)", full, 60000},
      {"count(http_requests_total)", full, 60000},
      {"sum(rate(http_requests_total{instance=~\"10\\\\.0\\\\.1.*\"}[5m]))", full, 30000},
      {"avg_over_time(memory_usage_bytes[10m])", hour, 60000},
      {"max by (job) (memory_usage_bytes) / 1024 / 1024", full, 60000},
      {"sum by (job) (rate(request_duration_seconds_sum[5m])) / sum by (job) "
       "(rate(request_duration_seconds_count[5m]))",
       full, 30000},
      {"quantile(0.9, temperature_celsius)", hour, 15000},
      {"sum without (instance) (increase(process_cpu_seconds_total[1h]))", full, 60000},
      {"up == 0", full, 30000},
  };

  promql::Engine engine(promql::EngineOptions{});
  auto queryable = promql::NewTsdbQueryable(*db);
  std::vector<Figure> figures;
  std::vector<double> ratios;
  int differing = 0;
  std::printf("%-4s %10s %10s %10s %8s  %s\n", "#", "ember ms", "prom exec", "prom http", "ratio", "query");
  for (size_t i = 0; i < queries.size(); ++i) {
    const auto& q = queries[i];
    int64_t start = end - q.range_ms;
    std::vector<double> ours, theirs, http;
    for (int r = 0; r < repeats; ++r) {
      double wall = 0;
      EMBER_ASSIGN_OR_RETURN(auto want, peer.Range(q.query, start, end, q.step_ms, &wall));
      auto begin = std::chrono::steady_clock::now();
      auto got = engine.RangeQuery(*queryable, q.query, start, end, q.step_ms);
      ours.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count());
      theirs.push_back(want.exec_seconds);
      http.push_back(wall);
      if (r == 0) {
        if (!want.error.empty())
          return Status::Internal("prometheus failed on " + q.query + ": " + want.error);
        if (auto diff = compat::FirstDifference(want, compat::FromEngine(got), false)) {
          std::printf("q%-3zu results differ: %s\n", i + 1, diff->c_str());
          ++differing;
        }
      }
    }
    double e = Median(ours) * 1000, p = Median(theirs) * 1000, h = Median(http) * 1000;
    double ratio = p > 0 ? e / p : 0;
    ratios.push_back(ratio);
    std::printf("q%-3zu %10.2f %10.2f %10.2f %8.2f  %s [%llds step %llds]\n", i + 1, e, p, h, ratio,
                q.query.c_str(), static_cast<long long>(q.range_ms / 1000),
                static_cast<long long>(q.step_ms / 1000));
    std::string id = "q" + std::to_string(i + 1);
    figures.push_back({id + " ember ms", e, "ms", q.query});
    figures.push_back({id + " prometheus exec ms", p, "ms", "http round trip " + std::to_string(h) + " ms"});
    figures.push_back({id + " ratio ember/prometheus", ratio, "x", "lower is better"});
  }
  figures.push_back({"queries whose results differ", static_cast<double>(differing), "",
                     "timed all the same; see the lines above"});
  figures.push_back(
      {"median ratio ember/prometheus exec", Median(ratios), "x",
       std::to_string(queries.size()) + " queries, median of " + std::to_string(repeats) + " runs each"});
  return figures;
}

}  // namespace

Result<std::vector<Figure>> RunPromqlVsPrometheus(const BenchmarkOptions& options) {
  // ~27 series per target: 500 targets is ~13.5k series; 4 h gives ~3 h ranges.
  int targets = options.series > 0 ? static_cast<int>(std::max<int64_t>(1, options.series / 27)) : 500;
  return Run(targets, options.hours > 0 ? options.hours : 4, 5);
}

Result<std::vector<Figure>> RunPromqlVsPrometheusQuick(const BenchmarkOptions& options) {
  int targets = options.series > 0 ? static_cast<int>(std::max<int64_t>(1, options.series / 27)) : 75;
  return Run(targets, options.hours > 0 ? options.hours : 2, 3);
}

}  // namespace ember::bench
