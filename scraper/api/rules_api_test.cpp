#include "api/rules_api.h"

#include <catch2/catch.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ember/base/clock.h"
#include "ember/obs/logger.h"
#include "test_support.h"

namespace ember::scraper {
namespace {

// 2023-11-14T22:13:20Z.
constexpr TimestampMs kEvalMs = 1'700'000'000'000;

constexpr char kRuleFile[] = R"(groups:
  - name: g
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
      - alert: Down
        expr: up == 0
        for: 5m
        labels: {severity: page}
        annotations: {summary: '{{ $labels.instance }} down'}
  - name: h
    interval: 10s
    rules:
      - record: other
        expr: vector(1)
)";

class NullAppender final : public rules::Appender {
 public:
  Status Append(const Labels&, TimestampMs, double) override { return Status::Ok(); }
  Status Commit() override { return Status::Ok(); }
  void Rollback() override {}
};

class NullAppendable final : public rules::Appendable {
 public:
  std::unique_ptr<rules::Appender> NewAppender() override { return std::make_unique<NullAppender>(); }
};

Result<std::vector<rules::Sample>> FakeQuery(std::string_view query, TimestampMs t) {
  if (query == "up == 0")
    return std::vector<rules::Sample>{{Labels{{"__name__", "up"}, {"instance", "x"}, {"job", "a"}}, 0, t}};
  if (query == "sum by (job) (up)") return std::vector<rules::Sample>{{Labels{{"job", "a"}}, 1, t}};
  return std::vector<rules::Sample>{{Labels(), 1, t}};
}

// A manager with the groups of kRuleFile, each evaluated once by hand at
// kEvalMs on a clock that stands still (so every duration is 0).
struct Fixture {
  testing::TempDir dir;
  ManualClock clock{kEvalMs};
  NullAppendable appendable;
  std::unique_ptr<rules::Manager> manager;
  std::string file;

  Fixture() {
    file = dir.WriteFile("rules.yml", kRuleFile);
    rules::ManagerOptions o;
    o.query = FakeQuery;
    o.appendable = &appendable;
    o.clock = &clock;
    o.logger = Logger(std::make_shared<CapturingLogSink>(), LogLevel::kError);
    manager = std::make_unique<rules::Manager>(std::move(o));
    REQUIRE(manager->Update({}, {file}).ok());
    for (const auto& g : manager->RuleGroups()) g->Eval(kEvalMs);
  }

