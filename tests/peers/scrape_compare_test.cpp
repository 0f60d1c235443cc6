// ember-scraper and Prometheus 2.42 scrape the same two targets with the same
// prometheus.yml: a real node exporter (text format) and an exporter built on
// the official Python client (tests/peers/testdata/exporter.py, OpenMetrics,
// fixed values). Once both have scraped several times they must hold the same
// series, report both targets up with the same synthetic series, store the
// Python exporter's samples to the bit and the node exporter's CPU counters
// within what the scrapes' time difference allows, and answer /metadata and
// /targets alike.
//
// Where 2.x and 3.x (which ember follows) scrape differently by design, and
// why it does or does not show here:
// - Accept header: 2.42 sends a fixed one, 3.x builds it from
//   scrape_protocols (default OpenMetrics 1.0.0, OpenMetrics 0.0.1, text
//   1.0.0, text 0.0.4). Both put OpenMetrics first, so the Python client
//   answers both in OpenMetrics and the node exporter both in text 0.0.4.
// - `_created` lines: series in both, unless 3.x runs with
//   --enable-feature=created-timestamp-zero-ingestion (its parser skips them
//   only then), which ember does not have on by default.
// - Extra synthetic series (scrape_timeout_seconds, ...): only with
//   --enable-feature=extra-scrape-metrics, off in both.
// - `quantile` and `le` label values: normalised by 3.x at ingestion, see
//   As3x. This is the one difference the comparison allows for.
//
// The configuration has a relabel_configs rule that drops a target and one
// that adds a target label, and metric_relabel_configs rules that drop series
// and rewrite a label, so that both relabelling stages are compared.
//
// Needs /usr/bin/prometheus, /usr/bin/prometheus-node-exporter and
// /usr/bin/python3 with prometheus_client (scripts/install-deps.sh
// --with-test-peers); without them the test says so and passes.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "peer_harness.h"
#include "test_support.h"

