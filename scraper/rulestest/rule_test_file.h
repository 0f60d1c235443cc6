// The rule unit-test file of `promtool test rules`, decoded strictly (an
// unknown key is an error, as promtool's yaml.UnmarshalStrict):
//
//   rule_files: [alerts.yml]          # relative to the test file; globs
//   evaluation_interval: 1m           # default 1m
//   group_eval_order: [g1, g2]
//   fuzzy_compare: false              # Prometheus 3.x
//   tests:
//   - name: t
//     interval: 1m                    # default: evaluation_interval
//     start_timestamp: 0              # Prometheus 3.x: Unix seconds or RFC 3339
//     input_series: [{series: 'up{job="a"}', values: '1+1x10 _ stale'}]
//     external_labels: {cluster: a}
//     external_url: http://x
//     alert_rule_test:
//     - {eval_time: 5m, alertname: A, exp_alerts: [{exp_labels: {..}, exp_annotations: {..}}]}
//     promql_expr_test:
//     - {expr: up, eval_time: 5m, exp_samples: [{labels: 'up{job="a"}', value: 1}]}
//
// Decoding is a pure function of the text and thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ember/base/status.h"
#include "ember/base/time.h"

namespace ember::scraper {

struct RuleTestSeries {
  std::string series;  // `metric{label="value"}`
  std::string values;  // expanding notation, parsed when the test runs
};

struct ExpectedAlert {
  std::map<std::string, std::string> exp_labels;
  std::map<std::string, std::string> exp_annotations;
};

struct AlertTestCase {
  Milliseconds eval_time{0};
  std::string alertname;
  std::vector<ExpectedAlert> exp_alerts;
};

struct ExpectedSample {
  std::string labels;  // series notation, parsed when the test runs
  double value = 0;
  std::string histogram;  // a native histogram literal; not supported when set
};

struct PromqlTestCase {
  std::string expr;
  Milliseconds eval_time{0};
  std::vector<ExpectedSample> exp_samples;
};

struct RuleTestGroup {
  std::string name;
  // 0: the file's evaluation_interval.
  Milliseconds interval{0};
  // Unix milliseconds of time 0 of the test (start_timestamp). Default 0.
  TimestampMs start_timestamp_ms = 0;
  std::vector<RuleTestSeries> input_series;
  std::vector<AlertTestCase> alert_rule_test;
  std::vector<PromqlTestCase> promql_expr_test;
  std::map<std::string, std::string> external_labels;
  std::string external_url;
};

struct RuleTestFile {
  std::vector<std::string> rule_files;  // as written
  // 0 means the default, 1m.
  Milliseconds evaluation_interval{0};
  std::vector<std::string> group_eval_order;
  bool fuzzy_compare = false;
  std::vector<RuleTestGroup> tests;
};

// Decodes a test file. Error: InvalidArgument "line N: ..." for YAML syntax,
// type errors and unknown keys (naming promtool's Go types, such as
// "field foo not found in type main.testGroup").
[[nodiscard]] Result<RuleTestFile> ParseRuleTestFile(std::string_view yaml_text);

}  // namespace ember::scraper
