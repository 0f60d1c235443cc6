#include "ember/promql/series_notation.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "ember/tsdb/sample.h"

namespace ember::promql {
namespace {

std::vector<double> Floats(const std::vector<SequenceValue>& values) {
  std::vector<double> out;
  for (const auto& v : values) out.push_back(v.kind == SequenceValue::Kind::kFloat ? v.value : -12345);
  return out;
}

TEST_CASE("series notation: expanding sequences as the unit-testing docs describe") {
  CHECK(Floats(*ParseValueSequence("-2+4x3")) == std::vector<double>{-2, 2, 6, 10});
  CHECK(Floats(*ParseValueSequence(" 1-2x4")) == std::vector<double>{1, -1, -3, -5, -7});
  CHECK(Floats(*ParseValueSequence(" 1x4")) == std::vector<double>{1, 1, 1, 1, 1});
  auto v = *ParseValueSequence(" 1 _x3 stale");
  REQUIRE(v.size() == 5);
  CHECK(v[0].value == 1);
  for (int i = 1; i <= 3; ++i) CHECK(v[i].kind == SequenceValue::Kind::kOmitted);
  CHECK(tsdb::IsStaleNaN(v[4].value));
  CHECK(ParseValueSequence("")->empty());
  CHECK_FALSE(ParseValueSequence("1+2").ok());
  CHECK_FALSE(ParseValueSequence("1x").ok());
  CHECK_FALSE(ParseValueSequence("_y").ok());
}

TEST_CASE("series notation: series lines") {
  auto s = *ParseSeriesLine(R"(up{job="prometheus", instance="localhost:9090"} 0 1)");
  CHECK(s.labels == Labels{{"__name__", "up"}, {"instance", "localhost:9090"}, {"job", "prometheus"}});
  CHECK(s.values.size() == 2);
  CHECK(ParseSeriesLine(R"(up{job="a"})")->values.empty());
  CHECK(ParseSeriesLine("{}")->labels.empty());
  CHECK_FALSE(ParseSeriesLine("").ok());
  CHECK_FALSE(ParseSeriesLine(R"(up{job="a")").ok());
  CHECK_FALSE(ParseSeriesLine(R"(up{job="a", job="b"} 1)").ok());
  CHECK_FALSE(ParseSeriesLine("up@st 1").ok());
  bool st = false;
  CHECK(ParseSeriesLine("up@st 1", &st).ok());
  CHECK(st);
}

TEST_CASE("series notation: durations and numbers") {
  CHECK(*ParseNotationDuration("1h30m") == 5'400'000);
  CHECK(*ParseNotationDuration("-1m") == -60'000);
  CHECK(ParseNotationDuration("1.5m").status().message() == "not a valid duration string: \"1.5m\"");
  CHECK(*ParseNotationNumber("0x10") == 16);
  CHECK(*ParseNotationNumber("010") == 8);
  CHECK(*ParseNotationNumber("-Inf") == -INFINITY);
  CHECK(std::isnan(*ParseNotationNumber("NaN")));
  CHECK_FALSE(ParseNotationNumber("abc").has_value());
}

TEST_CASE("series notation: Go string literals") {
  size_t pos = 1;
  CHECK(*ReadGoStringLiteral(R"( "a\tb" rest)", &pos) == "a\tb");
  CHECK(pos == 7);
  pos = 0;
  CHECK(*ReadGoStringLiteral("`raw\\n`", &pos) == "raw\\n");
  pos = 0;
  CHECK_FALSE(ReadGoStringLiteral("abc", &pos).ok());
  pos = 0;
  CHECK_FALSE(ReadGoStringLiteral("\"abc", &pos).ok());
}

}  // namespace
}  // namespace ember::promql
