#include "ember/promql/parser.h"

#include <catch2/catch.hpp>

#include <string>

#include "ember/promql/ast.h"

namespace ember::promql {
namespace {

std::string RoundTrip(std::string_view query, bool experimental = false) {
  ParseOptions options;
  options.enable_experimental_functions = experimental;
  Result<ExprPtr> e = ParseExpr(query, options);
  if (!e.ok()) return "ERROR: " + e.status().message();
  return ToString(**e);
}

std::string ErrorOf(std::string_view query) {
  Result<ExprPtr> e = ParseExpr(query);
  if (e.ok()) return "no error; parsed as " + ToString(**e);
  CHECK(e.status().code() == StatusCode::kInvalidArgument);
  return e.status().message();
}

TEST_CASE("Expressions print as Prometheus's String() does", "[parser]") {
  struct Case {
    const char* in;
    const char* out;  // null: same as in
  };
  const Case cases[] = {
      {"1", nullptr},
      {"-1", nullptr},
      {"+1", "1"},
      {"1.5e3", "1500"},
      {"0x1F", "31"},
      {"010", "8"},
      {".5", "0.5"},
      {"Inf", "+Inf"},
      {"-inf", "-Inf"},
      {"NaN", "NaN"},
      {"1048576", nullptr},
      {"5m", nullptr},
      {"time() - 1h30m", nullptr},
      {"-1m", nullptr},
      {"\"foo\"", nullptr},
      {"'a\"b'", "\"a\\\"b\""},
      {"`raw\\n`", "\"raw\\\\n\""},
      {"foo", nullptr},
      {"foo:bar:baz", nullptr},
      {"foo{a=\"b\"}", nullptr},
      {"foo{c=\"d\", a=\"b\"}", "foo{a=\"b\",c=\"d\"}"},
      {"foo{a!=\"b\",c=~\"d\",e!~\"f\"}", nullptr},
      {"{__name__=\"a\"}", nullptr},
      {"{\"a.b\"=\"c\"}", nullptr},
      {"{\"_0\"=\"1\"}", "{_0=\"1\"}"},
      {"{__name__=\"\",a=\"x\"}", nullptr},
      {"{\"my.metric\", a=\"b\"}", "{\"my.metric\",a=\"b\"}"},
      {"{\"foo\"}", "foo"},
      {"{\":a\"}", "{\":a\"}"},
      {"{\"on\"}", "{\"on\"}"},
      {"{\"nan\"}", "{\"nan\"}"},
      {"foo{a=\"b\",}", "foo{a=\"b\"}"},
      {"sum by() (task:errors:rate10s{job=\"s\"})", "sum(task:errors:rate10s{job=\"s\"})"},
      {"sum by(code) (task:errors:rate10s{job=\"s\"})", "sum by (code) (task:errors:rate10s{job=\"s\"})"},
      {"sum without() (x)", "sum without () (x)"},
      {"sum without(instance) (x)", "sum without (instance) (x)"},
      {"sum(x) by (a, b)", "sum by (a, b) (x)"},
      {"SUM BY (a) (x)", "sum by (a) (x)"},
      {"sum by(\"foo.bar\") (x)", "sum by (\"foo.bar\") (x)"},
      {"count by(\"ööö\", job) (foo)", "count by (\"ööö\", job) (foo)"},
      {"topk(5, x)", nullptr},
      {"count_values(\"value\", x)", nullptr},
      {"quantile(0.9, x)", nullptr},
      {"a - on() c", "a - on () c"},
      {"a - on(b) c", "a - on (b) c"},
      {"a - on(b) group_left(x, y) c", "a - on (b) group_left (x, y) c"},
      {"a - on(b) group_left c", "a - on (b) group_left () c"},
      {"a - on(b) group_left() (c)", "a - on (b) group_left () (c)"},
      {"a - ignoring(b) c", "a - ignoring (b) c"},
      {"a - ignoring() c", "a - c"},
      {"a - ignoring() group_left c", "a - ignoring () group_left () c"},
      {"a * on(b) group_right(c) d", "a * on (b) group_right (c) d"},
      {"up > bool 0", nullptr},
      {"a offset 1m", nullptr},
      {"a offset -7m", nullptr},
      {"a offset 90s", "a offset 1m30s"},
      {"a offset 60", "a offset 1m"},
      {"a{c=\"d\"}[5m] offset 1m", nullptr},
      {"a[12m] offset -3m", nullptr},
      {"a[1h:5m] offset 1m", nullptr},
      {"a[1h:]", nullptr},
      {"a[60:30]", "a[1m:30s]"},
      {"a @ 10", "a @ 10.000"},
      {"a[1m] @ 10", "a[1m] @ 10.000"},
      {"a @ start()", nullptr},
      {"a @ end()", nullptr},
      {"a[1m] @ end()", nullptr},
      {"a offset 1m @ 100", "a @ 100.000 offset 1m"},
      {"a @ -1.5", "a @ -1.500"},
      {"a[5m] @ 100 offset 1m", "a[5m] @ 100.000 offset 1m"},
      {"rate(a[5m])[10m:1m] @ end() offset 1m", nullptr},
      {"a[1d]", nullptr},
      {"a[7d]", "a[1w]"},
      {"a[365d]", "a[1y]"},
      {"a[1h30m]", nullptr},
      {"a[250ms]", nullptr},
      {"predict_linear(foo[1h], 3000)", nullptr},
      {"label_join(up, \"a\", \",\", \"b\", \"c\")", nullptr},
      {"round(x)", nullptr},
      {"round(x, 5)", nullptr},
      {"time()", nullptr},
      {"sum by (job) (rate(foo{a=\"b\"}[5m] offset 1m))", nullptr},
      {"(a + b) * c", nullptr},
      {"-(a)", nullptr},
      {"-a", nullptr},
      {"- - 1", "1"},
      {"1 + 2 * 3", nullptr},
      {"a atan2 b", nullptr},
      {"a AND b", "a and b"},
      {"a # comment\n + b", "a + b"},
      {"sum(rate(x[5m])) by (job) / on(job) group_left sum(y) by (job)",
       "sum by (job) (rate(x[5m])) / on (job) group_left () sum by (job) (y)"},
  };
  for (const Case& c : cases) {
    INFO(c.in);
    CHECK(RoundTrip(c.in) == (c.out ? c.out : c.in));
  }
}

// The structure printed with explicit parentheses, to check binding.
std::string Shape(const Expr& e) {
  switch (e.kind) {
    case NodeKind::kBinary: {
      const auto& b = static_cast<const Binary&>(e);
      std::string out = "(";
      out += Shape(*b.lhs) + " " + std::string(BinaryOpString(b.op)) + " " + Shape(*b.rhs) + ")";
      return out;
    }
    case NodeKind::kUnary: {
      const auto& u = static_cast<const Unary&>(e);
      std::string out = u.op == UnaryOp::kSub ? "-(" : "+(";
      out += Shape(*u.expr) + ")";
      return out;
    }
    case NodeKind::kParen:
      return Shape(*static_cast<const Paren&>(e).expr);
    default:
      return ToString(e);
  }
}

std::string ShapeOf(std::string_view q) {
  Result<ExprPtr> e = ParseExpr(q);
  if (!e.ok()) return "ERROR: " + e.status().message();
  return Shape(**e);
}

TEST_CASE("Operators bind with Prometheus's precedence", "[parser]") {
  CHECK(ShapeOf("1 + 2 * 3") == "(1 + (2 * 3))");
  CHECK(ShapeOf("1 * 2 + 3") == "((1 * 2) + 3)");
  CHECK(ShapeOf("1 - 2 - 3") == "((1 - 2) - 3)");
  CHECK(ShapeOf("2 ^ 3 ^ 2") == "(2 ^ (3 ^ 2))");
  CHECK(ShapeOf("-2 ^ 2") == "-((2 ^ 2))");
  CHECK(ShapeOf("-a * b") == "(-(a) * b)");
  CHECK(ShapeOf("a + -b") == "(a + -(b))");
  CHECK(ShapeOf("a or b and c") == "(a or (b and c))");
  CHECK(ShapeOf("a and b unless c") == "((a and b) unless c)");
  CHECK(ShapeOf("a > b + c") == "(a > (b + c))");
  CHECK(ShapeOf("a == b or c != d") == "((a == b) or (c != d))");
  CHECK(ShapeOf("a atan2 b + c") == "((a atan2 b) + c)");
  CHECK(ShapeOf("a % b * c") == "((a % b) * c)");
  CHECK(ShapeOf("a / b ^ c") == "(a / (b ^ c))");
  CHECK(ShapeOf("a + b offset 5m") == "(a + b offset 5m)");
}

TEST_CASE("The tree carries values, modifiers and positions", "[parser]") {
  Result<ExprPtr> r = ParseExpr("foo{a=\"b\"}[5m] offset -1m @ 100");
  REQUIRE(r.ok());
  const auto& ms = static_cast<const MatrixSelector&>(**r);
  REQUIRE(ms.kind == NodeKind::kMatrixSelector);
  CHECK(ms.range_ms == 300000);
  const auto& vs = static_cast<const VectorSelector&>(*ms.selector);
  CHECK(vs.name == "foo");
  REQUIRE(vs.matchers.size() == 2);
  CHECK(vs.matchers[0].name() == "__name__");
  CHECK(vs.matchers[1].name() == "a");
  CHECK(vs.modifiers.offset_ms == -60000);
  CHECK(vs.modifiers.at_ms == 100000);
  CHECK(ms.pos.start == 0);
  CHECK(ms.pos.end == 31);

  Result<ExprPtr> agg = ParseExpr("topk(3, foo) by (a)");
  REQUIRE(agg.ok());
  const auto& a = static_cast<const Aggregate&>(**agg);
  CHECK(a.op == AggregateOp::kTopk);
  CHECK(a.has_grouping);
  CHECK_FALSE(a.without);
  CHECK(a.param->kind == NodeKind::kNumberLiteral);
  CHECK(a.pos.end == 19);

  Result<ExprPtr> bin = ParseExpr("a and b");
  REQUIRE(bin.ok());
  const auto& b = static_cast<const Binary&>(**bin);
  REQUIRE(b.matching);
  CHECK(b.matching->card == Cardinality::kManyToMany);

  Result<ExprPtr> scalar_bin = ParseExpr("a + 1");
  REQUIRE(scalar_bin.ok());
  CHECK_FALSE(static_cast<const Binary&>(**scalar_bin).matching);
  CHECK((*scalar_bin)->type() == ValueType::kVector);

  Result<ExprPtr> sq = ParseExpr("rate(x[1m])[5m:]");
  REQUIRE(sq.ok());
  const auto& s = static_cast<const Subquery&>(**sq);
  CHECK(s.step_ms == 0);
  CHECK(s.range_ms == 300000);
  CHECK(s.type() == ValueType::kMatrix);

  Result<ExprPtr> start = ParseExpr("foo @ start()");
  REQUIRE(start.ok());
  CHECK(static_cast<const VectorSelector&>(**start).modifiers.at_anchor == AtAnchor::kStart);
}

TEST_CASE("Errors carry Prometheus's messages and positions", "[parser]") {
  struct Case {
    const char* in;
    const char* error;
  };
  const Case cases[] = {
      {"", "1:1: parse error: no expression found in input"},
      {"# just a comment\n\n", "1:1: parse error: no expression found in input"},
      {"1+", "1:3: parse error: unexpected end of input"},
      {".", "1:1: parse error: unexpected character: '.'"},
      {"2.5.", "1:1: parse error: bad number or duration syntax: \"2.5.\""},
      {"1 /", "1:4: parse error: unexpected end of input"},
      {"*1", "1:1: parse error: unexpected <op:*>"},
      {"(1))", "1:5: parse error: unexpected right parenthesis ')'"},
      {"((1)", "1:5: parse error: unclosed left parenthesis"},
      {"(", "1:2: parse error: unclosed left parenthesis"},
      {"1 and 1", "1:1: parse error: set operator \"and\" not allowed in binary scalar expression"},
      {"1 == 1", "1:3: parse error: comparisons between scalars must use BOOL modifier"},
      {"-\"string\"",
       "1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got "
       "\"string\""},
      {"-test[5m]",
       "1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got "
       "\"range vector\""},
      {"@@", "1:1: parse error: unexpected <op:@>"},
      {"1 offset 1d",
       "1:1: parse error: offset modifier must be preceded by an instant vector selector or range vector "
       "selector "
       "or a subquery"},
      {"foo offset 1s offset 2s", "1:1: parse error: offset may not be set multiple times"},
      {"a - on(b) ignoring(c) d", "1:11: parse error: unexpected <ignoring>"},
      {"1 or on(bar) foo", "1:1: parse error: vector matching only allowed between instant vectors"},
      {"foo + group_left(baz) bar", "1:7: parse error: unexpected <group_left>"},
      {"foo and on(bar) group_left(baz) bar", "1:1: parse error: no grouping allowed for \"and\" operation"},
      {"foo + bool bar", "1:5: parse error: bool modifier can only be used on comparison operators"},
      {"foo @ +Inf", "1:1: parse error: timestamp out of bounds for @ modifier: +Inf"},
      {"foo @ NaN", "1:1: parse error: timestamp out of bounds for @ modifier: NaN"},
      {"{", "1:2: parse error: unexpected end of input inside braces"},
      {"}", "1:1: parse error: unexpected character: '}'"},
      {"some_metric{a=b}",
       "1:15: parse error: unexpected identifier \"b\" in label matching, expected string"},
      {"foo{a*\"b\"}", "1:6: parse error: unexpected character inside braces: '*'"},
      {"foo{gibberish}",
       "1:14: parse error: unexpected \"}\" in label matching, expected label matching operator"},
      {"{}", "1:1: parse error: vector selector must contain at least one non-empty matcher"},
      {"{x=~\".*\"}", "1:1: parse error: vector selector must contain at least one non-empty matcher"},
      {"foo{__name__=\"bar\"}", "1:1: parse error: metric name must not be set twice: \"foo\" or \"bar\""},
      {"foo{,}", "1:5: parse error: unexpected \",\" in label matching, expected identifier or \"}\""},
      {"foo{__name__=\"bar\" lol}",
       "1:20: parse error: unexpected identifier \"lol\" in label matching, expected \",\" or \"}\""},
      {"foo[5mm]", "1:5: parse error: bad number or duration syntax: \"5mm\""},
      {"foo[5m1h]", "1:5: parse error: not a valid duration string: \"5m1h\""},
      {"foo[0m]", "1:5: parse error: duration must be greater than 0"},
      {"foo[-1]", "1:5: parse error: duration must be greater than 0"},
      {"foo[]",
       "1:5: parse error: unexpected \"]\" in subquery or range selector, expected number, duration, step(), "
       "or "
       "range()"},
      {"foo[\"5m\"]", "1:5: parse error: unexpected character in duration expression: '\"'"},
      {"some_metric[5m] OFFSET",
       "1:23: parse error: unexpected end of input in offset, expected number, duration, step(), or range()"},
      {"some_metric OFFSET 1m[5m]", "1:22: parse error: no offset modifiers allowed before range"},
      {"some_metric[5m] @", "1:18: parse error: unexpected end of input in @, expected timestamp"},
      {"some_metric @ 1234 [5m]", "1:20: parse error: no @ modifiers allowed before range"},
      {"(foo + bar)[5m]", "1:12: parse error: ranges only allowed for vector selectors"},
      {"sum without(==)(some_metric)",
       "1:13: parse error: unexpected <op:==> in grouping opts, expected label"},
      {"sum without(,)(some_metric)", "1:13: parse error: unexpected \",\" in grouping opts, expected label"},
      {"sum some_metric by (test)", "1:5: parse error: unexpected identifier \"some_metric\""},
      {"sum (some_metric) by test",
       "1:22: parse error: unexpected identifier \"test\" in grouping opts, expected \"(\""},
      {"sum () by (test)", "1:1: parse error: no arguments for aggregate expression provided"},
      {"sum (some_metric) without (test) by (test)", "1:34: parse error: unexpected <by>"},
      {"topk(some_metric)",
       "1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, got 1"},
      {"topk(some_metric,)", "1:17: parse error: trailing commas not allowed in function call args"},
      {"topk(some_metric, other_metric)",
       "1:6: parse error: expected type scalar in aggregation parameter, got instant vector"},
      {"count_values(5, other_metric)",
       "1:14: parse error: expected type string in aggregation parameter, got scalar"},
      {"rate(some_metric[5m]) @ 1234",
       "1:1: parse error: @ modifier must be preceded by an instant vector selector or range vector selector "
       "or a "
       "subquery"},
      {"floor()", "1:1: parse error: expected 1 argument(s) in call to \"floor\", got 0"},
      {"floor(1)",
       "1:7: parse error: expected type instant vector in call to function \"floor\", got scalar"},
      {"hour(a, a, a)", "1:1: parse error: expected at most 1 argument(s) in call to \"hour\", got 3"},
      {"label_join(a)", "1:1: parse error: expected at least 3 argument(s) in call to \"label_join\", got 1"},
      {"non_existent()", "1:1: parse error: unknown function with name \"non_existent\""},
      {"rate(some_metric)",
       "1:6: parse error: expected type range vector in call to function \"rate\", got instant vector"},
      {"-=", "1:2: parse error: unexpected \"=\""},
      {"++-++-+-+-<", "1:11: parse error: unexpected <op:<>"},
      {"a>b()", "1:3: parse error: unknown function with name \"b\""},
      {"`\\``", "1:4: parse error: unterminated raw string"},
      {"\"\\", "1:1: parse error: escape sequence not terminated"},
      {"\"\\c\"", "1:1: parse error: unknown escape sequence U+0063 'c'"},
      {"\"\\x.\"", "1:1: parse error: illegal character U+002E '.' in escape sequence"},
      {"foo{bar=\"baz\"}[", "1:16: parse error: unexpected end of input in duration expression"},
      {"test[5d] OFFSET 10s [10m:5s]",
       "1:1: parse error: subquery is only allowed on instant vector, got matrix instead"},
      {"rate(food[1m])[1h] offset 1h", "1:15: parse error: ranges only allowed for vector selectors"},
      {"sum(", "1:5: parse error: unclosed left parenthesis"},
      {"foo[9.5e10]", "1:5: parse error: duration out of range"},
      {"foo{a=~\"(\"}", "1:5: parse error: error parsing regexp: missing closing ): `(`"},
      {"limitk(1, foo)",
       "1:1: parse error: limitk() is experimental and must be enabled with "
       "--enable-feature=promql-experimental-functions"},
      {"sort_by_label(foo, \"a\")", "1:1: parse error: function \"sort_by_label\" is not enabled"},
      {"foo bar", "1:5: parse error: unexpected identifier \"bar\""},
      {"foo\n  + *", "2:5: parse error: unexpected <op:*>"},
      {"1 + \"a\"", "1:5: parse error: binary expression must contain only scalar and instant vector types"},
      {"foo and 1", "1:1: parse error: set operator \"and\" not allowed in binary scalar expression"},
      {"h >/ 2", "1:3: parse error: histogram trim operators \"</\" and \">/\" are not supported"},
      {"foo[5m+1m]", "1:7: parse error: experimental duration expression is not enabled"},
      {"foo offset step()", "1:12: parse error: experimental duration expression is not enabled"},
      {"foo[(5m)]", "1:5: parse error: experimental duration expression is not enabled"},
      {"foo[5m] anchored", "1:9: parse error: anchored modifier is experimental and not enabled"},
      {"a + fill(0) b", "1:5: parse error: binop fill modifiers are experimental and not enabled"},
      {"a + on(x) group_left fill_left(1) b",
       "1:22: parse error: binop fill modifiers are experimental and not enabled"},
  };
  for (const Case& c : cases) {
    INFO(c.in);
    CHECK(ErrorOf(c.in) == c.error);
  }
}

TEST_CASE("Experimental functions need the option", "[parser]") {
  CHECK(RoundTrip("limitk(2, foo)", true) == "limitk(2, foo)");
  CHECK(RoundTrip("limit_ratio(0.5, foo)", true) == "limit_ratio(0.5, foo)");
  CHECK(RoundTrip("sort_by_label(foo, \"a\", \"b\")", true) == "sort_by_label(foo, \"a\", \"b\")");
  CHECK(RoundTrip("double_exponential_smoothing(foo[5m], 0.5, 0.5)", true) ==
        "double_exponential_smoothing(foo[5m], 0.5, 0.5)");
  CHECK(RoundTrip("mad_over_time(foo[5m])", true) == "mad_over_time(foo[5m])");
  CHECK(RoundTrip("info(foo, {a=\"b\"})", true) == "info(foo, {a=\"b\"})");
  CHECK(RoundTrip("info(foo, {a=~\".*\"})", true) == "info(foo, {a=~\".*\"})");
  CHECK(RoundTrip("info(foo, bar)", true) ==
        "ERROR: 1:11: parse error: expected label selectors only, got vector selector instead");
}

TEST_CASE("The function table follows Prometheus", "[parser]") {
  const FunctionSignature* rate = LookupFunction("rate");
  REQUIRE(rate);
  CHECK(rate->arg_types == std::vector<ValueType>{ValueType::kMatrix});
  CHECK(rate->return_type == ValueType::kVector);
  CHECK_FALSE(rate->experimental);
  const FunctionSignature* label_join = LookupFunction("label_join");
  REQUIRE(label_join);
  CHECK(label_join->variadic == -1);
  CHECK(LookupFunction("scalar")->return_type == ValueType::kScalar);
  CHECK(LookupFunction("histogram_quantile")->arg_types ==
        std::vector<ValueType>{ValueType::kScalar, ValueType::kVector});
  CHECK(LookupFunction("round")->variadic == 1);
  CHECK(LookupFunction("mad_over_time")->experimental);
  CHECK(LookupFunction("ts_of_max_over_time")->experimental);
  CHECK(LookupFunction("sort_by_label_desc")->experimental);
  CHECK(LookupFunction("no_such_function") == nullptr);
}

TEST_CASE("Printing and parsing again gives the same text", "[parser]") {
  const char* queries[] = {
      "sum by (job) (rate(foo{a=\"b\"}[5m] offset 1m))",
      "histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))",
      "-(a + b) ^ 2 > bool on (x) group_left (y) c",
      "max_over_time(deriv(rate(distance_covered_total[5s])[30s:5s])[10m:])",
      "foo @ 1603775019.000 offset 5m and bar unless baz or qux",
      "label_replace(up, \"dst\", \"$1\", \"src\", \"(.*)\")",
      "{\"my.metric\",\"a.b\"=\"c\"}",
      "count_values without (a) (\"v\", foo)",
      "1 - -1",
      "a - -b",
      "time() - 1e+100",
  };
  for (const char* q : queries) {
    INFO(q);
    std::string once = RoundTrip(q);
    REQUIRE(once.rfind("ERROR", 0) != 0);
    CHECK(RoundTrip(once) == once);
    Result<ExprPtr> e = ParseExpr(q);
    REQUIRE(e.ok());
    CHECK(ToString(*Clone(**e)) == once);
  }
}

TEST_CASE("ParseMetricSelector returns the matchers", "[parser]") {
  Result<std::vector<tsdb::Matcher>> m = ParseMetricSelector("foo{a=~\"x.*\", b!=\"c\"}");
  REQUIRE(m.ok());
  REQUIRE(m->size() == 3);
  CHECK((*m)[0].ToString() == "__name__=\"foo\"");
  CHECK((*m)[1].type() == tsdb::MatchType::kRegexMatch);
  Result<std::vector<tsdb::Matcher>> q = ParseMetricSelector("{\"foo.bar\", a=\"b\"}");
  REQUIRE(q.ok());
  CHECK((*q)[0].value() == "foo.bar");
  CHECK_FALSE(ParseMetricSelector("foo + bar").ok());
  CHECK_FALSE(ParseMetricSelector("rate(foo[5m])").ok());
  CHECK(ParseMetricSelector("foo[5m]").status().message() == "1:4: parse error: unexpected \"[\"");
}

TEST_CASE("Durations parse and print as Prometheus's", "[parser]") {
  CHECK(*ParseDuration("1h30m") == 5400000);
  CHECK(*ParseDuration("250ms") == 250);
  CHECK(*ParseDuration("1y2w3d4h5m6s7ms") ==
        365LL * 86400000 + 14LL * 86400000 + 3LL * 86400000 + 4 * 3600000 + 5 * 60000 + 6000 + 7);
  CHECK(*ParseDuration("0") == 0);
  CHECK(ParseDuration("5m1h").status().message() == "not a valid duration string: \"5m1h\"");
  CHECK_FALSE(ParseDuration("").ok());
  CHECK_FALSE(ParseDuration("1.5h").ok());
  CHECK_FALSE(ParseDuration("-1h").ok());
  CHECK(FormatDuration(0) == "0s");
  CHECK(FormatDuration(5400000) == "1h30m");
  CHECK(FormatDuration(250) == "250ms");
  CHECK(FormatDuration(86400000) == "1d");
  CHECK(FormatDuration(7 * 86400000LL) == "1w");
  CHECK(FormatDuration(61001) == "1m1s1ms");
}

}  // namespace
}  // namespace ember::promql
