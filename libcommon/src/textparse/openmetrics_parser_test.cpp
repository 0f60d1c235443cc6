#include "ember/textparse/openmetrics_parser.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "test_util.h"

namespace ember::textparse {
namespace {

using testing::FirstError;
using testing::Render;

std::string Error(std::string_view body) {
  OpenMetricsParser p(body);
  return FirstError(p);
}

constexpr const char* kBody = R"(# HELP go_gc_duration_seconds A summary of the GC invocation durations.
# TYPE go_gc_duration_seconds summary
# UNIT go_gc_duration_seconds seconds
go_gc_duration_seconds{quantile="0"} 4.9351e-05
go_gc_duration_seconds{quantile="0.25"} 7.424100000000001e-05
go_gc_duration_seconds{quantile="0.5",a="b"} 8.3835e-05
# HELP nohelp1 
# HELP help2 escape \ \n \\ \" \x chars
# UNIT nounit 
go_gc_duration_seconds{quantile="1.0",a="b"} 8.3835e-05
go_gc_duration_seconds_count 99
some:aggregate:rate5m{a_b="c"} 1
# HELP go_goroutines Number of goroutines that currently exist.
# TYPE go_goroutines gauge
go_goroutines 33 123.123
# TYPE hh histogram
hh_bucket{le="+Inf"} 1
# TYPE gh gaugehistogram
gh_bucket{le="+Inf"} 1
# TYPE hhh histogram
hhh_bucket{le="+Inf"} 1 # {id="histogram-bucket-test"} 4
hhh_count 1 # {id="histogram-count-test"} 4
# TYPE ggh gaugehistogram
ggh_bucket{le="+Inf"} 1 # {id="gaugehistogram-bucket-test",xx="yy"} 4 123.123
ggh_count 1 # {id="gaugehistogram-count-test",xx="yy"} 4 123.123
# TYPE smr_seconds summary
smr_seconds_count 2.0 # {id="summary-count-test"} 1 123.321
smr_seconds_sum 42.0 # {id="summary-sum-test"} 1 123.321
# TYPE ii info
ii{foo="bar"} 1
# TYPE ss stateset
ss{ss="foo"} 1
ss{ss="bar"} 0
ss{A="a"} 0
# TYPE un unknown
_metric_starting_with_underscore 1
testmetric{_label_starting_with_underscore="foo"} 1
testmetric{label="\"bar\""} 1
# HELP foo Counter with and without labels to certify CT is parsed for both cases
# TYPE foo counter
foo_total 17.0 1520879607.789 # {id="counter-test"} 5
foo_created 1520872607.123
foo_total{a="b"} 17.0 1520879607.789 # {id="counter-test"} 5
foo_created{a="b"} 1520872607.123
# HELP bar Summary with CT at the end, making sure we find CT even if it's multiple lines a far
# TYPE bar summary
bar_count 17.0
bar_sum 324789.3
bar{quantile="0.95"} 123.7
bar{quantile="0.99"} 150.0
bar_created 1520872608.124
# HELP baz Histogram with the same objective as above's summary
# TYPE baz histogram
baz_bucket{le="0.0"} 0
baz_bucket{le="+Inf"} 17
baz_count 17
baz_sum 324789.3
baz_created 1520872609.125
# HELP fizz_created Gauge which shouldn't be parsed as CT
# TYPE fizz_created gauge
fizz_created 17.0
# HELP something Histogram with _created between buckets and summary
# TYPE something histogram
something_count 18
something_sum 324789.4
something_created 1520430001
something_bucket{le="0.0"} 1
something_bucket{le="+Inf"} 18
# HELP yum Summary with _created between sum and quantiles
# TYPE yum summary
yum_count 20
yum_sum 324789.5
yum_created 1520430003
yum{quantile="0.95"} 123.7
yum{quantile="0.99"} 150.0
# EOF
)";

TEST_CASE("OpenMetricsParser: every entry kind, exemplars and created timestamps", "[textparse]") {
  OpenMetricsParser p(kBody);
  auto got = Render(p, /*with_ct=*/true);
  std::vector<std::string> want = {
      "help go_gc_duration_seconds A summary of the GC invocation durations.",
      "type go_gc_duration_seconds summary",
      "unit go_gc_duration_seconds seconds",
      R"(series {__name__="go_gc_duration_seconds", quantile="0.0"} 4.9351e-05)",
      R"(series {__name__="go_gc_duration_seconds", quantile="0.25"} 7.424100000000001e-05)",
      R"(series {__name__="go_gc_duration_seconds", a="b", quantile="0.5"} 8.3835e-05)",
      "help nohelp1 ",
      "help help2 escape \\ \n \\ \" \\x chars",
      "unit nounit ",
      R"(series {__name__="go_gc_duration_seconds", a="b", quantile="1.0"} 8.3835e-05)",
      R"(series {__name__="go_gc_duration_seconds_count"} 99)",
      R"(series {__name__="some:aggregate:rate5m", a_b="c"} 1)",
      "help go_goroutines Number of goroutines that currently exist.",
      "type go_goroutines gauge",
      R"(series {__name__="go_goroutines"} 33 @123123)",
      "type hh histogram",
      R"(series {__name__="hh_bucket", le="+Inf"} 1)",
      "type gh gaugehistogram",
      R"(series {__name__="gh_bucket", le="+Inf"} 1)",
      "type hhh histogram",
      R"(series {__name__="hhh_bucket", le="+Inf"} 1 # {id="histogram-bucket-test"} 4)",
      R"(series {__name__="hhh_count"} 1 # {id="histogram-count-test"} 4)",
      "type ggh gaugehistogram",
      R"(series {__name__="ggh_bucket", le="+Inf"} 1 # {id="gaugehistogram-bucket-test", xx="yy"} 4 @123123)",
      R"(series {__name__="ggh_count"} 1 # {id="gaugehistogram-count-test", xx="yy"} 4 @123123)",
      "type smr_seconds summary",
      R"(series {__name__="smr_seconds_count"} 2 # {id="summary-count-test"} 1 @123321)",
      R"(series {__name__="smr_seconds_sum"} 42 # {id="summary-sum-test"} 1 @123321)",
      "type ii info",
      R"(series {__name__="ii", foo="bar"} 1)",
      "type ss stateset",
      R"(series {__name__="ss", ss="foo"} 1)",
      R"(series {__name__="ss", ss="bar"} 0)",
      R"(series {A="a", __name__="ss"} 0)",
      "type un unknown",
      R"(series {__name__="_metric_starting_with_underscore"} 1)",
      R"(series {__name__="testmetric", _label_starting_with_underscore="foo"} 1)",
      R"(series {__name__="testmetric", label="\"bar\""} 1)",
      "help foo Counter with and without labels to certify CT is parsed for both cases",
      "type foo counter",
      R"(series {__name__="foo_total"} 17 @1520879607789 # {id="counter-test"} 5 ct=1520872607123)",
      R"(series {__name__="foo_created"} 1.520872607123e+09 ct=1520872607123)",
      R"(series {__name__="foo_total", a="b"} 17 @1520879607789 # {id="counter-test"} 5 ct=1520872607123)",
      R"(series {__name__="foo_created", a="b"} 1.520872607123e+09 ct=1520872607123)",
      "help bar Summary with CT at the end, making sure we find CT even if it's multiple lines a far",
      "type bar summary",
      R"(series {__name__="bar_count"} 17 ct=1520872608124)",
      R"(series {__name__="bar_sum"} 324789.3 ct=1520872608124)",
      R"(series {__name__="bar", quantile="0.95"} 123.7 ct=1520872608124)",
      R"(series {__name__="bar", quantile="0.99"} 150 ct=1520872608124)",
      R"(series {__name__="bar_created"} 1.520872608124e+09 ct=1520872608124)",
      "help baz Histogram with the same objective as above's summary",
      "type baz histogram",
      R"(series {__name__="baz_bucket", le="0.0"} 0 ct=1520872609125)",
      R"(series {__name__="baz_bucket", le="+Inf"} 17 ct=1520872609125)",
      R"(series {__name__="baz_count"} 17 ct=1520872609125)",
      R"(series {__name__="baz_sum"} 324789.3 ct=1520872609125)",
      R"(series {__name__="baz_created"} 1.520872609125e+09 ct=1520872609125)",
      "help fizz_created Gauge which shouldn't be parsed as CT",
      "type fizz_created gauge",
      R"(series {__name__="fizz_created"} 17)",
      "help something Histogram with _created between buckets and summary",
      "type something histogram",
      R"(series {__name__="something_count"} 18 ct=1520430001000)",
      R"(series {__name__="something_sum"} 324789.4 ct=1520430001000)",
      R"(series {__name__="something_created"} 1.520430001e+09 ct=1520430001000)",
      R"(series {__name__="something_bucket", le="0.0"} 1 ct=1520430001000)",
      R"(series {__name__="something_bucket", le="+Inf"} 18 ct=1520430001000)",
      "help yum Summary with _created between sum and quantiles",
      "type yum summary",
      R"(series {__name__="yum_count"} 20 ct=1520430003000)",
      R"(series {__name__="yum_sum"} 324789.5 ct=1520430003000)",
      R"(series {__name__="yum_created"} 1.520430003e+09 ct=1520430003000)",
      R"(series {__name__="yum", quantile="0.95"} 123.7 ct=1520430003000)",
      R"(series {__name__="yum", quantile="0.99"} 150 ct=1520430003000)",
  };
  CHECK(got == want);
}

