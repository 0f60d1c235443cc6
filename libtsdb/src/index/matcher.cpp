#include "ember/tsdb/matcher.h"

#include <re2/re2.h>

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ember/base/strings.h"
#include "ember/goregexp/go_regexp.h"

namespace ember::tsdb {
namespace {

// Beyond this many alternatives a lookup per literal stops paying off against
// one pass of RE2 over the value, and cross products could blow up.
constexpr size_t kMaxSetMatches = 256;

std::string CommonPrefix(const std::vector<std::string>& strings) {
  if (strings.empty()) return "";
  std::string_view prefix = strings.front();
  for (const std::string& s : strings) {
    const auto diff = std::mismatch(prefix.begin(), prefix.end(), s.begin(), s.end());
    prefix = prefix.substr(0, static_cast<size_t>(diff.first - prefix.begin()));
  }
  return std::string(prefix);
}

// Go and RE2 both read a backslash before ASCII punctuation as the character
// itself.
bool IsAsciiPunct(char c) {
  const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  return c > ' ' && c < 0x7f && !alnum;
}

// What is known of the strings a piece of a regex matches in full.
struct LiteralInfo {
  bool exact = false;            // it matches exactly the strings in `set`
  std::vector<std::string> set;  // only when exact
  std::string prefix;            // every match starts with this
};

LiteralInfo Exactly(std::vector<std::string> set) {
  LiteralInfo info;
  info.exact = true;
  info.prefix = CommonPrefix(set);
  info.set = std::move(set);
  return info;
}

LiteralInfo Inexact(std::string prefix = "") {
  LiteralInfo info;
  info.prefix = std::move(prefix);
  return info;
}

// Reads a pattern RE2 has already accepted and works out its literal set or
// prefix. Anything it does not fully understand (flags, \Q...\E, nested
// classes) makes it give up, which only costs speed: the caller then runs RE2.
class LiteralAnalyzer {
 public:
  explicit LiteralAnalyzer(std::string_view pattern) : p_(pattern) {}

  std::optional<LiteralInfo> Analyze() {
    LiteralInfo info = ParseAlternation();
    if (failed_ || pos_ != p_.size()) return std::nullopt;
    return info;
  }

 private:
  bool AtEnd() const { return pos_ >= p_.size(); }
  char Peek() const { return p_[pos_]; }

  LiteralInfo ParseAlternation() {
    std::vector<LiteralInfo> branches;
    branches.push_back(ParseConcat());
    while (!failed_ && !AtEnd() && Peek() == '|') {
      ++pos_;
      branches.push_back(ParseConcat());
    }
    if (branches.size() == 1) return std::move(branches.front());

    bool all_exact = true;
    size_t total = 0;
    for (const LiteralInfo& b : branches) {
      all_exact = all_exact && b.exact;
      total += b.set.size();
    }
    if (all_exact && total <= kMaxSetMatches) {
      std::vector<std::string> set;
      set.reserve(total);
      for (LiteralInfo& b : branches) {
        for (std::string& s : b.set) set.push_back(std::move(s));
      }
      return Exactly(std::move(set));
    }
    std::vector<std::string> prefixes;
    prefixes.reserve(branches.size());
    for (LiteralInfo& b : branches) prefixes.push_back(std::move(b.prefix));
    return Inexact(CommonPrefix(prefixes));
  }

  LiteralInfo ParseConcat() {
    LiteralInfo cur = Exactly({""});
    while (!failed_ && !AtEnd() && Peek() != '|' && Peek() != ')') {
      LiteralInfo piece = ParsePiece();
      if (!cur.exact) continue;  // the prefix is settled; keep parsing to find the end
      if (piece.exact && cur.set.size() * piece.set.size() <= kMaxSetMatches) {
        std::vector<std::string> product;
        product.reserve(cur.set.size() * piece.set.size());
        for (const std::string& a : cur.set) {
          for (const std::string& b : piece.set) product.push_back(a + b);
        }
        cur = Exactly(std::move(product));
      } else if (cur.set.size() == 1) {
        cur = Inexact(cur.set.front() + piece.prefix);
      } else {
        cur = Inexact(std::move(cur.prefix));
      }
    }
    return cur;
  }

