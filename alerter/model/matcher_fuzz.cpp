// Fuzzes the matcher parsers: any input parses or fails with a Status; a
// parsed matcher with a non-empty, valid UTF-8 name and value prints in a
// form the UTF-8 parser reads back to itself.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "model/matcher.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ember::alerter;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)ParseClassicMatchers(input);
  (void)ParseUtf8Matchers(input);
  (void)ParseMatcher(input);
  auto ms = ParseMatchers(input);
  if (!ms.ok()) return 0;
  for (const Matcher& m : *ms) {
    (void)m.Matches(input);
    if (!IsUtf8LabelName(m.name()) || (!m.value().empty() && !IsUtf8LabelName(m.value()))) continue;
    auto again = ParseUtf8Matcher(m.String());
    if (!again.ok() || !(*again == m)) __builtin_trap();
  }
  return 0;
}
