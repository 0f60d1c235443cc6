// Prometheus 2.42 scrapes a real node exporter and itself every second and
// remote-writes everything to ember-scraper. Once ember holds every sample up
// to a time T, both servers must answer the same queries at T alike: instant
// and range queries, /series, /labels and /label/job/values.
//
// Needs /usr/bin/prometheus and /usr/bin/prometheus-node-exporter
// (scripts/install-deps.sh --with-test-peers); without them the test says so
// and passes, as tests/compat does.
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "answer_diff.h"
#include "peer_harness.h"
#include "test_support.h"

namespace ember::peers {
namespace {

constexpr int64_t kSecond = 1000;

std::string PrometheusConfig(uint16_t node_port, uint16_t prometheus_port, uint16_t ember_port) {
  auto target = [](uint16_t port) { return "'127.0.0.1:" + std::to_string(port) + "'"; };
  return "global:\n"
         "  scrape_interval: 1s\n"
         "  scrape_timeout: 1s\n"
         "  evaluation_interval: 1m\n"
         "scrape_configs:\n"
         "  - job_name: node\n"
         "    static_configs: [{targets: [" +
         target(node_port) +
         "]}]\n"
         "  - job_name: prometheus\n"
         "    static_configs: [{targets: [" +
         target(prometheus_port) +
         "]}]\n"
         "remote_write:\n"
         "  - url: http://127.0.0.1:" +
         std::to_string(ember_port) +
         "/api/v1/write\n"
         "    queue_config:\n"
         "      capacity: 2000\n"
         "      max_samples_per_send: 500\n"
         "      batch_send_deadline: 1s\n"
         "      min_backoff: 50ms\n"
         "      max_backoff: 1s\n"
         "    metadata_config:\n"
         "      send: true\n"
         "      send_interval: 1s\n";
}

// A number out of an instant query's one-element vector, or NaN.
double Scalar(const Result<nlohmann::json>& data) {
  if (!data.ok() || (*data)["result"].size() != 1) return std::nan("");
  return std::stod((*data)["result"][0]["value"][1].get<std::string>());
}

// How many points a matrix holds over all its series.
size_t Points(const nlohmann::json& data) {
  size_t n = 0;
  for (const auto& series : data["result"]) n += series["values"].size();
  return n;
}

int64_t Ms(const nlohmann::json& seconds) { return std::llround(seconds.get<double>() * 1000); }

// The millisecond phase within a second farthest from every phase in
// `phases`: evaluating at that phase puts no sample on a range selector's left
// edge (whole-second ranges), the one place where 2.x (closed) and 3.x (open)
// select differently.
int64_t FarthestPhase(const std::vector<int64_t>& phases) {
  int64_t best = 500;
  int64_t best_distance = -1;
  for (int64_t p = 0; p < kSecond; ++p) {
    int64_t nearest = kSecond;
    for (int64_t q : phases) {
      int64_t d = std::abs(p - q);
      nearest = std::min(nearest, std::min(d, kSecond - d));
    }
    if (nearest > best_distance) {
      best = p;
      best_distance = nearest;
    }
  }
  return best;
}

struct Comparison {
  std::string query;
  ValueMatch match;
};

}  // namespace

TEST_CASE("Prometheus 2.42 remote-writes node exporter metrics to ember-scraper and both answer alike") {
  if (std::string missing = MissingPeer({kPrometheusPath, kNodeExporterPath}); !missing.empty()) {
    WARN(missing << " is not installed (scripts/install-deps.sh --with-test-peers); skipping");
    return;
  }
  testing::TempDir dir;
  auto ember = StartEmber(dir);
  INFO((ember.ok() ? "" : ember.status().ToString()));
  REQUIRE(ember.ok());

  // Only collectors that read /proc and are quick: the test wants a steady
  // set of series, not a survey of the machine.
  const uint16_t node_port = testing::FreePort();
  auto node =
      StartServer(kNodeExporterPath,
                  {"--web.listen-address=127.0.0.1:" + std::to_string(node_port),
                   "--collector.disable-defaults", "--collector.cpu", "--collector.loadavg",
                   "--collector.meminfo", "--collector.stat", "--collector.time", "--collector.uname"},
                  node_port, dir.Join("node-exporter.log"), "/metrics");
  INFO((node.ok() ? "" : node.status().ToString()));
  REQUIRE(node.ok());

  const uint16_t prometheus_port = testing::FreePort();
  std::string config =
      dir.WriteFile("prometheus.yml", PrometheusConfig(node_port, prometheus_port, ember->port));
  auto prometheus =
      StartServer(kPrometheusPath,
                  {"--config.file=" + config, "--storage.tsdb.path=" + dir.Join("prometheus"),
                   "--web.listen-address=127.0.0.1:" + std::to_string(prometheus_port), "--log.level=info"},
                  prometheus_port, dir.Join("prometheus.log"), "/-/ready");
  INFO((prometheus.ok() ? "" : prometheus.status().ToString()));
  REQUIRE(prometheus.ok());

  const std::string& prom = prometheus->base_url;
  const std::string& emb = ember->base_url;
  testing::Process* const watched[] = {&ember->process, &node->process, &prometheus->process};
  auto logs = [&] {
    return LogTail("ember-scraper", ember->process) + LogTail("prometheus", prometheus->process) +
           LogTail("node exporter", node->process, 2000);
  };

  // The range queries below reach back 20 s from T and their rates 10 s
  // more: wait until both jobs have more than that.
  bool enough =
      PollUntil([&] { return Scalar(InstantQuery(prom, "min(count_over_time(up[1h]))", NowMs())) >= 34; },
                std::chrono::seconds(90), watched, std::chrono::milliseconds(500));
  if (!enough) FAIL("Prometheus did not scrape both jobs for 34 s\n" << logs());

  // T: no later than the newest `up` of either job (every scrape up to it
  // has then been appended: a target's scrapes run one after the other, and
  // `up` is appended last), at the phase farthest from every scrape's.
  auto recent = InstantQuery(prom, "up[10s]", NowMs());
  REQUIRE(recent.ok());
  std::vector<int64_t> phases;
  int64_t newest = INT64_MAX;
  for (const auto& series : (*recent)["result"]) {
    int64_t series_newest = 0;
    for (const auto& point : series["values"]) {
      int64_t t = Ms(point[0]);
      phases.push_back(t % kSecond);
      series_newest = std::max(series_newest, t);
    }
    newest = std::min(newest, series_newest);
  }
  REQUIRE(phases.size() >= 2);
  const int64_t phase = FarthestPhase(phases);
  const int64_t t = newest - ((newest - phase) % kSecond + kSecond) % kSecond;
  INFO("T = " << FormatSeconds(t) << " (scrape phases in ms: " << nlohmann::json(phases).dump() << ")");

  // Ember has everything up to T once it returns every raw sample up to T
  // that Prometheus returns (a range selector keeps the metric names, which
  // an aggregation over all series could not: 2.42 refuses a vector with
  // two series that differ only by name). Prometheus's answer is final, as
  // T is past; the points are counted while polling, and compared at the end.
  const std::string all_samples = "{__name__=~\".+\"}[1h]";
  auto want_all = InstantQuery(prom, all_samples, t);
  INFO((want_all.ok() ? "" : want_all.status().ToString()));
  REQUIRE(want_all.ok());
  const size_t want_points = Points(*want_all);
  REQUIRE(want_points > 0);
  Result<nlohmann::json> got_all = Status::Unavailable("not asked");
  size_t got_points = 0;
  bool complete = PollUntil(
      [&] {
        got_all = InstantQuery(emb, all_samples, t);
        got_points = got_all.ok() ? Points(*got_all) : 0;
        return got_points >= want_points;
      },
      std::chrono::seconds(60), watched, std::chrono::milliseconds(500));
  if (!complete) {
    FAIL("ember did not receive every sample up to T: "
         << all_samples << " holds " << want_points << " points on Prometheus, " << got_points
         << " on ember (" << (got_all.ok() ? "" : got_all.status().ToString()) << ")\n"
         << logs());
  }

  // Raw samples, counts, max and timestamps go through no arithmetic that
  // differs: they must agree to the bit. sum() and rate() may differ in the
  // last bits: 3.x (which ember follows) sums with Kahan compensation and
  // applies rate's extrapolation and per-second division as one factor,
  // 2.42 sums naively and multiplies then divides.
  const std::vector<Comparison> instant = {
      {"up", ValueMatch::kExact},
      {"count by (job) ({__name__=~\".+\"})", ValueMatch::kExact},
      {"node_cpu_seconds_total", ValueMatch::kExact},
      {"node_load1", ValueMatch::kExact},
      // 2^64, whose JSON form Go writes as "18446744073709552000" (shortest
      // digits, then zeros), not as the exact integer.
      {"process_virtual_memory_max_bytes", ValueMatch::kExact},
      {"prometheus_tsdb_head_series", ValueMatch::kExact},
      {"timestamp(up)", ValueMatch::kExact},
      {"count_over_time(up[15s])", ValueMatch::kExact},
      {"max_over_time(node_memory_MemFree_bytes[10s])", ValueMatch::kExact},
      {"max by (job) (scrape_samples_scraped)", ValueMatch::kExact},
      {"irate(node_cpu_seconds_total[5s])", ValueMatch::kExact},
      {"rate(node_cpu_seconds_total[10s])", ValueMatch::kLastBits},
      {"sum by (mode) (node_cpu_seconds_total)", ValueMatch::kLastBits},
      {"sum by (mode) (rate(node_cpu_seconds_total[10s]))", ValueMatch::kLastBits},
  };
  const std::vector<Comparison> ranged = {
      {"up", ValueMatch::kExact},
      {"count by (job) ({__name__=~\".+\"})", ValueMatch::kExact},
      {"node_cpu_seconds_total", ValueMatch::kExact},
      {"prometheus_tsdb_head_series", ValueMatch::kExact},
      {"rate(node_cpu_seconds_total[10s])", ValueMatch::kLastBits},
      {"sum by (mode) (node_cpu_seconds_total)", ValueMatch::kLastBits},
  };
  int comparisons = 0;
  int disagreements = 0;
  auto compare = [&](const std::string& what, const Result<nlohmann::json>& want,
                     const Result<nlohmann::json>& got, ValueMatch match) {
    ++comparisons;
    if (!want.ok() || !got.ok()) {
      ++disagreements;
      FAIL_CHECK(what << ": Prometheus: " << want.status().ToString()
                      << "; ember: " << got.status().ToString());
      return;
    }
    if ((*want).contains("result") && (*want)["result"].empty()) {
      // An empty answer from Prometheus would make the comparison vacuous.
      FAIL_CHECK(what << ": Prometheus answered an empty result");
    }
    if (auto diff = AnswerDifference(*want, *got, match)) {
      ++disagreements;
      FAIL_CHECK(what << ": " << *diff << "\n  Prometheus: " << Abbreviated(*want)
                      << "\n  ember:      " << Abbreviated(*got));
    } else if (match == ValueMatch::kLastBits) {
      if (auto bits = AnswerDifference(*want, *got, ValueMatch::kExact)) {
        WARN(what << ": agrees to 1e-12, not to the bit: " << *bits);
      }
    }
  };
  compare("every raw sample up to T: " + all_samples, want_all, got_all, ValueMatch::kExact);
  for (const Comparison& c : instant) {
    compare("instant " + c.query, InstantQuery(prom, c.query, t), InstantQuery(emb, c.query, t), c.match);
  }
  for (const Comparison& c : ranged) {
    const int64_t start = t - 20 * kSecond;
    compare("range " + c.query, RangeQuery(prom, c.query, start, t, kSecond),
            RangeQuery(emb, c.query, start, t, kSecond), c.match);
  }

  // Calls without an evaluation time see whatever each server holds now,
  // and Prometheus keeps scraping: each is polled until ember, a remote
  // write batch behind, catches up, and the last answers are compared. The
  // metric metadata reaches ember by remote write's metadata_config.
  for (const std::string& call : {std::string("/api/v1/series?match%5B%5D=up"), std::string("/api/v1/labels"),
                                  std::string("/api/v1/label/job/values"),
                                  std::string("/api/v1/series?match%5B%5D=node_cpu_seconds_total"),
                                  std::string("/api/v1/metadata?metric=node_cpu_seconds_total"),
                                  std::string("/api/v1/metadata?metric=prometheus_tsdb_head_series")}) {
    Result<nlohmann::json> want = Status::Unavailable("not asked");
    Result<nlohmann::json> got = Status::Unavailable("not asked");
    PollUntil(
        [&] {
          want = ApiGet(prom, call);
          got = ApiGet(emb, call);
          return want.ok() && got.ok() && !AnswerDifference(*want, *got, ValueMatch::kExact);
        },
        std::chrono::seconds(10), watched);
    compare(call, want, got, ValueMatch::kExact);
  }
  INFO(disagreements << " of " << comparisons << " comparisons disagree\n" << (disagreements ? logs() : ""));
  CHECK(disagreements == 0);
}

}  // namespace ember::peers