  LiteralInfo ParsePiece() {
    LiteralInfo atom = ParseAtom();
    if (failed_ || AtEnd()) return atom;
    const char q = Peek();
    if (q != '*' && q != '+' && q != '?' && q != '{') return atom;
    // `x+` still starts with whatever x starts with; `x*`, `x?` and `x{0,n}`
    // may match nothing. `{` may be a literal brace rather than a repeat, so
    // only the weakest claim is made for it. What follows the operator
    // (`?` for laziness, the repeat counts) parses as harmless atoms.
    ++pos_;
    return Inexact(q == '+' ? std::move(atom.prefix) : "");
  }

  LiteralInfo ParseAtom() {
    const char c = Peek();
    switch (c) {
      case '(':
        return ParseGroup();
      case '[':
        SkipClass();
        return Inexact();
      case '\\':
        return ParseEscape();
      case '.':
      case '^':
      case '$':
      case '*':
      case '+':
      case '?':
      case '{':
      case '}':
      case ']':
        ++pos_;
        return Inexact();
      default:
        break;
    }
    // A whole UTF-8 sequence is one atom, so a following `*` applies to all
    // of it and the prefix never ends inside a character.
    const auto lead = static_cast<unsigned char>(c);
    size_t len = 1;
    if (lead >= 0xF0) {
      len = 4;
    } else if (lead >= 0xE0) {
      len = 3;
    } else if (lead >= 0xC0) {
      len = 2;
    }
    if (pos_ + len > p_.size()) {
      failed_ = true;
      return Inexact();
    }
    std::string literal(p_.substr(pos_, len));
    pos_ += len;
    return Exactly({std::move(literal)});
  }

  LiteralInfo ParseGroup() {
    ++pos_;  // (
    if (!AtEnd() && Peek() == '?') {
      const std::string_view rest = p_.substr(pos_);
      if (rest.starts_with("?:")) {
        pos_ += 2;
      } else if (rest.starts_with("?P<") || rest.starts_with("?<")) {
        const size_t close = p_.find('>', pos_);
        if (close == std::string_view::npos) {
          failed_ = true;
          return Inexact();
        }
        pos_ = close + 1;
      } else {
        // Flags such as (?i) change what the literals mean.
        failed_ = true;
        return Inexact();
      }
    }
    LiteralInfo inner = ParseAlternation();
    if (failed_ || AtEnd() || Peek() != ')') {
      failed_ = true;
      return Inexact();
    }
    ++pos_;
    return inner;
  }

  void SkipClass() {
    ++pos_;  // [
    if (!AtEnd() && Peek() == '^') ++pos_;
    if (!AtEnd() && Peek() == ']') ++pos_;  // a leading ] is a member
    while (!AtEnd()) {
      const char c = Peek();
      if (c == ']') {
        ++pos_;
        return;
      }
      if (c == '[') break;  // [:alpha:] and friends: not worth getting right here
      pos_ += c == '\\' ? 2 : 1;
    }
    failed_ = true;
  }

  LiteralInfo ParseEscape() {
    if (pos_ + 1 >= p_.size()) {
      failed_ = true;
      return Inexact();
    }
    const char c = p_[pos_ + 1];
    pos_ += 2;
    if (IsAsciiPunct(c)) return Exactly({std::string(1, c)});
    switch (c) {
      case 'Q':
        failed_ = true;
        return Inexact();
      case 'p':
      case 'P':
      case 'x':
        // \pL, \p{Greek}, \x41, \x{263a}: skip the braces so they are not
        // read as a repeat.
        if (!AtEnd() && Peek() == '{') {
          const size_t close = p_.find('}', pos_);
          if (close == std::string_view::npos) {
            failed_ = true;
            return Inexact();
          }
          pos_ = close + 1;
        }
        return Inexact();
      default:
        // \d, \w, \b, \n, \123 and the like.
        return Inexact();
    }
  }

  std::string_view p_;
  size_t pos_ = 0;
  bool failed_ = false;
};

bool IsLegacyLabelName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    if (!letter && !(digit && i > 0)) return false;
  }
  return true;
}

}  // namespace

