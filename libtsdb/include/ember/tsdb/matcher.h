// Label matchers: `name="v"`, `name!="v"`, `name=~"re"`, `name!~"re"`.
//
// Regular expressions use RE2 with Go's syntax, fully anchored (the whole
// value must match), with `.` matching newlines too, as in Prometheus 3.
// A Matcher is immutable once created and may be shared between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ember/base/labels.h"
#include "ember/base/status.h"

namespace re2 {
class RE2;
}

namespace ember::tsdb {

enum class MatchType {
  kEqual,         // =
  kNotEqual,      // !=
  kRegexMatch,    // =~
  kRegexNoMatch,  // !~
};

// "=", "!=", "=~" or "!~".
std::string_view MatchTypeString(MatchType type);

class Matcher {
 public:
  // Error: InvalidArgument when a regex does not compile, with RE2's reason in
  // the style of Go's regexp errors, e.g.
  // `error parsing regexp: missing closing ): `(a``.
  [[nodiscard]] static Result<Matcher> Create(MatchType type, std::string name, std::string value);

  MatchType type() const { return type_; }
  const std::string& name() const { return name_; }
  const std::string& value() const { return value_; }

  // Whether a label value matches. A series without the label has the value "".
  // Bytes that are not UTF-8 never match `.` when RE2 runs, though the `.*`,
  // `.+` and `literal.*` shortcuts accept them (as Go's regexp does).
  bool Matches(std::string_view v) const;
  // Matches("") -- such a matcher also selects series lacking the label.
  bool MatchesEmpty() const { return matches_empty_; }

  // For a regex that is only a list of literal alternatives (`a|b|c`,
  // `api_(a|b)`, or a plain literal such as `a\.b`), the literals, sorted and
  // without duplicates; empty otherwise and for `=` and `!=`. Lets an index
  // look values up instead of scanning them. Both this and Prefix() describe
  // the regex itself: for `!~` they describe the values it excludes.
  const std::vector<std::string>& SetMatches() const { return set_matches_; }
  // A literal every value the regex matches starts with ("" when none is
  // known), for regexes such as `foo.*` or `api_(a|b)`; "" for `=` and `!=`.
  const std::string& Prefix() const { return prefix_; }

  // `name="value"` as Prometheus prints it: the value quoted as Go's
  // strconv.Quote does; the name quoted too when it is not a valid legacy
  // label name.
  std::string ToString() const;

 private:
  // How Matches() decides for a regex, cheapest first.
  enum class RegexShape : uint8_t {
    kAny,        // `.*`
    kNonEmpty,   // `.+`
    kSet,        // one of set_matches_
    kPrefixAny,  // prefix_ followed by `.*`
    kGeneral,    // run RE2 (after checking prefix_)
  };

  Matcher() = default;
  bool RegexMatches(std::string_view v) const;

  MatchType type_ = MatchType::kEqual;
  std::string name_;
  std::string value_;
  std::shared_ptr<const re2::RE2> re_;  // null for kEqual/kNotEqual
  std::vector<std::string> set_matches_;
  std::string prefix_;
  RegexShape shape_ = RegexShape::kGeneral;
  bool matches_empty_ = false;
};

// Whether every matcher matches the labels (a missing label counts as "").
bool MatchesAll(std::span<const Matcher> matchers, const Labels& labels);

}  // namespace ember::tsdb
