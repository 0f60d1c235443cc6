#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "promql/functions/function_test_util.h"

namespace ember::promql::internal {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

TEST_CASE("aggregations over time") {
  RangeCall c;
  c.samples = {{1000, 4}, {2000, 1}, {3000, 7}, {4000, 2}};
  c.end_ms = 4000;
  CHECK(*c.Run("avg_over_time") == Approx(3.5));
  CHECK(*c.Run("sum_over_time") == Approx(14));
  CHECK(*c.Run("count_over_time") == 4);
  CHECK(*c.Run("min_over_time") == 1);
  CHECK(*c.Run("max_over_time") == 7);
  CHECK(*c.Run("first_over_time") == 4);
  CHECK(*c.Run("last_over_time") == 2);
  CHECK(*c.Run("present_over_time") == 1);
  CHECK(*c.Run("stdvar_over_time") == Approx(5.25));
  CHECK(*c.Run("stddev_over_time") == Approx(std::sqrt(5.25)));
  CHECK(*c.Run("ts_of_max_over_time") == 3);
  CHECK(*c.Run("ts_of_min_over_time") == 2);
  CHECK(*c.Run("ts_of_first_over_time") == 1);
  CHECK(*c.Run("ts_of_last_over_time") == 4);
  CHECK(*c.Run("mad_over_time") == Approx(1.5));
  c.scalars = {0.5};
  CHECK(*c.Run("quantile_over_time") == Approx(3));
}

TEST_CASE("min and max over time skip NaN unless all are NaN") {
  RangeCall c;
  c.samples = {{1000, kNaN}, {2000, 3}, {3000, kNaN}};
  CHECK(*c.Run("max_over_time") == 3);
  CHECK(*c.Run("min_over_time") == 3);
  c.samples = {{1000, kNaN}};
  CHECK(std::isnan(*c.Run("max_over_time")));
}

TEST_CASE("avg_over_time survives overflowing sums") {
  RangeCall c;
  const double big = std::numeric_limits<double>::max();
  c.samples = {{1000, big}, {2000, big}};
  CHECK(*c.Run("avg_over_time") == Approx(big));
  c.samples = {{1000, kInf}, {2000, 1}};
  CHECK(*c.Run("avg_over_time") == kInf);
  CHECK(*c.Run("sum_over_time") == kInf);
}

TEST_CASE("quantile_over_time warns for φ outside [0, 1]") {
  RangeCall c;
  c.samples = {{1000, 1}, {2000, 2}};
  c.scalars = {1.5};
  CHECK(*c.Run("quantile_over_time") == kInf);
  REQUIRE(c.annotations.size() == 1);
  CHECK(c.annotations[0].kind == AnnotationKind::kWarning);
  CHECK(c.annotations[0].message == "quantile value should be between 0 and 1, got 1.5");
}

TEST_CASE("last_over_time keeps the metric name") {
  CHECK_FALSE(LookupFunctionImpl("last_over_time")->drops_name);
  CHECK(LookupFunctionImpl("sum_over_time")->drops_name);
  CHECK(LookupFunctionImpl("timestamp") == nullptr);
  CHECK(LookupFunctionImpl("no_such_function") == nullptr);
}

}  // namespace
}  // namespace ember::promql::internal
