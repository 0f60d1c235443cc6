// Group mechanics: slot alignment, `for` state restore, self-metrics.
#include <catch2/catch.hpp>

#include "ember/base/clock.h"
#include "test_util.h"

namespace ember::rules {
namespace {

using testing::FakeStore;

constexpr TimestampMs kMin = 60'000;

struct Env {
  std::unique_ptr<FileSystem> fs = NewMemFileSystem();
  FakeStore store;
  ManualClock clock{0};
  MetricsRegistry registry;
  std::unique_ptr<Manager> manager;

  Env(std::string_view rules, ManagerOptions o = {}) {
    REQUIRE(fs->WriteFileAtomically("/r.yml", rules).ok());
    o.query = store.Query();
    o.appendable = &store;
    o.query_series = store.SeriesQuery();
    o.clock = &clock;
    o.fs = fs.get();
    o.metrics = &registry;
    o.logger = Logger(std::make_shared<CapturingLogSink>(), LogLevel::kError);
    manager = std::make_unique<Manager>(std::move(o));
  }
  std::shared_ptr<Group> Load(Milliseconds interval = std::chrono::minutes(1)) {
    LoadOptions lo;
    lo.default_interval = interval;
    LoadedGroups g = manager->LoadGroups(lo, {"/r.yml"});
    REQUIRE(g.errors.empty());
    return g.groups.at(0);
  }
  // A group as a (re)started server has it: alerting rules write ALERTS only
  // after RestoreForState. The manager is not started, so driving the group by
  // hand is safe.
  std::shared_ptr<Group> LoadForRestore() {
    REQUIRE(manager->Update({}, {"/r.yml"}).ok());
    return manager->RuleGroups().at(0);
  }
};

TEST_CASE("EvalTimestamp picks consistent slots offset by the group's hash", "[rules]") {
  Env e("groups: [{name: g, rules: [{record: r, expr: e}]}]");
  auto g = e.Load(std::chrono::seconds(10));
  const TimestampMs start = 1'700'000'123'456;
  TimestampMs slot = g->EvalTimestamp(start);
  CHECK(slot <= start);
  CHECK(start - slot < 10'000);
  CHECK(g->EvalTimestamp(slot) == slot);
  CHECK(g->EvalTimestamp(slot + 9'999) == slot);
  CHECK(g->EvalTimestamp(slot + 10'000) == slot + 10'000);
  CHECK(g->EvalTimestamp(slot - 1) == slot - 10'000);
}

const char* kRestoreRules = R"(groups:
- name: g
  rules:
  - alert: Long
    expr: e
    for: 30m
    labels: {severity: page}
  - alert: Short
    expr: e
    for: 5m
)";

// ALERTS_FOR_STATE as an earlier run of the rule would have left it.
void SeedForState(FakeStore& store, std::string_view alertname, TimestampMs active_at_s, TimestampMs last_ms,
                  bool with_severity) {
  std::vector<Label> l{{"__name__", "ALERTS_FOR_STATE"}, {"alertname", std::string(alertname)}, {"i", "1"}};
  if (with_severity) l.push_back({"severity", "page"});
  store.Commit({{Labels::FromUnsorted(l), last_ms - kMin, static_cast<double>(active_at_s)},
                {Labels::FromUnsorted(l), last_ms, static_cast<double>(active_at_s)}});
}

TEST_CASE("RestoreForState shifts active_at by the outage", "[rules]") {
  Env e(kRestoreRules);
  auto g = e.LoadForRestore();
  const TimestampMs down = 1000 * kMin;      // last sample before the outage
  const TimestampMs now = down + 20 * kMin;  // restart
  // Pending for 5m before the outage: 25m remain, more than the 10m grace.
  SeedForState(e.store, "Long", (down - 5 * kMin) / 1000, down, true);
  SeedForState(e.store, "Short", (down - 1 * kMin) / 1000, down, false);
  e.store.results["e"] = {{{{"i", "1"}}, 1}};
  g->Eval(now);
  g->RestoreForState(now);
  GroupStatus s = g->Status();
  // active_at moves forward by the 20m of downtime.
  CHECK(s.rules[0].active_alerts.at(0).active_at == down - 5 * kMin + 20 * kMin);
  // `for` below the grace period: not restored, starts afresh.
  CHECK(s.rules[1].active_alerts.at(0).active_at == now);
}

TEST_CASE("RestoreForState leaves at least the grace period", "[rules]") {
  Env e(kRestoreRules);
  auto g = e.LoadForRestore();
  const TimestampMs down = 1000 * kMin;
  const TimestampMs now = down + 20 * kMin;
  // Pending for 25m of 30m: 5m remain, less than the 10m grace.
  SeedForState(e.store, "Long", (down - 25 * kMin) / 1000, down, true);
  e.store.results["e"] = {{{{"i", "1"}}, 1}};
  g->Eval(now);
  g->RestoreForState(now);
  CHECK(g->Status().rules[0].active_alerts.at(0).active_at == now + 10 * kMin - 30 * kMin);
}

TEST_CASE("RestoreForState keeps an alert that was firing", "[rules]") {
  Env e(kRestoreRules);
  auto g = e.LoadForRestore();
  const TimestampMs down = 1000 * kMin;
  const TimestampMs now = down + 20 * kMin;
  SeedForState(e.store, "Long", (down - 40 * kMin) / 1000, down, true);
  e.store.results["e"] = {{{{"i", "1"}}, 1}};
  g->Eval(now);
  g->RestoreForState(now);
  CHECK(g->Status().rules[0].active_alerts.at(0).active_at == down - 40 * kMin);
  CHECK(e.store.For({{"__name__", "ALERTS"}}).empty());  // nothing written before the restore
  g->Eval(now + kMin);
  CHECK(g->Status().rules[0].state == AlertState::kFiring);
  CHECK(e.store.For({{"__name__", "ALERTS"}, {"alertstate", "firing"}}).size() == 1);
  auto for_state = e.store.For({{"__name__", "ALERTS_FOR_STATE"}, {"alertname", "Long"}});
  CHECK(for_state.back().v == static_cast<double>((down - 40 * kMin) / 1000));
}

TEST_CASE("RestoreForState ignores series older than the outage tolerance and stale ones", "[rules]") {
  Env e(kRestoreRules);
  auto g = e.LoadForRestore();
  const TimestampMs down = 1000 * kMin;
  const TimestampMs now = down + 61 * kMin;  // beyond the 1h tolerance
  SeedForState(e.store, "Long", (down - 5 * kMin) / 1000, down, true);
  e.store.results["e"] = {{{{"i", "1"}}, 1}};
  g->Eval(now);
  g->RestoreForState(now);
  CHECK(g->Status().rules[0].active_alerts.at(0).active_at == now);
}

TEST_CASE("group self-metrics carry rule_group", "[rules]") {
  Env e(R"(groups:
- name: g
  interval: 30s
  rules:
  - record: r
    expr: e
  - record: bad
    expr: bad
)");
  auto g = e.Load();
  e.store.results["e"] = {{{{"i", "1"}}, 1}};
  e.store.errors["bad"] = Status::Internal("boom");
  e.clock.SetWallMs(5000);
  g->Eval(kMin);
  const std::string text = e.registry.Expose();
  const std::string lbl = "{rule_group=\"/r.yml;g\"}";
  CHECK_THAT(text, Catch::Contains("prometheus_rule_evaluations_total" + lbl + " 2"));
  CHECK_THAT(text, Catch::Contains("prometheus_rule_evaluation_failures_total" + lbl + " 1"));
  CHECK_THAT(text, Catch::Contains("prometheus_rule_group_iterations_total" + lbl + " 1"));
  CHECK_THAT(text, Catch::Contains("prometheus_rule_group_iterations_missed_total" + lbl + " 0"));
  CHECK_THAT(text, Catch::Contains("prometheus_rule_group_interval_seconds" + lbl + " 30"));
  CHECK_THAT(text, Catch::Contains("prometheus_rule_group_rules" + lbl + " 2"));
  CHECK_THAT(text, Catch::Contains("prometheus_rule_group_last_evaluation_timestamp_seconds" + lbl + " 5"));
  CHECK_THAT(text, Catch::Contains("prometheus_rule_group_last_evaluation_samples" + lbl + " 1"));
  CHECK_THAT(text, Catch::Contains("prometheus_rule_group_last_duration_seconds" + lbl));
  CHECK_THAT(text, Catch::Contains("prometheus_rule_group_duration_seconds_count 1"));
  CHECK_THAT(text, Catch::Contains("prometheus_rule_evaluation_duration_seconds_count 2"));
}

}  // namespace
}  // namespace ember::rules