TEST_CASE("OpenMetricsParser: skipping _created series", "[textparse]") {
  OpenMetricsParser p(kBody, {.skip_created_series = true});
  auto got = Render(p, true);
  int created = 0;
  for (const auto& line : got) created += line.find("_created\"") != std::string::npos;
  CHECK(created == 1);          // only the gauge fizz_created stays
  CHECK(got.size() == 75 - 6);  // six _created series of counters, summaries and histograms
}

TEST_CASE("OpenMetricsParser: UTF-8 quoted names, escapes and special values", "[textparse]") {
  const char* body = R"(# HELP "go.gc_duration_seconds" A summary of the GC invocation durations.
# TYPE "go.gc_duration_seconds" summary
# UNIT "go.gc_duration_seconds" seconds
{"go.gc_duration_seconds",quantile="0"} 4.9351e-05
{"go.gc_duration_seconds",quantile="0.25"} 7.424100000000001e-05
{"go.gc_duration_seconds",quantile="0.5",a="b"} 8.3835e-05
{"go.gc_duration_seconds_sum"} 0.004304266
{"go.gc_duration_seconds_count"} 2
{"Heizölrückstoßabdämpfung 10€ metric with \"interesting\" {character\nchoices}","strange©™\n'quoted' \"name\""="6"} 10.0
quotedexemplar_count 1 # {"id.thing"="histogram-count-test"} 4
quotedexemplar2_count 1 # {"id.thing"="histogram-count-test",other="hello"} 4
nan NaN
inf +Inf 0.5
esc{a="x\\y\"z\nw"} -Inf
# EOF)";
  OpenMetricsParser p(body);
  CHECK(
      Render(p) ==
      std::vector<std::string>{
          "help go.gc_duration_seconds A summary of the GC invocation durations.",
          "type go.gc_duration_seconds summary",
          "unit go.gc_duration_seconds seconds",
          R"(series {__name__="go.gc_duration_seconds", quantile="0.0"} 4.9351e-05)",
          R"(series {__name__="go.gc_duration_seconds", quantile="0.25"} 7.424100000000001e-05)",
          R"(series {__name__="go.gc_duration_seconds", a="b", quantile="0.5"} 8.3835e-05)",
          R"(series {__name__="go.gc_duration_seconds_sum"} 0.004304266)",
          R"(series {__name__="go.gc_duration_seconds_count"} 2)",
          "series {__name__=\"Heizölrückstoßabdämpfung 10€ metric with \\\"interesting\\\" "
          "{character\\nchoices}\", strange©™\n'quoted' \"name\"=\"6\"} 10",
          R"(series {__name__="quotedexemplar_count"} 1 # {id.thing="histogram-count-test"} 4)",
          R"(series {__name__="quotedexemplar2_count"} 1 # {id.thing="histogram-count-test", other="hello"} 4)",
          R"(series {__name__="nan"} NaN)",
          R"(series {__name__="inf"} +Inf @500)",
          R"(series {__name__="esc", a="x\\y\"z\nw"} -Inf)",
      });
}

