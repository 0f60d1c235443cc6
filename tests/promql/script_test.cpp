#include "script.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "ember/tsdb/sample.h"

namespace ember::promqltest {
namespace {

std::vector<double> Floats(const std::vector<SequenceValue>& values) {
  std::vector<double> out;
  for (const auto& v : values) out.push_back(v.kind == SequenceValue::Kind::kFloat ? v.value : -12345);
  return out;
}

TEST_CASE("durations use Prometheus syntax") {
  CHECK(*ParseScriptDuration("0") == 0);
  CHECK(*ParseScriptDuration("5m") == 300000);
  CHECK(*ParseScriptDuration("1h30m") == 5400000);
  CHECK(*ParseScriptDuration("20s500ms") == 20500);
  CHECK(*ParseScriptDuration("1d") == 86400000);
  CHECK(*ParseScriptDuration("1ms") == 1);
  CHECK(*ParseScriptDuration("-1m") == -60000);
  CHECK_FALSE(ParseScriptDuration("5").ok());
  CHECK_FALSE(ParseScriptDuration("1m1h").ok());
  CHECK_FALSE(ParseScriptDuration("").ok());
  CHECK_FALSE(ParseScriptDuration("5x").ok());
}

TEST_CASE("value sequences expand") {
  CHECK(Floats(*ParseValueSequence("0+10x3")) == std::vector<double>{0, 10, 20, 30});
  CHECK(Floats(*ParseValueSequence("1x4")) == std::vector<double>{1, 1, 1, 1, 1});
  CHECK(Floats(*ParseValueSequence("1-2x2")) == std::vector<double>{1, -1, -3});
  CHECK(Floats(*ParseValueSequence("-1+-1x2")) == std::vector<double>{-1, -2, -3});
  CHECK(Floats(*ParseValueSequence("1+1x1 9+1x1")) == std::vector<double>{1, 2, 9, 10});
  CHECK(Floats(*ParseValueSequence("0x3")) == std::vector<double>{0, 0, 0, 0});
  CHECK(Floats(*ParseValueSequence("1e3 -Inf +Inf 2.5")) ==
        std::vector<double>{1000, -INFINITY, INFINITY, 2.5});
  CHECK(Floats(*ParseValueSequence("1e-3+1e-3x1")) == std::vector<double>{0.001, 0.002});
  auto blanks = *ParseValueSequence("1 _ _x3 2");
  REQUIRE(blanks.size() == 6);
  CHECK(blanks[1].kind == SequenceValue::Kind::kOmitted);
  CHECK(blanks[4].kind == SequenceValue::Kind::kOmitted);
  CHECK(blanks[5].value == 2);
  auto special = *ParseValueSequence("NaN stale stalex1");
  REQUIRE(special.size() == 4);
  CHECK(std::isnan(special[0].value));
  CHECK_FALSE(tsdb::IsStaleNaN(special[0].value));
  CHECK(tsdb::IsStaleNaN(special[1].value));
  CHECK(tsdb::IsStaleNaN(special[3].value));
  CHECK_FALSE(ParseValueSequence("1+x3").ok());
  CHECK_FALSE(ParseValueSequence("abc").ok());
}

TEST_CASE("histogram literals are kept as text") {
  auto v = *ParseValueSequence("0 {{schema:0 sum:5 count:4 buckets:[1 2 1]}} {{}}x1 {{sum:1}}+{{sum:2}}x2 3");
  REQUIRE(v.size() == 8);
  CHECK(v[0].kind == SequenceValue::Kind::kFloat);
  CHECK(v[1].kind == SequenceValue::Kind::kHistogram);
  CHECK(v[1].histogram == "schema:0 sum:5 count:4 buckets:[1 2 1]");
  CHECK(v[2].kind == SequenceValue::Kind::kHistogram);
  CHECK(v[3].kind == SequenceValue::Kind::kHistogram);
  CHECK(v[6].kind == SequenceValue::Kind::kHistogram);
  CHECK(v[7].value == 3);
}

TEST_CASE("series lines") {
  auto s = *ParseSeriesLine(R"(http_requests{job="api", instance="0"}  0+10x2)");
  CHECK(s.labels == Labels{{"__name__", "http_requests"}, {"instance", "0"}, {"job", "api"}});
  CHECK(s.values.size() == 3);
  CHECK(ParseSeriesLine("{} 1")->labels.empty());
  CHECK(ParseSeriesLine("metric 1")->labels == Labels{{"__name__", "metric"}});
  CHECK(ParseSeriesLine(R"({__name__="m", a='x'} 1)")->labels == Labels{{"__name__", "m"}, {"a", "x"}});
  CHECK(ParseSeriesLine(R"({"my.metric", "a.b"="c\n\u00e9"} 1)")->labels ==
        Labels{{"__name__", "my.metric"}, {"a.b", "c\n\xc3\xa9"}});
  CHECK(ParseSeriesLine("metric{} 1")->labels == Labels{{"__name__", "metric"}});
  bool st = false;
  auto with_st = *ParseSeriesLine(R"(cumulative{type="a"}@st  _ _ -30s-1mx2)", &st);
  CHECK(st);
  CHECK(with_st.labels == Labels{{"__name__", "cumulative"}, {"type", "a"}});
  CHECK_FALSE(ParseSeriesLine(R"(m{a="b" 1)").ok());
  CHECK_FALSE(ParseSeriesLine(R"(m{a="b",a="c"} 1)").ok());
}

TEST_CASE("scalar result numbers follow Go's parsing") {
  CHECK(*ParseScriptNumber("2") == 2);
  CHECK(*ParseScriptNumber("0x10") == 16);
  CHECK(*ParseScriptNumber("010") == 8);
  CHECK(*ParseScriptNumber("-Inf") == -INFINITY);
  CHECK(*ParseScriptNumber("1e3") == 1000);
  CHECK(*ParseScriptNumber(".5") == 0.5);
  CHECK(std::isnan(*ParseScriptNumber("NaN")));
  CHECK_FALSE(ParseScriptNumber("{} 1").has_value());
  CHECK_FALSE(ParseScriptNumber("metric").has_value());
  CHECK_FALSE(ParseScriptNumber("1 2").has_value());
}

TEST_CASE("a script of loads, clears and evals") {
  auto script = ParseScript(R"(# comment
load 5m
  a{x="1"} 1 2 3
	a{x="2"} 0+1x2
  a{x="1"} 4

eval instant at 10m a
  a{x="1"} 4
  a{x="2"} 2

eval range from 0 to 10m step 5m sum(a)
  expect warn msg: PromQL warning: something (1:1)
  expect no_info
  {} 5 _ 8

clear

eval_fail instant at 0 -{job="api"}
  expected_fail_message vector cannot contain metrics with the same labelset

eval_ordered instant at 1m sort(a)
  a{x="2"} 1
  a{x="1"} 2

eval instant at 1m 1 + 1
  2
  ignored line

eval instant at 1m "x"
  expect string "x"

eval instant at 1m a[2m]
  expect range vector from 0 to 2m step 1m
  a{x="1"} 1 _ 3

eval instant 1
  expect fail regex: bad .*
  expect info
)");
  REQUIRE(script.ok());
  const auto& c = script->commands;
  REQUIRE(c.size() == 10);
  const auto& load = std::get<LoadCommand>(c[0]);
  CHECK(load.step_ms == 300000);
  REQUIRE(load.series.size() == 2);
  CHECK(load.series[0].values.size() == 1);  // replaced by the later line
  CHECK(load.series[0].line == 5);

  const auto& e1 = std::get<EvalCommand>(c[1]);
  CHECK(e1.line == 7);
  CHECK(e1.expr == "a");
  CHECK(e1.start_ms == 600000);
  CHECK_FALSE(e1.range);
  CHECK(e1.results.size() == 2);

  const auto& e2 = std::get<EvalCommand>(c[2]);
  CHECK(e2.range);
  CHECK(e2.end_ms == 600000);
  CHECK(e2.step_ms == 300000);
  REQUIRE(e2.warn.size() == 1);
  CHECK(e2.warn[0].kind == Expectation::Kind::kMessage);
  CHECK(e2.warn[0].text == "PromQL warning: something (1:1)");
  CHECK(e2.no_info);
  CHECK(e2.results[0].values.size() == 3);

  CHECK(std::holds_alternative<ClearCommand>(c[3]));
  const auto& e3 = std::get<EvalCommand>(c[4]);
  REQUIRE(e3.fail.has_value());
  CHECK(e3.fail->kind == Expectation::Kind::kMessage);
  CHECK(e3.fail->text == "vector cannot contain metrics with the same labelset");
  CHECK(e3.expr == "-{job=\"api\"}");

  CHECK(std::get<EvalCommand>(c[5]).ordered);
  CHECK(*std::get<EvalCommand>(c[6]).scalar == 2);
  CHECK(*std::get<EvalCommand>(c[7]).expect_string == "x");
  const auto& e7 = std::get<EvalCommand>(c[8]);
  REQUIRE(e7.range_vector.has_value());
  CHECK(e7.start_ms == 120000);
  CHECK(e7.results[0].values.size() == 3);
  CHECK(std::get<EvalCommand>(c[9]).fail.has_value());
}

TEST_CASE("instant eval without at, and expectation combinations") {
  auto script = ParseScript("eval instant 1\n  expect fail regex: bad .*\n  expect info\n");
  REQUIRE(script.ok());
  const auto& e = std::get<EvalCommand>(script->commands[0]);
  CHECK(e.start_ms == 0);
  CHECK(e.fail->kind == Expectation::Kind::kRegex);
  CHECK(e.fail->text == "bad .*");
  CHECK(e.info.size() == 1);

  CHECK_FALSE(ParseScript("eval instant at 0 1\n expect warn\n expect no_warn\n").ok());
  CHECK_FALSE(ParseScript("eval instant at 0 1\n expect fail\n expect fail\n").ok());
  CHECK_FALSE(ParseScript("eval range from 0 to 1m step 1m 1\n expect ordered\n").ok());
  CHECK_FALSE(ParseScript("eval range from 2m to 1m step 1m 1\n").ok());
  CHECK_FALSE(ParseScript("bogus 1\n").ok());
  CHECK_FALSE(ParseScript("eval instant at 0 a\n a 1 2\n").ok());
  auto bad = ParseScript("load 1m\n  a 1\n\neval instant at 0 a\n  a{ 1\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().rfind("line 5:", 0) == 0);
}

TEST_CASE("a comment line ends a block") {
  auto script = ParseScript("load 1m\n  a 1\n  # note\n  b 2\n");
  CHECK_FALSE(script.ok());  // `b 2` is not a command
}

TEST_CASE("start timestamp lines mark the series that follows") {
  auto script = ParseScript("load 1m\n  c{t=\"x\"}@st _ -1mx2\n  c{t=\"x\"} 1 2 3 4\n  d 1\n");
  REQUIRE(script.ok());
  const auto& load = std::get<LoadCommand>(script->commands[0]);
  REQUIRE(load.series.size() == 2);
  CHECK(load.series[0].has_start_timestamps);
  CHECK(load.series[0].values.size() == 4);
  CHECK_FALSE(load.series[1].has_start_timestamps);
  CHECK_FALSE(ParseScript("load 1m\n  c@st _ -1m\n  d 1 2\n").ok());
}

}  // namespace
}  // namespace ember::promqltest
