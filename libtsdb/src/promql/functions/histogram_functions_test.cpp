#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "promql/functions/function_test_util.h"

namespace ember::promql::internal {
namespace {

Vector Buckets(std::initializer_list<std::pair<const char*, double>> buckets) {
  Vector v;
  for (const auto& [le, count] : buckets) {
    v.push_back({Labels{{"__name__", "req_bucket"}, {"job", "a"}, {"le", le}}, 0, count, false});
  }
  return v;
}

TEST_CASE("histogram_quantile interpolates within the bucket") {
  const Vector in = Buckets({{"0.1", 50}, {"1", 90}, {"+Inf", 100}});
  VectorCall c;
  c.args = {ScalarArg(0.5), VectorArg(in)};
  Vector out = c.Run("histogram_quantile");
  REQUIRE(out.size() == 1);
  CHECK(out[0].labels == (Labels{{"__name__", "req_bucket"}, {"job", "a"}}));
  CHECK(out[0].drop_name);
  CHECK(out[0].v == Approx(0.1));
  c.args[0] = ScalarArg(0.7);
  CHECK(c.Run("histogram_quantile")[0].v == Approx(0.1 + 0.9 * 0.5));
  c.args[0] = ScalarArg(0.95);
  CHECK(c.Run("histogram_quantile")[0].v == Approx(1));  // in the +Inf bucket
}

TEST_CASE("histogram_quantile needs a +Inf bucket") {
  const Vector in = Buckets({{"0.1", 50}, {"1", 90}});
  VectorCall c;
  c.args = {ScalarArg(0.5), VectorArg(in)};
  CHECK(std::isnan(c.Run("histogram_quantile")[0].v));
}

TEST_CASE("histogram_quantile fixes non-monotonic buckets with an info") {
  const Vector in = Buckets({{"0.1", 50}, {"1", 40}, {"+Inf", 100}});
  VectorCall c;
  c.args = {ScalarArg(0.5), VectorArg(in)};
  Vector out = c.Run("histogram_quantile");
  REQUIRE(out.size() == 1);
  CHECK(out[0].v == Approx(0.1));
  REQUIRE(c.annotations.size() == 1);
  CHECK(c.annotations[0].kind == AnnotationKind::kInfo);
  CHECK(c.annotations[0].message.starts_with(
      "input to histogram_quantile needed to be fixed for monotonicity"));
  CHECK(c.annotations[0].message.ends_with(" for metric name \"req_bucket\""));
}

TEST_CASE("histogram_quantile warns about a bad le") {
  Vector in = Buckets({{"+Inf", 100}});
  in.push_back({Labels{{"__name__", "series"}, {"le", "Hello World"}}, 0, 1, false});
  VectorCall c;
  c.args = {ScalarArg(2), VectorArg(in)};
  Vector out = c.Run("histogram_quantile");
  REQUIRE(c.annotations.size() == 2);
  CHECK(c.annotations[0].message == "quantile value should be between 0 and 1, got 2");
  CHECK(c.annotations[1].message ==
        "bucket label \"le\" is missing or has a malformed value of \"Hello World\" for metric name "
        "\"series\"");
  REQUIRE(out.size() == 1);
  CHECK(out[0].v == std::numeric_limits<double>::infinity());
}

TEST_CASE("histogram_fraction") {
  const Vector in = Buckets({{"0.1", 50}, {"1", 90}, {"+Inf", 100}});
  VectorCall c;
  c.args = {ScalarArg(0), ScalarArg(0.1), VectorArg(in)};
  CHECK(c.Run("histogram_fraction")[0].v == Approx(0.5));
  c.args = {ScalarArg(0), ScalarArg(0.55), VectorArg(in)};
  CHECK(c.Run("histogram_fraction")[0].v == Approx(0.7));
  c.args = {ScalarArg(-std::numeric_limits<double>::infinity()),
            ScalarArg(std::numeric_limits<double>::infinity()), VectorArg(in)};
  CHECK(c.Run("histogram_fraction")[0].v == Approx(1));
}

TEST_CASE("native-only histogram functions ignore floats") {
  const Vector in = Buckets({{"+Inf", 100}});
  VectorCall c;
  c.args = {VectorArg(in)};
  CHECK(c.Run("histogram_count").empty());
  CHECK(c.Run("histogram_sum").empty());
}

}  // namespace
}  // namespace ember::promql::internal
