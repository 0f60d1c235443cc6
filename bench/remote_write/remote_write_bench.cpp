// remote-write-vs-prometheus: remote write 1.0 ingestion by ember-scraper's
// receiver and by Prometheus 2.42's (--web.enable-remote-write-receiver), fed
// the same pre-encoded requests by the same sender in one run, both servers up
// at once, each on a fresh data directory, taking turns (see Measure). The
// figures to track are the ratios: this machine's absolute rates drift with
// its neighbours.
//
// Each server first receives one warm-up round, which creates every series
// (the expensive first append, as after a restart or a new target), then the
// measured rounds, where every sample goes to an existing series: the steady
// state of a receiver. Both receive the same rounds, so CPU and memory are
// for the same work.
#include <unistd.h>

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <optional>

#include <nlohmann/json.hpp>

#include "benchmark.h"
#include "process_stats.h"
#include "prometheus_peer.h"
#include "resource_usage.h"
#include "test_support.h"
#include "write_sender.h"
#include "write_workload.h"

namespace ember::bench {
namespace {

constexpr int64_t kIntervalMs = 15000;
// The sender's connections when --connections is left at the framework's
// default (16, meant for HTTP request-rate benchmarks).
constexpr int kDefaultConnections = 8;

// One server under test and what was measured of it.
struct Server {
  std::string name;
  testing::RunningProgram program;
  SendResult warm_up;
  SendResult measured;            // summed over the measured blocks
  double cpu_seconds = 0;         // the server's, from its first measured block to its last
  double sender_cpu_seconds = 0;  // this process's, while sending to it
  ProcessStats at_end;
  std::optional<double> series_seen;  // count({__name__=~".+"}) after the last round
  std::string check_note;             // why a check did not run

