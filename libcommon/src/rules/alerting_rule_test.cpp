// Alerting and recording rule evaluation through Group::Eval on groups from
// Manager::LoadGroups, with fake query, store and notify functions.
#include <catch2/catch.hpp>

#include <cmath>

#include "ember/base/clock.h"
#include "test_util.h"

namespace ember::rules {
namespace {

using testing::FakeStore;
using testing::Notifications;
using testing::Written;

constexpr TimestampMs kMin = 60'000;

struct Fixture {
  std::unique_ptr<FileSystem> fs = NewMemFileSystem();
  FakeStore store;
  Notifications notes;
  ManualClock clock{1'000'000};
  std::unique_ptr<Manager> manager;

  explicit Fixture(std::string_view rules, ManagerOptions extra = {}) {
    REQUIRE(fs->WriteFileAtomically("/rules.yml", rules).ok());
    ManagerOptions o = std::move(extra);
    o.query = store.Query();
    o.appendable = &store;
    o.notify = notes.Func();
    o.clock = &clock;
    o.fs = fs.get();
    o.logger = Logger(std::make_shared<CapturingLogSink>(), LogLevel::kError);
    manager = std::make_unique<Manager>(std::move(o));
  }

  std::shared_ptr<Group> Load() {
    LoadedGroups g = manager->LoadGroups({}, {"/rules.yml"});
    INFO((g.errors.empty() ? "" : g.errors[0]));
    REQUIRE(g.errors.empty());
    REQUIRE(g.groups.size() == 1);
    return g.groups[0];
  }
};

RuleStatus RuleAt(const Group& g, size_t i) { return g.Status().rules.at(i); }

const char* kAlertRules = R"(groups:
- name: g
  rules:
  - alert: Down
    expr: up == 0
    for: 2m
    labels: {severity: page}
)";

TEST_CASE("alerting rule goes pending, firing, resolved and is re-sent", "[rules]") {
  Fixture f(kAlertRules);
  auto g = f.Load();
  f.store.results["up == 0"] = {{{{"__name__", "up"}, {"instance", "a"}}, 0}};

  g->Eval(0);
  RuleStatus r = RuleAt(*g, 0);
  CHECK(r.type == RuleType::kAlerting);
  CHECK(r.health == RuleHealth::kGood);
  CHECK(r.state == AlertState::kPending);
  REQUIRE(r.active_alerts.size() == 1);
  const Alert& a = r.active_alerts[0];
  CHECK(a.labels == Labels{{"alertname", "Down"}, {"instance", "a"}, {"severity", "page"}});
  CHECK(a.active_at == 0);
  CHECK(a.state == AlertState::kPending);
  CHECK(f.notes.Last().empty());  // pending alerts are not sent
  // ALERTS and ALERTS_FOR_STATE are written from the first evaluation (LoadGroups groups count as restored).
  auto alerts = f.store.For({{"__name__", "ALERTS"}});
  REQUIRE(alerts.size() == 1);
  CHECK(alerts[0].labels == Labels{{"__name__", "ALERTS"},
                                   {"alertname", "Down"},
                                   {"alertstate", "pending"},
                                   {"instance", "a"},
                                   {"severity", "page"}});
  auto for_state = f.store.For({{"__name__", "ALERTS_FOR_STATE"}});
  REQUIRE(for_state.size() == 1);
  CHECK(for_state[0].v == 0);

  g->Eval(kMin);
  CHECK(RuleAt(*g, 0).state == AlertState::kPending);

  g->Eval(2 * kMin);
  r = RuleAt(*g, 0);
  CHECK(r.state == AlertState::kFiring);
  CHECK(r.active_alerts.at(0).fired_at == 2 * kMin);
  auto sent = f.notes.Last();
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].state == AlertState::kFiring);
  CHECK(sent[0].last_sent_at == 2 * kMin);
  CHECK(sent[0].valid_until == 2 * kMin + 4 * kMin);  // 4 * max(interval 1m, resend delay 1m)
  // The pending ALERTS series goes stale when the alert fires.
  auto pending = f.store.For({{"__name__", "ALERTS"}, {"alertstate", "pending"}});
  REQUIRE(pending.size() == 3);
  CHECK(IsStaleNaN(pending.back().v));
  CHECK(pending.back().t == 2 * kMin);

  // Within the resend delay nothing is re-sent; after it, it is.
  g->Eval(3 * kMin);
  CHECK(f.notes.Last().empty());
  g->Eval(3 * kMin + 1);
  CHECK(f.notes.Last().size() == 1);

  // The condition clears: resolved, sent at once, kept out of active_alerts.
  f.store.results["up == 0"] = {};
  g->Eval(4 * kMin);
  r = RuleAt(*g, 0);
  CHECK(r.state == AlertState::kInactive);
  CHECK(r.active_alerts.empty());
  sent = f.notes.Last();
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].state == AlertState::kInactive);
  CHECK(sent[0].resolved_at == 4 * kMin);
  auto firing = f.store.For({{"__name__", "ALERTS"}, {"alertstate", "firing"}});
  CHECK(IsStaleNaN(firing.back().v));
  CHECK(firing.back().t == 4 * kMin);
  CHECK(IsStaleNaN(f.store.For({{"__name__", "ALERTS_FOR_STATE"}}).back().v));

  // Resolved alerts are re-sent per resend delay for 15 minutes, then dropped.
  g->Eval(5 * kMin + 1);
  CHECK(f.notes.Last().size() == 1);
  g->Eval(19 * kMin);
  CHECK(f.notes.Last().size() == 1);
  g->Eval(19 * kMin + 2);
  CHECK(f.notes.Last().empty());
}

