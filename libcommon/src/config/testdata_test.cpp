// Runs every file in testdata/: each *.bad.yml must fail with exactly the
// message in the *.bad.yml.err beside it, each *.good.yml must load. Files
// named web_* are web configs; sample_* use the small prometheus.yml-like
// schema below, which stands in for the programs' own formats.
#include <catch2/catch.hpp>

#include "ember/base/strings.h"
#include "ember/config/web_config.h"
#include "ember/config/yaml_file.h"

namespace ember::config {
namespace {

constexpr std::string_view kDir = "testdata";

struct SampleStaticConfig {
  std::vector<std::string> targets;
  std::map<std::string, std::string> labels;
};

struct SampleScrapeConfig {
  std::string job_name;
  Milliseconds scrape_interval{0};  // 0: the global one
  Milliseconds scrape_timeout{0};
  std::vector<SampleStaticConfig> static_configs;
};

struct SampleConfig {
  Milliseconds scrape_interval{60000};
  Milliseconds scrape_timeout{10000};
  int64_t sample_limit = 0;
  std::map<std::string, std::string> external_labels;
  std::vector<SampleScrapeConfig> scrape_configs;
};

void DecodeScrapeConfig(FieldReader& r, SampleScrapeConfig& c, const SampleConfig& global) {
  r.SetTypeName("scrape_config");
  r.Field("job_name", &c.job_name);
  r.Duration("scrape_interval", &c.scrape_interval);
  r.Duration("scrape_timeout", &c.scrape_timeout);
  r.List("static_configs", [&](FieldReader& s) {
    SampleStaticConfig& sc = c.static_configs.emplace_back();
    s.SetTypeName("static_config");
    s.Field("targets", &sc.targets);
    s.Field("labels", &sc.labels);
  });
  if (c.job_name.empty()) return r.Fail("job_name is empty");
  Milliseconds interval = c.scrape_interval.count() ? c.scrape_interval : global.scrape_interval;
  Milliseconds timeout = c.scrape_timeout.count() ? c.scrape_timeout : global.scrape_timeout;
  if (timeout > interval) {
    r.Fail("scrape timeout greater than scrape interval for scrape config with job name " +
           GoQuote(c.job_name));
  }
}

void DecodeSampleConfig(FieldReader& r, SampleConfig& c) {
  r.Struct("global", [&](FieldReader& g) {
    g.Duration("scrape_interval", &c.scrape_interval);
    g.Duration("scrape_timeout", &c.scrape_timeout);
    g.Field("sample_limit", &c.sample_limit);
    g.Field("external_labels", &c.external_labels);
  });
  r.List("scrape_configs",
         [&](FieldReader& s) { DecodeScrapeConfig(s, c.scrape_configs.emplace_back(), c); });
}

Status LoadTestdata(const std::string& path, const std::string& name) {
  if (name.starts_with("web_")) return LoadWebConfig(FileSystem::Real(), path).status();
  return LoadYamlFile(FileSystem::Real(), path, "config", &DecodeSampleConfig).status();
}

std::vector<std::string> Files(std::string_view suffix) {
  Result<std::vector<std::string>> names = FileSystem::Real().ListDir(std::string(kDir));
  REQUIRE(names.ok());
  std::vector<std::string> out;
  for (const std::string& n : *names) {
    if (n.ends_with(suffix)) out.push_back(n);
  }
  return out;
}

TEST_CASE("testdata: bad configs fail with their expected message") {
  std::vector<std::string> bad = Files(".bad.yml");
  CHECK(bad.size() >= 20);
  for (const std::string& name : bad) {
    std::string path = JoinPath(kDir, name);
    Result<std::string> expected = FileSystem::Real().ReadFile(path + ".err");
    INFO(path);
    REQUIRE(expected.ok());
    Status s = LoadTestdata(path, name);
    CHECK(s.code() == StatusCode::kInvalidArgument);
    CHECK(s.message() == TrimSpace(*expected));
  }
}

TEST_CASE("testdata: good configs load") {
  std::vector<std::string> good = Files(".good.yml");
  CHECK(good.size() >= 5);
  for (const std::string& name : good) {
    std::string path = JoinPath(kDir, name);
    INFO(path);
    Status s = LoadTestdata(path, name);
    CHECK(s.message() == "");
  }
}

TEST_CASE("testdata: the full sample decodes field by field") {
  Result<SampleConfig> c =
      LoadYamlFile(FileSystem::Real(), "testdata/sample_full.good.yml", "config", &DecodeSampleConfig);
  REQUIRE(c.ok());
  CHECK(c->scrape_interval == Milliseconds(15000));
  CHECK(c->sample_limit == 5000);
  CHECK(c->external_labels == std::map<std::string, std::string>{{"cluster", "eu-1"}, {"replica", "0"}});
  REQUIRE(c->scrape_configs.size() == 2);
  CHECK(c->scrape_configs[0].job_name == "prometheus");
  CHECK(c->scrape_configs[1].scrape_interval == Milliseconds(30000));
  REQUIRE(c->scrape_configs[1].static_configs.size() == 2);
  CHECK(c->scrape_configs[1].static_configs[1].targets == std::vector<std::string>{"node-b:9100"});
  CHECK(c->scrape_configs[1].static_configs[1].labels.at("env") == "staging");
}

}  // namespace
}  // namespace ember::config
