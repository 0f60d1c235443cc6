// Fuzz target: the text parsers of base (timestamps, both duration syntaxes,
// floats, integers) never crash, and what they print they read back.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ember/base/strings.h"
#include "ember/base/time.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ember;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)ParseTimestamp(text);
  (void)ParseDurationOrSeconds(text);
  (void)ParseFloat(text);
  (void)ParseInt(text);
  (void)GoQuote(text);
  (void)IsValidUtf8(text);
  if (auto d = ParseDuration(text); d.ok()) {
    auto again = ParseDuration(FormatDuration(*d));
    if (!again.ok() || *again != *d) std::abort();
  }
  if (auto d = ParseGoDuration(text); d.ok()) {
    (void)FormatGoDuration(*d);
  }
  if (auto f = ParseFloat(text); f && *f == *f) {
    auto back = ParseFloat(FormatFloat(*f));
    if (!back || *back != *f) std::abort();
  }
  return 0;
}