std::string_view MatchTypeString(MatchType type) {
  switch (type) {
    case MatchType::kEqual:
      return "=";
    case MatchType::kNotEqual:
      return "!=";
    case MatchType::kRegexMatch:
      return "=~";
    case MatchType::kRegexNoMatch:
      return "!~";
  }
  return "?";
}

Result<Matcher> Matcher::Create(MatchType type, std::string name, std::string value) {
  Matcher m;
  m.type_ = type;
  m.name_ = std::move(name);
  m.value_ = std::move(value);

  if (type == MatchType::kRegexMatch || type == MatchType::kRegexNoMatch) {
    if (goregexp::HasByteEscape(m.value_)) {
      return goregexp::SyntaxError(goregexp::ErrorText(RE2::ErrorBadEscape), "\\C");
    }
    RE2::Options options;
    options.set_encoding(RE2::Options::EncodingUTF8);
    options.set_longest_match(false);
    options.set_log_errors(false);
    options.set_dot_nl(true);
    // The pattern is compiled as written and matched with RE2::FullMatch:
    // wrapping it in `^(?s:...)$` first would let `a)|(b` compile, and would
    // make RE2's error fragments point into text the user never wrote.
    auto re = std::make_shared<const RE2>(m.value_, options);
    if (!re->ok()) {
      const std::string_view fragment =
          re->error_code() == RE2::ErrorBadUTF8 && re->error_arg().empty() ? m.value_ : re->error_arg();
      return goregexp::SyntaxError(goregexp::ErrorText(re->error_code()), fragment);
    }
    m.re_ = std::move(re);

    if (m.value_ == ".*") {
      m.shape_ = RegexShape::kAny;
    } else if (m.value_ == ".+") {
      m.shape_ = RegexShape::kNonEmpty;
    } else if (auto info = LiteralAnalyzer(m.value_).Analyze()) {
      if (info->exact) {
        std::sort(info->set.begin(), info->set.end());
        info->set.erase(std::unique(info->set.begin(), info->set.end()), info->set.end());
        m.set_matches_ = std::move(info->set);
        m.shape_ = RegexShape::kSet;
      }
      m.prefix_ = std::move(info->prefix);
    }
    // `literal.*`, the most common regex in dashboards, needs only the prefix.
    if (m.shape_ == RegexShape::kGeneral && m.value_.ends_with(".*")) {
      const std::string_view head = std::string_view(m.value_).substr(0, m.value_.size() - 2);
      if (auto info = LiteralAnalyzer(head).Analyze(); info && info->exact && info->set.size() == 1) {
        m.prefix_ = info->set.front();
        m.shape_ = RegexShape::kPrefixAny;
      }
    }
  }
  m.matches_empty_ = m.Matches("");
  return m;
}

bool Matcher::RegexMatches(std::string_view v) const {
  switch (shape_) {
    case RegexShape::kAny:
      return true;
    case RegexShape::kNonEmpty:
      return !v.empty();
    case RegexShape::kSet:
      if (set_matches_.size() == 1) return v == set_matches_.front();
      return std::binary_search(set_matches_.begin(), set_matches_.end(), v);
    case RegexShape::kPrefixAny:
      return v.starts_with(prefix_);
    case RegexShape::kGeneral:
      break;
  }
  if (!v.starts_with(prefix_)) return false;
  return RE2::FullMatch(v, *re_);
}

bool Matcher::Matches(std::string_view v) const {
  switch (type_) {
    case MatchType::kEqual:
      return v == value_;
    case MatchType::kNotEqual:
      return v != value_;
    case MatchType::kRegexMatch:
      return RegexMatches(v);
    case MatchType::kRegexNoMatch:
      return !RegexMatches(v);
  }
  return false;
}

std::string Matcher::ToString() const {
  std::string out = IsLegacyLabelName(name_) ? name_ : GoQuote(name_);
  out += MatchTypeString(type_);
  out += GoQuote(value_);
  return out;
}

bool MatchesAll(std::span<const Matcher> matchers, const Labels& labels) {
  for (const Matcher& m : matchers) {
    if (!m.Matches(labels.Get(m.name()))) return false;
  }
  return true;
}

}  // namespace ember::tsdb