TEST_CASE("a pending alert that clears is dropped without notification", "[rules]") {
  Fixture f(kAlertRules);
  auto g = f.Load();
  f.store.results["up == 0"] = {{{{"instance", "a"}}, 0}};
  g->Eval(0);
  f.store.results["up == 0"] = {};
  g->Eval(kMin);
  CHECK(RuleAt(*g, 0).state == AlertState::kInactive);
  for (auto& [expr, alerts] : f.notes.calls) CHECK(alerts.empty());
  CHECK(f.notes.calls.size() == 2);
  CHECK(f.notes.calls[0].first == "up == 0");
}

TEST_CASE("keep_firing_for holds a firing alert after the condition clears", "[rules]") {
  Fixture f(R"(groups:
- name: g
  rules:
  - alert: A
    expr: e
    keep_firing_for: 3m
)");
  auto g = f.Load();
  f.store.results["e"] = {{{{"x", "1"}}, 5}};
  g->Eval(0);
  CHECK(RuleAt(*g, 0).state == AlertState::kFiring);  // for: 0 fires at once
  f.store.results["e"] = {};
  g->Eval(kMin);
  RuleStatus r = RuleAt(*g, 0);
  CHECK(r.state == AlertState::kFiring);
  REQUIRE(r.active_alerts.size() == 1);
  CHECK(r.active_alerts[0].keep_firing_since == kMin);
  g->Eval(3 * kMin);
  CHECK(RuleAt(*g, 0).state == AlertState::kFiring);
  // The condition returns: keep_firing_since resets.
  f.store.results["e"] = {{{{"x", "1"}}, 6}};
  g->Eval(4 * kMin);
  r = RuleAt(*g, 0);
  CHECK(r.active_alerts.at(0).keep_firing_since == 0);
  CHECK(r.active_alerts.at(0).value == 6);
  CHECK(r.active_alerts.at(0).active_at == 0);
  f.store.results["e"] = {};
  g->Eval(5 * kMin);
  g->Eval(8 * kMin - 1);
  CHECK(RuleAt(*g, 0).state == AlertState::kFiring);
  g->Eval(8 * kMin);  // 3m after keep_firing_since
  CHECK(RuleAt(*g, 0).state == AlertState::kInactive);
  CHECK(f.notes.Last().at(0).resolved_at == 8 * kMin);
}

TEST_CASE("recording results are visible to later rules of the group", "[rules]") {
  Fixture f(R"(groups:
- name: g
  labels: {team: a, source: group}
  rules:
  - record: job:up:sum
    expr: sum_up
    labels: {source: rule}
  - alert: Few
    expr: job:up:sum
)");
  auto g = f.Load();
  f.store.results["sum_up"] = {{{{"job", "j"}}, 3}};
  g->Eval(10 * kMin);
  auto rec = f.store.For({{"__name__", "job:up:sum"}});
  REQUIRE(rec.size() == 1);
  CHECK(rec[0].labels == Labels{{"__name__", "job:up:sum"}, {"job", "j"}, {"source", "rule"}, {"team", "a"}});
  CHECK(rec[0].t == 10 * kMin);
  RuleStatus alert = RuleAt(*g, 1);
  CHECK(alert.health == RuleHealth::kGood);
  REQUIRE(alert.active_alerts.size() == 1);
  CHECK(alert.active_alerts[0].labels ==
        Labels{{"alertname", "Few"}, {"job", "j"}, {"source", "group"}, {"team", "a"}});
  CHECK(alert.active_alerts[0].value == 3);
  CHECK(RuleAt(*g, 0).labels == Labels{{"source", "rule"}, {"team", "a"}});
  CHECK(f.store.commits() == 2);  // one commit per rule
}

