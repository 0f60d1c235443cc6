#include "result_check.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "ember/tsdb/sample.h"

namespace ember::promqltest {
namespace {

EvalCommand Eval(const std::string& text) {
  auto script = ParseScript(text);
  REQUIRE(script.ok());
  return std::get<EvalCommand>(script->commands.at(0));
}

TEST_CASE("float comparison") {
  CHECK(AlmostEqual(1, 1 + 1e-9));
  CHECK_FALSE(AlmostEqual(1, 1.001));
  CHECK(AlmostEqual(NAN, -NAN));
  CHECK_FALSE(AlmostEqual(NAN, tsdb::StaleNaN()));
  CHECK(AlmostEqual(tsdb::StaleNaN(), tsdb::StaleNaN()));
  CHECK_FALSE(AlmostEqual(0, 1e-300));
  CHECK(AlmostEqual(INFINITY, INFINITY));
  CHECK_FALSE(AlmostEqual(INFINITY, -INFINITY));
}

TEST_CASE("instant vectors match by exact label set, in any order") {
  auto cmd = Eval("eval instant at 0 a\n  a{x=\"1\"} 1\n  {x=\"2\"} 2\n");
  promql::Vector v = {{Labels{{"x", "2"}}, 0, 2, false},
                      {Labels{{"__name__", "a"}, {"x", "1"}}, 0, 1, false}};
  CHECK_FALSE(CheckResult(cmd, v).has_value());
  v[0].v = 3;
  CHECK(CheckResult(cmd, v).has_value());
  v[0].v = 2;
  v.pop_back();
  CHECK(CheckResult(cmd, v).value().find("not found") != std::string::npos);
  v.push_back({Labels{{"x", "1"}}, 0, 1, false});
  CHECK(CheckResult(cmd, v).value().find("unexpected metric") != std::string::npos);
  CHECK(CheckResult(cmd, promql::Scalar{0, 1}).has_value());
}

TEST_CASE("ordered results") {
  auto cmd = Eval("eval instant at 0 sort(a)\n  expect ordered\n  {x=\"1\"} 1\n  {x=\"2\"} 2\n");
  promql::Vector v = {{Labels{{"x", "1"}}, 0, 1, false}, {Labels{{"x", "2"}}, 0, 2, false}};
  CHECK_FALSE(CheckResult(cmd, v).has_value());
  std::swap(v[0], v[1]);
  CHECK(CheckResult(cmd, v).has_value());
}

TEST_CASE("scalars, strings and empty results") {
  CHECK_FALSE(CheckResult(Eval("eval instant at 0 1\n  1\n"), promql::Scalar{0, 1}).has_value());
  CHECK(CheckResult(Eval("eval instant at 0 1\n  2\n"), promql::Scalar{0, 1}).has_value());
  CHECK(CheckResult(Eval("eval instant at 0 1\n  1\n"), promql::Vector{}).has_value());
  CHECK_FALSE(CheckResult(Eval("eval instant at 0 a\n"), promql::Vector{}).has_value());
  CHECK_FALSE(CheckResult(Eval("eval instant at 0 \"a\"\n  expect string \"a\"\n"), promql::String{0, "a"})
                  .has_value());
  CHECK(CheckResult(Eval("eval instant at 0 \"a\"\n  expect string \"b\"\n"), promql::String{0, "a"})
            .has_value());
}

TEST_CASE("range results: steps, omitted points, sorting") {
  auto cmd = Eval("eval range from 0 to 2m step 1m a\n  a 1 _ 3\n  b 1\n");
  promql::Matrix m = {{Labels{{"__name__", "a"}}, {{0, 1}, {120000, 3}}, false},
                      {Labels{{"__name__", "b"}}, {{0, 1}}, false}};
  CHECK_FALSE(CheckResult(cmd, m).has_value());
  m[0].samples[1].t = 60000;
  CHECK(CheckResult(cmd, m).has_value());
  m[0].samples[1].t = 120000;
  std::swap(m[0], m[1]);
  CHECK(CheckResult(cmd, m).value().find("sorted") != std::string::npos);
  auto too_many = Eval("eval range from 0 to 1m step 1m a\n  a 1 2 3\n");
  CHECK(CheckResult(too_many, promql::Matrix{{Labels{{"__name__", "a"}}, {{0, 1}, {60000, 2}}, false}})
            .has_value());
}

TEST_CASE("failures and annotations") {
  auto any = Eval("eval instant at 0 a\n  expect fail\n");
  CHECK_FALSE(CheckFailure(any, "whatever").has_value());
  auto msg = Eval("eval instant at 0 a\n  expect fail msg: exact text\n");
  CHECK_FALSE(CheckFailure(msg, "exact text").has_value());
  CHECK(CheckFailure(msg, "exact text!").has_value());
  auto re = Eval("eval instant at 0 a\n  expect fail regex: ex.ct\n");
  CHECK_FALSE(CheckFailure(re, "the exact text").has_value());
  CHECK(CheckFailure(Eval("eval instant at 0 a\n"), "boom").has_value());

  auto warn = Eval(
      "eval instant at 0 a\n  expect warn msg: PromQL warning: w1 (1:1)\n  expect warn regex: w2 "
      "\\([0-9]+:[0-9]+\\)\n  expect no_info\n");
  CHECK_FALSE(CheckAnnotations(warn, {"PromQL warning: w1 (1:1)", "PromQL warning: w2 (1:7)"}).has_value());
  CHECK(CheckAnnotations(warn, {"PromQL warning: w1 (1:1)"}).has_value());
  CHECK(CheckAnnotations(warn,
                         {"PromQL warning: w1 (1:1)", "PromQL warning: w2 (1:7)", "PromQL warning: w3 (1:1)"})
            .has_value());
  CHECK(
      CheckAnnotations(warn, {"PromQL warning: w1 (1:1)", "PromQL warning: w2 (1:7)", "PromQL info: i (1:1)"})
          .has_value());
  auto unchecked = Eval("eval instant at 0 a\n");
  CHECK_FALSE(CheckAnnotations(unchecked, {"PromQL warning: w (1:1)", "PromQL info: i (1:1)"}).has_value());
}

}  // namespace
}  // namespace ember::promqltest
