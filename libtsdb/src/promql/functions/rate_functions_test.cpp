#include <catch2/catch.hpp>
#include <cmath>
#include <memory>

#include "promql/functions/function_test_util.h"

namespace ember::promql::internal {
namespace {

// 0+10x10 every 5m, as upstream's functions.test loads http_requests.
std::vector<Sample> Counter(int64_t step_ms, double start, double inc, int n) {
  std::vector<Sample> s;
  for (int i = 0; i < n; ++i) s.push_back({i * step_ms, start + inc * i});
  return s;
}

TEST_CASE("rate extrapolates to the window's ends") {
  RangeCall c;
  // Samples at 5m..50m in (0, 50m]: the start is 5m away, within 1.1 intervals.
  c.samples = Counter(300000, 0, 10, 11);
  c.samples.erase(c.samples.begin());
  c.start_ms = 0;
  c.end_ms = 3000000;
  auto r = c.Run("increase");
  REQUIRE(r);
  // Raw increase 90 over 45m, extrapolated by 5m at the start but limited by
  // the zero point (value 10 at 5m, slope 10 per 5m -> zero at 0m).
  CHECK(*r == Approx(100));
  auto rate = c.Run("rate");
  REQUIRE(rate);
  CHECK(*rate == Approx(100.0 / 3000));
}

TEST_CASE("rate counts counter resets") {
  RangeCall c;
  c.samples = {{1000, 5}, {2000, 10}, {3000, 2}, {4000, 4}};
  c.start_ms = 0;
  c.end_ms = 4000;
  // Increase 4 - 5 + 10 = 9 over 3s, extrapolated: start 1s away (threshold
  // 1.1s -> to the boundary, but the zero point is 3s * 5/9 = 1.67s away),
  // end 0s away.
  auto r = c.Run("increase");
  REQUIRE(r);
  CHECK(*r == Approx(9 * 4.0 / 3));
  CHECK(*c.Run("resets") == 1);
  CHECK(*c.Run("changes") == 3);
}

TEST_CASE("rate needs two samples") {
  RangeCall c;
  c.samples = {{1000, 5}};
  c.start_ms = 0;
  c.end_ms = 4000;
  CHECK_FALSE(c.Run("rate"));
  CHECK_FALSE(c.Run("delta"));
  CHECK_FALSE(c.Run("irate"));
  CHECK_FALSE(c.Run("deriv"));
}

TEST_CASE("delta does not clamp at zero or handle resets") {
  RangeCall c;
  c.samples = {{1000, 10}, {2000, 5}};
  c.start_ms = 0;
  c.end_ms = 3000;
  // -5 over 1s, extrapolated by half an interval at both ends (1s >= 1.1s is
  // false, so to the boundaries): factor 3.
  CHECK(*c.Run("delta") == Approx(-15));
}

TEST_CASE("irate and idelta use the last two samples") {
  RangeCall c;
  c.samples = {{1000, 1}, {2000, 10}, {4000, 4}};
  c.end_ms = 4000;
  CHECK(*c.Run("irate") == Approx(2));  // reset: 4 over 2s
  CHECK(*c.Run("idelta") == Approx(-6));
}

TEST_CASE("deriv and predict_linear fit a line") {
  RangeCall c;
  c.samples = {{0, 1}, {1000, 3}, {2000, 5}};
  c.end_ms = 2000;
  CHECK(*c.Run("deriv") == Approx(2));
  c.scalars = {10};
  CHECK(*c.Run("predict_linear") == Approx(5 + 20));
}

TEST_CASE("double_exponential_smoothing validates its factors") {
  RangeCall c;
  c.samples = {{0, 1}, {1000, 2}, {2000, 3}};
  c.end_ms = 2000;
  c.scalars = {0.5, 0.5};
  REQUIRE(c.Run("double_exponential_smoothing"));
  CHECK(*c.Run("double_exponential_smoothing") == Approx(3));
  c.scalars = {1, 0.5};
  CHECK_FALSE(c.Run("double_exponential_smoothing"));
  CHECK(c.error.message() == "invalid smoothing factor. Expected: 0 < sf < 1, got: 1.000000");
}

}  // namespace
}  // namespace ember::promql::internal

namespace ember::promql::internal {
namespace {

TEST_CASE("rate notes a metric that might not be a counter, once per series") {
  Call call;
  auto arg = std::make_unique<MatrixSelector>();
  arg->pos = {5, 14};
  call.args.push_back(std::move(arg));
  RangeCall c;
  c.samples = {{1000, 1}, {2000, 2}};
  c.end_ms = 2000;
  c.labels = Labels{{"__name__", "gauge"}};
  const FunctionImpl* rate = LookupFunctionImpl("rate");
  RangeWindow w{c.samples, 0, 2000, &c.labels, {}};
  std::any state;
  FunctionContext ctx{2000, &call, &c.annotations, &state, &c.error};
  REQUIRE(rate->range(w, ctx));
  REQUIRE(rate->range(w, ctx));
  REQUIRE(c.annotations.size() == 1);
  CHECK(c.annotations[0].kind == AnnotationKind::kInfo);
  CHECK(c.annotations[0].message ==
        "metric might not be a counter, name does not end in _total/_sum/_count/_bucket: \"gauge\"");
  CHECK(c.annotations[0].pos.start == 5);

  c.annotations.clear();
  c.labels = Labels{{"__name__", "requests_total"}};
  REQUIRE(rate->range(w, ctx));
  CHECK(c.annotations.empty());
}

}  // namespace
}  // namespace ember::promql::internal
