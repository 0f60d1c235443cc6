// Fuzz target: a matcher built from arbitrary input agrees with RE2 run
// directly. The input is a match type byte, then a pattern and a value split
// at the first NUL. Whenever Create succeeds, Matches() on the value must equal
// an anchored RE2 match computed here without any of the matcher's shortcuts,
// every set match must be matched by the regex, and every matched value must
// start with Prefix(). A pattern RE2 accepts may fail to create only for `\C`,
// which Go rejects.
#include <re2/re2.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ember/base/strings.h"
#include "ember/tsdb/matcher.h"

namespace {

using ember::tsdb::Matcher;
using ember::tsdb::MatchType;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto type = static_cast<MatchType>(data[0] % 4);
  const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  const size_t split = rest.find('\0');
  const std::string pattern(rest.substr(0, split));
  const std::string value(split == std::string_view::npos ? std::string_view() : rest.substr(split + 1));

  auto m = Matcher::Create(type, "a", pattern);
  const bool regex = type == MatchType::kRegexMatch || type == MatchType::kRegexNoMatch;
  if (!regex) {
    if (!m.ok()) std::abort();
    if (m->Matches(value) != ((value == pattern) == (type == MatchType::kEqual))) std::abort();
    return 0;
  }

  RE2::Options options;
  options.set_log_errors(false);
  options.set_dot_nl(true);
  const RE2 re(pattern, options);
  if (!m.ok()) {
    if (m.status().code() != ember::StatusCode::kInvalidArgument) std::abort();
    if (re.ok() && pattern.find("\\C") == std::string::npos) std::abort();
    return 0;
  }
  if (!re.ok()) std::abort();

  // RE2 never matches bytes that are not UTF-8 with `.`, while the `.*`
  // shortcuts (like Go's decoder) accept them; compare on valid text only.
  if (ember::IsValidUtf8(value)) {
    const bool full = RE2::FullMatch(value, re);
    const bool want = type == MatchType::kRegexMatch ? full : !full;
    if (m->Matches(value) != want) std::abort();
    if (full && !value.starts_with(m->Prefix())) std::abort();
  }
  for (const std::string& s : m->SetMatches()) {
    if (!RE2::FullMatch(s, re)) std::abort();
  }
  if (m->MatchesEmpty() != m->Matches("")) std::abort();
  return 0;
}
