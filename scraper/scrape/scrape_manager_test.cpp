#include <catch2/catch.hpp>

#include "ember/tsdb/sample.h"
#include "scrape/scrape_manager.h"
#include "scrape/test_target.h"

namespace ember::scraper {
namespace {

using testing::QuietLogger;
using testing::TestDb;
using testing::TestTarget;
using testing::WaitFor;

ScrapeConfig Job(const std::string& name, const std::vector<std::string>& addresses,
                 Milliseconds interval = Milliseconds(100)) {
  ScrapeConfig c;
  c.job_name = name;
  c.scrape_interval = interval;
  c.scrape_timeout = interval;
  c.scrape_protocols = {"OpenMetricsText1.0.0", "OpenMetricsText0.0.1", "PrometheusText1.0.0",
                        "PrometheusText0.0.4"};
  c.metric_name_validation_scheme = "utf8";
  discovery::TargetGroup g;
  g.source = "0";
  for (const std::string& a : addresses) g.targets.push_back(Labels{{"__address__", a}});
  c.static_configs = {g};
  return c;
}

discovery::TargetSnapshot Snapshot(const ScraperConfig& config) {
  discovery::TargetSnapshot s;
  for (const ScrapeConfig& c : config.scrape_configs) s[c.job_name] = c.static_configs;
  return s;
}

struct ManagerFixture {
  explicit ManagerFixture(bool stale_markers_on_stop = false) {
    ScrapeManagerOptions o;
    o.worker_threads = 2;
    o.stale_markers_on_stop = stale_markers_on_stop;
    manager = std::make_unique<ScrapeManager>(o, db.db(), &metadata, QuietLogger(), &registry);
  }
  void Apply(ScraperConfig c) {
    config = std::move(c);
    REQUIRE(manager->ApplyConfig(config).ok());
    manager->Sync(Snapshot(config));
  }
  std::shared_ptr<Target> OnlyTarget(const std::string& job) {
    auto active = manager->TargetsActive();
    REQUIRE(active[job].size() == 1);
    return active[job][0];
  }
  bool HasStale(const std::string& metric) {
    for (const tsdb::Sample& s : db.Samples(metric)) {
      if (tsdb::IsStaleNaN(s.v)) return true;
    }
    return false;
  }
  size_t Count(const std::string& metric) { return db.Samples(metric).size(); }

