#include "ember/textparse/prom_parser.h"

#include <bit>
#include <catch2/catch.hpp>
#include <charconv>
#include <cmath>

#include "test_util.h"

namespace ember::textparse {
namespace {

using testing::FirstError;
using testing::Render;

std::vector<std::string> Parse(std::string_view body) {
  PromParser p(body);
  return Render(p);
}

std::string Error(std::string_view body) {
  PromParser p(body);
  return FirstError(p);
}

TEST_CASE("PromParser: metadata, comments, series, timestamps and escapes", "[textparse]") {
  const char* body = R"(# HELP go_gc_duration_seconds A summary of the GC invocation durations.
# 	TYPE go_gc_duration_seconds summary
go_gc_duration_seconds{quantile="0"} 4.9351e-05
go_gc_duration_seconds{quantile="0.25",} 7.424100000000001e-05
go_gc_duration_seconds{quantile="0.5",a="b"} 8.3835e-05
go_gc_duration_seconds{ quantile="0.9", a="b"} 8.3835e-05
# Hrandom comment starting with prefix of HELP
#
wind_speed{A="2",c="3"} 12345
# comment with escaped \n newline
# comment with escaped \ escape character
# HELP nohelp1
# HELP nohelp2 
go_gc_duration_seconds{ quantile="1.0", a="b" } 8.3835e-05
go_gc_duration_seconds { quantile="1.0", a="b" } 8.3835e-05
go_gc_duration_seconds { quantile= "1.0", a= "b", } 8.3835e-05
go_gc_duration_seconds { quantile = "1.0", a = "b" } 8.3835e-05
go_gc_duration_seconds_count 99
some:aggregate:rate5m{a_b="c"}	1
# HELP go_goroutines Number of goroutines that currently exist.
# TYPE go_goroutines gauge
go_goroutines 33  	123123
_metric_starting_with_underscore 1
testmetric{_label_starting_with_underscore="foo"} 1
testmetric{label="\"bar\""} 1
testmetric{le="10"} 1
# HELP metric foo\x00bar
null_byte_metric{a="abc\x00"} 1
)";
  CHECK(Parse(body) ==
        std::vector<std::string>{
            "help go_gc_duration_seconds A summary of the GC invocation durations.",
            "type go_gc_duration_seconds summary",
            R"(series {__name__="go_gc_duration_seconds", quantile="0.0"} 4.9351e-05)",
            R"(series {__name__="go_gc_duration_seconds", quantile="0.25"} 7.424100000000001e-05)",
            R"(series {__name__="go_gc_duration_seconds", a="b", quantile="0.5"} 8.3835e-05)",
            R"(series {__name__="go_gc_duration_seconds", a="b", quantile="0.9"} 8.3835e-05)",
            "comment # Hrandom comment starting with prefix of HELP",
            "comment #",
            R"(series {A="2", __name__="wind_speed", c="3"} 12345)",
            R"(comment # comment with escaped \n newline)",
            R"(comment # comment with escaped \ escape character)",
            "help nohelp1 ",
            "help nohelp2 ",
            R"(series {__name__="go_gc_duration_seconds", a="b", quantile="1.0"} 8.3835e-05)",
            R"(series {__name__="go_gc_duration_seconds", a="b", quantile="1.0"} 8.3835e-05)",
            R"(series {__name__="go_gc_duration_seconds", a="b", quantile="1.0"} 8.3835e-05)",
            R"(series {__name__="go_gc_duration_seconds", a="b", quantile="1.0"} 8.3835e-05)",
            R"(series {__name__="go_gc_duration_seconds_count"} 99)",
            R"(series {__name__="some:aggregate:rate5m", a_b="c"} 1)",
            "help go_goroutines Number of goroutines that currently exist.",
            "type go_goroutines gauge",
            R"(series {__name__="go_goroutines"} 33 @123123)",
            R"(series {__name__="_metric_starting_with_underscore"} 1)",
            R"(series {__name__="testmetric", _label_starting_with_underscore="foo"} 1)",
            R"(series {__name__="testmetric", label="\"bar\""} 1)",
            R"(series {__name__="testmetric", le="10"} 1)",
            R"(help metric foo\x00bar)",
            R"(series {__name__="null_byte_metric", a="abc\\x00"} 1)",
        });
}

