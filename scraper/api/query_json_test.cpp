#include "query_json.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

namespace ember::scraper {
namespace {

std::string Json(auto append, auto... args) {
  std::string out;
  append(out, args...);
  return out;
}

TEST_CASE("timestamps are seconds with at most three decimals") {
  CHECK(Json(AppendJsonTimestamp, int64_t{1435781451781}) == "1435781451.781");
  CHECK(Json(AppendJsonTimestamp, int64_t{1435781451000}) == "1435781451");
  CHECK(Json(AppendJsonTimestamp, int64_t{1435781451100}) == "1435781451.1");
  CHECK(Json(AppendJsonTimestamp, int64_t{4000}) == "4");
  CHECK(Json(AppendJsonTimestamp, int64_t{0}) == "0");
  CHECK(Json(AppendJsonTimestamp, int64_t{-500}) == "-0.5");
  CHECK(Json(AppendJsonTimestamp, int64_t{-1001}) == "-1.001");
}

TEST_CASE("sample values are strings in Go's shortest form") {
  CHECK(Json(AppendJsonSampleValue, 1.5) == "\"1.5\"");
  CHECK(Json(AppendJsonSampleValue, 2.0) == "\"2\"");
  // Exponent form below 1e-6 and from 1e21 on, with Go's two-digit exponent.
  CHECK(Json(AppendJsonSampleValue, 1e21) == "\"1e+21\"");
  CHECK(Json(AppendJsonSampleValue, 9.99e20) == "\"999000000000000000000\"");
  CHECK(Json(AppendJsonSampleValue, 1e-7) == "\"1e-07\"");
  CHECK(Json(AppendJsonSampleValue, 1e-6) == "\"0.000001\"");
  CHECK(Json(AppendJsonSampleValue, -1.5e-9) == "\"-1.5e-09\"");
  CHECK(Json(AppendJsonSampleValue, 1.7976931348623157e308) == "\"1.7976931348623157e+308\"");
  CHECK(Json(AppendJsonSampleValue, std::nan("")) == "\"NaN\"");
  CHECK(Json(AppendJsonSampleValue, std::numeric_limits<double>::infinity()) == "\"+Inf\"");
  CHECK(Json(AppendJsonSampleValue, -std::numeric_limits<double>::infinity()) == "\"-Inf\"");
}

TEST_CASE("strings are escaped as Go's encoding/json escapes them") {
  CHECK(Json(AppendJsonString, std::string_view("a\"b\\c")) == R"("a\"b\\c")");
  CHECK(Json(AppendJsonString, std::string_view("<a&b>")) == R"("\u003ca\u0026b\u003e")");
  CHECK(Json(AppendJsonString, std::string_view("\n\t\x01")) == R"("\n\t\u0001")");
  CHECK(Json(AppendJsonString, std::string_view("h\xc3\xa9")) == "\"h\xc3\xa9\"");
  CHECK(Json(AppendJsonString, std::string_view("\xff")) == R"("\ufffd")");
  CHECK(Json(AppendJsonString, std::string_view("\xe2\x80\xa8")) == R"("\u2028")");
}

TEST_CASE("query data in each result type") {
  using promql::Value;
  CHECK(Json(AppendQueryData, Value(promql::Scalar{4000, 2})) ==
        R"({"resultType":"scalar","result":[4,"2"]})");
  CHECK(Json(AppendQueryData, Value(promql::String{4000, "x"})) ==
        R"({"resultType":"string","result":[4,"x"]})");
  promql::Vector vector;
  vector.push_back({Labels{{"__name__", "up"}, {"job", "a"}}, 1500, 1});
  CHECK(Json(AppendQueryData, Value(vector)) ==
        R"({"resultType":"vector","result":[{"metric":{"__name__":"up","job":"a"},"value":[1.5,"1"]}]})");
  promql::Matrix matrix;
  matrix.push_back({Labels{{"a", "b"}}, {{1000, 1}, {2000, std::nan("")}}});
  CHECK(Json(AppendQueryData, Value(matrix)) ==
        R"({"resultType":"matrix","result":[{"metric":{"a":"b"},"values":[[1,"1"],[2,"NaN"]]}]})");
  CHECK(Json(AppendQueryData, Value(promql::Vector{})) == R"({"resultType":"vector","result":[]})");
}

TEST_CASE("stats object") {
  promql::QueryStats stats;
  stats.eval_total_time = 0.25;
  stats.exec_total_time = 1.5e-7;
  stats.total_queryable_samples = 10;
  stats.peak_samples = 4;
  CHECK(Json(AppendQueryStats, stats) ==
        R"({"timings":{"evalTotalTime":0.25,"resultSortTime":0,"queryPreparationTime":0,)"
        R"("innerEvalTime":0,"execQueueTime":0,"execTotalTime":1.5e-7},)"
        R"("samples":{"totalQueryableSamples":10,"peakSamples":4}})");
  stats.total_queryable_samples_per_step = {{1000, 3}, {2000, 7}};
  CHECK(Json(AppendQueryStats, stats).find(R"("totalQueryableSamplesPerStep":[[1,3],[2,7]],)") !=
        std::string::npos);
}

}  // namespace
}  // namespace ember::scraper