TEST_CASE("vanished recording series get staleness markers", "[rules]") {
  Fixture f(R"(groups:
- name: g
  rules:
  - record: r
    expr: e
)");
  auto g = f.Load();
  f.store.results["e"] = {{{{"i", "1"}}, 1}, {{{"i", "2"}}, 2}};
  g->Eval(kMin);
  f.store.results["e"] = {{{{"i", "1"}}, 1}};
  g->Eval(2 * kMin);
  auto two = f.store.For({{"i", "2"}});
  REQUIRE(two.size() == 2);
  CHECK(two[1].t == 2 * kMin);
  CHECK(IsStaleNaN(two[1].v));
  CHECK(!IsStaleNaN(f.store.For({{"i", "1"}}).back().v));
  // A marker is written once.
  g->Eval(3 * kMin);
  CHECK(f.store.For({{"i", "2"}}).size() == 2);
}

TEST_CASE("rule evaluation errors set health and lastError", "[rules]") {
  Fixture f(R"(groups:
- name: g
  limit: 1
  rules:
  - record: r
    expr: two
  - alert: A
    expr: two
  - record: dup
    expr: dup
    labels: {i: x}
  - record: failing
    expr: failing
  - record: ok
    expr: one
)");
  auto g = f.Load();
  f.store.results["two"] = {{{{"i", "1"}}, 1}, {{{"i", "2"}}, 2}};
  f.store.results["dup"] = {{{{"i", "1"}}, 1}, {{{"i", "2"}}, 2}};
  f.store.results["one"] = {{{}, 1}};
  f.store.errors["failing"] = Status::InvalidArgument(std::string(kErrNotVectorOrScalar));
  g->Eval(kMin);
  GroupStatus s = g->Status();
  CHECK(s.limit == 1);
  CHECK(s.rules[0].health == RuleHealth::kBad);
  CHECK(s.rules[0].last_error == "exceeded limit of 1 with 2 series");
  CHECK(s.rules[1].last_error == "exceeded limit of 1 with 2 alerts");
  CHECK(s.rules[1].active_alerts.empty());
  CHECK(s.rules[2].last_error == "vector contains metrics with the same labelset after applying rule labels");
  CHECK(s.rules[3].last_error == "rule result is not a vector or scalar");
  CHECK(s.rules[4].health == RuleHealth::kGood);
  CHECK(s.rules[4].last_error.empty());
  CHECK(s.rules[4].last_evaluation == 1'000'000);  // the wall clock
  CHECK(s.last_eval_timestamp == kMin);
  CHECK(f.store.For({{"__name__", "r"}}).empty());
  CHECK(f.store.For({{"__name__", "ok"}}).size() == 1);
}

TEST_CASE("duplicate alert label sets are an error", "[rules]") {
  Fixture f(R"(groups:
- name: g
  rules:
  - alert: A
    expr: e
    labels: {i: same}
)");
  auto g = f.Load();
  f.store.results["e"] = {{{{"i", "1"}}, 1}, {{{"i", "2"}}, 2}};
  g->Eval(kMin);
  CHECK(RuleAt(*g, 0).last_error ==
        "vector contains metrics with the same labelset after applying alert labels");
}

TEST_CASE("query_offset shifts query and sample times", "[rules]") {
  ManagerOptions o;
  o.default_query_offset = [] { return Milliseconds(5000); };
  Fixture f(R"(groups:
- name: a
  query_offset: 30s
  rules:
  - record: r
    expr: e
- name: b
  rules:
  - record: r2
    expr: e
)",
            std::move(o));
  LoadedGroups loaded = f.manager->LoadGroups({}, {"/rules.yml"});
  REQUIRE(loaded.groups.size() == 2);
  f.store.results["e"] = {{{{"i", "1"}}, 1}};
  loaded.groups[0]->Eval(10 * kMin);
  CHECK(loaded.groups[0]->QueryOffset() == Milliseconds(30000));
  CHECK(f.store.query_times().back() == 10 * kMin - 30000);
  CHECK(f.store.For({{"__name__", "r"}}).at(0).t == 10 * kMin - 30000);
  loaded.groups[1]->Eval(10 * kMin);
  CHECK(loaded.groups[1]->QueryOffset() == Milliseconds(5000));
  CHECK(f.store.For({{"__name__", "r2"}}).at(0).t == 10 * kMin - 5000);
}