  double SamplesPerSecond() const {
    return measured.seconds > 0 ? static_cast<double>(measured.samples) / measured.seconds : 0;
  }
  double CpuPerMillion() const {
    return measured.samples > 0 ? cpu_seconds * 1e6 / static_cast<double>(measured.samples) : 0;
  }
};

// The single value of an instant query's vector result; nullopt with `note`
// set when the API is missing or the answer is not one.
std::optional<double> QueryScalar(const std::string& base_url, const std::string& query, int64_t time_ms,
                                  std::string* note) {
  auto reply = testing::HttpPost(base_url + "/api/v1/query", "query=" + compat::FormEscape(query) +
                                                                 "&time=" + compat::FormatSeconds(time_ms));
  if (!reply.ok()) {
    *note = "query failed: " + reply.status().message();
    return std::nullopt;
  }
  if (reply->status != 200) {
    *note = "/api/v1/query answered " + std::to_string(reply->status) + ": " + reply->body.substr(0, 200);
    return std::nullopt;
  }
  auto json = nlohmann::json::parse(reply->body, nullptr, false);
  if (json.is_discarded() || !json.contains("data") || json["data"]["result"].size() != 1) {
    *note = "unexpected query answer: " + reply->body.substr(0, 200);
    return std::nullopt;
  }
  return std::stod(json["data"]["result"][0]["value"][1].get<std::string>());
}

Status Failed(const Server& s, const SendResult& r, const std::string& phase) {
  return Status::Internal(s.name + ": " + std::to_string(r.failures) + " " + phase +
                          " requests failed, the first with " + r.first_failure);
}

// Sends rounds [from, to) to `s`, adding to its measured figures.
Status SendBlock(Server& s, const WriteWorkload& workload, int from, int to) {
  double sender_before = ProcessCpuSeconds();
  SendResult r = SendRounds(s.program.port, workload, from, to);
  s.sender_cpu_seconds += ProcessCpuSeconds() - sender_before;
  s.at_end = ReadProcessStats(s.program.process.pid());
  if (r.failures > 0) return Failed(s, r, "measured");
  s.measured.requests += r.requests;
  s.measured.samples += r.samples;
  s.measured.seconds += r.seconds;
  s.measured.max_latency_seconds = std::max(s.measured.max_latency_seconds, r.max_latency_seconds);
  std::fprintf(stderr, "remote-write bench: %-10s rounds %3d-%3d %9.0f samples/s\n", s.name.c_str(), from,
               to - 1, r.seconds > 0 ? static_cast<double>(r.samples) / r.seconds : 0);
  return Status::Ok();
}

// Both servers are up at once and take the measured rounds in alternating
// blocks (ember first in odd blocks, Prometheus in even ones), so that the
// load of this shared machine drifting during the run hits both alike. Each
// block's samples/s counts only the time spent sending it to that server; its
// CPU is everything the server did from its first block to its last, the
// background work its ingestion caused included.
Status Measure(Server& ember, Server& prom, const WriteWorkload& workload, int blocks) {
  for (Server* s : {&ember, &prom}) {
    s->warm_up = SendRounds(s->program.port, workload, 0, 1);
    if (s->warm_up.failures > 0) return Failed(*s, s->warm_up, "warm-up");
    std::fprintf(stderr, "remote-write bench: %-10s warm-up round in %.2f s\n", s->name.c_str(),
                 s->warm_up.seconds);
  }
  const int measured = workload.rounds - 1;
  ProcessStats ember_before = ReadProcessStats(ember.program.process.pid());
  ProcessStats prom_before = ReadProcessStats(prom.program.process.pid());
  for (int b = 0; b < blocks; ++b) {
    int from = 1 + measured * b / blocks, to = 1 + measured * (b + 1) / blocks;
    Server& first = b % 2 == 0 ? ember : prom;
    Server& second = b % 2 == 0 ? prom : ember;
    EMBER_RETURN_IF_ERROR(SendBlock(first, workload, from, to));
    EMBER_RETURN_IF_ERROR(SendBlock(second, workload, from, to));
  }
  ember.cpu_seconds = ember.at_end.cpu_seconds - ember_before.cpu_seconds;
  prom.cpu_seconds = prom.at_end.cpu_seconds - prom_before.cpu_seconds;

  // Cheap correctness: every series is there. (Counting every sample would
  // need count_over_time over {__name__=~".+"}, which Prometheus rejects: it
  // drops the metric names, leaving series with the same labels.)
  for (Server* s : {&ember, &prom}) {
    s->series_seen =
        QueryScalar(s->program.base_url, "count({__name__=~\".+\"})", workload.max_time_ms, &s->check_note);
  }
  return Status::Ok();
}

// Both programs with an empty configuration (nothing scraped), default
// retention and their remote write receiver on.
Result<Server> StartEmber(const testing::TempDir& dir) {
  std::string config = dir.WriteFile("ember.yml", "global:\n  scrape_interval: 1h\n");
  EMBER_ASSIGN_OR_RETURN(
      auto program, testing::StartProgram("ember-scraper",
                                          {"--config.file=" + config, "--web.enable-remote-write-receiver",
                                           "--storage.tsdb.path=" + dir.Join("ember"), "--log.level=warn"},
                                          dir));
  return Server{.name = "ember", .program = std::move(program)};
}

Result<Server> StartPrometheus(const testing::TempDir& dir) {
  std::string config = dir.WriteFile("prometheus.yml", "global:\n  scrape_interval: 1h\n");
  EMBER_ASSIGN_OR_RETURN(
      auto program,
      testing::StartExecutable(compat::kPrometheusPath,
                               {"--config.file=" + config, "--web.enable-remote-write-receiver",
                                "--storage.tsdb.path=" + dir.Join("prometheus"), "--log.level=warn"},
                               dir.Join("prometheus.log"), std::chrono::seconds(60)));
  return Server{.name = "prometheus", .program = std::move(program)};
}

double MiB(uint64_t bytes) { return static_cast<double>(bytes) / (1 << 20); }
double Ratio(double a, double b) { return b > 0 ? a / b : 0; }

std::string CheckNote(const Server& s, const WriteWorkload& w) {
  if (!s.series_seen) return "check skipped: " + s.check_note;
  const bool ok = *s.series_seen == static_cast<double>(w.series);
  return std::string(ok ? "ok: " : "MISMATCH: ") + "count({__name__=~\".+\"}) after the last round, " +
         std::to_string(w.series) + " sent";
}

Result<std::vector<Figure>> Run(const BenchmarkOptions& options, int64_t default_series, int default_rounds,
                                int blocks) {
  if (::access(compat::kPrometheusPath, X_OK) != 0) {
    return Status::FailedPrecondition(
        "prometheus is not installed (scripts/install-deps.sh --with-test-peers)");
  }
  WriteWorkloadOptions wo;
  wo.series = options.series > 0 ? options.series : default_series;
  // --hours sets the measured rounds: hours of 15 s scrapes.
  int measured = options.hours > 0 ? std::max(1, static_cast<int>(options.hours * 3600 * 1000 / kIntervalMs))
                                   : default_rounds;
  wo.rounds = measured + 1;
  wo.connections =
      options.connections == BenchmarkOptions{}.connections ? kDefaultConnections : options.connections;
  // The data ends now, so neither server sees it as too old or far ahead.
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  wo.start_ms = (now_ms - wo.rounds * kIntervalMs) / kIntervalMs * kIntervalMs;

  double t0 = WallSeconds();
  EMBER_ASSIGN_OR_RETURN(WriteWorkload workload, BuildWriteWorkload(wo));
  char set[240];
  std::snprintf(set, sizeof set,
                "%zu series (%d nodes) x (1 warm-up + %d) rounds, %" PRIu64
                " requests of <= %zu samples, %d conns",
                workload.series, workload.nodes, measured, workload.Requests(0, workload.rounds),
                wo.max_samples_per_request, wo.connections);
  std::fprintf(stderr, "remote-write bench: %s; %.1f MiB of bodies encoded in %.1f s\n", set,
               MiB(workload.BodyBytes(0, workload.rounds)), WallSeconds() - t0);

  testing::TempDir dir;
  EMBER_ASSIGN_OR_RETURN(Server ember, StartEmber(dir));
  EMBER_ASSIGN_OR_RETURN(Server prom, StartPrometheus(dir));
  EMBER_RETURN_IF_ERROR(Measure(ember, prom, workload, std::min(blocks, measured)));

  const uint64_t samples = workload.Samples(1, workload.rounds);
  const std::string per = std::to_string(samples) + " samples";
  return std::vector<Figure>{
      {"data set", static_cast<double>(workload.series), "series", set},
      {"prometheus 2.42 samples/s", prom.SamplesPerSecond(), "samples/s",
       per + " in " + std::to_string(prom.measured.seconds) + " s"},
      {"ember-scraper samples/s", ember.SamplesPerSecond(), "samples/s",
       per + " in " + std::to_string(ember.measured.seconds) + " s"},
      {"samples/s ratio ember/prometheus", Ratio(ember.SamplesPerSecond(), prom.SamplesPerSecond()), "x",
       "goal >= 3"},
      {"prometheus CPU per 1M samples", prom.CpuPerMillion(), "cpu s", "utime+stime, measured rounds"},
      {"ember-scraper CPU per 1M samples", ember.CpuPerMillion(), "cpu s", "utime+stime, measured rounds"},
      {"CPU per sample ratio ember/prometheus", Ratio(ember.CpuPerMillion(), prom.CpuPerMillion()), "x",
       "lower is better"},
      {"prometheus peak RSS", MiB(prom.at_end.peak_rss_bytes), "MiB", "VmHWM"},
      {"ember-scraper peak RSS", MiB(ember.at_end.peak_rss_bytes), "MiB", "VmHWM"},
      {"peak RSS ratio ember/prometheus",
       Ratio(MiB(ember.at_end.peak_rss_bytes), MiB(prom.at_end.peak_rss_bytes)), "x", "goal <= 1"},
      {"prometheus RSS at end", MiB(prom.at_end.rss_bytes), "MiB", "VmRSS after the last round"},
      {"ember-scraper RSS at end", MiB(ember.at_end.rss_bytes), "MiB", "VmRSS after the last round"},
      {"prometheus slowest request", prom.measured.max_latency_seconds * 1000, "ms",
       "warm-up " + std::to_string(prom.warm_up.seconds) + " s"},
      {"ember-scraper slowest request", ember.measured.max_latency_seconds * 1000, "ms",
       "warm-up " + std::to_string(ember.warm_up.seconds) + " s"},
      {"sender CPU while feeding prometheus", prom.sender_cpu_seconds, "cpu s", "this process"},
      {"sender CPU while feeding ember", ember.sender_cpu_seconds, "cpu s", "this process"},
      {"prometheus stored", prom.series_seen.value_or(0), "series", CheckNote(prom, workload)},
      {"ember-scraper stored", ember.series_seen.value_or(0), "series", CheckNote(ember, workload)},
  };
}

}  // namespace

Result<std::vector<Figure>> RunRemoteWriteVsPrometheus(const BenchmarkOptions& options) {
  // 40 measured rounds: 10 minutes of scrapes, 4M samples at 100k series.
  return Run(options, 100000, 40, 4);
}

Result<std::vector<Figure>> RunRemoteWriteVsPrometheusQuick(const BenchmarkOptions& options) {
  return Run(options, 10000, 10, 2);
}

}  // namespace ember::bench
