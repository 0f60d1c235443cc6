#include "rulestest/rule_test_format.h"

#include <catch2/catch.hpp>
#include <cmath>

namespace ember::scraper {
namespace {

TEST_CASE("floats print as Go's FormatFloat(v, 'E', -1, 64)") {
  CHECK(FormatFloatE(0) == "0E+00");
  CHECK(FormatFloatE(1) == "1E+00");
  CHECK(FormatFloatE(1.5) == "1.5E+00");
  CHECK(FormatFloatE(-7) == "-7E+00");
  CHECK(FormatFloatE(180) == "1.8E+02");
  CHECK(FormatFloatE(0.1) == "1E-01");
  CHECK(FormatFloatE(1e100) == "1E+100");
  CHECK(FormatFloatE(1.0 / 3) == "3.333333333333333E-01");
  CHECK(FormatFloatE(INFINITY) == "+Inf");
  CHECK(FormatFloatE(-INFINITY) == "-Inf");
  CHECK(FormatFloatE(NAN) == "NaN");
}

TEST_CASE("labels print as Prometheus's labels String()") {
  CHECK(FormatTestLabels({}) == "{}");
  CHECK(FormatTestLabels({{"__name__", "up"}, {"job", "a\"b"}}) == R"({__name__="up", job="a\"b"})");
  CHECK(FormatTestLabels({{"a.b", "1"}}) == R"({"a.b"="1"})");
}

TEST_CASE("alert lists print as promtool's") {
  CHECK(FormatAlerts({}) == "[]");
  std::vector<TestAlert> two = {{{{"alertname", "A"}}, {}}, {{{"alertname", "B"}}, {{"summary", "x"}}}};
  CHECK(FormatAlerts(two) ==
        "[\n0:\n  Labels:{alertname=\"A\"}\n  Annotations:{},\n1:\n  Labels:{alertname=\"B\"}\n"
        "  Annotations:{summary=\"x\"}\n]");
  CHECK(IndentLines("a\nb\nc", "  ") == "a\n  b\n  c");
  CHECK(IndentLines("a", "  ") == "a");
}

TEST_CASE("sample lists print as promtool's") {
  CHECK(FormatSamples({}) == "nil");
  CHECK(FormatSamples({{{{"job", "a"}}, 1}, {{}, 2.5}}) == R"({job="a"} 1E+00, {} 2.5E+00)");
}

TEST_CASE("alerts sort by labels then annotations") {
  TestAlert a{{{"alertname", "A"}}, {{"s", "2"}}};
  TestAlert b{{{"alertname", "A"}}, {{"s", "1"}}};
  TestAlert c{{{"alertname", "A"}, {"x", "1"}}, {}};
  CHECK(AlertLess(b, a));
  CHECK(AlertLess(a, c));
  CHECK_FALSE(AlertLess(a, a));
}

}  // namespace
}  // namespace ember::scraper
