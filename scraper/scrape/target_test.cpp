#include <catch2/catch.hpp>

#include "scrape/discovery_configs.h"
#include "scrape/target.h"

namespace ember::scraper {
namespace {

ScrapeConfig BaseConfig() {
  ScrapeConfig c;
  c.job_name = "node";
  c.scrape_interval = std::chrono::seconds(15);
  c.scrape_timeout = std::chrono::seconds(10);
  return c;
}

std::vector<relabel::CompiledRelabelConfig> Compile(const std::vector<relabel::RelabelConfig>& configs) {
  std::vector<relabel::CompiledRelabelConfig> out;
  for (const auto& c : configs) {
    auto step = relabel::CompiledRelabelConfig::Create(c);
    REQUIRE(step.ok());
    out.push_back(*step);
  }
  return out;
}

TEST_CASE("PopulateLabels fills the defaults and instance", "[scrape][target]") {
  ScrapeConfig c = BaseConfig();
  c.params["module"] = {"http_2xx", "other"};
  auto r = PopulateLabels(c, {}, Labels{{"__address__", "10.0.0.1:9100"}, {"__meta_x", "y"}},
                          Labels{{"env", "prod"}});
  REQUIRE(r.ok());
  CHECK(r->discovered == Labels{{"__address__", "10.0.0.1:9100"},
                                {"__meta_x", "y"},
                                {"__metrics_path__", "/metrics"},
                                {"__param_module", "http_2xx"},
                                {"__scheme__", "http"},
                                {"__scrape_interval__", "15s"},
                                {"__scrape_timeout__", "10s"},
                                {"env", "prod"},
                                {"job", "node"}});
  CHECK(r->labels == Labels{{"__address__", "10.0.0.1:9100"},
                            {"__metrics_path__", "/metrics"},
                            {"__param_module", "http_2xx"},
                            {"__scheme__", "http"},
                            {"__scrape_interval__", "15s"},
                            {"__scrape_timeout__", "10s"},
                            {"env", "prod"},
                            {"instance", "10.0.0.1:9100"},
                            {"job", "node"}});
  Target t(r->labels, r->discovered, c.params);
  CHECK(t.url() == "http://10.0.0.1:9100/metrics?module=http_2xx&module=other");
  CHECK(t.public_labels() == Labels{{"env", "prod"}, {"instance", "10.0.0.1:9100"}, {"job", "node"}});
}

TEST_CASE("Target labels win over group labels; existing job kept", "[scrape][target]") {
  ScrapeConfig c = BaseConfig();
  auto r = PopulateLabels(c, {}, Labels{{"__address__", "a:1"}, {"env", "t"}, {"job", "custom"}},
                          Labels{{"env", "g"}, {"zone", "z"}});
  REQUIRE(r.ok());
  CHECK(r->labels.Get("env") == "t");
  CHECK(r->labels.Get("zone") == "z");
  CHECK(r->labels.Get("job") == "custom");
}

TEST_CASE("PopulateLabels table", "[scrape][target]") {
  struct Case {
    std::string name;
    Labels target;
    std::vector<relabel::RelabelConfig> relabel;
    std::string error;  // "" = ok
    bool dropped = false;
    std::string instance;
    std::string url;
  };
  relabel::RelabelConfig drop;
  drop.source_labels = {"__address__"};
  drop.regex = "drop.*";
  drop.action = relabel::Action::kDrop;
  relabel::RelabelConfig set_interval;
  set_interval.target_label = "__scrape_interval__";
  set_interval.replacement = "5s";
  relabel::RelabelConfig bad_interval = set_interval;
  bad_interval.replacement = "5x";
  relabel::RelabelConfig zero_interval = set_interval;
  zero_interval.replacement = "0s";
  relabel::RelabelConfig set_param;
  set_param.target_label = "__param_target";
  set_param.source_labels = {"__address__"};
  relabel::RelabelConfig set_address;
  set_address.target_label = "__address__";
  set_address.replacement = "exporter:9115";
  relabel::RelabelConfig clear_address;
  clear_address.target_label = "__address__";
  clear_address.replacement = "";
  relabel::RelabelConfig set_path;
  set_path.target_label = "__metrics_path__";
  set_path.replacement = "/probe path";

  std::vector<Case> cases = {
      {"plain", Labels{{"__address__", "h:1"}}, {}, "", false, "h:1", "http://h:1/metrics"},
      {"dropped", Labels{{"__address__", "drop-me:1"}}, {drop}, "", true, "", ""},
      {"url as address", Labels{{"__address__", "http://h:1"}}, {}, "\"http://h:1\" is not a valid hostname"},
      {"no address", Labels{{"__address__", "h:1"}}, {clear_address}, "no address"},
      {"interval relabeled, timeout too long",
       Labels{{"__address__", "h:1"}},
       {set_interval},
       "scrape timeout cannot be greater than scrape interval (\"10s\" > \"5s\")"},
      {"bad interval",
       Labels{{"__address__", "h:1"}},
       {bad_interval},
       "error parsing scrape interval: not a valid duration string: \"5x\""},
      {"zero interval", Labels{{"__address__", "h:1"}}, {zero_interval}, "scrape interval cannot be 0"},
      {"blackbox style",
       Labels{{"__address__", "example.com"}},
       {set_param, set_address},
       "",
       false,
       "exporter:9115",
       "http://exporter:9115/metrics?target=example.com"},
      {"path escaped",
       Labels{{"__address__", "h:1"}},
       {set_path},
       "",
       false,
       "h:1",
       "http://h:1/probe%20path"},
      {"instance kept",
       Labels{{"__address__", "h:1"}, {"instance", "mine"}},
       {},
       "",
       false,
       "mine",
       "http://h:1/metrics"},
      {"invalid value",
       Labels{{"__address__", "h:1"}, {"x", "\xff"}},
       {},
       "invalid label value for \"x\": \"\\xff\""},
  };
  for (const Case& tc : cases) {
    SECTION(tc.name) {
      ScrapeConfig c = BaseConfig();
      auto steps = Compile(tc.relabel);
      auto r = PopulateLabels(c, steps, tc.target, Labels{});
      if (!tc.error.empty()) {
        REQUIRE_FALSE(r.ok());
        CHECK(r.status().message() == tc.error);
        continue;
      }
      REQUIRE(r.ok());
      CHECK(r->labels.empty() == tc.dropped);
      CHECK(r->discovered.Get("__address__") == tc.target.Get("__address__"));
      if (!tc.dropped) {
        CHECK(r->labels.Get("instance") == tc.instance);
        CHECK(TargetUrl(r->labels, c.params) == tc.url);
      }
    }
  }
}

TEST_CASE("TargetsFromGroup reports failures with the group source", "[scrape][target]") {
  ScrapeConfig c = BaseConfig();
  discovery::TargetGroup g;
  g.source = "0";
  g.targets = {Labels{{"__address__", "ok:1"}}, Labels{{"__address__", "a/b"}}};
  std::vector<std::string> failures;
  auto targets = TargetsFromGroup(g, c, {}, &failures);
  REQUIRE(targets.size() == 1);
  REQUIRE(failures.size() == 1);
  CHECK(failures[0] == "instance 1 in group 0: \"a/b\" is not a valid hostname");
}

TEST_CASE("Target offsets stay within the interval", "[scrape][target]") {
  ScrapeConfig c = BaseConfig();
  auto r = PopulateLabels(c, {}, Labels{{"__address__", "h:1"}}, Labels{});
  REQUIRE(r.ok());
  Target t(r->labels, r->discovered, {});
  const int64_t interval = 15'000'000'000;
  for (int64_t now : {int64_t{0}, int64_t{1'700'000'000'123'456'789}, int64_t{42}}) {
    int64_t off = t.OffsetNs(interval, 7, now);
    CHECK(off >= 0);
    CHECK(off <= interval);
    // Pinned to wall time: the next scrape lands at the same phase.
    CHECK(((now + off) % interval) == static_cast<int64_t>((t.hash() ^ 7) % interval));
  }
}

TEST_CASE("ScrapeDiscoveryConfigs names every job", "[scrape][target]") {
  ScrapeConfig a = BaseConfig();
  discovery::TargetGroup g;
  g.source = "0";
  g.targets = {Labels{{"__address__", "h:1"}}};
  a.static_configs = {g};
  ScrapeConfig b = BaseConfig();
  b.job_name = "files";
  b.file_sd_configs = {discovery::FileSdConfig{{"/tmp/x.json"}, std::chrono::minutes(5)}};
  ScrapeConfig empty = BaseConfig();
  empty.job_name = "empty";
  auto jobs = ScrapeDiscoveryConfigs({a, b, empty});
  REQUIRE(jobs.size() == 3);
  REQUIRE(jobs["node"].size() == 1);
  CHECK(jobs["node"][0]->Name() == "static");
  REQUIRE(jobs["files"].size() == 1);
  CHECK(jobs["files"][0]->Name() == "file");
  CHECK(jobs["empty"].empty());
}

}  // namespace
}  // namespace ember::scraper
