// Manager: reloads (state carried over, unchanged groups kept, removed groups
// marked stale), load errors, and the timer driven by a ManualClock.
#include <catch2/catch.hpp>

#include <thread>

#include "ember/base/clock.h"
#include "test_util.h"

namespace ember::rules {
namespace {

using testing::FakeStore;

constexpr TimestampMs kMin = 60'000;

// Polls `cond` until it holds or a generous real-time deadline passes.
template <class F>
bool Eventually(F cond) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return cond();
}

struct Env {
  std::unique_ptr<FileSystem> fs = NewMemFileSystem();
  FakeStore store;
  ManualClock clock{100 * kMin};
  MetricsRegistry registry;
  std::shared_ptr<CapturingLogSink> logs = std::make_shared<CapturingLogSink>();
  std::unique_ptr<Manager> manager;

  Env() {
    ManagerOptions o;
    o.query = store.Query();
    o.appendable = &store;
    o.clock = &clock;
    o.clock_poll_interval = Milliseconds(1);
    o.fs = fs.get();
    o.metrics = &registry;
    o.logger = Logger(logs, LogLevel::kInfo);
    manager = std::make_unique<Manager>(std::move(o));
  }
  void Write(const std::string& path, std::string_view text) {
    REQUIRE(fs->WriteFileAtomically(path, text).ok());
  }
  Status Update(const std::vector<std::string>& files) { return manager->Update({}, files); }
};

const char* kV1 = R"(groups:
- name: g
  rules:
  - record: rec
    expr: e
  - alert: A
    expr: e
    for: 5m
  - record: gone
    expr: e
)";

TEST_CASE("reload keeps unchanged groups and carries alert state into changed ones", "[rules]") {
  Env env;
  env.Write("/a.yml", kV1);
  env.Write("/b.yml", "groups: [{name: other, rules: [{record: o, expr: e}]}]");
  REQUIRE(env.Update({"/a.yml", "/b.yml"}).ok());
  auto groups = env.manager->RuleGroups();
  REQUIRE(groups.size() == 2);
  CHECK(groups[0]->file() == "/a.yml");
  CHECK(groups[1]->file() == "/b.yml");
  env.store.results["e"] = {{{{"i", "1"}}, 1}};
  groups[0]->Eval(10 * kMin);
  groups[0]->Eval(11 * kMin);
  REQUIRE(groups[0]->Status().rules[1].active_alerts.size() == 1);

  // Same files again: the very same groups stay.
  REQUIRE(env.Update({"/a.yml", "/b.yml"}).ok());
  auto same = env.manager->RuleGroups();
  CHECK(same[0] == groups[0]);
  CHECK(same[1] == groups[1]);

  // Change group g: rec gets a label (a different rule), gone is removed.
  env.Write("/a.yml", R"(groups:
- name: g
  rules:
  - record: rec
    expr: e
    labels: {v: "2"}
  - alert: A
    expr: e
    for: 5m
)");
  REQUIRE(env.Update({"/a.yml", "/b.yml"}).ok());
  auto next = env.manager->RuleGroups();
  CHECK(next[0] != groups[0]);
  CHECK(next[1] == groups[1]);
  GroupStatus s = next[0]->Status();
  REQUIRE(s.rules[1].active_alerts.size() == 1);
  CHECK(s.rules[1].active_alerts[0].active_at == 10 * kMin);  // carried over
  CHECK(s.last_evaluation != 0);

  next[0]->Eval(12 * kMin);
  // Series of the rules that no longer exist go stale at the next evaluation.
  auto gone = env.store.For({{"__name__", "gone"}});
  REQUIRE(gone.size() == 3);
  CHECK(IsStaleNaN(gone.back().v));
  CHECK(gone.back().t == 12 * kMin);
  std::vector<testing::Written> old_rec;
  for (auto& w : env.store.For({{"__name__", "rec"}, {"i", "1"}})) {
    if (!w.labels.Has("v")) old_rec.push_back(w);
  }
  REQUIRE(old_rec.size() == 3);
  CHECK(IsStaleNaN(old_rec[2].v));  // the series without v went stale
  CHECK(env.store.For({{"__name__", "rec"}, {"v", "2"}}).size() == 1);
}

TEST_CASE("a removed group's series are marked stale two intervals later", "[rules]") {
  Env env;
  env.Write("/a.yml", "groups: [{name: g, interval: 10s, rules: [{record: r, expr: e}]}]");
  REQUIRE(env.Update({"/a.yml"}).ok());
  env.store.results["e"] = {{{{"i", "1"}}, 1}};
  env.manager->RuleGroups()[0]->Eval(100 * kMin);
  env.Write("/a.yml", "groups: []");
  REQUIRE(env.Update({"/a.yml"}).ok());
  CHECK(env.manager->RuleGroups().empty());
  const TimestampMs removed_at = env.clock.NowMs();
  env.clock.Advance(std::chrono::seconds(19));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(env.store.For({{"__name__", "r"}}).size() == 1);
  env.clock.Advance(std::chrono::seconds(1));
  REQUIRE(Eventually([&] { return env.store.For({{"__name__", "r"}}).size() == 2; }));
  auto r = env.store.For({{"__name__", "r"}});
  CHECK(IsStaleNaN(r[1].v));
  CHECK(r[1].t == removed_at);
}

