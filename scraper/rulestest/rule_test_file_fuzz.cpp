// Feeds arbitrary text to the rule test file decoder; it must never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "rulestest/rule_test_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)ember::scraper::ParseRuleTestFile(text);
  return 0;
}
