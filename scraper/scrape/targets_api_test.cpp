#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "api/status_api.h"
#include "scrape/scrape_manager.h"
#include "scrape/test_target.h"

namespace ember::scraper {
namespace {

using testing::QuietLogger;
using testing::TestDb;
using testing::TestTarget;
using testing::WaitFor;

struct ApiFixture {
  ApiFixture() {
    target.Serve("# HELP m Help of m.\n# TYPE m gauge\nm 1\n# TYPE other counter\nother_total 2\n");
    manager =
        std::make_unique<ScrapeManager>(ScrapeManagerOptions{}, db.db(), &metadata, QuietLogger(), nullptr);
    ScrapeConfig c;
    c.job_name = "job";
    c.scrape_interval = Milliseconds(100);
    c.scrape_timeout = Milliseconds(100);
    c.scrape_protocols = {"PrometheusText0.0.4"};
    relabel::RelabelConfig drop;
    drop.source_labels = {"__address__"};
    drop.regex = "dropped:.*";
    drop.action = relabel::Action::kDrop;
    c.relabel_configs = {drop};
    discovery::TargetGroup g;
    g.source = "0";
    g.targets = {Labels{{"__address__", target.address()}}, Labels{{"__address__", "dropped:1"}}};
    g.labels = Labels{{"env", "test"}};
    c.static_configs = {g};
    ScraperConfig config;
    config.scrape_configs = {c};
    REQUIRE(manager->ApplyConfig(config).ok());
    manager->Sync({{"job", {g}}});
    ServerInfo info;
    info.listen_address = "127.0.0.1:9090";
    info.external_url = "http://prom.example:9090";
    api = std::make_unique<StatusApi>(db.db(), info, QuietLogger(), manager.get());
    REQUIRE(WaitFor([&] {
      auto t = manager->TargetsActive()["job"];
      return t.size() == 1 && t[0]->status().health == TargetHealth::kUp &&
             !metadata.Source(MetadataSource("job", t[0]->url())).empty();
    }));
  }

  nlohmann::json Get(http::Response (StatusApi::*handler)(http::Request&), const std::string& query) {
    http::Request req;
    req.method = "GET";
    req.raw_query = query;
    http::Response r = (api.get()->*handler)(req);
    auto j = nlohmann::json::parse(r.body);
    j["code"] = r.status;
    return j;
  }

  TestTarget target;
  TestDb db;
  MetadataStore metadata;
  std::unique_ptr<ScrapeManager> manager;
  std::unique_ptr<StatusApi> api;
};

TEST_CASE("/api/v1/targets has Prometheus's shape", "[scrape][api]") {
  ApiFixture f;
  auto j = f.Get(&StatusApi::Targets, "");
  REQUIRE(j["status"] == "success");
  auto& data = j["data"];
  REQUIRE(data["activeTargets"].size() == 1);
  auto& t = data["activeTargets"][0];
  const std::string url = "http://" + f.target.address() + "/metrics";
  CHECK(t["discoveredLabels"] == nlohmann::json({{"__address__", f.target.address()},
                                                 {"__metrics_path__", "/metrics"},
                                                 {"__scheme__", "http"},
                                                 {"__scrape_interval__", "100ms"},
                                                 {"__scrape_timeout__", "100ms"},
                                                 {"env", "test"},
                                                 {"job", "job"}}));
  CHECK(t["labels"] == nlohmann::json({{"env", "test"}, {"instance", f.target.address()}, {"job", "job"}}));
  CHECK(t["scrapePool"] == "job");
  CHECK(t["scrapeUrl"] == url);
  // A target on localhost on another port shows under the external host.
  CHECK(t["globalUrl"] == "http://prom.example:" + f.target.address().substr(10) + "/metrics");
  CHECK(t["lastError"] == "");
  CHECK(t["health"] == "up");
  CHECK(t["scrapeInterval"] == "100ms");
  CHECK(t["scrapeTimeout"] == "100ms");
  CHECK(t["lastScrapeDuration"].is_number());
  const std::string last = t["lastScrape"];
  CHECK(last.size() > 20);
  CHECK(last.back() == 'Z');
  std::vector<std::string> keys;
  for (auto it = t.begin(); it != t.end(); ++it) keys.push_back(it.key());
  CHECK(keys.size() == 11);

  REQUIRE(data["droppedTargets"].size() == 1);
  CHECK(data["droppedTargets"][0]["scrapePool"] == "job");
  CHECK(data["droppedTargets"][0]["discoveredLabels"]["__address__"] == "dropped:1");
  CHECK(data["droppedTargetCounts"] == nlohmann::json({{"job", 1}}));

  SECTION("state filter") {
    auto active = f.Get(&StatusApi::Targets, "state=active");
    CHECK(active["data"]["activeTargets"].size() == 1);
    CHECK(active["data"]["droppedTargets"].empty());
    CHECK(active["data"]["droppedTargetCounts"].is_null());
    auto dropped = f.Get(&StatusApi::Targets, "state=Dropped");
    CHECK(dropped["data"]["activeTargets"].empty());
    CHECK(dropped["data"]["droppedTargets"].size() == 1);
  }
  SECTION("scrapePool filter") {
    auto none = f.Get(&StatusApi::Targets, "scrapePool=other");
    CHECK(none["data"]["activeTargets"].empty());
    CHECK(none["data"]["droppedTargets"].empty());
    CHECK(none["data"]["droppedTargetCounts"] == nlohmann::json({{"job", 1}}));
  }
}

TEST_CASE("/api/v1/targets/metadata", "[scrape][api]") {
  ApiFixture f;
  auto all = f.Get(&StatusApi::TargetsMetadata, "");
  REQUIRE(all["status"] == "success");
  REQUIRE(all["data"].size() == 2);
  CHECK(all["data"][0] ==
        nlohmann::json({{"target", {{"env", "test"}, {"instance", f.target.address()}, {"job", "job"}}},
                        {"metric", "m"},
                        {"type", "gauge"},
                        {"help", "Help of m."},
                        {"unit", ""}}));
  auto one = f.Get(&StatusApi::TargetsMetadata, "metric=other");
  REQUIRE(one["data"].size() == 1);
  CHECK_FALSE(one["data"][0].contains("metric"));
  CHECK(one["data"][0]["type"] == "counter");
  auto matched = f.Get(&StatusApi::TargetsMetadata, "match_target=%7Bjob%3D%22nope%22%7D");
  CHECK(matched["data"].empty());
  auto limited = f.Get(&StatusApi::TargetsMetadata, "limit=0");
  CHECK(limited["data"].empty());
  auto bad = f.Get(&StatusApi::TargetsMetadata, "limit=x");
  CHECK(bad["code"] == 400);
  CHECK(bad["error"] == "limit must be a number");
  auto bad_match = f.Get(&StatusApi::TargetsMetadata, "match_target=%7Bjob%3D%7D");
  CHECK(bad_match["code"] == 400);
  CHECK(std::string(bad_match["error"]).rfind("invalid parameter \"match_target\": ", 0) == 0);
}

}  // namespace
}  // namespace ember::scraper
