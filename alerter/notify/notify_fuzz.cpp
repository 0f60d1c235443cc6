// Fuzzes the text the notifiers parse: template texts split into
// definitions, e-mail address lists, and the MIME encoders.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "notify/integrations.h"
#include "notify/template_set.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<ember::alerter::TemplateDefinition> defs;
  std::string rest;
  (void)ember::alerter::SplitDefinitions(in, defs, rest);
  (void)ember::alerter::ParseAddressList(in);
  (void)ember::alerter::QuotedPrintable(in);
  (void)ember::alerter::MimeQEncode(in);
  (void)ember::alerter::TruncateRunes(in, 7);
  return 0;
}
