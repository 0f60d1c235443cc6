// Remote write survives a receiver outage and a crash of the sender: two
// ember-scraper processes, A sending to B's /api/v1/write. The test writes to
// A's own receiver; B is stopped for a minute while A goes on taking samples,
// A is killed with SIGKILL and restarted on its data directory during the
// outage, then B comes back and must end up with every sample A acknowledged.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "ember/wire/remote_write.h"
#include "test_support.h"

namespace ember {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

constexpr int kSeries = 20;
constexpr int64_t kStartMs = 1'000'000;

// Request `i`: one sample for each of kSeries series at kStartMs + i seconds.
std::string Request(int i) {
  std::vector<wire::WriteSeries> series(kSeries);
  for (int s = 0; s < kSeries; ++s) {
    series[s].labels = Labels{{"__name__", "outage_probe"}, {"series", std::to_string(s)}};
    series[s].samples.push_back({kStartMs + int64_t{i} * 1000, static_cast<double>(i)});
  }
  auto body = wire::EncodeWriteRequest(series);
  REQUIRE(body.ok());
  return *body;
}

bool Post(const std::string& base_url, const std::string& body) {
  auto reply =
      testing::HttpDo("POST", base_url + "/api/v1/write",
                      {{"Content-Type", "application/x-protobuf"}, {"Content-Encoding", "snappy"}}, body);
  return reply.ok() && reply->status == 204;
}

// ember-scraper on a port of the test's choosing (B must come back on the
// same one), once /-/ready answers 200.
Result<testing::Process> StartOn(uint16_t port, std::vector<std::string> args, const std::string& log) {
  args.push_back("--web.listen-address=127.0.0.1:" + std::to_string(port));
  EMBER_ASSIGN_OR_RETURN(testing::Process process,
                         testing::Process::Start(testing::ProgramPath("ember-scraper"), args, log));
  const std::string ready = "http://127.0.0.1:" + std::to_string(port) + "/-/ready";
  const auto deadline = SteadyClock::now() + 60s;
  while (SteadyClock::now() < deadline) {
    auto reply = testing::HttpGet(ready);
    if (reply.ok() && reply->status == 200) return process;
    if (auto code = process.WaitExit(20ms)) {
      return Status::Unavailable("ember-scraper exited with code " + std::to_string(*code) + ":\n" +
                                 process.Log());
    }
  }
  return Status::DeadlineExceeded("ember-scraper did not become ready:\n" + process.Log());
}

// The timestamps B holds per series.
std::map<std::string, std::set<int64_t>> Stored(const std::string& base_url, int64_t at_ms) {
  std::map<std::string, std::set<int64_t>> out;
  auto reply = testing::HttpGet(
      base_url + "/api/v1/query?query=outage_probe%5B1d%5D&time=" + testing::FormatSeconds(at_ms));
  if (!reply.ok() || reply->status != 200) return out;
  auto json = nlohmann::json::parse(reply->body, nullptr, false);
  if (json.is_discarded()) return out;
  for (const auto& series : json["data"]["result"]) {
    auto& times = out[series["metric"]["series"].get<std::string>()];
    for (const auto& value : series["values"]) {
      times.insert(static_cast<int64_t>(std::llround(value[0].get<double>() * 1000)));
    }
  }
  return out;
}

}  // namespace

