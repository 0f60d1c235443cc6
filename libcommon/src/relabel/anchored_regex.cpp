#include "anchored_regex.h"

#include <string>
#include <utility>

namespace ember::relabel {
namespace {

// Go's regexp/syntax wording for RE2's error codes.
std::string_view GoErrorText(re2::RE2::ErrorCode code) {
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

Status GoSyntaxError(std::string_view what, std::string_view fragment) {
  std::string msg = "error parsing regexp: ";
  msg += what;
  msg += ": `";
  msg += fragment;
  msg += '`';
  return Status::InvalidArgument(std::move(msg));
}

// RE2 accepts `\C` (any single byte), which Go rejects.
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

}  // namespace

Result<std::shared_ptr<const re2::RE2>> CompileAnchored(std::string_view regex) {
  std::string wrapped = "^(?s:";
  wrapped += regex;
  wrapped += ")$";
  if (HasByteEscape(wrapped)) return GoSyntaxError(GoErrorText(re2::RE2::ErrorBadEscape), "\\C");
  re2::RE2::Options options;
  options.set_encoding(re2::RE2::Options::EncodingUTF8);
  options.set_longest_match(false);
  options.set_log_errors(false);
  auto re = std::make_shared<const re2::RE2>(wrapped, options);
  if (!re->ok()) {
    const std::string_view fragment = re->error_code() == re2::RE2::ErrorBadUTF8 && re->error_arg().empty()
                                          ? std::string_view(wrapped)
                                          : re->error_arg();
    return GoSyntaxError(GoErrorText(re->error_code()), fragment);
  }
  return re;
}

}  // namespace ember::relabel