TEST_CASE("PromParser: the series bytes, the raw value and the help unescaping", "[textparse]") {
  PromParser p("# HELP m a\\\\b\\nc\\\"d\nm{a=\"x\\\\y\\nz\\\"w\\t\"} 1.5 0\n");
  REQUIRE(*p.Next() == Entry::kHelp);
  // Prometheus text unescapes only \\ and \n in help.
  CHECK(p.Help() == "a\\b\nc\\\"d");
  auto e = p.Next();
  REQUIRE(e.ok());
  REQUIRE(*e == Entry::kSeries);
  CHECK(p.Series() == R"(m{a="x\\y\nz\"w\t"})");
  std::vector<LabelView> labels;
  p.Labels(&labels);
  CHECK(p.MetricName() == "m");  // leaves the label views alone
  REQUIRE(labels.size() == 2);
  CHECK(labels[1].value == "x\\y\nz\"w\\t");
  CHECK(p.Value() == 1.5);
  REQUIRE(p.Timestamp());
  CHECK(*p.Timestamp() == 0);
  CHECK(*p.Next() == Entry::kEof);
  CHECK(*p.Next() == Entry::kEof);
}

TEST_CASE("PromParser: special float values and Go ParseFloat forms", "[textparse]") {
  PromParser p("a NaN\nb +Inf\nc -Inf\nd Inf\ne nan\nf 1e400x\n");
  std::vector<double> values;
  for (int k = 0; k < 5; ++k) {
    REQUIRE(*p.Next() == Entry::kSeries);
    values.push_back(p.Value());
  }
  CHECK(std::bit_cast<uint64_t>(values[0]) == 0x7ff8000000000001ULL);
  CHECK(values[1] == INFINITY);
  CHECK(values[2] == -INFINITY);
  CHECK(values[3] == INFINITY);
  CHECK(std::isnan(values[4]));
  CHECK(Parse("a .5\nb 1.\nc +1e3\nd 0x1.8\ne 1E-400\n").size() == 4);  // 0x1.8 has no exponent
  CHECK(Parse("a .5\nb 1.\nc +1e3\ne 1E-400\n") ==
        std::vector<std::string>{R"(series {__name__="a"} 0.5)", R"(series {__name__="b"} 1)",
                                 R"(series {__name__="c"} 1000)", R"(series {__name__="e"} 0)"});
  CHECK(Error("a 1e400\n") ==
        R"(strconv.ParseFloat: parsing "1e400": value out of range while parsing: "a 1e400")");
}

TEST_CASE("PromParser: decimal values parse exactly as Go's ParseFloat", "[textparse]") {
  // The simple-decimal fast path against from_chars (exact, as Go) on a spread of forms.
  for (const char* v :
       {"0", "-0", "1", "0.1", "0.3", "123.456", "999999999999999", "0.000000000000001", "12345.6789012345",
        "-7.25", "1.", ".5", "9007199254740993", "0.1234567890123456", "1234567.891", "3.14159265358979"}) {
    std::string body = std::string("a ") + v + "\n";
    PromParser p(body);
    REQUIRE(*p.Next() == Entry::kSeries);
    double want = 0;
    std::string_view sv(v);
    (void)std::from_chars(sv.data(), sv.data() + sv.size(), want);
    if (sv == ".5") want = 0.5;
    CHECK(std::bit_cast<uint64_t>(p.Value()) == std::bit_cast<uint64_t>(want));
  }
}

TEST_CASE("PromParser: UTF-8 quoted names (text format 1.0.0)", "[textparse]") {
  const char* body = R"(# HELP "go.gc_duration_seconds" A summary of the GC invocation durations.
# TYPE "go.gc_duration_seconds" summary
{"go.gc_duration_seconds",quantile="0"} 4.9351e-05
{"go.gc_duration_seconds",quantile="0.25"} 7.424100000000001e-05
{"go.gc_duration_seconds",quantile="0.5",a="b"} 8.3835e-05
{"http.status",q="0.9",a="b"} 8.3835e-05
{"http.status",q="0.9",a="b"} 8.3835e-05
{q="0.9","http.status",a="b"} 8.3835e-05
{"go.gc_duration_seconds_sum"} 0.004304266
{"Heizölrückstoßabdämpfung 10€ metric with \"interesting\" {character\nchoices}","strange©™\n'quoted' \"name\""="6"} 10.0
)";
  CHECK(Parse(body) ==
        std::vector<std::string>{
            "help go.gc_duration_seconds A summary of the GC invocation durations.",
            "type go.gc_duration_seconds summary",
            R"(series {__name__="go.gc_duration_seconds", quantile="0.0"} 4.9351e-05)",
            R"(series {__name__="go.gc_duration_seconds", quantile="0.25"} 7.424100000000001e-05)",
            R"(series {__name__="go.gc_duration_seconds", a="b", quantile="0.5"} 8.3835e-05)",
            R"(series {__name__="http.status", a="b", q="0.9"} 8.3835e-05)",
            R"(series {__name__="http.status", a="b", q="0.9"} 8.3835e-05)",
            R"(series {__name__="http.status", a="b", q="0.9"} 8.3835e-05)",
            R"(series {__name__="go.gc_duration_seconds_sum"} 0.004304266)",
            "series {__name__=\"Heizölrückstoßabdämpfung 10€ metric with \\\"interesting\\\" "
            "{character\\nchoices}\", "
            "strange©™\n'quoted' \"name\"=\"6\"} 10",
        });
}