TEST_CASE("remote write loses nothing over a one-minute receiver outage and a kill -9 of the sender") {
  testing::TempDir dir;
  const uint16_t port_b = testing::FreePort();
  // B takes late duplicates: after A's crash it resends what it sent after
  // its last saved position.
  const std::string config_b =
      dir.WriteFile("b.yml", "storage:\n  tsdb:\n    out_of_order_time_window: 1d\n");
  const std::string config_a =
      dir.WriteFile("a.yml", "remote_write:\n  - url: http://127.0.0.1:" + std::to_string(port_b) +
                                 "/api/v1/write\n    name: b\n"
                                 "    queue_config: {batch_send_deadline: 500ms, max_backoff: 1s}\n");
  const std::vector<std::string> args_b = {"--config.file=" + config_b,
                                           "--storage.tsdb.path=" + dir.Join("b")};
  const std::vector<std::string> args_a = {"--config.file=" + config_a,
                                           "--storage.tsdb.path=" + dir.Join("a")};

  auto b = StartOn(port_b, args_b, dir.Join("b.log"));
  REQUIRE(b.ok());
  auto a = testing::StartProgram("ember-scraper", args_a, dir);
  INFO(a.status().ToString());
  REQUIRE(a.ok());
  const std::string b_url = "http://127.0.0.1:" + std::to_string(port_b);

  std::vector<int> acknowledged;  // requests A answered 204
  int next = 0;
  auto send = [&](const std::string& a_url) {
    if (Post(a_url, Request(next))) acknowledged.push_back(next);
    ++next;
  };

  // Flowing: B receives.
  for (int i = 0; i < 40; ++i) send(a->base_url);
  const auto flowing_deadline = SteadyClock::now() + 60s;
  while (Stored(b_url, kStartMs + int64_t{next} * 1000)["0"].size() < 40) {
    REQUIRE(SteadyClock::now() < flowing_deadline);
    std::this_thread::sleep_for(50ms);
  }

  // The outage: B stops; A takes samples for a minute and is killed midway.
  REQUIRE(b->Signal(SIGTERM).ok());
  REQUIRE(b->WaitExit(60s) == std::optional<int>(0));
  const auto outage_start = SteadyClock::now();
  bool killed = false;
  std::string a_url = a->base_url;
  std::optional<testing::RunningProgram> restarted;
  while (SteadyClock::now() - outage_start < 60s) {
    send(a_url);
    if (!killed && SteadyClock::now() - outage_start >= 30s) {
      REQUIRE(a->process.Signal(SIGKILL).ok());
      REQUIRE(a->process.WaitExit(30s).has_value());
      killed = true;
      auto again = testing::StartProgram("ember-scraper", args_a, dir);
      INFO(again.status().ToString());
      REQUIRE(again.ok());
      restarted = std::move(again).value();
      a_url = restarted->base_url;
    }
    // About 20 requests a second, so that a minute is a few thousand.
    std::this_thread::sleep_for(50ms);
  }
  REQUIRE(killed);
  const size_t acked_during_outage = acknowledged.size() - 40;
  CHECK(acked_during_outage > 500);

  // B comes back on its data directory; A's queue drains into it.
  auto b_again = StartOn(port_b, args_b, dir.Join("b2.log"));
  REQUIRE(b_again.ok());
  const auto drain_start = SteadyClock::now();
  const int64_t query_at = kStartMs + int64_t{next} * 1000;
  std::map<std::string, std::set<int64_t>> stored;
  size_t missing = 0;
  const auto drain_deadline = SteadyClock::now() + 120s;
  for (;;) {
    stored = Stored(b_url, query_at);
    missing = 0;
    for (int i : acknowledged) {
      const int64_t t = kStartMs + int64_t{i} * 1000;
      for (int s = 0; s < kSeries; ++s) missing += stored[std::to_string(s)].count(t) == 0;
    }
    if (missing == 0 || SteadyClock::now() > drain_deadline) break;
    std::this_thread::sleep_for(200ms);
  }
  INFO("acknowledged requests: " << acknowledged.size() << ", sent: " << next);
  INFO("A's log after the restart:\n" << restarted->process.Log());
  CHECK(missing == 0);
  WARN("figures: "
       << next << " requests sent to A, " << acknowledged.size() << " acknowledged ("
       << acknowledged.size() * kSeries << " samples, " << acked_during_outage * kSeries
       << " during the outage); B held them all "
       << std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - drain_start).count()
       << " ms after it was ready again");

  auto metrics = testing::HttpGet(restarted->base_url + "/metrics");
  REQUIRE(metrics.ok());
  CHECK(metrics->body.find("prometheus_remote_storage_samples_total{remote_name=\"b\"") != std::string::npos);
  REQUIRE(restarted->process.Signal(SIGTERM).ok());
  CHECK(restarted->process.WaitExit(60s) == std::optional<int>(0));
  REQUIRE(b_again->Signal(SIGTERM).ok());
  CHECK(b_again->WaitExit(60s) == std::optional<int>(0));
}

}  // namespace ember