TEST_CASE("OpenMetricsParser: created-timestamp look-ahead leaves the current sample intact", "[textparse]") {
  OpenMetricsParser p(
      "# TYPE c counter\nc_total{a=\"x\\\\y\"} 1 # {t=\"1\"} 2\nc_created{a=\"x\\\\y\"} 3\n# EOF\n");
  REQUIRE(*p.Next() == Entry::kType);
  REQUIRE(*p.Next() == Entry::kSeries);
  CHECK(p.CreatedTimestamp() == 3000);
  std::vector<LabelView> labels;
  p.Labels(&labels);
  REQUIRE(labels.size() == 2);
  CHECK(labels[1].value == "x\\y");
  ExemplarView ex;
  CHECK(p.Exemplar(&ex));
  CHECK(p.Series() == "c_total{a=\"x\\\\y\"}");
  REQUIRE(*p.Next() == Entry::kSeries);
  CHECK(p.MetricName() == "c_created");
  CHECK(*p.Next() == Entry::kEof);
}

TEST_CASE("OpenMetricsParser: the exemplar is taken once", "[textparse]") {
  OpenMetricsParser p("a_total 1 # {t=\"1\"} 2 3\n# EOF\n");
  REQUIRE(*p.Next() == Entry::kSeries);
  ExemplarView ex;
  REQUIRE(p.Exemplar(&ex));
  CHECK(ex.value == 2);
  CHECK(ex.timestamp_ms == 3000);
  CHECK_FALSE(p.Exemplar(&ex));
  CHECK(*p.Next() == Entry::kEof);
  CHECK(*p.Next() == Entry::kEof);
}