TEST_CASE("a failed reload keeps the previous rule set", "[rules]") {
  Env env;
  env.Write("/a.yml", kV1);
  REQUIRE(env.Update({"/a.yml"}).ok());
  auto before = env.manager->RuleGroups();
  env.Write("/a.yml", "groups: [{name: g, rules: [{record: r}]}]");
  Status s = env.Update({"/a.yml"});
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(s.message() ==
        "error loading rules, previous rule set restored\n"
        "/a.yml: 0:0: group \"g\", rule 1, \"r\": field 'expr' must be set in rule");
  CHECK(env.manager->RuleGroups() == before);
  CHECK(env.logs->Contains({"level=error", "msg=\"loading groups failed\""}));
  Status missing = env.Update({"/missing.yml"});
  CHECK(!missing.ok());
  CHECK(env.manager->RuleGroups() == before);
}

TEST_CASE("groups evaluate on their slots and count missed iterations", "[rules]") {
  Env env;
  env.Write("/a.yml", "groups: [{name: g, interval: 10s, rules: [{record: r, expr: e}]}]");
  env.store.results["e"] = {{{{"i", "1"}}, 1}};
  REQUIRE(env.Update({"/a.yml"}).ok());
  auto g = env.manager->RuleGroups().at(0);
  env.clock.Advance(std::chrono::seconds(60));
  std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(g->Status().last_eval_timestamp == 0);  // nothing runs before Start

  env.manager->Start();
  const TimestampMs first = g->EvalTimestamp(env.clock.NowMs()) + 10'000;
  env.clock.Advance(std::chrono::milliseconds(first - env.clock.NowMs()));
  REQUIRE(Eventually([&] { return g->Status().last_eval_timestamp == first; }));
  CHECK(env.store.For({{"__name__", "r"}}).at(0).t == first);

  env.clock.Advance(std::chrono::seconds(10));
  REQUIRE(Eventually([&] { return g->Status().last_eval_timestamp == first + 10'000; }));

  // 35s pass at once: two slots are skipped, the third is evaluated.
  env.clock.Advance(std::chrono::seconds(35));
  REQUIRE(Eventually([&] { return g->Status().last_eval_timestamp == first + 40'000; }));
  const std::string lbl = "{rule_group=\"/a.yml;g\"}";
  CHECK_THAT(env.registry.Expose(),
             Catch::Contains("prometheus_rule_group_iterations_missed_total" + lbl + " 2"));
  CHECK_THAT(env.registry.Expose(), Catch::Contains("prometheus_rule_group_iterations_total" + lbl + " 5"));

  auto t0 = std::chrono::steady_clock::now();
  env.manager->Stop();
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
  CHECK(env.manager->Update({}, {"/a.yml"}).ok());  // ignored once stopped
}

TEST_CASE("after a start, ALERTS are written once `for` state is restored", "[rules]") {
  FakeStore store;
  ManualClock clock(100 * kMin);
  auto fs = NewMemFileSystem();
  REQUIRE(fs->WriteFileAtomically("/a.yml",
                                  "groups: [{name: g, interval: 10s, rules: [{alert: A, expr: e, for: 1h}]}]")
              .ok());
  ManagerOptions o;
  o.query = store.Query();
  o.appendable = &store;
  o.query_series = store.SeriesQuery();
  o.clock = &clock;
  o.clock_poll_interval = Milliseconds(1);
  o.fs = fs.get();
  o.logger = Logger(std::make_shared<CapturingLogSink>(), LogLevel::kError);
  Manager m(std::move(o));
  store.results["e"] = {{{{"i", "1"}}, 1}};
  REQUIRE(m.Update({}, {"/a.yml"}).ok());
  auto g = m.RuleGroups().at(0);
  m.Start();
  const TimestampMs first = g->EvalTimestamp(clock.NowMs()) + 10'000;
  for (int i = 0; i < 3; ++i) {
    clock.Advance(std::chrono::milliseconds(first + i * 10'000 - clock.NowMs()));
    REQUIRE(Eventually([&] { return g->Status().last_eval_timestamp == first + i * 10'000; }));
    if (i < 2) CHECK(store.For({{"__name__", "ALERTS"}}).empty());
  }
  auto alerts = store.For({{"__name__", "ALERTS"}});
  REQUIRE(alerts.size() == 1);
  CHECK(alerts[0].t == first + 20'000);
  CHECK(store.For({{"__name__", "ALERTS_FOR_STATE"}}).at(0).v == static_cast<double>(first / 1000));
  m.Stop();
}

TEST_CASE("LoadGroups reports every error of a bad file", "[rules]") {
  Env env;
  env.Write("/bad.yml", R"(groups:
- name: g
  rules:
  - record: a b
    alert: x
    expr: e
)");
  LoadedGroups g = env.manager->LoadGroups({}, {"/bad.yml"});
  CHECK(g.groups.empty());
  REQUIRE(g.errors.size() == 1);
  CHECK(g.errors[0] ==
        "/bad.yml: 4:13: 5:12: group \"g\", rule 1, \"x\": only one of 'record' and 'alert' must be set");
}

}  // namespace
}  // namespace ember::rules
