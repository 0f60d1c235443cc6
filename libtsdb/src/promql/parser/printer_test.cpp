#include <catch2/catch.hpp>

#include <string>

#include "ember/promql/ast.h"
#include "ember/promql/parser.h"
#include "promql/parser/printer.h"

namespace ember::promql {
namespace {

std::string PrettyAt(std::string_view query, size_t width) {
  Result<ExprPtr> e = ParseExpr(query);
  if (!e.ok()) return "ERROR: " + e.status().message();
  return internal::PrettifyWithWidth(**e, width);
}

// With a line length of 10 columns every node of these queries is split, so
// the layout rules of each node kind show.
TEST_CASE("Prettify lays out nodes as Prometheus's Pretty", "[printer]") {
  struct Case {
    const char* in;
    const char* out;
  };
  const Case cases[] = {
      {R"pq(sum by() (task:errors:rate10s{job="s"}))pq",
       R"pq(sum(
  task:errors:rate10s{job="s"}
))pq"},
      {R"pq(sum(task:errors:rate10s{job="s"}) without(job,foo))pq",
       R"pq(sum without (job, foo) (
  task:errors:rate10s{job="s"}
))pq"},
      {R"pq(topk(10, ask:errors:rate10s{job="s"}))pq",
       R"pq(topk(
  10,
  ask:errors:rate10s{job="s"}
))pq"},
      {R"pq(sum by(job,foo) (sum by(job,foo) (sum by(job,foo) (task:errors:rate10s{job="s"}))))pq",
       R"pq(sum by (job, foo) (
  sum by (job, foo) (
    sum by (job, foo) (
      task:errors:rate10s{job="s"}
    )
  )
))pq"},
      {R"pq(a == bool 1)pq",
       R"pq(  a
== bool
  1)pq"},
      {R"pq(foo_1 + ignoring(foo) foo_2 + ignoring(job) group_left foo_3 + on(instance) group_right foo_4)pq",
       R"pq(      foo_1
    + ignoring (foo)
      foo_2
  + ignoring (job) group_left ()
    foo_3
+ on (instance) group_right ()
  foo_4)pq"},
      {R"pq(rate(long_vector_selector[10m:1m] @ start() offset 1m))pq",
       R"pq(rate(
  long_vector_selector[10m:1m] @ start() offset 1m
))pq"},
      {R"pq(max_over_time(rate(demo_api_request_duration_seconds_count[1m])[1m:] @ start() offset 1m))pq",
       R"pq(max_over_time(
  rate(
    demo_api_request_duration_seconds_count[1m]
  )[1m:] @ start() offset 1m
))pq"},
      {R"pq(label_replace(up{job="api-server",service="a:c"}, "foo", "$1", "service", "(.*):.*"))pq",
       R"pq(label_replace(
  up{job="api-server",service="a:c"},
  "foo",
  "$1",
  "service",
  "(.*):.*"
))pq"},
      {R"pq(((foo_long)))pq",
       R"pq((
  (foo_long)
))pq"},
      {R"pq((foo_long + bar_long))pq",
       R"pq((
    foo_long
  +
    bar_long
))pq"},
      {R"pq(-1)pq", R"pq(-1)pq"},
      {R"pq(-vector_selector)pq", R"pq(-vector_selector)pq"},
      {R"pq(-histogram_quantile(0.9,rate(foo[1m])))pq",
       R"pq(-histogram_quantile(
  0.9,
  rate(
    foo[1m]
  )
))pq"},
      {R"pq(-histogram_quantile(0.9, -rate(foo[1m] @ start())))pq",
       R"pq(-histogram_quantile(
  0.9,
  -rate(
    foo[1m] @ start()
  )
))pq"},
  };
  for (const Case& c : cases) {
    INFO(c.in);
    CHECK(PrettyAt(c.in, 10) == c.out);
  }
}

TEST_CASE("Prettify keeps short queries on one line", "[printer]") {
  Result<ExprPtr> e = ParseExpr("sum by (job) (rate(http_requests_total[5m]))");
  REQUIRE(e.ok());
  CHECK(Prettify(**e) == "sum by (job) (rate(http_requests_total[5m]))");
}

TEST_CASE("Prettify splits lines longer than 100 columns", "[printer]") {
  Result<ExprPtr> e = ParseExpr(
      "sum by (job, instance) (rate(http_requests_total{code=~\"5..\",handler!=\"/metrics\"}[5m])) / sum by "
      "(job, instance) (rate(http_requests_total[5m]))");
  REQUIRE(e.ok());
  CHECK(Prettify(**e) ==
        "  sum by (job, instance) (rate(http_requests_total{code=~\"5..\",handler!=\"/metrics\"}[5m]))\n"
        "/\n"
        "  sum by (job, instance) (rate(http_requests_total[5m]))");
}

TEST_CASE("ToString prints numbers, strings and modifiers as Go does", "[printer]") {
  auto str = [](std::string_view q) {
    Result<ExprPtr> e = ParseExpr(q);
    return e.ok() ? ToString(**e) : "ERROR: " + e.status().message();
  };
  CHECK(str("0.1") == "0.1");
  CHECK(str("1e21") == "1000000000000000000000");
  CHECK(str("1e-7") == "0.0000001");
  CHECK(str("\"\\n\\t\\x00\"") == "\"\\n\\t\\x00\"");
  CHECK(str("'\\''") == "\"'\"");
  CHECK(str("\"ü\"") == "\"ü\"");
  CHECK(str("foo @ 1.5") == "foo @ 1.500");
  CHECK(str("foo @ 1.0004") == "foo @ 1.000");
  CHECK(str("foo offset 1w1d") == "foo offset 1w1d");
  CHECK(str("foo[1m] offset 0s") == "foo[1m]");
  CHECK(str("x[5m:1m] offset -1h") == "x[5m:1m] offset -1h");
}

}  // namespace
}  // namespace ember::promql
