// An alert's `for` state survives a crash: ember-scraper evaluates an
// alerting rule with `for: 30m` every second; once the alert has been pending
// a while the process is killed with SIGKILL and restarted on its data
// directory. The restarted server must restore the alert from its
// ALERTS_FOR_STATE series, as Prometheus does: still pending, with its
// active time moved on by the downtime only, so the time it had already
// spent pending before the crash still counts.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ember/wire/remote_write.h"
#include "test_support.h"

namespace ember {
namespace {

using namespace std::chrono_literals;

constexpr char kRules[] = R"(groups:
  - name: restart
    rules:
      - alert: SlowBurn
        expr: restart_probe > 50
        for: 30m
        labels: {severity: ticket}
)";

constexpr char kConfig[] = R"(global:
  evaluation_interval: 1s
rule_files: [rules.yml]
scrape_configs: []
)";

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status WriteProbe(const std::string& base_url, double value) {
  wire::WriteSeries s;
  s.labels = Labels{{"__name__", "restart_probe"}, {"job", "probe"}};
  s.samples.push_back({NowMs(), value});
  EMBER_ASSIGN_OR_RETURN(std::string body, wire::EncodeWriteRequest(std::span(&s, 1)));
  EMBER_ASSIGN_OR_RETURN(
      testing::HttpReply reply,
      testing::HttpDo("POST", base_url + "/api/v1/write",
                      {{"Content-Type", "application/x-protobuf"}, {"Content-Encoding", "snappy"}}, body));
  if (reply.status != 204) return Status::Internal("remote write answered " + std::to_string(reply.status));
  return Status::Ok();
}

// The ALERTS_FOR_STATE samples of SlowBurn over the last 10 minutes, as
// (timestamp ms, value) pairs.
std::vector<std::pair<int64_t, double>> ForStateSamples(const std::string& base_url) {
  std::vector<std::pair<int64_t, double>> out;
  auto reply = testing::HttpGet(base_url + "/api/v1/query?query=" +
                                testing::FormEscape("ALERTS_FOR_STATE{alertname=\"SlowBurn\"}[10m]") +
                                "&time=" + testing::FormatSeconds(NowMs()));
  if (!reply.ok() || reply->status != 200) return out;
  auto json = nlohmann::json::parse(reply->body, nullptr, false);
  if (json.is_discarded() || json["data"]["result"].size() != 1) return out;
  for (const auto& v : json["data"]["result"][0]["values"]) {
    out.emplace_back(std::llround(v[0].get<double>() * 1000), std::stod(v[1].get<std::string>()));
  }
  return out;
}

// The state of SlowBurn in /api/v1/alerts, or "" when it is not there.
std::string AlertState(const std::string& base_url) {
  auto reply = testing::HttpGet(base_url + "/api/v1/alerts");
  if (!reply.ok() || reply->status != 200) return "";
  auto json = nlohmann::json::parse(reply->body, nullptr, false);
  if (json.is_discarded()) return "";
  for (const auto& a : json["data"]["alerts"]) {
    if (a["labels"].value("alertname", "") == "SlowBurn") return a.value("state", "");
  }
  return "";
}

// Polls `condition` every 100 ms until it holds or `timeout` passes, failing
// early when `process` exits.
bool PollUntil(testing::Process& process, std::chrono::milliseconds timeout,
               const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    if (process.WaitExit(100ms)) return false;
  }
  return condition();
}

TEST_CASE("a pending alert's for state is restored after kill -9", "[integration][rules]") {
  testing::TempDir dir;
  dir.WriteFile("rules.yml", kRules);
  const std::vector<std::string> args = {"--config.file=" + dir.WriteFile("ember.yml", kConfig),
                                         "--storage.tsdb.path=" + dir.Join("data")};
  auto first = testing::StartProgram("ember-scraper", args, dir);
  REQUIRE(first.ok());
  REQUIRE(WriteProbe(first->base_url, 80).ok());

  // Pending, with ALERTS_FOR_STATE holding its active time in seconds.
  double active_at_s = 0;
  REQUIRE(PollUntil(first->process, 30s, [&] {
    auto samples = ForStateSamples(first->base_url);
    if (samples.empty() || AlertState(first->base_url) != "pending") return false;
    active_at_s = samples.back().second;
    return true;
  }));
  INFO(first->process.Log());
  // Let it stay pending a while, then crash with the state written.
  constexpr int64_t kPendingBeforeCrashMs = 6000;
  REQUIRE(PollUntil(first->process, 30s, [&] {
    auto samples = ForStateSamples(first->base_url);
    return !samples.empty() &&
           samples.back().first - static_cast<int64_t>(active_at_s * 1000) >= kPendingBeforeCrashMs;
  }));
  const int64_t last_state_ms = ForStateSamples(first->base_url).back().first;
  REQUIRE(first->process.Signal(SIGKILL).ok());
  REQUIRE(first->process.WaitExit(30s).has_value());
  const int64_t restart_ms = NowMs();

  auto second = testing::StartProgram("ember-scraper", args, dir);
  REQUIRE(second.ok());
  INFO(second->process.Log());
  std::pair<int64_t, double> restored{0, 0};
  REQUIRE(PollUntil(second->process, 30s, [&] {
    for (const auto& s : ForStateSamples(second->base_url)) {
      if (s.first > restart_ms) {
        restored = s;
        return true;
      }
    }
    return false;
  }));
  CHECK(AlertState(second->base_url) == "pending");
  // Upstream's rule: active time + downtime (the time from the last state
  // sample to the restore), in whole seconds. What the alert had spent
  // pending before the crash is kept: the restored active time lies well
  // before the first evaluation after the restart.
  const double downtime_s = static_cast<double>(restored.first - last_state_ms) / 1000;
  CHECK(restored.second >= active_at_s);
  CHECK(restored.second <= active_at_s + downtime_s + 1);
  CHECK(static_cast<double>(restored.first) / 1000 - restored.second >=
        (kPendingBeforeCrashMs - 2000) / 1000.0);
}

}  // namespace
}  // namespace ember