  http::Response Get(http::Response (RulesApi::*handler)(http::Request&), std::string query = "") {
    RulesApi api(manager.get(), nullptr);
    http::Request req;
    req.method = "GET";
    req.raw_query = std::move(query);
    return (api.*handler)(req);
  }
};

TEST_CASE("/api/v1/rules answers in Prometheus's shape", "[rules_api]") {
  Fixture f;
  http::Response r = f.Get(&RulesApi::Rules);
  REQUIRE(r.status == 200);
  const std::string group_g =
      R"j({"name":"g","file":")j" + f.file +
      R"j(","rules":[)j"
      R"j({"name":"job:up:sum","query":"sum by (job) (up)","labels":{},"health":"ok","evaluationTime":0,)j"
      R"j("lastEvaluation":"2023-11-14T22:13:20Z","type":"recording"},)j"
      R"j({"state":"pending","name":"Down","query":"up == 0","duration":300,"keepFiringFor":0,)j"
      R"j("labels":{"severity":"page"},"annotations":{"summary":"{{ $labels.instance }} down"},)j"
      R"j("alerts":[{"labels":{"alertname":"Down","instance":"x","job":"a","severity":"page"},)j"
      R"j("annotations":{"summary":"x down"},"state":"pending","activeAt":"2023-11-14T22:13:20Z","value":"0e+00"}],)j"
      R"j("health":"ok","evaluationTime":0,"lastEvaluation":"2023-11-14T22:13:20Z","type":"alerting"}],)j"
      R"j("interval":60,"limit":0,"evaluationTime":0,"lastEvaluation":"2023-11-14T22:13:20Z"})j";
  const std::string group_h =
      R"j({"name":"h","file":")j" + f.file +
      R"j(","rules":[{"name":"other","query":"vector(1)","labels":{},"health":"ok","evaluationTime":0,)j"
      R"j("lastEvaluation":"2023-11-14T22:13:20Z","type":"recording"}],)j"
      R"j("interval":10,"limit":0,"evaluationTime":0,"lastEvaluation":"2023-11-14T22:13:20Z"})j";
  CHECK(r.body == R"j({"status":"success","data":{"groups":[)j" + group_g + "," + group_h + "]}}");

  SECTION("filters") {
    auto names = [&](std::string query) {
      http::Response answer = f.Get(&RulesApi::Rules, std::move(query));
      std::vector<std::string> out;
      size_t at = 0;
      while ((at = answer.body.find("\"type\":\"", at)) != std::string::npos) {
        at += 8;
        out.push_back(answer.body.substr(at, answer.body.find('"', at) - at));
      }
      return out;
    };
    CHECK(names("type=record") == std::vector<std::string>{"recording", "recording"});
    CHECK(names("type=ALERT") == std::vector<std::string>{"alerting"});
    CHECK(names("rule_name[]=other") == std::vector<std::string>{"recording"});
    CHECK(names("rule_group[]=g") == std::vector<std::string>{"recording", "alerting"});
    CHECK(names("match[]=%7Bseverity%3D%22page%22%7D") == std::vector<std::string>{"alerting"});
    CHECK(names("file[]=nope").empty());
  }
  SECTION("exclude_alerts") {
    http::Response answer = f.Get(&RulesApi::Rules, "exclude_alerts=true&type=alert");
    CHECK(answer.body.find(R"j("alerts":null)j") != std::string::npos);
  }
  SECTION("pagination") {
    http::Response first = f.Get(&RulesApi::Rules, "group_limit=1");
    const std::string token = RuleGroupToken(f.file, "h");
    CHECK(first.body.ends_with(R"j(],"groupNextToken":")j" + token + "\"}}"));
    CHECK(first.body.find(R"j("name":"h")j") == std::string::npos);
    http::Response second = f.Get(&RulesApi::Rules, "group_limit=1&group_next_token=" + token);
    CHECK(second.body.find(R"j("name":"h")j") != std::string::npos);
    CHECK(second.body.find("groupNextToken") == std::string::npos);
  }
  SECTION("bad parameters") {
    http::Response bad = f.Get(&RulesApi::Rules, "type=x");
    CHECK(bad.status == 400);
    CHECK(
        bad.body ==
        R"j({"status":"error","errorType":"bad_data","error":"invalid parameter \"type\": not supported value \"x\""})j");
    CHECK(f.Get(&RulesApi::Rules, "group_next_token=abc")
              .body.find("group_limit needs to be present in order to paginate over the groups") !=
          std::string::npos);
    CHECK(f.Get(&RulesApi::Rules, "group_limit=0").body.find("group_limit needs to be greater than 0") !=
          std::string::npos);
    CHECK(f.Get(&RulesApi::Rules, "group_limit=1&group_next_token=abc")
              .body.find("invalid group_next_token 'abc'. were rule groups changed?") != std::string::npos);
    CHECK(f.Get(&RulesApi::Rules, "exclude_alerts=maybe").status == 400);
  }
}

TEST_CASE("/api/v1/alerts lists every active alert; no notifier, no Alertmanagers", "[rules_api]") {
  Fixture f;
  http::Response alerts = f.Get(&RulesApi::Alerts);
  CHECK(
      alerts.body ==
      R"j({"status":"success","data":{"alerts":[{"labels":{"alertname":"Down","instance":"x","job":"a","severity":"page"},)j"
      R"j("annotations":{"summary":"x down"},"state":"pending","activeAt":"2023-11-14T22:13:20Z","value":"0e+00"}]}})j");
  http::Response managers = f.Get(&RulesApi::Alertmanagers);
  CHECK(managers.body ==
        R"j({"status":"success","data":{"activeAlertmanagers":[],"droppedAlertmanagers":[]}})j");

  RulesApi empty(nullptr, nullptr);
  http::Request req;
  CHECK(empty.Rules(req).body == R"j({"status":"success","data":{"groups":[]}})j");
  CHECK(empty.Alerts(req).body == R"j({"status":"success","data":{"alerts":[]}})j");
}

}  // namespace
}  // namespace ember::scraper
