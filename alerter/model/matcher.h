// Matcher: one label condition of Alertmanager's routing, inhibition and
// silences (`severity="critical"`, `service=~"foo|bar"`), and the parsers for
// the two matcher syntaxes Alertmanager accepts.
//
// - The classic syntax (Alertmanager's pkg/labels.ParseMatchers): label names
//   are `[a-zA-Z_:][a-zA-Z0-9_:]*`, values may be bare or double-quoted,
//   matchers are separated by commas and optionally wrapped in braces.
// - The UTF-8 syntax of Alertmanager 0.27+ (matcher/parse): names and values
//   are either unquoted runs of non-reserved characters or Go-quoted strings,
//   so any UTF-8 label name can be written.
//
// ParseMatchers/ParseMatcher follow Alertmanager's default "fallback" mode:
// the UTF-8 parser is tried, the classic one is used when the UTF-8 parser
// rejects the input (or when the two disagree), and a failure reports the
// classic parser's error ("bad matcher format: ...").
//
// Regex values are anchored (`^(?:v)$`) and use Go's regexp syntax (RE2).
// Matchers are immutable values, safe to share between threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ember/base/labels.h"
#include "ember/base/status.h"

namespace re2 {
class RE2;
}

namespace ember::alerter {

enum class MatchType { kEqual, kNotEqual, kRegexp, kNotRegexp };

// "=", "!=", "=~" or "!~".
std::string_view MatchTypeString(MatchType type);

class Matcher {
 public:
  // Builds a matcher; compiles `value` for the regex types.
  // Errors: InvalidArgument "error parsing regexp: ..." (Go's wording).
  static Result<Matcher> Make(MatchType type, std::string name, std::string value);

  MatchType type() const { return type_; }
  const std::string& name() const { return name_; }
  const std::string& value() const { return value_; }

  // Whether a label value (empty when the label is absent) satisfies the matcher.
  bool Matches(std::string_view label_value) const;
  // Whether `labels` satisfies the matcher (an absent label counts as "").
  bool Matches(const Labels& labels) const { return Matches(labels.Get(name_)); }

  // The form Alertmanager prints: name="value" (both Go-quoted when the
  // name holds a reserved character).
  std::string String() const;

  // Equal type, name and value.
  friend bool operator==(const Matcher& a, const Matcher& b) {
    return a.type_ == b.type_ && a.name_ == b.name_ && a.value_ == b.value_;
  }

 private:
  MatchType type_ = MatchType::kEqual;
  std::string name_;
  std::string value_;
  std::shared_ptr<const re2::RE2> re_;  // set for the regex types
};

using Matchers = std::vector<Matcher>;

// All matchers match `labels`.
bool MatchesAll(const Matchers& matchers, const Labels& labels);
// Sorts as Alertmanager does: by name, then value, then type.
void SortMatchers(Matchers& matchers);
// "{a=\"b\",c=~\"d\"}".
std::string MatchersString(const Matchers& matchers);

// The classic parser. Errors (InvalidArgument) use upstream's texts:
// "bad matcher format: <s>", "matcher value contains unescaped double quote:
// <v>", "matcher value not valid UTF-8: <v>", or a regexp error.
Result<Matchers> ParseClassicMatchers(std::string_view s);
Result<Matcher> ParseClassicMatcher(std::string_view s);

// The UTF-8 parser. Errors carry the column range, as upstream's:
// "0:3: unexpected end of input, expected one of '=~'".
Result<Matchers> ParseUtf8Matchers(std::string_view s);
Result<Matcher> ParseUtf8Matcher(std::string_view s);

// The fallback combination described above: what Alertmanager uses for the
// `matchers`, `source_matchers` and `target_matchers` of its config file.
Result<Matchers> ParseMatchers(std::string_view s);
Result<Matcher> ParseMatcher(std::string_view s);

// Label name rules. Classic: `[a-zA-Z_][a-zA-Z0-9_]*` (match/match_re keys).
// UTF-8 (Alertmanager's default mode): any non-empty valid UTF-8 string
// (group_by, equal, route labels).
bool IsClassicLabelName(std::string_view name);
bool IsUtf8LabelName(std::string_view name);

}  // namespace ember::alerter
