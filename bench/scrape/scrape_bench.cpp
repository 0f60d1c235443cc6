// scrape-vs-prometheus: ember-scraper and Prometheus 2.42 scraping the same
// targets (TargetServer: N loopback ports, 1,000 node-exporter and
// kube-state-metrics-like series each, values moving every scrape) with the
// same configuration and interval, each a whole program on a fresh data
// directory, in one run.
//
// Both servers start and scrape together until every target has been scraped
// a few times by each (series created, caches filled). From then on they take
// turns: the other one is stopped with SIGSTOP, so that only one scrapes at a
// time and the load of this shared machine drifting during the run hits both
// alike (blocks ember, prometheus, prometheus, ember, ...). A stopped scraper
// resumes where it was: its series, caches and connections stay.
//
// Per block, the running server's CPU (utime+stime of every thread, from
// /proc/<pid>/stat, read while it is stopped) and the samples the targets
// served it (counted by the target server per metrics path) are added up.
// The target server runs in this process; its CPU is in neither figure.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <optional>
#include <thread>

#include <nlohmann/json.hpp>

#include "benchmark.h"
#include "process_stats.h"
#include "prometheus_peer.h"
#include "resource_usage.h"
#include "scrape/target_server.h"
#include "test_support.h"

namespace ember::bench {
namespace {

struct ScrapeBenchConfig {
  int targets = 100;
  int series_per_target = 1000;
  int interval_s = 2;
  double block_seconds = 30;
  int blocks = 4;
};

// One server under test and what was measured of it.
struct Server {
  std::string name;
  size_t path_index = 0;
  testing::RunningProgram program;
  double cpu_seconds = 0;   // summed over its measured blocks
  double wall_seconds = 0;  // time it ran in its measured blocks
  Served served;            // summed over its measured blocks
  Served warm_up;
  ProcessStats at_end;
  std::optional<double> samples_per_scrape;  // sum(scrape_samples_scraped) after the last block
  std::optional<double> targets_up;          // count(up == 1) after the last block
  std::string check_note;

