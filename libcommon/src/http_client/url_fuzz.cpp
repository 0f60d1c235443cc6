// Fuzz target: URL parsing and redirect resolution of the HTTP client, which
// read what servers send back (Location headers).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "url.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ember::http::client_internal;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)ParseUrl(text);
  static const Url base = ParseUrl("http://127.0.0.1:9100/a/b?c=d").value();
  (void)ResolveReference(base, text);
  return 0;
}
