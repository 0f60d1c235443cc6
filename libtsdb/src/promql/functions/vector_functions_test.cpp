// The functions over instant vectors: labels, sorting, math and calendar.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "promql/functions/function_test_util.h"

namespace ember::promql::internal {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST_CASE("label_replace expands groups") {
  const Vector in = {{Labels{{"__name__", "m"}, {"src", "source-value-10"}}, 0, 1, true}};
  VectorCall c;
  c.args = {VectorArg(in), StringArg("dst"), StringArg("value-$1"), StringArg("src"),
            StringArg("source-value-(.*)")};
  Vector out = c.Run("label_replace");
  REQUIRE(out.size() == 1);
  CHECK(out[0].labels.Get("dst") == "value-10");
  CHECK(out[0].drop_name);

  c.args[2] = StringArg("${1}x$1x$$-$2-$name");
  c.args[4] = StringArg("source-value-(?P<name>.*)");
  out = c.Run("label_replace");
  // `$1x` names the (missing) group "1x", `$2` does not exist: both expand to "".
  CHECK(out[0].labels.Get("dst") == "10x$--10");

  // Anchored: a partial match does not replace.
  c.args[4] = StringArg("value-(.*)");
  out = c.Run("label_replace");
  CHECK_FALSE(out[0].labels.Has("dst"));

  // Setting __name__ keeps the new name.
  c.args = {VectorArg(in), StringArg("__name__"), StringArg("new"), StringArg("src"), StringArg(".*")};
  out = c.Run("label_replace");
  CHECK(out[0].labels.MetricName() == "new");
  CHECK_FALSE(out[0].drop_name);
}

TEST_CASE("label_replace errors") {
  const Vector in;
  VectorCall c;
  c.args = {VectorArg(in), StringArg("dst"), StringArg(""), StringArg("src"), StringArg("(.*")};
  c.Run("label_replace");
  CHECK(c.error.message() == "invalid regular expression in label_replace(): (.*");
  VectorCall d;
  d.args = {VectorArg(in), StringArg("\xff"), StringArg(""), StringArg("src"), StringArg("(.*)")};
  d.Run("label_replace");
  CHECK(d.error.message() == "invalid destination label name in label_replace(): \xff");
}

TEST_CASE("label_join") {
  const Vector in = {{Labels{{"a", "x"}, {"b", "y"}}, 0, 1, false}};
  VectorCall c;
  c.args = {VectorArg(in),  StringArg("dst"),  StringArg("-"),
            StringArg("a"), StringArg("none"), StringArg("b")};
  Vector out = c.Run("label_join");
  REQUIRE(out.size() == 1);
  CHECK(out[0].labels.Get("dst") == "x--y");
}

TEST_CASE("sort and sort_by_label") {
  const Vector in = {{Labels{{"i", "a10"}}, 0, 3, false},
                     {Labels{{"i", "a2"}}, 0, kNaN, false},
                     {Labels{{"i", "a1"}}, 0, 1, false}};
  VectorCall c;
  c.args = {VectorArg(in)};
  Vector out = c.Run("sort");
  CHECK(out[0].v == 1);
  CHECK(out[1].v == 3);
  CHECK(std::isnan(out[2].v));
  out = c.Run("sort_desc");
  CHECK(out[0].v == 3);
  CHECK(std::isnan(out[2].v));
  c.args = {VectorArg(in), StringArg("i")};
  out = c.Run("sort_by_label");
  CHECK(out[0].labels.Get("i") == "a1");
  CHECK(out[1].labels.Get("i") == "a2");
  CHECK(out[2].labels.Get("i") == "a10");
  out = c.Run("sort_by_label_desc");
  CHECK(out[0].labels.Get("i") == "a10");
}

TEST_CASE("math functions") {
  const Vector in = {{Labels{{"__name__", "m"}}, 0, -2.5, false}};
  VectorCall c;
  c.args = {VectorArg(in)};
  CHECK(c.Run("abs")[0].v == 2.5);
  CHECK(c.Run("abs")[0].drop_name);
  CHECK(c.Run("round")[0].v == -2);  // ties round up
  CHECK(c.Run("sgn")[0].v == -1);
  CHECK(c.Run("ceil")[0].v == -2);
  CHECK(c.Run("floor")[0].v == -3);
  c.args = {VectorArg(in), ScalarArg(2)};
  CHECK(c.Run("round")[0].v == -2);
  CHECK(c.Run("clamp_min")[0].v == 2);
  c.args = {VectorArg(in), ScalarArg(0), ScalarArg(-1)};
  CHECK(c.Run("clamp").empty());
  c.args = {VectorArg(in)};
  CHECK(c.Run("scalar")[0].v == -2.5);
  c.t = 5000;
  c.args = {};
  CHECK(c.Run("time")[0].v == 5);
  CHECK(c.Run("pi")[0].v == Approx(3.14159265));
}

TEST_CASE("calendar functions") {
  // 2024-02-29T13:45:00Z, a Thursday.
  const Vector in = {{Labels{}, 0, 1709214300, false}};
  VectorCall c;
  c.args = {VectorArg(in)};
  CHECK(c.Run("year")[0].v == 2024);
  CHECK(c.Run("month")[0].v == 2);
  CHECK(c.Run("day_of_month")[0].v == 29);
  CHECK(c.Run("day_of_week")[0].v == 4);
  CHECK(c.Run("day_of_year")[0].v == 60);
  CHECK(c.Run("days_in_month")[0].v == 29);
  CHECK(c.Run("hour")[0].v == 13);
  CHECK(c.Run("minute")[0].v == 45);
  c.args = {};
  c.t = 0;
  CHECK(c.Run("year")[0].v == 1970);
  CHECK(c.Run("day_of_week")[0].v == 4);
}

TEST_CASE("absent without a selector gives empty labels") {
  const Vector empty;
  VectorCall c;
  c.args = {VectorArg(empty)};
  Vector out = c.Run("absent");
  REQUIRE(out.size() == 1);
  CHECK(out[0].labels.empty());
  CHECK(out[0].v == 1);
}

}  // namespace
}  // namespace ember::promql::internal

namespace ember::promql::internal {
namespace {

TEST_CASE("max_of and min_of") {
  VectorCall c;
  c.args = {ScalarArg(1), ScalarArg(2)};
  CHECK(c.Run("max_of")[0].v == 2);
  CHECK(c.Run("min_of")[0].v == 1);
  c.args = {ScalarArg(1), ScalarArg(std::numeric_limits<double>::quiet_NaN())};
  CHECK(std::isnan(c.Run("max_of")[0].v));
}

}  // namespace
}  // namespace ember::promql::internal

namespace ember::promql::internal {
namespace {

TEST_CASE("logarithms follow Go's formulas") {
  const Vector in = {
      {Labels{}, 0, 1000, false}, {Labels{}, 0, 8, false}, {Labels{}, 0, 0, false}, {Labels{}, 0, -1, false}};
  VectorCall c;
  c.args = {VectorArg(in)};
  Vector out = c.Run("log10");
  CHECK(out[0].v == Approx(3));
  CHECK(out[1].v == Approx(std::log10(8)));
  CHECK(out[2].v == -std::numeric_limits<double>::infinity());
  CHECK(std::isnan(out[3].v));
  out = c.Run("log2");
  CHECK(out[1].v == 3);
}

}  // namespace
}  // namespace ember::promql::internal
