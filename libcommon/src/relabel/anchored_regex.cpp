#include "anchored_regex.h"

#include "ember/goregexp/go_regexp.h"

#include <string>
#include <utility>

namespace ember::relabel {

Result<std::shared_ptr<const re2::RE2>> CompileAnchored(std::string_view regex) {
  std::string wrapped = "^(?s:";
  wrapped += regex;
  wrapped += ")$";
  if (goregexp::HasByteEscape(wrapped)) {
    return goregexp::SyntaxError(goregexp::ErrorText(re2::RE2::ErrorBadEscape), "\\C");
  }
  re2::RE2::Options options;
  options.set_encoding(re2::RE2::Options::EncodingUTF8);
  options.set_longest_match(false);
  options.set_log_errors(false);
  auto re = std::make_shared<const re2::RE2>(wrapped, options);
  if (!re->ok()) {
    const std::string_view fragment = re->error_code() == re2::RE2::ErrorBadUTF8 && re->error_arg().empty()
                                          ? std::string_view(wrapped)
                                          : re->error_arg();
    return goregexp::SyntaxError(goregexp::ErrorText(re->error_code()), fragment);
  }
  return re;
}

}  // namespace ember::relabel