  TestTarget a, b;
  TestDb db;
  MetadataStore metadata;
  MetricsRegistry registry;
  ScraperConfig config;
  std::unique_ptr<ScrapeManager> manager;
};

TEST_CASE("Discovered targets are scraped into the store", "[scrape][manager]") {
  ManagerFixture f;
  f.a.Serve("# TYPE m gauge\nm 1\n");
  ScraperConfig c;
  c.scrape_configs = {Job("job", {f.a.address()})};
  f.Apply(c);
  REQUIRE(WaitFor([&] { return f.Count("m") >= 2; }));
  auto t = f.OnlyTarget("job");
  CHECK(t->status().health == TargetHealth::kUp);
  CHECK(t->status().last_error.empty());
  CHECK(f.db.Samples("up").back().v == 1);
  auto md = f.manager->TargetMetadata("job", *t);
  REQUIRE(md.size() == 1);
  CHECK(md[0].metadata.type == "gauge");
  CHECK(f.manager->ScrapePools() == std::vector<std::string>{"job"});
}

TEST_CASE("A target that goes away gets stale markers", "[scrape][manager]") {
  ManagerFixture f;
  f.a.Serve("only_a 1\n");
  f.b.Serve("only_b 1\n");
  ScraperConfig c;
  c.scrape_configs = {Job("job", {f.a.address(), f.b.address()})};
  f.Apply(c);
  REQUIRE(WaitFor([&] { return f.Count("only_a") >= 1 && f.Count("only_b") >= 1; }));
  CHECK(f.manager->TargetsActive()["job"].size() == 2);

  // Discovery drops b: its loop stops, and two intervals later its series
  // get stale markers; a keeps its loop.
  std::shared_ptr<Target> target_a;
  auto active = f.manager->TargetsActive();
  for (const auto& t : active["job"]) {
    if (t->Get("__address__") == f.a.address()) target_a = t;
  }
  REQUIRE(target_a != nullptr);
  auto loop_a = f.manager->pool("job")->Loop(*target_a);
  discovery::TargetSnapshot s;
  s["job"] = {discovery::TargetGroup{{Labels{{"__address__", f.a.address()}}}, {}, "0"}};
  f.manager->Sync(s);
  CHECK(f.manager->TargetsActive()["job"].size() == 1);
  REQUIRE(WaitFor([&] { return f.HasStale("only_b"); }));
  CHECK_FALSE(f.HasStale("only_a"));
  CHECK(f.manager->pool("job")->Loop(*f.OnlyTarget("job")) == loop_a);
}

TEST_CASE("ApplyConfig keeps unchanged pools and restarts changed ones", "[scrape][manager]") {
  ManagerFixture f;
  f.a.Serve("m 1\n");
  f.b.Serve("n 1\n");
  ScraperConfig c;
  c.scrape_configs = {Job("keep", {f.a.address()}), Job("change", {f.b.address()})};
  f.Apply(c);
  REQUIRE(WaitFor([&] { return f.Count("m") >= 1 && f.Count("n") >= 1; }));
  auto keep_loop = f.manager->pool("keep")->Loop(*f.OnlyTarget("keep"));
  auto change_loop = f.manager->pool("change")->Loop(*f.OnlyTarget("change"));
  REQUIRE(keep_loop != nullptr);
  REQUIRE(change_loop != nullptr);

  SECTION("sample_limit change: new loop, cache handed over, no stale markers") {
    ScraperConfig c2 = c;
    c2.scrape_configs[1].sample_limit = 1000;
    f.Apply(c2);
    auto keep_after = f.manager->pool("keep")->Loop(*f.OnlyTarget("keep"));
    auto change_after = f.manager->pool("change")->Loop(*f.OnlyTarget("change"));
    CHECK(keep_after == keep_loop);
    CHECK(change_after != change_loop);
    CHECK(change_after->cache() == change_loop->cache());
    const size_t before = f.Count("n");
    REQUIRE(WaitFor([&] { return f.Count("n") >= before + 3; }));
    CHECK_FALSE(f.HasStale("n"));
  }
  SECTION("metric relabel change: fresh cache, stale markers from the old loop") {
    ScraperConfig c2 = c;
    relabel::RelabelConfig rename;
    rename.source_labels = {"__name__"};
    rename.regex = "n";
    rename.target_label = "__name__";
    rename.replacement = "renamed";
    c2.scrape_configs[1].metric_relabel_configs = {rename};
    f.Apply(c2);
    auto change_after = f.manager->pool("change")->Loop(*f.OnlyTarget("change"));
    CHECK(change_after != change_loop);
    CHECK(change_after->cache() != change_loop->cache());
    REQUIRE(WaitFor([&] { return f.HasStale("n"); }));
    CHECK(f.Count("renamed") >= 1);
    CHECK(f.manager->pool("keep")->Loop(*f.OnlyTarget("keep")) == keep_loop);
  }
  SECTION("removed job: pool stops with stale markers") {
    ScraperConfig c2;
    c2.scrape_configs = {c.scrape_configs[0]};
    REQUIRE(f.manager->ApplyConfig(c2).ok());
    CHECK(f.manager->pool("change") == nullptr);
    REQUIRE(WaitFor([&] { return f.HasStale("n"); }));
    CHECK(f.HasStale("up"));
  }
}

TEST_CASE("target_limit fails every scrape of the pool", "[scrape][manager]") {
  ManagerFixture f;
  f.a.Serve("m 1\n");
  f.b.Serve("m 2\n");
  ScraperConfig c;
  c.scrape_configs = {Job("job", {f.a.address(), f.b.address()})};
  c.scrape_configs[0].target_limit = 1;
  f.Apply(c);
  REQUIRE(WaitFor([&] {
    auto targets = f.manager->TargetsActive()["job"];
    return targets.size() == 2 && targets[0]->status().health == TargetHealth::kDown &&
           targets[1]->status().health == TargetHealth::kDown;
  }));
  CHECK(f.manager->TargetsActive()["job"][0]->status().last_error ==
        "target_limit exceeded (number of targets: 2, limit: 1)");
  CHECK(f.Count("m") == 0);
}

TEST_CASE("Dropped targets are kept up to keep_dropped_targets", "[scrape][manager]") {
  ManagerFixture f;
  ScraperConfig c;
  c.scrape_configs = {Job("job", {"drop-1:1", "drop-2:1", "drop-3:1"})};
  relabel::RelabelConfig drop;
  drop.source_labels = {"__address__"};
  drop.regex = "drop-.*";
  drop.action = relabel::Action::kDrop;
  c.scrape_configs[0].relabel_configs = {drop};
  c.scrape_configs[0].keep_dropped_targets = 2;
  f.Apply(c);
  CHECK(f.manager->TargetsActive()["job"].empty());
  CHECK(f.manager->TargetsDropped()["job"].size() == 2);
  CHECK(f.manager->TargetsDroppedCounts()["job"] == 3);
  CHECK(f.manager->TargetsDropped()["job"][0]->discovered_labels().Get("job") == "job");
}

TEST_CASE("Stop writes stale markers before the store closes only when asked to", "[scrape][manager]") {
  for (const bool markers : {false, true}) {
    INFO("stale_markers_on_stop " << markers);
    ManagerFixture f(markers);
    f.a.Serve("m 1\n");
    ScraperConfig c;
    c.scrape_configs = {Job("job", {f.a.address()})};
    f.Apply(c);
    REQUIRE(WaitFor([&] { return f.Count("m") >= 1; }));
    f.manager->Stop();
    CHECK(f.HasStale("m") == markers);
    CHECK(f.HasStale("up") == markers);
    CHECK(f.manager->TargetsActive().empty());
  }
}

}  // namespace
}  // namespace ember::scraper
