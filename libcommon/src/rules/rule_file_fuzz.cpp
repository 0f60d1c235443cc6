// libFuzzer target for the rule file decoder: any input must decode or fail
// with errors, never crash or throw.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ember/rules/rule_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ember::rules::RuleFileOptions options;
  options.validate_expr = [](std::string_view expr) {
    return expr.find('(') != std::string_view::npos && expr.find(')') == std::string_view::npos
               ? ember::Status::InvalidArgument("1:1: parse error: unclosed left parenthesis")
               : ember::Status::Ok();
  };
  ember::rules::RuleFileParse p = ember::rules::ParseRuleFile(text, options);
  if (p.ok()) {
    for (const auto& g : p.file.groups) {
      for (const auto& r : g.rules) {
        if (r.record.empty() == r.alert.empty() || r.expr.empty()) __builtin_trap();
      }
    }
  }
  return 0;
}