TEST_CASE("PromParser: errors as upstream words them", "[textparse]") {
  CHECK(Error("a") == R"(expected value after metric, got "\n" ("INVALID") while parsing: "a\n")");
  CHECK(Error("a{b='c'} 1\n") == R"(expected label value, got "'" ("INVALID") while parsing: "a{b='")");
  CHECK(Error("a{b=\n") == R"(expected label value, got "\n" ("INVALID") while parsing: "a{b=\n")");
  CHECK(Error("a{\xff=\"foo\"} 1\n") ==
        R"(expected label name, got "\xff" ("INVALID") while parsing: "a{\xff")");
  CHECK(Error("a{b=\"\xff\"} 1\n") == R"(invalid UTF-8 label value: "\"\xff\"")");
  CHECK(Error("a true\n") == R"(strconv.ParseFloat: parsing "true": invalid syntax while parsing: "a true")");
  CHECK(Error("something_weird{problem=\"") ==
        R"(expected label value, got "\"\n" ("INVALID") while parsing: "something_weird{problem=\"\n")");
  CHECK(Error("empty_label_name{=\"\"} 0") ==
        R"(expected label name, got "=\"" ("EQUAL") while parsing: "empty_label_name{=\"")");
  CHECK(Error("foo 1_2\n") == R"(unsupported character in float while parsing: "foo 1_2")");
  CHECK(Error("foo 0x1p-3\n") == R"(unsupported character in float while parsing: "foo 0x1p-3")");
  CHECK(Error("foo 0x1P-3\n") == R"(unsupported character in float while parsing: "foo 0x1P-3")");
  CHECK(Error("foo 0 1_2\n") ==
        R"(expected next entry after timestamp, got "_" ("INVALID") while parsing: "foo 0 1_")");
  CHECK(Error(R"({a="ok"} 1)") == R"(metric name not set while parsing: "{a=\"ok\"} 1")");
  CHECK(Error("# TYPE #\n#EOF\n") ==
        R"(expected metric name after TYPE, got "#" ("INVALID") while parsing: "# TYPE #")");
  CHECK(Error("# HELP \n") ==
        R"(expected metric name after HELP, got "\n" ("INVALID") while parsing: "# HELP \n")");
  CHECK(Error("# TYPE m gaugexx\n") == R"(invalid metric type "gaugexx")");
  CHECK(Error("# TYPE m counter\n") == "");
  CHECK(Error("a{b=\"c\"d=\"e\"} 1\n") == "");  // white space-free pairs without a comma, as upstream
  CHECK(Error("9\n") == R"(expected a valid start token, got "9" ("INVALID") while parsing: "9")");
  CHECK(Error("a 1 -2\n") ==
        R"(expected timestamp or new record, got "-" ("INVALID") while parsing: "a 1 -")");
  CHECK(Error("a 1 2 3\n") ==
        R"(expected next entry after timestamp, got "3\n" ("TIMESTAMP") while parsing: "a 1 2 3\n")");
  CHECK(
      Error("a 1 99999999999999999999\n") ==
      R"(strconv.ParseInt: parsing "99999999999999999999": value out of range while parsing: "a 1 99999999999999999999")");
  CHECK(Error("{\"a\",\"b\"} 1\n") == R"(metric name already set while parsing: "{\"a\",\"b\"}")");
  CHECK(Error("# HELP m \xff\n") == R"(help text "\xff" is not a valid utf8 string)");
  CHECK(Error("a{b=\"c\" 1\n") == R"(expected label name, got "1" ("INVALID") while parsing: "a{b=\"c\" 1")");
}

TEST_CASE("PromParser: inputs the fuzzer found", "[textparse]") {
  // An empty help text (a null view) asked for its unescaped form.
  CHECK(Parse("# HELP m\n") == std::vector<std::string>{"help m "});
  // A timestamp too long for the fast path's accumulator.
  CHECK(
      Error("b 454444 4444444444444444444444\t\t\t") ==
      R"(strconv.ParseInt: parsing "4444444444444444444444": value out of range while parsing: "b 454444 4444444444444444444444")");
  CHECK(
      Error("b 1 9999999999999999999\n") ==
      R"(strconv.ParseInt: parsing "9999999999999999999": value out of range while parsing: "b 1 9999999999999999999")");
  CHECK(Parse("b 1 4444444444444444444\n") ==
        std::vector<std::string>{R"(series {__name__="b"} 1 @4444444444444444444)"});
  CHECK(Parse("b 1 999999999999999999\n") ==
        std::vector<std::string>{R"(series {__name__="b"} 1 @999999999999999999)"});
}

TEST_CASE("PromParser: a body without a final newline and blank lines", "[textparse]") {
  CHECK(Parse("\n\n  a 1\n\nb 2") ==
        std::vector<std::string>{R"(series {__name__="a"} 1)", R"(series {__name__="b"} 2)"});
  CHECK(Parse("").empty());
}

TEST_CASE("PromParser: bucket bounds and quantiles in OpenMetrics float form", "[textparse]") {
  std::string body = "# TYPE h histogram\n";
  for (const char* le : {"0.005",
                         "1",
                         "0",
                         "-0",
                         "00",
                         "1.0",
                         "0.10",
                         "100000",
                         "1000000",
                         "0.0001",
                         "0.00001",
                         "1234567",
                         "2.5",
                         "+Inf",
                         "-Inf",
                         "inf",
                         "1e3",
                         "junk",
                         "0.1234567890123456",
                         "-1",
                         "1e+09",
                         "2.5e-07",
                         "1e+05",
                         "1e+6",
                         "1e+006",
                         "1.50e+09",
                         "-1e+300",
                         "1e+308",
                         "1e-05"}) {
    body += std::string("h_bucket{le=\"") + le + "\"} 1\n";
  }
  body += "# TYPE s summary\ns{quantile=\"0.5\"} 1\ns{quantile=\"1\"} 1\ns{le=\"1\"} 1\n";
  PromParser p(body);
  std::vector<std::string> got;
  std::vector<LabelView> labels;
  for (auto e = p.Next(); e.ok() && *e != Entry::kEof; e = p.Next()) {
    if (*e != Entry::kSeries) continue;
    p.Labels(&labels);
    got.push_back(std::string(labels.back().value));
  }
  CHECK(got == std::vector<std::string>{"0.005",
                                        "1.0",
                                        "0.0",
                                        "0.0",
                                        "0.0",
                                        "1.0",
                                        "0.1",
                                        "100000.0",
                                        "1e+06",
                                        "0.0001",
                                        "1e-05",
                                        "1.234567e+06",
                                        "2.5",
                                        "+Inf",
                                        "-Inf",
                                        "+Inf",
                                        "1000.0",
                                        "junk",
                                        "0.1234567890123456",
                                        "-1.0",
                                        "1e+09",
                                        "2.5e-07",
                                        "100000.0",
                                        "1e+06",
                                        "1e+06",
                                        "1.5e+09",
                                        "-1e+300",
                                        "1e+308",
                                        "1e-05",
                                        "0.5",
                                        "1.0",
                                        "1"});
}

TEST_CASE("PromParser: bucket bounds normalised only for histograms", "[textparse]") {
  CHECK(Parse("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"1e3\"} 1\nh_bucket{le=\"+Inf\"} 1\n"
              "# TYPE g gauge\ng{le=\"1\"} 1\n") ==
        std::vector<std::string>{"type h histogram", R"(series {__name__="h_bucket", le="1.0"} 1)",
                                 R"(series {__name__="h_bucket", le="1000.0"} 1)",
                                 R"(series {__name__="h_bucket", le="+Inf"} 1)", "type g gauge",
                                 R"(series {__name__="g", le="1"} 1)"});
}

}  // namespace
}  // namespace ember::textparse
