// Acknowledged remote writes survive a crash: a sender writes to the real
// ember-scraper while the test kills it with SIGKILL; after a restart every
// sample of every request answered 204 must be queryable.
#include <signal.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "ember/wire/remote_write.h"
#include "test_support.h"

namespace ember {
namespace {

constexpr int kSeries = 100;
constexpr int kSamplesPerSeries = 5;

// Request `i`: kSeries series with kSamplesPerSeries samples each, after
// those of request i-1.
std::string Request(int i) {
  std::vector<wire::WriteSeries> series(kSeries);
  for (int s = 0; s < kSeries; ++s) {
    series[s].labels = Labels{{"__name__", "crash_probe"}, {"series", std::to_string(s)}};
    for (int k = 0; k < kSamplesPerSeries; ++k) {
      const int64_t t = 1'000'000 + (static_cast<int64_t>(i) * kSamplesPerSeries + k) * 1000;
      series[s].samples.push_back({t, static_cast<double>(i)});
    }
  }
  auto body = wire::EncodeWriteRequest(series);
  REQUIRE(body.ok());
  return *body;
}

Result<testing::HttpReply> Post(const std::string& base_url, const std::string& body) {
  return testing::HttpDo("POST", base_url + "/api/v1/write",
                         {{"Content-Type", "application/x-protobuf"}, {"Content-Encoding", "snappy"}}, body);
}

}  // namespace

TEST_CASE("remote writes answered 204 survive kill -9 of ember-scraper") {
  testing::TempDir dir;
  const std::string data = dir.Join("data");
  std::vector<std::string> bodies;
  for (int i = 0; i < 400; ++i) bodies.push_back(Request(i));

  auto first = testing::StartProgram("ember-scraper", {"--storage.tsdb.path=" + data}, dir);
  REQUIRE(first.ok());
  std::atomic<int> acknowledged{0};
  std::atomic<bool> stop{false};
  std::thread sender([&] {
    for (size_t i = 0; i < bodies.size() && !stop.load(); ++i) {
      auto reply = Post(first->base_url, bodies[i]);
      if (!reply.ok() || reply->status != 204) return;  // the server is gone
      acknowledged.store(static_cast<int>(i) + 1);
    }
  });
  // Kill while writes are in flight, once a good part of them is
  // acknowledged (waiting on the process, not sleeping).
  while (acknowledged.load() < 100) {
    if (first->process.WaitExit(std::chrono::milliseconds(5))) break;
  }
  REQUIRE(first->process.Signal(SIGKILL).ok());
  REQUIRE(first->process.WaitExit(std::chrono::seconds(30)).has_value());
  stop.store(true);
  sender.join();
  const int acked = acknowledged.load();
  REQUIRE(acked >= 100);
  CHECK(acked < static_cast<int>(bodies.size()));

  auto second = testing::StartProgram("ember-scraper", {"--storage.tsdb.path=" + data}, dir);
  REQUIRE(second.ok());
  // Every sample of requests 0..acked-1 is there; a request cut by the kill
  // may be there too, whole.
  auto reply =
      testing::HttpGet(second->base_url +
                       "/api/v1/query?query=count_over_time(crash_probe%7Bseries%3D%2242%22%7D%5B1d%5D)"
                       "&time=5000");
  REQUIRE(reply.ok());
  INFO(reply->body);
  auto json = nlohmann::json::parse(reply->body);
  REQUIRE(json["data"]["result"].size() == 1);
  const int stored = std::stoi(json["data"]["result"][0]["value"][1].get<std::string>());
  CHECK(stored >= acked * kSamplesPerSeries);
  CHECK(stored <= (acked + 1) * kSamplesPerSeries);
  CHECK(stored % kSamplesPerSeries == 0);
  auto all = testing::HttpGet(second->base_url +
                              "/api/v1/query?query=count(count_over_time(crash_probe%5B1d%5D))&time=5000");
  REQUIRE(all.ok());
  const std::string count = std::to_string(kSeries);
  CHECK(all->body.find(R"(,")" + count + R"("])") != std::string::npos);
}

}  // namespace ember