TEST_CASE("OpenMetricsParser: errors as upstream words them", "[textparse]") {
  CHECK(Error("") == "data does not end with # EOF");
  CHECK(Error("\n") == R"(expected a valid start token, got "\n" ("INVALID") while parsing: "\n")");
  CHECK(Error("metric") == R"(expected value after metric, got "metric" ("EOF") while parsing: "metric")");
  CHECK(Error("metric 1") == "data does not end with # EOF");
  CHECK(Error("metric 1\n") == "data does not end with # EOF");
  CHECK(Error("metric_total 1 # {aa=\"bb\"} 4") == "data does not end with # EOF");
  CHECK(Error("a\n#EOF\n") == R"(expected value after metric, got "\n" ("INVALID") while parsing: "a\n")");
  CHECK(Error(" a 1\n# EOF\n") == R"(expected a valid start token, got " " ("INVALID") while parsing: " ")");
  CHECK(Error("# TYPE u untyped\n# EOF\n") == R"(invalid metric type "untyped")");
  CHECK(Error("# TYPE c counter \n# EOF\n") == R"(invalid metric type "counter ")");
  CHECK(Error("# TYPE c  counter\n# EOF\n") == R"(invalid metric type " counter")");
  CHECK(Error("#  TYPE c counter\n# EOF\n") ==
        R"(expected a valid start token, got "#  " ("INVALID") while parsing: "#  ")");
  CHECK(Error("#\tTYPE c counter\n") ==
        R"(expected a valid start token, got "#\t" ("INVALID") while parsing: "#\t")");
  CHECK(Error("# TYPE \n# EOF\n") ==
        R"(expected metric name after TYPE, got "\n" ("INVALID") while parsing: "# TYPE \n")");
  CHECK(Error("# TYPE m\n# EOF\n") == "expected text in TYPE");
  CHECK(Error("# HELP m\n# EOF\n") == "expected text in HELP");
  CHECK(Error("# UNIT m\n# EOF\n") == "expected text in UNIT");
  CHECK(Error("# UNIT metric suffix\n# EOF\n") == R"(unit "suffix" not a suffix of metric "metric")");
  CHECK(Error("# UNIT metricsuffix suffix\n# EOF\n") ==
        R"(unit "suffix" not a suffix of metric "metricsuffix")");
  CHECK(Error("# UNIT m suffix\n# EOF\n") == R"(unit "suffix" not a suffix of metric "m")");
  CHECK(Error("# UNIT m_suffix suffix\n# EOF\n") == "");
  CHECK(Error("a\t1\n# EOF\n") ==
        R"(expected value after metric, got "\t" ("INVALID") while parsing: "a\t")");
  CHECK(Error("a 1\t2\n# EOF\n") ==
        R"(strconv.ParseFloat: parsing "1\t2": invalid syntax while parsing: "a 1\t2")");
  CHECK(Error("a 1 2 \n# EOF\n") ==
        R"(expected next entry after timestamp, got " \n" ("INVALID") while parsing: "a 1 2 \n")");
  CHECK(Error("a 1 2 #\n# EOF\n") ==
        R"(expected next entry after timestamp, got " #\n" ("TIMESTAMP") while parsing: "a 1 2 #\n")");
  CHECK(Error("a 1 1z\n# EOF\n") ==
        R"(strconv.ParseFloat: parsing "1z": invalid syntax while parsing: "a 1 1z")");
  CHECK(Error("# EOF\na 1") == "unexpected data after # EOF");
  CHECK(Error("# EOF\n\n") == "unexpected data after # EOF");
  CHECK(Error("# EOFa 1") == "unexpected data after # EOF");
  CHECK(Error("# EOF") == "");
  CHECK(Error("a{b='c'} 1\n# EOF\n") ==
        R"(expected label value, got "'" ("INVALID") while parsing: "a{b='")");
  CHECK(Error("a{b=\"c\",} 1\n# EOF\n") == "");  // a trailing comma is allowed, as upstream
  CHECK(Error("a{,b=\"c\"} 1\n# EOF\n") ==
        R"(expected label name, got ",b" ("COMMA") while parsing: "a{,b")");
  CHECK(Error("a{b=\"c\"d=\"e\"} 1\n# EOF\n") ==
        R"(expected comma or brace close, got "d=" ("LNAME") while parsing: "a{b=\"c\"d=")");
  CHECK(Error("a{b=\"c\",,d=\"e\"} 1\n# EOF\n") ==
        R"(expected label name, got ",d" ("COMMA") while parsing: "a{b=\"c\",,d")");
  CHECK(Error("a{b=\n# EOF\n") == R"(expected label value, got "\n" ("INVALID") while parsing: "a{b=\n")");
  CHECK(Error("a{b=\"\xff\"} 1\n# EOF\n") == R"(invalid UTF-8 label value: "\"\xff\"")");
  CHECK(Error("a true\n") == R"(strconv.ParseFloat: parsing "true": invalid syntax while parsing: "a true")");
  CHECK(Error("something_weird{problem=\"\n# EOF\n") ==
        R"(expected label value, got "\"\n" ("INVALID") while parsing: "something_weird{problem=\"\n")");
  CHECK(Error("foo 1_2\n\n# EOF\n") == R"(unsupported character in float while parsing: "foo 1_2")");
  CHECK(Error("foo 0x1p-3\n\n# EOF\n") == R"(unsupported character in float while parsing: "foo 0x1p-3")");
  CHECK(Error("foo 0 1_2\n\n# EOF\n") == R"(unsupported character in float while parsing: "foo 0 1_2")");
  CHECK(Error("custom_metric_total 1 # {aa=bb}\n# EOF\n") ==
        R"(expected label value, got "b" ("INVALID") while parsing: "custom_metric_total 1 # {aa=b")");
  CHECK(
      Error("custom_metric_total 1 # {aa=\"bb\"}\n# EOF\n") ==
      R"(expected value after exemplar labels, got "\n" ("INVALID") while parsing: "custom_metric_total 1 # {aa=\"bb\"}\n")");
  CHECK(
      Error(R"(custom_metric_total 1 # {aa="bb"})") ==
      R"(expected value after exemplar labels, got "}" ("EOF") while parsing: "custom_metric_total 1 # {aa=\"bb\"}")");
  CHECK(Error(R"(custom_metric_total 1 # {aa="bb",,cc="dd"} 1)") ==
        R"(expected label name, got ",c" ("COMMA") while parsing: "custom_metric_total 1 # {aa=\"bb\",,c")");
  CHECK(Error(R"(custom_metric_total 1 # {aa="bb"} 1_2)") ==
        R"(unsupported character in float while parsing: "custom_metric_total 1 # {aa=\"bb\"} 1_2")");
  CHECK(
      Error(R"(custom_metric_total 1 # {aa="bb"} true)") ==
      R"(strconv.ParseFloat: parsing "true": invalid syntax while parsing: "custom_metric_total 1 # {aa=\"bb\"} true")");
  CHECK(
      Error(R"(custom_metric_total 1 # {aa="bb",cc=})") ==
      R"(expected label value, got "}" ("INVALID") while parsing: "custom_metric_total 1 # {aa=\"bb\",cc=}")");
  CHECK(Error(R"(custom_metric_total 1 # {"a"} 1)") ==
        R"(expected label name, got "} " ("BCLOSE") while parsing: "custom_metric_total 1 # {\"a\"} ")");
  CHECK(Error("{v} 3\n# EOF\n") == R"(expected equal, got "} " ("BCLOSE") while parsing: "{v} ")");
  CHECK(Error(R"({b="c",} 1)") == R"(metric name not set while parsing: "{b=\"c\",} 1")");
  CHECK(Error("a 1 NaN\n# EOF\n") == "invalid timestamp NaN");
  CHECK(Error("a 1 -Inf\n# EOF\n") == "invalid timestamp -Inf");
  CHECK(Error("a 1 Inf\n# EOF\n") == "invalid timestamp +Inf");
  CHECK(Error("# TYPE hhh histogram\nhhh_bucket{le=\"+Inf\"} 1 # {aa=\"bb\"} 4 NaN\n# EOF\n") ==
        "invalid exemplar timestamp NaN");
  CHECK(Error("# TYPE hhh histogram\nhhh_bucket{le=\"+Inf\"} 1 # {aa=\"bb\"} 4 -Inf\n# EOF\n") ==
        "invalid exemplar timestamp -Inf");
  CHECK(
      Error("a 1 2 # {a=\"b\"} 1 2 3\n# EOF\n") ==
      R"(expected next entry after exemplar timestamp, got " 3\n" ("TIMESTAMP") while parsing: "a 1 2 # {a=\"b\"} 1 2 3\n")");
  CHECK(Error("a 1  2\n# EOF\n") ==
        R"(expected timestamp or comment, got "  " ("INVALID") while parsing: "a 1  ")");
}

}  // namespace
}  // namespace ember::textparse
