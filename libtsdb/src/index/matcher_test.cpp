#include "ember/tsdb/matcher.h"

#include <re2/re2.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

namespace ember::tsdb {
namespace {

Matcher Make(MatchType type, std::string name, std::string value) {
  auto m = Matcher::Create(type, std::move(name), std::move(value));
  REQUIRE(m.ok());
  return *std::move(m);
}

Matcher Re(std::string value) { return Make(MatchType::kRegexMatch, "a", std::move(value)); }

std::string CreateError(std::string_view pattern) {
  auto m = Matcher::Create(MatchType::kRegexMatch, "a", std::string(pattern));
  REQUIRE_FALSE(m.ok());
  CHECK(m.status().code() == StatusCode::kInvalidArgument);
  return m.status().message();
}

TEST_CASE("MatchTypeString spells the operators") {
  CHECK(MatchTypeString(MatchType::kEqual) == "=");
  CHECK(MatchTypeString(MatchType::kNotEqual) == "!=");
  CHECK(MatchTypeString(MatchType::kRegexMatch) == "=~");
  CHECK(MatchTypeString(MatchType::kRegexNoMatch) == "!~");
}

TEST_CASE("Equality matchers compare whole values") {
  const Matcher eq = Make(MatchType::kEqual, "job", "api");
  CHECK(eq.Matches("api"));
  CHECK_FALSE(eq.Matches("apis"));
  CHECK_FALSE(eq.Matches(""));
  CHECK_FALSE(eq.MatchesEmpty());
  CHECK(eq.SetMatches().empty());
  CHECK(eq.Prefix().empty());

  const Matcher ne = Make(MatchType::kNotEqual, "job", "api");
  CHECK_FALSE(ne.Matches("api"));
  CHECK(ne.Matches("x"));
  CHECK(ne.MatchesEmpty());

  CHECK(Make(MatchType::kEqual, "job", "").MatchesEmpty());
  CHECK_FALSE(Make(MatchType::kNotEqual, "job", "").MatchesEmpty());
}

TEST_CASE("Regex matchers are anchored at both ends") {
  const Matcher m = Re("b");
  CHECK(m.Matches("b"));
  CHECK_FALSE(m.Matches("ab"));
  CHECK_FALSE(m.Matches("ba"));

  const Matcher alt = Re("a|ab");
  CHECK(alt.Matches("ab"));  // leftmost-first must not stop at "a"
  CHECK(alt.Matches("a"));
  CHECK_FALSE(alt.Matches("abc"));

  const Matcher general = Re("x[0-9]+");
  CHECK(general.Matches("x12"));
  CHECK_FALSE(general.Matches("ax12"));
  CHECK_FALSE(general.Matches("x12a"));
}

TEST_CASE("Dot matches a newline") {
  CHECK(Re("a.b").Matches("a\nb"));
  CHECK(Re(".*").Matches("x\ny"));
  CHECK(Re("x.*").Matches("x\ny"));
  CHECK(Re("x.*y").Matches("x\n\ny"));
  CHECK(Re(".+").Matches("\n"));
  // Flags inside the pattern still apply, as in Go.
  CHECK_FALSE(Re("(?-s:a.b)").Matches("a\nb"));
}

TEST_CASE("Fast paths for .* and .+") {
  const Matcher any = Re(".*");
  CHECK(any.Matches(""));
  CHECK(any.Matches("anything"));
  CHECK(any.MatchesEmpty());
  const Matcher non_empty = Re(".+");
  CHECK_FALSE(non_empty.Matches(""));
  CHECK(non_empty.Matches("x"));
  CHECK_FALSE(non_empty.MatchesEmpty());
  const Matcher not_any = Make(MatchType::kRegexNoMatch, "a", ".*");
  CHECK_FALSE(not_any.Matches(""));
  CHECK_FALSE(not_any.Matches("x"));
}

TEST_CASE("Literal alternatives become set matches") {
  struct Case {
    std::string pattern;
    std::vector<std::string> set;
  };
  const std::vector<Case> cases = {
      {"a|b|c", {"a", "b", "c"}},
      {"foo", {"foo"}},
      {"c|a|b|a", {"a", "b", "c"}},
      {"a\\.b", {"a.b"}},
      {"x|", {"", "x"}},
      {"", {""}},
      {"api_(a|b)", {"api_a", "api_b"}},
      {"(?:x|y)(1|2)", {"x1", "x2", "y1", "y2"}},
      {"(?P<name>ab)c", {"abc"}},
      {"\\(\\)\\|\\*", {"()|*"}},
      {"héllo|wörld", {"héllo", "wörld"}},
      {"a-b_c/d", {"a-b_c/d"}},
  };
  for (const Case& c : cases) {
    INFO(c.pattern);
    const Matcher m = Re(c.pattern);
    CHECK(m.SetMatches() == c.set);
    for (const std::string& v : c.set) CHECK(m.Matches(v));
    CHECK_FALSE(m.Matches("zz"));
  }
  CHECK(Re("x|").Matches(""));
  CHECK(Re("x|").MatchesEmpty());
  CHECK_FALSE(Re("a\\.b").Matches("axb"));
}

TEST_CASE("Regexes that are not literal lists have no set matches") {
  for (const char* pattern : {"a.b", "a|b.", "a+", "a?", "[ab]", "\\d", "(?i)a", "a{2}", "^a", "a$",
                              "\\Qa\\E", "a*|b", "\\x41", "\\pL", "a\\b"}) {
    INFO(pattern);
    CHECK(Re(pattern).SetMatches().empty());
  }
  CHECK(Re("(?i)ab").Matches("AB"));
  CHECK(Re("\\Qa.b\\E").Matches("a.b"));
  CHECK_FALSE(Re("\\Qa.b\\E").Matches("axb"));
}

TEST_CASE("Literal prefixes are found") {
  struct Case {
    std::string pattern;
    std::string prefix;
  };
  const std::vector<Case> cases = {
      {"foo.*", "foo"},   {"api_(a|b)", "api_"}, {"api_(a|b).*", "api_"}, {"ab+", "ab"},
      {"ab*", "a"},       {"ab?c", "a"},         {"ab{2}", "a"},          {"foo[0-9]", "foo"},
      {"foo\\d+", "foo"}, {"foo|foobar", "foo"}, {"fo.|foo", "fo"},       {".*foo", ""},
      {"(?i)foo.*", ""},  {"x\\.y.*", "x.y"},    {"héllo.*", "héllo"},    {"é*x", ""},
      {"(ab)+c", "ab"},   {"a(b|c)*", "a"},      {"a(b.|c)", "a"},        {"a\\\\.*", "a\\"},
      {"[a|b]c", ""},     {"a[]|]c|ad", "a"},
  };
  for (const Case& c : cases) {
    INFO(c.pattern);
    CHECK(Re(c.pattern).Prefix() == c.prefix);
  }
}

TEST_CASE("Prefix regexes still check the rest of the value") {
  const Matcher m = Re("foo.*");
  CHECK(m.Matches("foo"));
  CHECK(m.Matches("foobar"));
  CHECK_FALSE(m.Matches("fo"));
  CHECK_FALSE(m.Matches("xfoo"));

  const Matcher digits = Re("foo[0-9]+");
  CHECK(digits.Matches("foo12"));
  CHECK_FALSE(digits.Matches("foox"));
  CHECK_FALSE(digits.Matches("bar12"));

  const Matcher not_prefix = Make(MatchType::kRegexNoMatch, "a", "foo.*");
  CHECK(not_prefix.Matches("bar"));
  CHECK_FALSE(not_prefix.Matches("foo1"));
  CHECK(not_prefix.MatchesEmpty());
  CHECK(not_prefix.Prefix() == "foo");
}

TEST_CASE("Negative regex matchers invert the regex") {
  const Matcher m = Make(MatchType::kRegexNoMatch, "a", "x|y");
  CHECK(m.Matches("z"));
  CHECK_FALSE(m.Matches("x"));
  CHECK(m.MatchesEmpty());
  CHECK(m.SetMatches() == std::vector<std::string>{"x", "y"});
  CHECK_FALSE(Make(MatchType::kRegexNoMatch, "a", "x|").MatchesEmpty());
}

TEST_CASE("Invalid regexes fail with Go's wording") {
  CHECK(CreateError("(a") == "error parsing regexp: missing closing ): `(a`");
  CHECK(CreateError("a)") == "error parsing regexp: unexpected ): `a)`");
  CHECK(CreateError("[a") == "error parsing regexp: missing closing ]: `[a`");
  CHECK(CreateError("\\8") == "error parsing regexp: invalid escape sequence: `\\8`");
  CHECK(CreateError("\\C") == "error parsing regexp: invalid escape sequence: `\\C`");
  CHECK(CreateError("a**") == "error parsing regexp: invalid nested repetition operator: `**`");
  CHECK(CreateError("*") == "error parsing regexp: missing argument to repetition operator: `*`");
  CHECK(CreateError("[z-a]") == "error parsing regexp: invalid character class range: `z-a`");
  CHECK(CreateError("a\\") == "error parsing regexp: trailing backslash at end of expression: ``");
  CHECK(CreateError("a{1001}") == "error parsing regexp: invalid repeat count: `{1001}`");
  CHECK(CreateError("(?z)") == "error parsing regexp: invalid or unsupported Perl syntax: `(?z`");
  // Anchoring must not turn an unbalanced pattern into a balanced one.
  CHECK(CreateError("a)|(b") == "error parsing regexp: unexpected ): `a)|(b`");
  // Inside \Q...\E a \C is literal text.
  CHECK(Matcher::Create(MatchType::kRegexMatch, "a", "\\Q\\C\\E").ok());
  CHECK(Matcher::Create(MatchType::kRegexNoMatch, "a", "(").status().code() == StatusCode::kInvalidArgument);
  // Equality matchers take any value.
  CHECK(Matcher::Create(MatchType::kEqual, "a", "(").ok());
}

TEST_CASE("ToString prints as Prometheus does") {
  CHECK(Make(MatchType::kEqual, "job", "api").ToString() == "job=\"api\"");
  CHECK(Make(MatchType::kNotEqual, "job", "").ToString() == "job!=\"\"");
  CHECK(Make(MatchType::kRegexMatch, "path", "a\\.b").ToString() == "path=~\"a\\\\.b\"");
  CHECK(Make(MatchType::kRegexNoMatch, "_x9", "say \"hi\"\n").ToString() == "_x9!~\"say \\\"hi\\\"\\n\"");
  CHECK(Make(MatchType::kEqual, "my.name", "v").ToString() == "\"my.name\"=\"v\"");
  CHECK(Make(MatchType::kEqual, "9lives", "v").ToString() == "\"9lives\"=\"v\"");
  CHECK(Make(MatchType::kEqual, "", "v").ToString() == "\"\"=\"v\"");
}

TEST_CASE("MatchesAll treats missing labels as empty") {
  const Labels labels{{"__name__", "up"}, {"job", "api"}};
  const std::vector<Matcher> ok = {Make(MatchType::kEqual, "__name__", "up"), Re("a.*"),
                                   Make(MatchType::kEqual, "job", "api")};
  CHECK_FALSE(MatchesAll(ok, labels));  // `a` is missing, so "" must match a.*
  const std::vector<Matcher> with_empty = {Make(MatchType::kEqual, "__name__", "up"),
                                           Make(MatchType::kEqual, "zone", ""),
                                           Make(MatchType::kRegexMatch, "job", "api|web")};
  CHECK(MatchesAll(with_empty, labels));
  CHECK(MatchesAll({}, labels));
  const std::vector<Matcher> negative = {Make(MatchType::kRegexNoMatch, "job", "a.*")};
  CHECK_FALSE(MatchesAll(negative, labels));
}

TEST_CASE("Matches agrees with a direct anchored RE2 match on random patterns") {
  // Patterns built from pieces that stress the literal analysis: escapes,
  // groups, alternatives, quantifiers and multi-byte characters.
  const std::vector<std::string> pieces = {"a", "b",   "ab",  "\\.",  ".", "|",    "(",
                                           ")", "(?:", "*",   "+",    "?", "[ab]", "é",
                                           "x", "\\d", "{2}", "\\\\", "-", "^",    "$"};
  const std::vector<std::string> values = {"",  "a",  "b",    "ab", "aa",   ".", "a.", "é",   "éé", "x",
                                           "1", "\\", "a\nb", "ba", "abab", "-", "xa", "a-b", "aé"};
  RE2::Options options;
  options.set_log_errors(false);
  options.set_dot_nl(true);
  std::mt19937 rng(42);
  int compiled = 0;
  for (int iter = 0; iter < 5000; ++iter) {
    std::string pattern;
    const int n = static_cast<int>(rng() % 6);
    for (int i = 0; i < n; ++i) pattern += pieces[rng() % pieces.size()];
    auto m = Matcher::Create(MatchType::kRegexMatch, "a", pattern);
    const RE2 re(pattern, options);
    REQUIRE(m.ok() == re.ok());
    if (!m.ok()) continue;
    ++compiled;
    for (const std::string& v : values) {
      INFO("pattern `" << pattern << "` value `" << v << "`");
      const bool want = RE2::FullMatch(v, re);
      REQUIRE(m->Matches(v) == want);
      if (want) REQUIRE(v.starts_with(m->Prefix()));
    }
    for (const std::string& s : m->SetMatches()) {
      INFO("pattern `" << pattern << "` set member `" << s << "`");
      REQUIRE(RE2::FullMatch(s, re));
    }
  }
  CHECK(compiled > 1000);
}

}  // namespace
}  // namespace ember::tsdb
