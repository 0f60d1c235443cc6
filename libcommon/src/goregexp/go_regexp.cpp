#include "ember/goregexp/go_regexp.h"

#include <algorithm>
#include <optional>

namespace ember::goregexp {
namespace {

bool IsNameByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

// One `$` reference, read from just after the `$`: `name` or `{name}`.
// Returns the name and advances `tmpl`; nullopt for a malformed reference,
// leaving `tmpl` alone.
std::optional<std::string_view> ReadReference(std::string_view& tmpl) {
  std::string_view s = tmpl;
  const bool brace = !s.empty() && s[0] == '{';
  if (brace) s.remove_prefix(1);
  size_t i = 0;
  while (i < s.size() && IsNameByte(static_cast<unsigned char>(s[i]))) ++i;
  if (i == 0 || (brace && (i >= s.size() || s[i] != '}'))) return std::nullopt;
  tmpl = s.substr(i + (brace ? 1 : 0));
  return s.substr(0, i);
}

// The group a reference names, or -1: all digits is a number (no leading
// zeros, below 1e8), anything else a group name.
int GroupIndex(std::string_view name, const re2::RE2& re) {
  long num = 0;
  for (char c : name) {
    if (c < '0' || c > '9' || num >= 100000000) {
      num = -1;
      break;
    }
    num = num * 10 + (c - '0');
  }
  if (name.size() > 1 && name[0] == '0') num = -1;
  if (num >= 0) return num > re.NumberOfCapturingGroups() ? -1 : static_cast<int>(num);
  const auto& named = re.NamedCapturingGroups();
  auto it = named.find(std::string(name));
  return it == named.end() ? -1 : it->second;
}

}  // namespace

std::string_view ErrorText(re2::RE2::ErrorCode code) {
  switch (code) {
    case re2::RE2::ErrorBadEscape:
      return "invalid escape sequence";
    case re2::RE2::ErrorBadCharClass:
      return "invalid character class";
    case re2::RE2::ErrorBadCharRange:
      return "invalid character class range";
    case re2::RE2::ErrorMissingBracket:
      return "missing closing ]";
    case re2::RE2::ErrorMissingParen:
      return "missing closing )";
    case re2::RE2::ErrorUnexpectedParen:
      return "unexpected )";
    case re2::RE2::ErrorTrailingBackslash:
      return "trailing backslash at end of expression";
    case re2::RE2::ErrorRepeatArgument:
      return "missing argument to repetition operator";
    case re2::RE2::ErrorRepeatSize:
      return "invalid repeat count";
    case re2::RE2::ErrorRepeatOp:
      return "invalid nested repetition operator";
    case re2::RE2::ErrorBadPerlOp:
      return "invalid or unsupported Perl syntax";
    case re2::RE2::ErrorBadUTF8:
      return "invalid UTF-8";
    case re2::RE2::ErrorBadNamedCapture:
      return "invalid named capture";
    case re2::RE2::ErrorPatternTooLarge:
      return "expression too large";
    default:
      return "regexp/syntax: internal error";
  }
}

Status SyntaxError(std::string_view what, std::string_view fragment) {
  std::string msg = "error parsing regexp: ";
  msg += what;
  msg += ": `";
  msg += fragment;
  msg += '`';
  return Status::InvalidArgument(std::move(msg));
}

bool HasByteEscape(std::string_view pattern) {
  for (size_t i = 0; i + 1 < pattern.size(); ++i) {
    if (pattern[i] != '\\') continue;
    const char c = pattern[i + 1];
    if (c == 'Q') {
      const size_t end = pattern.find("\\E", i + 2);
      if (end == std::string_view::npos) return false;
      i = end + 1;
    } else if (c == 'C') {
      return true;
    } else {
      ++i;
    }
  }
  return false;
}

void Expand(std::string& out, std::string_view tmpl, const re2::RE2& re, const re2::StringPiece* groups,
            int n) {
  while (!tmpl.empty()) {
    const size_t dollar = tmpl.find('$');
    if (dollar == std::string_view::npos) break;
    out.append(tmpl.substr(0, dollar));
    tmpl.remove_prefix(dollar + 1);
    if (!tmpl.empty() && tmpl[0] == '$') {
      out.push_back('$');
      tmpl.remove_prefix(1);
      continue;
    }
    const std::optional<std::string_view> name = ReadReference(tmpl);
    if (!name) {
      out.push_back('$');
      continue;
    }
    const int g = GroupIndex(*name, re);
    if (g >= 0 && g < n && groups[g].data() != nullptr) out.append(groups[g].data(), groups[g].size());
  }
  out.append(tmpl);
}

int MaxGroup(std::string_view tmpl, const re2::RE2& re) {
  int max = -1;
  while (!tmpl.empty()) {
    const size_t dollar = tmpl.find('$');
    if (dollar == std::string_view::npos) break;
    tmpl.remove_prefix(dollar + 1);
    if (!tmpl.empty() && tmpl[0] == '$') {
      tmpl.remove_prefix(1);
      continue;
    }
    if (const std::optional<std::string_view> name = ReadReference(tmpl)) {
      max = std::max(max, GroupIndex(*name, re));
    }
  }
  return max;
}

}  // namespace ember::goregexp
