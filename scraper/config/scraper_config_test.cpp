#include "config/scraper_config.h"

#include <catch2/catch.hpp>

namespace ember::scraper {
namespace {

TEST_CASE("The embedded default configuration loads") {
  auto c = LoadScraperConfig("");
  REQUIRE(c.ok());
  CHECK(c->global.scrape_interval == std::chrono::seconds(15));
  CHECK(c->global.scrape_timeout == std::chrono::seconds(10));
}

TEST_CASE("global is decoded with Prometheus defaults") {
  auto c = ParseScraperConfig(R"(
global:
  scrape_interval: 5s
  external_labels:
    cluster: home
    replica: a
  body_size_limit: 10MB
rule_files: ["rules/*.yml"]
scrape_configs:
  - job_name: node
    static_configs: [{targets: ["localhost:9100"]}]
)",
                              "prometheus.yml");
  REQUIRE(c.ok());
  CHECK(c->global.scrape_interval == std::chrono::seconds(5));
  // An unset timeout follows a shorter interval down.
  CHECK(c->global.scrape_timeout == std::chrono::seconds(5));
  CHECK(c->global.evaluation_interval == std::chrono::minutes(1));
  CHECK(c->global.external_labels == Labels{{"cluster", "home"}, {"replica", "a"}});
  CHECK(c->global.body_size_limit == 10 << 20);
  CHECK(c->rule_files == std::vector<std::string>{"rules/*.yml"});
}

TEST_CASE("Unknown fields and bad values are rejected with their line and path") {
  auto c = ParseScraperConfig("global:\n  scrape_intervall: 5s\n", "prometheus.yml");
  REQUIRE_FALSE(c.ok());
  CHECK(c.status().message() ==
        "parsing YAML file prometheus.yml: line 2: field scrape_intervall not found in type global "
        "(path: global.scrape_intervall)");
  auto t = ParseScraperConfig("global:\n  scrape_interval: 5s\n  scrape_timeout: 10s\n", "p.yml");
  REQUIRE_FALSE(t.ok());
  CHECK(t.status().message().find("global scrape timeout greater than scrape interval") != std::string::npos);
  auto d = ParseScraperConfig("global:\n  scrape_interval: soon\n", "p.yml");
  REQUIRE_FALSE(d.ok());
  CHECK(d.status().message().find("line 2") != std::string::npos);
  auto top = ParseScraperConfig("scrape_configz: []\n", "p.yml");
  REQUIRE_FALSE(top.ok());
  CHECK(top.status().message().find("field scrape_configz not found") != std::string::npos);
}

}  // namespace
}  // namespace ember::scraper
