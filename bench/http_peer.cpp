// http-health-vs-prometheus: ember-scraper's and Prometheus's /-/healthy under
// the same wrk load in the same run, as whole programs. The ratio is the
// figure to track: this machine's absolute numbers drift with its neighbours.
#include <unistd.h>

#include "benchmark.h"
#include "ember/base/strings.h"
#include "load_client.h"
#include "test_support.h"

namespace ember::bench {
namespace {

bool OnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  for (std::string_view dir : Split(path, ':')) {
    if (::access((std::string(dir) + "/" + program).c_str(), X_OK) == 0) return true;
  }
  return false;
}

}  // namespace

Result<std::vector<Figure>> RunHealthVsPrometheus(const BenchmarkOptions& options) {
  if (!OnPath("wrk"))
    return Status::FailedPrecondition("wrk is not installed (scripts/install-deps.sh --with-test-peers)");
  if (!OnPath("prometheus")) return Status::FailedPrecondition("prometheus is not installed");
  testing::TempDir dir;
  std::string config = dir.WriteFile("prometheus.yml", "global:\n  scrape_interval: 1h\n");
  EMBER_ASSIGN_OR_RETURN(
      auto ember,
      testing::StartProgram(
          "ember-scraper",
          {"--config.file=" + config, "--storage.tsdb.path=" + dir.Join("ember"), "--log.level=error"}, dir));
  EMBER_ASSIGN_OR_RETURN(
      auto prom, testing::StartExecutable("/usr/bin/prometheus",
                                          {"--config.file=" + config,
                                           "--storage.tsdb.path=" + dir.Join("prom"), "--log.level=error"},
                                          dir.Join("prometheus.log")));
  // Alternate the two so that drift in the machine's load hits both alike.
  WrkResult e1 = RunWrk(ember.port, "/-/healthy", options.connections, options.seconds);
  WrkResult p1 = RunWrk(prom.port, "/-/healthy", options.connections, options.seconds);
  WrkResult e2 = RunWrk(ember.port, "/-/healthy", options.connections, options.seconds);
  WrkResult p2 = RunWrk(prom.port, "/-/healthy", options.connections, options.seconds);
  if (!e1.ran || !p1.ran || !e2.ran || !p2.ran) return Status::Internal("wrk did not report");
  double ember_rps = (e1.requests_per_second + e2.requests_per_second) / 2;
  double prom_rps = (p1.requests_per_second + p2.requests_per_second) / 2;
  double ember_p99 = std::max(e1.p99_us, e2.p99_us);
  double prom_p99 = std::max(p1.p99_us, p2.p99_us);
  std::string conns = "wrk -t1 -c" + std::to_string(options.connections);
  return std::vector<Figure>{
      {"ember-scraper requests/s", ember_rps, "req/s", conns},
      {"prometheus 2.42 requests/s", prom_rps, "req/s", conns},
      {"requests/s ratio ember/prometheus", ember_rps / prom_rps, "x", "higher is better"},
      {"ember-scraper p99 latency", ember_p99, "us", conns},
      {"prometheus 2.42 p99 latency", prom_p99, "us", conns},
      {"p99 ratio ember/prometheus", ember_p99 / prom_p99, "x", "lower is better"},
  };
}

}  // namespace ember::bench
