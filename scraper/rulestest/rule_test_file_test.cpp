#include "rulestest/rule_test_file.h"

#include <catch2/catch.hpp>

namespace ember::scraper {
namespace {

TEST_CASE("rule test files decode every promtool field") {
  auto f = ParseRuleTestFile(R"(
rule_files: [a.yml, 'rules/*.yml']
evaluation_interval: 30s
group_eval_order: [g2, g1]
fuzzy_compare: true
tests:
  - name: t1
    interval: 15s
    start_timestamp: 1609459200
    external_labels: {cluster: eu}
    external_url: http://example.org
    input_series:
      - series: 'up{job="a"}'
        values: '1+1x3 _ stale'
    alert_rule_test:
      - eval_time: 5m
        alertname: A
        exp_alerts:
          - exp_labels: {severity: page}
            exp_annotations: {summary: s}
      - eval_time: 1m
        alertname: B
    promql_expr_test:
      - expr: up
        eval_time: 1h30m
        exp_samples:
          - labels: 'up{job="a"}'
            value: 1.5
  - input_series: []
)");
  REQUIRE(f.ok());
  CHECK(f->rule_files == std::vector<std::string>{"a.yml", "rules/*.yml"});
  CHECK(f->evaluation_interval == Milliseconds(30'000));
  CHECK(f->group_eval_order == std::vector<std::string>{"g2", "g1"});
  CHECK(f->fuzzy_compare);
  REQUIRE(f->tests.size() == 2);
  const auto& t = f->tests[0];
  CHECK(t.name == "t1");
  CHECK(t.interval == Milliseconds(15'000));
  CHECK(t.start_timestamp_ms == 1'609'459'200'000);
  CHECK(t.external_labels.at("cluster") == "eu");
  CHECK(t.external_url == "http://example.org");
  REQUIRE(t.input_series.size() == 1);
  CHECK(t.input_series[0].values == "1+1x3 _ stale");
  REQUIRE(t.alert_rule_test.size() == 2);
  CHECK(t.alert_rule_test[0].eval_time == Milliseconds(300'000));
  CHECK(t.alert_rule_test[0].exp_alerts.at(0).exp_labels.at("severity") == "page");
  CHECK(t.alert_rule_test[1].exp_alerts.empty());
  REQUIRE(t.promql_expr_test.size() == 1);
  CHECK(t.promql_expr_test[0].eval_time == Milliseconds(5'400'000));
  CHECK(t.promql_expr_test[0].exp_samples.at(0).value == 1.5);
  CHECK(f->tests[1].name.empty());
  CHECK(f->tests[1].interval == Milliseconds(0));
}

TEST_CASE("rule test files reject unknown fields with promtool's type names") {
  auto top = ParseRuleTestFile("rule_file: [a.yml]\n");
  REQUIRE_FALSE(top.ok());
  CHECK(top.status().message().find("field rule_file not found in type main.unitTestFile") !=
        std::string::npos);
  auto group = ParseRuleTestFile("tests:\n  - nme: x\n");
  REQUIRE_FALSE(group.ok());
  CHECK(group.status().message().find("line 2: field nme not found in type main.testGroup") !=
        std::string::npos);
  auto alert = ParseRuleTestFile("tests:\n  - alert_rule_test:\n      - exp_alert: []\n");
  REQUIRE_FALSE(alert.ok());
  CHECK(alert.status().message().find("main.alertTestCase") != std::string::npos);
  auto sample = ParseRuleTestFile("tests:\n  - promql_expr_test:\n      - exp_samples: [{label: x}]\n");
  REQUIRE_FALSE(sample.ok());
  CHECK(sample.status().message().find("main.sample") != std::string::npos);
}

TEST_CASE("rule test files reject bad values") {
  CHECK_FALSE(ParseRuleTestFile("evaluation_interval: 1.5m\n").ok());
  CHECK_FALSE(ParseRuleTestFile("tests:\n  - alert_rule_test: [{eval_time: soon}]\n").ok());
  CHECK_FALSE(ParseRuleTestFile("tests:\n  - promql_expr_test: [{exp_samples: [{value: abc}]}]\n").ok());
  CHECK_FALSE(ParseRuleTestFile("tests: {a: b}\n").ok());
  CHECK_FALSE(ParseRuleTestFile("tests: [\n").ok());
  CHECK(ParseRuleTestFile("").ok());
}

}  // namespace
}  // namespace ember::scraper