  double CpuPerMillion() const {
    return served.samples > 0 ? cpu_seconds * 1e6 / static_cast<double>(served.samples) : 0;
  }
  double SamplesPerSecond() const {
    return wall_seconds > 0 ? static_cast<double>(served.samples) / wall_seconds : 0;
  }
};

Served operator-(const Served& a, const Served& b) {
  return Served{a.scrapes - b.scrapes, a.samples - b.samples, a.bytes - b.bytes};
}

std::string ScrapeConfig(const std::vector<uint16_t>& ports, int interval_s, const std::string& path) {
  std::string config = "global:\n  scrape_interval: " + std::to_string(interval_s) +
                       "s\n  scrape_timeout: " + std::to_string(interval_s) +
                       "s\nscrape_configs:\n  - job_name: kubernetes-nodes\n    metrics_path: " + path +
                       "\n    static_configs:\n      - targets:\n";
  for (uint16_t port : ports) config += "          - '127.0.0.1:" + std::to_string(port) + "'\n";
  return config;
}

// The process state letter of /proc/<pid>/stat ('T' when stopped).
char ProcessState(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return '?';
  size_t close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() ? line[close + 2] : '?';
}

// Stops or resumes `s` and waits (bounded) until the kernel says it is
// stopped, so that the CPU figures read next are final.
Status Pause(Server& s, bool stop) {
  EMBER_RETURN_IF_ERROR(s.program.process.Signal(stop ? SIGSTOP : SIGCONT));
  if (!stop) return Status::Ok();
  for (int i = 0; i < 1000 && ProcessState(s.program.process.pid()) != 'T'; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return Status::Ok();
}

std::optional<double> QueryScalar(const std::string& base_url, const std::string& query, std::string* note) {
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  auto reply = testing::HttpPost(base_url + "/api/v1/query", "query=" + compat::FormEscape(query) +
                                                                 "&time=" + compat::FormatSeconds(now_ms));
  if (!reply.ok()) {
    *note = "query failed: " + reply.status().message();
    return std::nullopt;
  }
  auto json = nlohmann::json::parse(reply->body, nullptr, false);
  if (reply->status != 200 || json.is_discarded() || !json.contains("data") ||
      json["data"]["result"].size() != 1) {
    *note = "/api/v1/query " + query + " answered " + std::to_string(reply->status) + ": " +
            reply->body.substr(0, 200);
    return std::nullopt;
  }
  return std::stod(json["data"]["result"][0]["value"][1].get<std::string>());
}

// Runs `s` alone for one block and adds what it did.
Status RunBlock(Server& s, const TargetServer& targets, double seconds) {
  const ProcessStats before = ReadProcessStats(s.program.process.pid());
  const Served served_before = targets.ServedOn(s.path_index);
  const double t0 = WallSeconds();
  EMBER_RETURN_IF_ERROR(Pause(s, false));
  // The block is a measured stretch of time, not a wait for an event.
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  EMBER_RETURN_IF_ERROR(Pause(s, true));
  const double wall = WallSeconds() - t0;
  s.at_end = ReadProcessStats(s.program.process.pid());
  const Served done = targets.ServedOn(s.path_index) - served_before;
  s.cpu_seconds += s.at_end.cpu_seconds - before.cpu_seconds;
  s.wall_seconds += wall;
  s.served.scrapes += done.scrapes;
  s.served.samples += done.samples;
  s.served.bytes += done.bytes;
  std::fprintf(stderr, "scrape bench: %-10s %5.1f s: %6" PRIu64 " scrapes, %9.0f samples/s, %.2f cpu s\n",
               s.name.c_str(), wall, done.scrapes, static_cast<double>(done.samples) / wall,
               s.at_end.cpu_seconds - before.cpu_seconds);
  if (!s.program.process.Running()) return Status::Internal(s.name + " exited during the benchmark");
  return Status::Ok();
}

double MiB(uint64_t bytes) { return static_cast<double>(bytes) / (1 << 20); }
double Ratio(double a, double b) { return b > 0 ? a / b : 0; }

std::string CheckNote(const Server& s, const ScrapeBenchConfig& c) {
  if (!s.samples_per_scrape || !s.targets_up) return "check skipped: " + s.check_note;
  const double want = static_cast<double>(c.targets) * c.series_per_target;
  const bool ok = *s.samples_per_scrape == want && *s.targets_up == c.targets;
  char buf[200];
  std::snprintf(buf, sizeof buf,
                "%s: sum(scrape_samples_scraped) %.0f (want %.0f), count(up == 1) %.0f (want %d)",
                ok ? "ok" : "MISMATCH", *s.samples_per_scrape, want, *s.targets_up, c.targets);
  return buf;
}

Result<std::vector<Figure>> Run(const BenchmarkOptions& options, ScrapeBenchConfig c) {
  if (::access(compat::kPrometheusPath, X_OK) != 0) {
    return Status::FailedPrecondition(
        "prometheus is not installed (scripts/install-deps.sh --with-test-peers)");
  }
  if (options.series > 0)
    c.targets = std::max<int>(1, static_cast<int>(options.series / c.series_per_target));
  if (options.seconds != BenchmarkOptions{}.seconds) c.block_seconds = options.seconds;

  TargetServerOptions to;
  to.targets = c.targets;
  to.series_per_target = c.series_per_target;
  to.paths = {"/metrics/ember", "/metrics/prometheus"};
  const double t_build = WallSeconds();
  EMBER_ASSIGN_OR_RETURN(auto targets, TargetServer::Start(to));
  char set[240];
  std::snprintf(set, sizeof set, "%d targets x %d series, %.0f KiB a body, %.0f%% of values move; every %d s",
                c.targets, c.series_per_target, static_cast<double>(targets->BodyBytes()) / 1024,
                targets->ChangingFraction() * 100, c.interval_s);
  std::fprintf(stderr, "scrape bench: %s (targets built in %.1f s)\n", set, WallSeconds() - t_build);

  testing::TempDir dir;
  std::string ember_config =
      dir.WriteFile("ember.yml", ScrapeConfig(targets->ports(), c.interval_s, to.paths[0]));
  std::string prom_config =
      dir.WriteFile("prometheus.yml", ScrapeConfig(targets->ports(), c.interval_s, to.paths[1]));
  EMBER_ASSIGN_OR_RETURN(
      auto ember_program,
      testing::StartProgram(
          "ember-scraper",
          {"--config.file=" + ember_config, "--storage.tsdb.path=" + dir.Join("ember"), "--log.level=warn"},
          dir, std::chrono::seconds(60)));
  EMBER_ASSIGN_OR_RETURN(
      auto prom_program,
      testing::StartExecutable(compat::kPrometheusPath,
                               {"--config.file=" + prom_config,
                                "--storage.tsdb.path=" + dir.Join("prometheus"), "--log.level=warn"},
                               dir.Join("prometheus.log"), std::chrono::seconds(60)));
  Server ember{.name = "ember", .path_index = 0, .program = std::move(ember_program)};
  Server prom{.name = "prometheus", .path_index = 1, .program = std::move(prom_program)};

  // Warm-up: both scrape together until each has scraped every target three
  // times, or a deadline passes; a server that scraped nothing by then is
  // left out of the measurement (and the figures say so).
  const uint64_t warm_scrapes = 3 * static_cast<uint64_t>(c.targets);
  const double deadline = WallSeconds() + std::max(60.0, 10.0 * c.interval_s);
  while (WallSeconds() < deadline &&
         (targets->ServedOn(0).scrapes < warm_scrapes || targets->ServedOn(1).scrapes < warm_scrapes)) {
    if (auto code = prom.program.process.WaitExit(std::chrono::milliseconds(250))) {
      return Status::Internal("prometheus exited with " + std::to_string(*code) + ":\n" +
                              prom.program.process.Log());
    }
    if (auto code = ember.program.process.WaitExit(std::chrono::milliseconds(1))) {
      return Status::Internal("ember-scraper exited with " + std::to_string(*code) + ":\n" +
                              ember.program.process.Log());
    }
  }
  ember.warm_up = targets->ServedOn(0);
  prom.warm_up = targets->ServedOn(1);
  if (prom.warm_up.scrapes < warm_scrapes) {
    return Status::DeadlineExceeded("prometheus scraped " + std::to_string(prom.warm_up.scrapes) +
                                    " times during the warm-up, " + std::to_string(warm_scrapes) + " wanted");
  }
  const bool ember_scrapes = ember.warm_up.scrapes > 0;
  std::vector<Server*> measured = {&prom};
  if (ember_scrapes) measured.insert(measured.begin(), &ember);
  if (!ember_scrapes) ember.check_note = "ember-scraper scraped nothing during the warm-up";
  for (Server* s : {&ember, &prom}) EMBER_RETURN_IF_ERROR(Pause(*s, true));

  const double bench_cpu_before = ProcessCpuSeconds();
  for (int b = 0; b < c.blocks; ++b) {
    for (size_t i = 0; i < measured.size(); ++i) {
      Server& s = *measured[b % 2 == 0 ? i : measured.size() - 1 - i];
      EMBER_RETURN_IF_ERROR(RunBlock(s, *targets, c.block_seconds));
    }
  }
  const double bench_cpu = ProcessCpuSeconds() - bench_cpu_before;
  for (Server* s : {&ember, &prom}) {
    EMBER_RETURN_IF_ERROR(Pause(*s, false));
    s->at_end = ReadProcessStats(s->program.process.pid());
  }
  for (Server* s : measured) {
    s->samples_per_scrape = QueryScalar(s->program.base_url, "sum(scrape_samples_scraped)", &s->check_note);
    if (s->samples_per_scrape) {
      s->targets_up = QueryScalar(s->program.base_url, "count(up == 1)", &s->check_note);
    }
  }

  const double interval = c.interval_s;
  auto keep_up = [&](const Server& s) {
    // Scrapes made over scrapes due: 1 when every target was scraped every interval.
    const double due = s.wall_seconds / interval * c.targets;
    return due > 0 ? static_cast<double>(s.served.scrapes) / due : 0;
  };
  auto per = [&](const Server& s) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "%" PRIu64 " samples in %" PRIu64 " scrapes over %.0f s", s.served.samples,
                  s.served.scrapes, s.wall_seconds);
    return std::string(buf);
  };
  const std::string ember_note = ember_scrapes ? "" : " (ember-scraper did not scrape)";
  std::vector<Figure> figures = {
      {"data set", static_cast<double>(c.targets) * c.series_per_target, "series", set},
      {"blocks", static_cast<double>(c.blocks), "each",
       std::to_string(static_cast<int>(c.block_seconds)) + " s per server, after a warm-up of " +
           std::to_string(warm_scrapes / c.targets) + "+ scrapes a target"},
      {"prometheus 2.42 samples/s", prom.SamplesPerSecond(), "samples/s", per(prom)},
      {"ember-scraper samples/s", ember.SamplesPerSecond(), "samples/s", per(ember) + ember_note},
      {"prometheus scrapes made / due", keep_up(prom), "x", "1 = every target every interval"},
      {"ember-scraper scrapes made / due", keep_up(ember), "x", "1 = every target every interval"},
      {"prometheus CPU per 1M samples", prom.CpuPerMillion(), "cpu s", "utime+stime, measured blocks"},
      {"ember-scraper CPU per 1M samples", ember.CpuPerMillion(), "cpu s", "utime+stime, measured blocks"},
      {"CPU per sample ratio ember/prometheus", Ratio(ember.CpuPerMillion(), prom.CpuPerMillion()), "x",
       "lower is better"},
      {"prometheus CPU cores in use", Ratio(prom.cpu_seconds, prom.wall_seconds), "cores", "while running"},
      {"ember-scraper CPU cores in use", Ratio(ember.cpu_seconds, ember.wall_seconds), "cores",
       "while running"},
      {"prometheus peak RSS", MiB(prom.at_end.peak_rss_bytes), "MiB", "VmHWM, warm-up included"},
      {"ember-scraper peak RSS", MiB(ember.at_end.peak_rss_bytes), "MiB", "VmHWM, warm-up included"},
      {"peak RSS ratio ember/prometheus",
       ember_scrapes ? Ratio(MiB(ember.at_end.peak_rss_bytes), MiB(prom.at_end.peak_rss_bytes)) : 0, "x",
       "goal <= 1" + ember_note},
      {"prometheus RSS at end", MiB(prom.at_end.rss_bytes), "MiB", "VmRSS after the last block"},
      {"ember-scraper RSS at end", MiB(ember.at_end.rss_bytes), "MiB", "VmRSS after the last block"},
      {"target server CPU", bench_cpu, "cpu s", "this process, all blocks; in neither server's figure"},
      {"prometheus check", prom.samples_per_scrape.value_or(0), "samples", CheckNote(prom, c)},
      {"ember-scraper check", ember.samples_per_scrape.value_or(0), "samples", CheckNote(ember, c)},
  };
  return figures;
}

}  // namespace

Result<std::vector<Figure>> RunScrapeVsPrometheus(const BenchmarkOptions& options) {
  // 100k series every 2 s: 50k samples/s while a server runs, 4 blocks of
  // 30 s each.
  return Run(options, ScrapeBenchConfig{});
}

Result<std::vector<Figure>> RunScrapeVsPrometheusQuick(const BenchmarkOptions& options) {
  return Run(options, ScrapeBenchConfig{.targets = 20, .interval_s = 1, .block_seconds = 10, .blocks = 2});
}

}  // namespace ember::bench