TEST_CASE("alert labels and annotations are templated", "[rules][template]") {
  Fixture f(R"(groups:
- name: g
  rules:
  - alert: High
    expr: e
    labels:
      sev: '{{ if gt $value 10.0 }}page{{ else }}ticket{{ end }}'
    annotations:
      summary: '{{ $labels.instance }} at {{ $value }}'
      plain: no template
)");
  auto g = f.Load();
  f.store.results["e"] = {{{{"__name__", "m"}, {"instance", "h:1"}}, 12.5}};
  g->Eval(kMin);
  RuleStatus r = RuleAt(*g, 0);
  REQUIRE(r.active_alerts.size() == 1);
  CHECK(r.active_alerts[0].labels == Labels{{"alertname", "High"}, {"instance", "h:1"}, {"sev", "page"}});
  CHECK(r.active_alerts[0].annotations == Labels{{"plain", "no template"}, {"summary", "h:1 at 12.5"}});
  // The rule's own labels and annotations stay as written.
  CHECK(r.annotations.Get("summary") == "{{ $labels.instance }} at {{ $value }}");
}

TEST_CASE("template errors become the value", "[rules][template]") {
  Fixture f(R"(groups:
- name: g
  rules:
  - alert: T
    expr: e
    annotations:
      bad: '{{ template "nope" }}'
)");
  auto g = f.Load();
  f.store.results["e"] = {{{{"instance", "x"}}, 1}};
  g->Eval(kMin);
  RuleStatus r = RuleAt(*g, 0);
  REQUIRE(r.active_alerts.size() == 1);
  std::string v(r.active_alerts[0].annotations.Get("bad"));
  CHECK(v.rfind("<error expanding template: ", 0) == 0);
  CHECK(v.back() == '>');
}

}  // namespace
}  // namespace ember::rules

namespace ember::rules {
namespace {

// Refuses samples of series with i="old" (out of order) and fails commits
// when told to.
class PickyStore final : public Appendable {
 public:
  bool fail_commit = false;
  std::vector<testing::Written> committed;
  std::unique_ptr<Appender> NewAppender() override {
    class A final : public Appender {
     public:
      explicit A(PickyStore* s) : s_(s) {}
      Status Append(const Labels& l, TimestampMs t, double v) override {
        if (l.Get("i") == "old") return Status::OutOfRange("out of order sample");
        batch_.push_back({l, t, v});
        return Status::Ok();
      }
      Status Commit() override {
        if (s_->fail_commit) return Status::IOError("disk full");
        for (auto& w : batch_) s_->committed.push_back(w);
        return Status::Ok();
      }
      void Rollback() override { batch_.clear(); }

     private:
      PickyStore* s_;
      std::vector<testing::Written> batch_;
    };
    return std::make_unique<A>(this);
  }
};

TEST_CASE("appender refusals and commit failures mark the rule unhealthy", "[rules]") {
  auto fs = NewMemFileSystem();
  REQUIRE(fs->WriteFileAtomically("/r.yml", "groups: [{name: g, rules: [{record: r, expr: e}]}]").ok());
  FakeStore source;
  PickyStore store;
  ManagerOptions o;
  o.query = source.Query();
  o.appendable = &store;
  o.fs = fs.get();
  auto sink = std::make_shared<CapturingLogSink>();
  o.logger = Logger(sink, LogLevel::kInfo);
  Manager m(std::move(o));
  auto g = m.LoadGroups({}, {"/r.yml"}).groups.at(0);
  source.results["e"] = {{{{"i", "old"}}, 1}, {{{"i", "new"}}, 2}};
  g->Eval(kMin);
  RuleStatus r = g->Status().rules[0];
  CHECK(r.health == RuleHealth::kBad);
  CHECK(r.last_error == "out of order sample");
  REQUIRE(store.committed.size() == 1);  // the accepted sample still lands
  CHECK(sink->Contains(
      {"msg=\"Error on ingesting out-of-order result from rule evaluation\"", "num_dropped=1"}));

  store.fail_commit = true;
  source.results["e"] = {{{{"i", "new"}}, 3}};
  g->Eval(2 * kMin);
  r = g->Status().rules[0];
  CHECK(r.health == RuleHealth::kBad);
  CHECK(r.last_error == "disk full");
  CHECK(sink->Contains({"msg=\"Rule sample appending failed\"", "err=\"disk full\""}));

  store.fail_commit = false;
  g->Eval(3 * kMin);
  CHECK(g->Status().rules[0].health == RuleHealth::kGood);
}

}  // namespace
}  // namespace ember::rules
