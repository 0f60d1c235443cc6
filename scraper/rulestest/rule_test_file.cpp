#include "rulestest/rule_test_file.h"

#include "ember/config/field_reader.h"

namespace ember::scraper {
namespace {

void DecodeSeries(config::FieldReader& r, RuleTestSeries& s) {
  r.SetTypeName("main.series");
  r.Field("series", &s.series);
  r.Field("values", &s.values);
}

void DecodeExpectedAlert(config::FieldReader& r, ExpectedAlert& a) {
  r.SetTypeName("main.alert");
  r.Field("exp_labels", &a.exp_labels);
  r.Field("exp_annotations", &a.exp_annotations);
}

void DecodeAlertTestCase(config::FieldReader& r, AlertTestCase& t) {
  r.SetTypeName("main.alertTestCase");
  r.Duration("eval_time", &t.eval_time);
  r.Field("alertname", &t.alertname);
  r.List("exp_alerts", [&](config::FieldReader& a) { DecodeExpectedAlert(a, t.exp_alerts.emplace_back()); });
}

void DecodeExpectedSample(config::FieldReader& r, ExpectedSample& s) {
  r.SetTypeName("main.sample");
  r.Field("labels", &s.labels);
  r.Field("value", &s.value);
  r.Field("histogram", &s.histogram);
}

void DecodePromqlTestCase(config::FieldReader& r, PromqlTestCase& t) {
  r.SetTypeName("main.promqlTestCase");
  r.Field("expr", &t.expr);
  r.Duration("eval_time", &t.eval_time);
  r.List("exp_samples",
         [&](config::FieldReader& s) { DecodeExpectedSample(s, t.exp_samples.emplace_back()); });
}

// start_timestamp: Unix seconds or RFC 3339, as promtool's parseTime.
Status ParseStartTimestamp(const std::string& text, TimestampMs* out) {
  auto ts = ParseTimestamp(text);
  if (!ts.ok()) return ts.status();
  *out = *ts;
  return Status::Ok();
}

void DecodeTestGroup(config::FieldReader& r, RuleTestGroup& g) {
  r.SetTypeName("main.testGroup");
  r.Duration("interval", &g.interval);
  r.List("input_series", [&](config::FieldReader& s) { DecodeSeries(s, g.input_series.emplace_back()); });
  r.List("alert_rule_test",
         [&](config::FieldReader& a) { DecodeAlertTestCase(a, g.alert_rule_test.emplace_back()); });
  r.List("promql_expr_test",
         [&](config::FieldReader& p) { DecodePromqlTestCase(p, g.promql_expr_test.emplace_back()); });
  r.Field("external_labels", &g.external_labels);
  r.Field("external_url", &g.external_url);
  r.Field("name", &g.name);
  r.Parse("start_timestamp",
          [&](const std::string& text) { return ParseStartTimestamp(text, &g.start_timestamp_ms); });
}

}  // namespace

Result<RuleTestFile> ParseRuleTestFile(std::string_view yaml_text) {
  RuleTestFile file;
  Status st = config::DecodeYaml(yaml_text, "main.unitTestFile", [&](config::FieldReader& r) {
    r.Field("rule_files", &file.rule_files);
    r.Duration("evaluation_interval", &file.evaluation_interval);
    r.Field("group_eval_order", &file.group_eval_order);
    r.Field("fuzzy_compare", &file.fuzzy_compare);
    r.List("tests", [&](config::FieldReader& t) { DecodeTestGroup(t, file.tests.emplace_back()); });
  });
  if (!st.ok()) return st;
  return file;
}

}  // namespace ember::scraper
