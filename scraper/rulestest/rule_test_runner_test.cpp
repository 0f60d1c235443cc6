#include "rulestest/rule_test_runner.h"

#include <catch2/catch.hpp>
#include <sstream>

#include "test_support.h"

namespace ember::scraper {
namespace {

constexpr char kRules[] = R"(
groups:
  - name: g
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
      - alert: Down
        expr: up == 0
        for: 2m
        labels: {severity: page}
        annotations: {summary: "{{ $labels.instance }} is {{ $value }}"}
)";

struct Outcome {
  int code = 0;
  std::string out;
  std::string err;
};

Outcome Run(const std::vector<std::string>& files, const RuleTestOptions& options = {}) {
  std::ostringstream out, err;
  int code = RunRuleTests(files, options, out, err);
  return {code, out.str(), err.str()};
}

TEST_CASE("a passing file prints SUCCESS and exits 0") {
  testing::TempDir dir;
  dir.WriteFile("rules.yml", kRules);
  std::string test = dir.WriteFile("test.yml", R"(
rule_files: [rules.yml]
tests:
  - input_series:
      - series: 'up{job="a", instance="x"}'
        values: '0x5'
    alert_rule_test:
      - eval_time: 1m
        alertname: Down
      - eval_time: 2m
        alertname: Down
        exp_alerts:
          - exp_labels: {severity: page, job: a, instance: x}
            exp_annotations: {summary: "x is 0"}
    promql_expr_test:
      - expr: job:up:sum
        eval_time: 3m
        exp_samples:
          - labels: 'job:up:sum{job="a"}'
            value: 0
)");
  Outcome o = Run({test});
  CHECK(o.code == 0);
  CHECK(o.out == "Unit Testing:  " + test + "\n  SUCCESS\n\n");
  CHECK(o.err.empty());
}

TEST_CASE("mismatches are reported as promtool reports them and exit 1") {
  testing::TempDir dir;
  dir.WriteFile("rules.yml", kRules);
  std::string test = dir.WriteFile("test.yml", R"(
rule_files: [rules.yml]
tests:
  - name: n
    input_series:
      - series: 'up{job="a", instance="x"}'
        values: '0x5'
    alert_rule_test:
      - eval_time: 2m
        alertname: Down
    promql_expr_test:
      - expr: up
        eval_time: 1m
        exp_samples:
          - labels: 'up{job="a", instance="x"}'
            value: 1
      - expr: 'sum(up'
        eval_time: 1m
)");
  Outcome o = Run({test, test});
  CHECK(o.code == 1);
  std::string block =
      "  FAILED:\n"
      "    name: n,\n"
      "    alertname: Down, time: 2m, \n"
      "        exp:[], \n"
      "        got:[\n"
      "            0:\n"
      "              Labels:{alertname=\"Down\", instance=\"x\", job=\"a\", severity=\"page\"}\n"
      "              Annotations:{summary=\"x is 0\"}\n"
      "            ]\n"
      "    expr: \"up\", time: 1m,\n"
      "        exp: {__name__=\"up\", instance=\"x\", job=\"a\"} 1E+00\n"
      "        got: {__name__=\"up\", instance=\"x\", job=\"a\"} 0E+00\n"
      "    expr: \"sum(up\", time: 1m, err: 1:7: parse error: unclosed left parenthesis\n";
  CHECK(o.err == block + block);
  std::string head = "Unit Testing:  " + test + "\n\n\n\n\n";
  CHECK(o.out == head + head);
}

TEST_CASE("run patterns select tests by name") {
  testing::TempDir dir;
  dir.WriteFile("rules.yml", kRules);
  std::string test = dir.WriteFile("test.yml", R"(
rule_files: [rules.yml]
tests:
  - name: good one
    promql_expr_test:
      - expr: vector(1)
        eval_time: 0m
        exp_samples: [{labels: '{}', value: 1}]
  - name: bad one
    promql_expr_test:
      - expr: vector(1)
        eval_time: 0m
)");
  CHECK(Run({test}).code == 1);
  RuleTestOptions only_good;
  only_good.run = {"^good"};
  CHECK(Run({test}, only_good).code == 0);
  RuleTestOptions either;
  either.run = {"nothing", "bad"};
  CHECK(Run({test}, either).code == 1);
  RuleTestOptions broken;
  broken.run = {"("};
  CHECK(Run({test}, broken).code == 1);
}

TEST_CASE("file-level errors fail the file") {
  testing::TempDir dir;
  Outcome missing = Run({dir.Join("none.yml")});
  CHECK(missing.code == 1);
  CHECK(missing.err == "  FAILED:\nopen " + dir.Join("none.yml") + ": No such file or directory\n");

  std::string repeated = dir.WriteFile("repeated.yml", "group_eval_order: [a, b, a]\n");
  CHECK(Run({repeated}).err == "  FAILED:\ngroup name repeated in evaluation order: a\n");

  std::string unknown = dir.WriteFile("unknown.yml", "tests:\n  - intervall: 1m\n");
  Outcome u = Run({unknown});
  CHECK(u.code == 1);
  CHECK(u.err.find("field intervall not found in type main.testGroup") != std::string::npos);

  std::string no_name =
      dir.WriteFile("noname.yml", "tests:\n  - name: t\n    alert_rule_test: [{eval_time: 1m}]\n");
  CHECK(Run({no_name}).err ==
        "  FAILED:\nan item under alert_rule_test misses required attribute alertname at eval_time 1m "
        "(in TestGroup t)\n");

  dir.WriteFile("bad_rules.yml", "groups:\n  - name: g\n    rules:\n      - record: x\n        expr: sum(\n");
  std::string bad_rules = dir.WriteFile("badrules.yml", "rule_files: [bad_rules.yml]\ntests:\n  - name: t\n");
  Outcome b = Run({bad_rules});
  CHECK(b.code == 1);
  CHECK(b.err.find("bad_rules.yml") != std::string::npos);

  std::string no_match = dir.WriteFile("nomatch.yml", "rule_files: [absent/*.yml]\n");
  Outcome n = Run({no_match});
  CHECK(n.code == 0);
  CHECK(n.err == "  WARNING: no file match pattern " + dir.Join("absent/*.yml") + "\n");
}

TEST_CASE("rule evaluation errors stop the test") {
  testing::TempDir dir;
  dir.WriteFile("rules.yml", R"(
groups:
  - name: g
    rules:
      - record: dup
        expr: label_replace(up, "job", "same", "", "")
)");
  std::string test = dir.WriteFile("test.yml", R"(
rule_files: [rules.yml]
tests:
  - input_series:
      - series: 'up{job="a"}'
        values: '1x3'
      - series: 'up{job="b"}'
        values: '1x3'
    promql_expr_test:
      - expr: up
        eval_time: 2m
)");
  Outcome o = Run({test});
  CHECK(o.code == 1);
  CHECK(o.err.find("    rule: dup, time: 0s, err: ") != std::string::npos);
  CHECK(o.err.find("expr:") == std::string::npos);
}

TEST_CASE("fuzzy_compare tolerates the last bit") {
  testing::TempDir dir;
  std::string strict = dir.WriteFile("strict.yml", R"(
tests:
  - promql_expr_test:
      - expr: vector(0.1 + 0.2)
        eval_time: 0m
        exp_samples: [{labels: '{}', value: 0.3}]
)");
  CHECK(Run({strict}).code == 1);
  std::string fuzzy = dir.WriteFile("fuzzy.yml", R"(
fuzzy_compare: true
tests:
  - promql_expr_test:
      - expr: vector(0.1 + 0.2)
        eval_time: 0m
        exp_samples: [{labels: '{}', value: 0.3}]
)");
  CHECK(Run({fuzzy}).code == 0);
}

TEST_CASE("start_timestamp shifts the series and the evaluation times") {
  testing::TempDir dir;
  std::string test = dir.WriteFile("start.yml", R"(
tests:
  - start_timestamp: 1609459200
    input_series:
      - series: 'm'
        values: '1+1x5'
    promql_expr_test:
      - expr: m
        eval_time: 2m
        exp_samples: [{labels: 'm', value: 3}]
      - expr: time()
        eval_time: 1m
        exp_samples: [{labels: '{}', value: 1609459260}]
)");
  Outcome o = Run({test});
  CHECK(o.err.empty());
  CHECK(o.code == 0);
}

}  // namespace
}  // namespace ember::scraper
