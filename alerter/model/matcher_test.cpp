#include "model/matcher.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace ember::alerter {
namespace {

struct Want {
  MatchType type;
  std::string name;
  std::string value;
};

void CheckMatchers(const Result<Matchers>& got, const std::vector<Want>& want) {
  REQUIRE(got.ok());
  REQUIRE(got->size() == want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    CHECK((*got)[i].type() == want[i].type);
    CHECK((*got)[i].name() == want[i].name);
    CHECK((*got)[i].value() == want[i].value);
  }
}

constexpr MatchType kEq = MatchType::kEqual;
constexpr MatchType kNe = MatchType::kNotEqual;
constexpr MatchType kRe = MatchType::kRegexp;
constexpr MatchType kNre = MatchType::kNotRegexp;

// Cases from upstream's pkg/labels/parse_test.go.
TEST_CASE("classic parser accepts what upstream accepts", "[alerter][matcher]") {
  CheckMatchers(ParseClassicMatchers("{}"), {});
  CheckMatchers(ParseClassicMatchers("{foo='}"), {{kEq, "foo", "'"}});
  CheckMatchers(ParseClassicMatchers("{foo=bar}"), {{kEq, "foo", "bar"}});
  CheckMatchers(ParseClassicMatchers(R"({foo=~"bar.*"})"), {{kRe, "foo", "bar.*"}});
  CheckMatchers(ParseClassicMatchers("{foo!~bar.*}"), {{kNre, "foo", "bar.*"}});
  CheckMatchers(ParseClassicMatchers(R"({foo="bar", baz!="quux"})"),
                {{kEq, "foo", "bar"}, {kNe, "baz", "quux"}});
  CheckMatchers(ParseClassicMatchers(R"({foo="bar,quux", job="job1"})"),
                {{kEq, "foo", "bar,quux"}, {kEq, "job", "job1"}});
  CheckMatchers(ParseClassicMatchers(R"({foo = "bar", dings != "bums", })"),
                {{kEq, "foo", "bar"}, {kNe, "dings", "bums"}});
  CheckMatchers(ParseClassicMatchers("foo=bar,dings!=bums"), {{kEq, "foo", "bar"}, {kNe, "dings", "bums"}});
  CheckMatchers(ParseClassicMatchers(R"({quote="She said: \"Hi, ladies! That's gender-neutral…\""})"),
                {{kEq, "quote", "She said: \"Hi, ladies! That's gender-neutral…\""}});
  CheckMatchers(ParseClassicMatchers("tricky=~~~"), {{kRe, "tricky", "~~"}});
  CheckMatchers(ParseClassicMatchers(R"(trickier==\\=\=\")"), {{kEq, "trickier", R"(=\=\=")"}});
  CheckMatchers(ParseClassicMatchers(R"(contains_quote != "\"" , contains_comma !~ "foo,bar" , )"),
                {{kNe, "contains_quote", "\""}, {kNre, "contains_comma", "foo,bar"}});
  CheckMatchers(ParseClassicMatchers("{foo=bar}}"), {{kEq, "foo", "bar}"}});
  CheckMatchers(ParseClassicMatchers("{foo=bar}},}"), {{kEq, "foo", "bar}}"}});
  CheckMatchers(ParseClassicMatchers("{foo=,bar=}}"), {{kEq, "foo", ""}, {kEq, "bar", "}"}});
  CheckMatchers(ParseClassicMatchers(R"({foo=bar\t})"), {{kEq, "foo", "bar\\t"}});
  CheckMatchers(ParseClassicMatchers(R"({foo=bar\n})"), {{kEq, "foo", "bar\n"}});
  CheckMatchers(ParseClassicMatchers(R"({foo=bar\})"), {{kEq, "foo", "bar\\"}});
  CheckMatchers(ParseClassicMatchers(R"({foo=bar\\})"), {{kEq, "foo", "bar\\"}});
  CheckMatchers(ParseClassicMatchers(R"({foo=bar\"})"), {{kEq, "foo", "bar\""}});
  CheckMatchers(ParseClassicMatchers("job="), {{kEq, "job", ""}});
  CheckMatchers(ParseClassicMatchers("{foo="), {{kEq, "foo", ""}});
  CheckMatchers(ParseClassicMatchers("{foo=}b"), {{kEq, "foo", "}b"}});
}

TEST_CASE("classic parser errors carry upstream's texts", "[alerter][matcher]") {
  const std::pair<const char*, const char*> cases[] = {
      {",", "bad matcher format: "},
      {"{,}", "bad matcher format: "},
      {R"(job="value)", R"(matcher value contains unescaped double quote: "value)"},
      {R"(job=value")", R"(matcher value contains unescaped double quote: value")"},
      {R"(trickier==\\=\=\"")", R"(matcher value contains unescaped double quote: =\\=\=\"")"},
      {R"(contains_unescaped_quote = foo"bar)", R"(matcher value contains unescaped double quote: foo"bar)"},
      {R"({invalid-name = "valid label"})", R"(bad matcher format: invalid-name = "valid label")"},
      {R"({foo=~"invalid[regexp"})", "error parsing regexp: missing closing ]: `[regexp)$`"},
      {R"("{foo=\"bar"})", R"(bad matcher format: "{foo=\"bar")"},
      {R"("foo="bar"")", R"(bad matcher format: "foo="bar"")"},
      {"{{foo=", "bad matcher format: {foo="},
  };
  for (const auto& [input, error] : cases) {
    INFO(input);
    Result<Matchers> got = ParseClassicMatchers(input);
    REQUIRE_FALSE(got.ok());
    CHECK(got.status().message() == error);
  }
}

// Cases from upstream's matcher/parse/parse_test.go.
TEST_CASE("UTF-8 parser", "[alerter][matcher]") {
  CheckMatchers(ParseUtf8Matchers("{foo=bar}"), {{kEq, "foo", "bar"}});
  CheckMatchers(ParseUtf8Matchers(R"({"foo bar"=~"a.*", 🙂!="x"})"),
                {{kRe, "foo bar", "a.*"}, {kNe, "🙂", "x"}});
  CheckMatchers(ParseUtf8Matchers(R"(foo="\u00e9\n",)"), {{kEq, "foo", "é\n"}});
  CheckMatchers(ParseUtf8Matchers(""), {});
  const std::pair<const char*, const char*> cases[] = {
      {",", "0:1: unexpected ,: expected label name"},
      {"{,}", "1:2: unexpected ,: expected label name"},
      {"{", "0:1: end of input: expected close brace"},
      {"}", "0:1: }: expected opening brace"},
      {"foo=bar}", "0:8: }: expected opening brace"},
      {"{foo=bar", "0:8: end of input: expected close brace"},
      {"{foo=:\"bar\"}", "6:11: unexpected \"bar\": expected a comma or close brace"},
      {"{foo=\"bar\\w\"}", "5:12: \"bar\\w\": invalid input"},
      {"{\"foo\"=~\"\\d+\"}", "8:13: \"\\d+\": invalid input"},
      {"{foo=bar\\n}", "8:9: \\: invalid input: expected a comma or close brace"},
      {"{\"foo\"=\"\\xf0\\x9f\"}", "7:17: \"\\xf0\\x9f\": invalid input"},
  };
  for (const auto& [input, error] : cases) {
    INFO(input);
    Result<Matchers> got = ParseUtf8Matchers(input);
    REQUIRE_FALSE(got.ok());
    CHECK(got.status().message() == error);
  }
  CHECK(ParseUtf8Matcher("{}").status().message() == "no matchers");
  CHECK(ParseUtf8Matcher("foo=bar,bar=baz").status().message() == "expected 1 matcher, found 2");
}

TEST_CASE("fallback parsing prefers UTF-8, falls back to classic", "[alerter][matcher]") {
  // Only the UTF-8 parser accepts quoted names.
  CheckMatchers(ParseMatchers(R"({"service name"="a"})"), {{kEq, "service name", "a"}});
  // Only the classic parser accepts unquoted regex metacharacters.
  CheckMatchers(ParseMatchers("foo=~bar.*"), {{kRe, "foo", "bar.*"}});
  // Both fail: the classic error is reported.
  Result<Matchers> bad = ParseMatchers(R"(foo="bar)");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() == R"(matcher value contains unescaped double quote: "bar)");
  CHECK(ParseMatcher("{foo=bar}").status().message() == "unexpected open or close brace: {foo=bar}");
  Result<Matcher> one = ParseMatcher(R"(severity!~"warn|info")");
  REQUIRE(one.ok());
  CHECK(one->Matches("critical"));
  CHECK_FALSE(one->Matches("warn"));
}

TEST_CASE("matchers match, sort and print as upstream", "[alerter][matcher]") {
  Result<Matchers> ms = ParseMatchers(R"(b=~"x|y", a!="", a="q\"")");
  REQUIRE(ms.ok());
  SortMatchers(*ms);
  CHECK(MatchersString(*ms) == R"({a!="",a="q\"",b=~"x|y"})");
  CHECK(MatchesAll(*ms, Labels{{"a", "q\""}, {"b", "y"}}));
  CHECK_FALSE(MatchesAll(*ms, Labels{{"a", "q\""}, {"b", "xy"}}));
  Result<Matcher> spaced = Matcher::Make(MatchType::kEqual, "foo bar", "v");
  REQUIRE(spaced.ok());
  CHECK(spaced->String() == R"("foo bar"="v")");
  Result<Matcher> absent = Matcher::Make(MatchType::kRegexp, "x", "");
  REQUIRE(absent.ok());
  CHECK(absent->Matches(Labels{}));
  CHECK(IsClassicLabelName("foo_1"));
  CHECK_FALSE(IsClassicLabelName("1foo"));
  CHECK_FALSE(IsClassicLabelName("foo:bar"));
  CHECK(IsUtf8LabelName("foo.bar 🙂"));
  CHECK_FALSE(IsUtf8LabelName(""));
  CHECK_FALSE(IsUtf8LabelName("\xff"));
}

}  // namespace
}  // namespace ember::alerter