namespace ember::peers {
namespace {

constexpr char kPython[] = "/usr/bin/python3";
constexpr char kExporter[] = EMBER_PEERS_TESTDATA "/exporter.py";

// Scraped every second by both. The Python job drops the unreachable second
// target and labels the other with its port; its metric relabelling drops the
// POST request counters and copies `room` into `location`. The node job drops
// the Go memory statistics, which move on every scrape.
std::string ScrapeConfig(uint16_t node_port, uint16_t python_port) {
  auto target = [](uint16_t port) { return "'127.0.0.1:" + std::to_string(port) + "'"; };
  return "global:\n"
         "  scrape_interval: 1s\n"
         "  scrape_timeout: 1s\n"
         "  evaluation_interval: 1m\n"
         "scrape_configs:\n"
         "  - job_name: node\n"
         "    static_configs:\n"
         "      - targets: [" +
         target(node_port) +
         "]\n"
         "        labels: {tier: host}\n"
         "    metric_relabel_configs:\n"
         "      - source_labels: [__name__]\n"
         "        regex: 'go_memstats_.*'\n"
         "        action: drop\n"
         "  - job_name: python\n"
         "    static_configs:\n"
         "      - targets: [" +
         target(python_port) +
         ", '127.0.0.1:1']\n"
         "    relabel_configs:\n"
         "      - source_labels: [__address__]\n"
         "        regex: '127\\.0\\.0\\.1:1'\n"
         "        action: drop\n"
         "      - source_labels: [__address__]\n"
         "        regex: '127\\.0\\.0\\.1:(\\d+)'\n"
         "        target_label: exporter_port\n"
         "        replacement: 'port-$1'\n"
         "    metric_relabel_configs:\n"
         "      - source_labels: [__name__, method]\n"
         "        regex: 'peer_requests_total;POST'\n"
         "        action: drop\n"
         "      - source_labels: [room]\n"
         "        regex: '(.+)'\n"
         "        target_label: location\n"
         "        replacement: 'room $1'\n";
}

// The series the scrape loop writes for every target besides the target's
// own (scrape_timeout_seconds and the others of --enable-feature=
// extra-scrape-metrics are off by default in 2.x and 3.x alike).
const char* const kSyntheticSeries[] = {"up", "scrape_duration_seconds", "scrape_samples_scraped",
                                        "scrape_samples_post_metric_relabeling", "scrape_series_added"};

// Prometheus 3.x normalises the `quantile` label of summaries and the `le`
// label of classic histograms at ingestion to the float form OpenMetrics
// uses ("1" -> "1.0", "0" -> "0.0"); 2.42 stores what the text format says
// (docs/migration.md, "le and quantile label values"; the node exporter
// answers in the text format and go_gc_duration_seconds has quantile="0" and
// quantile="1"). Ember follows 3.x, so 2.42's label sets are put in that form
// before comparing. The values here are integers or plain decimals, for which
// appending ".0" to a number with neither '.' nor an exponent is the whole
// normalisation.
nlohmann::json As3x(nlohmann::json labels) {
  for (const char* name : {"quantile", "le"}) {
    if (!labels.contains(name)) continue;
    std::string v = labels[name].get<std::string>();
    bool number = !v.empty() && v.find_first_not_of("+-0123456789") == std::string::npos &&
                  v.find_first_of("0123456789") != std::string::npos;
    if (number) labels[name] = v + ".0";
  }
  return labels;
}

// GET /api/v1/series over [start, end] for every series with a job, as a set
// of label sets (dumped JSON: an object dumps with its keys sorted).
Result<std::set<std::string>> SeriesSet(const std::string& base, int64_t start_ms, int64_t end_ms,
                                        bool as_3x) {
  EMBER_ASSIGN_OR_RETURN(
      nlohmann::json data,
      ApiGet(base, "/api/v1/series?match%5B%5D=" + FormEscape("{job=~\".+\"}") +
                       "&start=" + FormatSeconds(start_ms) + "&end=" + FormatSeconds(end_ms)));
  std::set<std::string> out;
  for (const auto& labels : data) out.insert((as_3x ? As3x(labels) : labels).dump());
  return out;
}

// One sample of an instant vector: its value string as the API printed it.
using Vector = std::map<std::string, std::string>;

// An instant query's vector keyed by the dumped label set.
Result<Vector> QueryVector(const std::string& base, const std::string& query, int64_t t, bool as_3x) {
  EMBER_ASSIGN_OR_RETURN(nlohmann::json data, InstantQuery(base, query, t));
  Vector out;
  for (const auto& s : data["result"]) {
    out[(as_3x ? As3x(s["metric"]) : s["metric"]).dump()] = s["value"][1].get<std::string>();
  }
  return out;
}

// "only in Prometheus: ...; only in ember: ..." for two sets, the first few
// of each side listed.
template <class Set>
std::string SetDifference(const Set& prometheus, const Set& ember) {
  auto only = [](const Set& a, const Set& b) {
    std::string out;
    size_t n = 0;
    for (const auto& entry : a) {
      const auto& key = [&]() -> const std::string& {
        if constexpr (std::is_same_v<Set, Vector>) {
          return entry.first;
        } else {
          return entry;
        }
      }();
      if (b.count(key) != 0) continue;
      if (++n <= 15) out += "\n    " + key;
    }
    if (n > 15) out += "\n    ... " + std::to_string(n - 15) + " more";
    return std::to_string(n) + out;
  };
  return "only in Prometheus: " + only(prometheus, ember) + "\n  only in ember: " + only(ember, prometheus);
}

double Number(const std::string& s) { return std::strtod(s.c_str(), nullptr); }

// The label set without __name__, as timestamp() returns it.
std::string WithoutName(const std::string& dumped) {
  nlohmann::json labels = nlohmann::json::parse(dumped);
  labels.erase("__name__");
  return labels.dump();
}

// The fields of an active target that do not depend on the host or on when
// the target was scraped, keyed by scrape URL.
std::map<std::string, std::string> ActiveTargets(const nlohmann::json& data) {
  std::map<std::string, std::string> out;
  for (const auto& t : data["activeTargets"]) {
    nlohmann::json kept;
    for (const char* field : {"discoveredLabels", "labels", "scrapePool", "scrapeUrl", "health", "lastError",
                              "scrapeInterval", "scrapeTimeout"}) {
      if (t.contains(field)) kept[field] = t[field];
    }
    out[t.value("scrapeUrl", "")] = kept.dump();
  }
  return out;
}

std::set<std::string> DroppedTargets(const nlohmann::json& data) {
  std::set<std::string> out;
  for (const auto& t : data["droppedTargets"]) out.insert(t["discoveredLabels"].dump());
  return out;
}

// FAIL_CHECKs `what` with the error when `r` is not OK.
template <class T>
bool Ok(const Result<T>& r, const std::string& what) {
  if (r.ok()) return true;
  FAIL_CHECK(what << ": " << r.status().ToString());
  return false;
}

bool PythonClientMissing(const testing::TempDir& dir) {
  auto check =
      testing::Process::Start(kPython, {"-c", "import prometheus_client"}, dir.Join("python-check.log"));
  if (!check.ok()) return true;
  auto code = check->WaitExit(std::chrono::seconds(30));
  return !code || *code != 0;
}

}  // namespace

TEST_CASE("ember-scraper and Prometheus 2.42 scrape the same targets into the same series") {
  if (std::string missing = MissingPeer({kPrometheusPath, kNodeExporterPath, kPython}); !missing.empty()) {
    WARN(missing << " is not installed (scripts/install-deps.sh --with-test-peers); skipping");
    return;
  }
  testing::TempDir dir;
  if (PythonClientMissing(dir)) {
    WARN(kPython << " cannot import prometheus_client (python3-prometheus-client); skipping");
    return;
  }

  const uint16_t node_port = testing::FreePort();
  auto node =
      StartServer(kNodeExporterPath,
                  {"--web.listen-address=127.0.0.1:" + std::to_string(node_port),
                   "--collector.disable-defaults", "--collector.cpu", "--collector.loadavg",
                   "--collector.meminfo", "--collector.stat", "--collector.time", "--collector.uname"},
                  node_port, dir.Join("node-exporter.log"), "/metrics");
  INFO((node.ok() ? "" : node.status().ToString()));
  REQUIRE(node.ok());
  const uint16_t python_port = testing::FreePort();
  auto python = StartServer(kPython, {kExporter, std::to_string(python_port)}, python_port,
                            dir.Join("exporter.log"), "/metrics");
  INFO((python.ok() ? "" : python.status().ToString()));
  REQUIRE(python.ok());

  std::string config = dir.WriteFile("prometheus.yml", ScrapeConfig(node_port, python_port));
  const int64_t started = NowMs();
  auto ember = StartEmber(dir, {"--config.file=" + config});
  INFO((ember.ok() ? "" : ember.status().ToString()));
  REQUIRE(ember.ok());
  const uint16_t prometheus_port = testing::FreePort();
  auto prometheus =
      StartServer(kPrometheusPath,
                  {"--config.file=" + config, "--storage.tsdb.path=" + dir.Join("prometheus"),
                   "--web.listen-address=127.0.0.1:" + std::to_string(prometheus_port), "--log.level=info"},
                  prometheus_port, dir.Join("prometheus.log"), "/-/ready");
  INFO((prometheus.ok() ? "" : prometheus.status().ToString()));
  REQUIRE(prometheus.ok());

  const std::string& prom = prometheus->base_url;
  const std::string& emb = ember->base_url;
  testing::Process* const watched[] = {&ember->process, &prometheus->process, &node->process,
                                       &python->process};
  auto logs = [&] {
    return LogTail("ember-scraper", ember->process) + LogTail("prometheus", prometheus->process, 3000) +
           LogTail("node exporter", node->process, 1000) + LogTail("python exporter", python->process, 1000);
  };

  // Several scrapes of both targets on both servers: `up` of each job has at
  // least six samples in the last minute.
  auto scraped_enough = [&](const std::string& base) {
    auto v = QueryVector(base, "count_over_time(up[1m])", NowMs(), false);
    if (!v.ok() || v->size() != 2) return false;
    for (const auto& [labels, count] : *v) {
      if (Number(count) < 6) return false;
    }
    return true;
  };
  bool enough = PollUntil([&] { return scraped_enough(prom) && scraped_enough(emb); },
                          std::chrono::seconds(60), watched, std::chrono::milliseconds(500));
  if (!enough) {
    auto p = InstantQuery(prom, "count_over_time(up[1m])", NowMs());
    auto e = InstantQuery(emb, "count_over_time(up[1m])", NowMs());
    FAIL("both servers did not scrape both targets six times within 60 s\n  Prometheus: "
         << (p.ok() ? p->dump() : p.status().ToString())
         << "\n  ember: " << (e.ok() ? e->dump() : e.status().ToString()) << "\n"
         << logs());
  }
  const int64_t t = NowMs();
  INFO("compared at " << FormatSeconds(t));
  // The logs up to now go with any failure below.
  INFO(logs());

  // Each comparison runs to its end even when an earlier one failed, so that
  // one run shows every difference.
  auto same_series = [&] {
    auto want = SeriesSet(prom, started, t, true);
    auto got = SeriesSet(emb, started, t, false);
    if (!Ok(want, "Prometheus /series") || !Ok(got, "ember /series")) return;
    INFO(want->size() << " series on Prometheus, " << got->size() << " on ember\n  "
                      << SetDifference(*want, *got));
    const bool same = *want == *got;
    CHECK(same);
    CHECK(want->size() > 100);
    // The relabelling happened: the POST counters were dropped, `location` was
    // added next to `room`, the dropped target left no series.
    for (const std::string& s : *got) {
      nlohmann::json labels = nlohmann::json::parse(s);
      INFO(s);
      CHECK_FALSE((labels["__name__"] == "peer_requests_total" && labels.value("method", "") == "POST"));
      CHECK_FALSE((labels.contains("room") && !labels.contains("location")));
      CHECK(labels["instance"] != "127.0.0.1:1");
      CHECK(labels["__name__"].get<std::string>().rfind("go_memstats_", 0) != 0);
    }
  };

  auto targets_up = [&] {
    for (const std::string* base : {&prom, &emb}) {
      INFO("server " << *base);
      auto up = QueryVector(*base, "up", t, false);
      if (!Ok(up, "up")) continue;
      CHECK(up->size() == 2);
      for (const auto& [labels, value] : *up) {
        INFO(labels);
        CHECK(value == "1");
      }
      for (const char* name : kSyntheticSeries) {
        auto v = QueryVector(*base, std::string("count by (job) (") + name + ")", t, false);
        if (!Ok(v, name)) continue;
        INFO(name << ": " << nlohmann::json(*v).dump());
        CHECK(v->size() == 2);
      }
    }
    // Samples per scrape before and after metric relabelling, and new series
    // in the last scrape: the same exposition gives the same counts.
    for (const std::string query :
         {"scrape_samples_scraped", "scrape_samples_post_metric_relabeling", "scrape_series_added"}) {
      auto want = QueryVector(prom, query, t, false);
      auto got = QueryVector(emb, query, t, false);
      if (!Ok(want, "Prometheus " + query) || !Ok(got, "ember " + query)) continue;
      INFO(query << "\n  Prometheus: " << nlohmann::json(*want).dump()
                 << "\n  ember: " << nlohmann::json(*got).dump());
      const bool same = *want == *got;
      CHECK(same);
    }
  };

  auto python_values = [&] {
    // Every value it serves is fixed, so the last sample of each series is
    // the same on both, whenever each scraped it; only the scrape's own
    // duration differs.
    const std::string query = "{job=\"python\",__name__!=\"scrape_duration_seconds\"}";
    auto want = QueryVector(prom, query, t, false);
    auto got = QueryVector(emb, query, t, false);
    if (!Ok(want, "Prometheus python job") || !Ok(got, "ember python job")) return;
    CHECK(want->size() > 40);
    INFO(SetDifference(*want, *got));
    CHECK(want->size() == got->size());
    for (const auto& [labels, value] : *want) {
      auto it = got->find(labels);
      if (it == got->end()) continue;
      INFO(labels);
      CHECK(value == it->second);
    }
  };

  auto node_counters = [&] {
    // A CPU's seconds in one mode grow by at most one a second, and the
    // kernel counts them in ticks of 10 ms: two scrapes dt seconds apart
    // differ by at most dt + 0.02.
    auto want = QueryVector(prom, "node_cpu_seconds_total", t, false);
    auto got = QueryVector(emb, "node_cpu_seconds_total", t, false);
    auto want_ts = QueryVector(prom, "timestamp(node_cpu_seconds_total)", t, false);
    auto got_ts = QueryVector(emb, "timestamp(node_cpu_seconds_total)", t, false);
    if (!Ok(want, "Prometheus node_cpu_seconds_total") || !Ok(got, "ember node_cpu_seconds_total") ||
        !Ok(want_ts, "Prometheus timestamp()") || !Ok(got_ts, "ember timestamp()")) {
      return;
    }
    CHECK(!want->empty());
    INFO(SetDifference(*want, *got));
    CHECK(want->size() == got->size());
    for (const auto& [labels, value] : *want) {
      auto it = got->find(labels);
      auto wt = want_ts->find(WithoutName(labels));
      auto gt = got_ts->find(WithoutName(labels));
      if (it == got->end() || wt == want_ts->end() || gt == got_ts->end()) {
        FAIL_CHECK(labels << " is missing on ember or has no timestamp");
        continue;
      }
      const double dt = std::fabs(Number(wt->second) - Number(gt->second));
      INFO(labels << ": Prometheus " << value << " @" << wt->second << ", ember " << it->second << " @"
                  << gt->second);
      CHECK(std::fabs(Number(value) - Number(it->second)) <= dt + 0.02);
    }
    // The boot time is read from /proc/stat on every scrape and does not move.
    auto want_boot = QueryVector(prom, "node_boot_time_seconds", t, false);
    auto got_boot = QueryVector(emb, "node_boot_time_seconds", t, false);
    if (!Ok(want_boot, "Prometheus node_boot_time_seconds") ||
        !Ok(got_boot, "ember node_boot_time_seconds")) {
      return;
    }
    CHECK(want_boot->size() == 1);
    const bool same_boot = *want_boot == *got_boot;
    CHECK(same_boot);
  };

  auto metadata = [&] {
    auto want = ApiGet(prom, "/api/v1/metadata");
    auto got = ApiGet(emb, "/api/v1/metadata");
    if (!Ok(want, "Prometheus /metadata") || !Ok(got, "ember /metadata")) return;
    auto peer_families = [](const nlohmann::json& data) {
      std::map<std::string, std::string> out;
      for (const auto& [name, entries] : data.items()) {
        if (name.rfind("peer_", 0) != 0) continue;
        std::vector<std::string> dumped;
        for (const auto& e : entries) dumped.push_back(e.dump());
        std::sort(dumped.begin(), dumped.end());
        out[name] = nlohmann::json(dumped).dump();
      }
      return out;
    };
    auto want_peer = peer_families(*want);
    auto got_peer = peer_families(*got);
    CHECK(want_peer.size() >= 10);
    INFO("Prometheus: " << nlohmann::json(want_peer).dump(1)
                        << "\nember: " << nlohmann::json(got_peer).dump(1));
    const bool same = want_peer == got_peer;
    CHECK(same);
  };

  auto targets = [&] {
    auto want = ApiGet(prom, "/api/v1/targets");
    auto got = ApiGet(emb, "/api/v1/targets");
    if (!Ok(want, "Prometheus /targets") || !Ok(got, "ember /targets")) return;
    auto want_active = ActiveTargets(*want);
    auto got_active = ActiveTargets(*got);
    INFO("active, Prometheus: " << nlohmann::json(want_active).dump(1)
                                << "\nember: " << nlohmann::json(got_active).dump(1));
    CHECK(want_active.size() == 2);
    const bool same_active = want_active == got_active;
    CHECK(same_active);
    auto want_dropped = DroppedTargets(*want);
    auto got_dropped = DroppedTargets(*got);
    INFO("dropped, Prometheus: " << nlohmann::json(want_dropped).dump()
                                 << "\nember: " << nlohmann::json(got_dropped).dump());
    CHECK(want_dropped.size() == 1);
    const bool same_dropped = want_dropped == got_dropped;
    CHECK(same_dropped);
  };

  same_series();
  targets_up();
  python_values();
  node_counters();
  metadata();
  targets();
}

}  // namespace ember::peers
