// Feeds arbitrary text to the parser; every query that parses must print to
// text that parses again, and pretty-print without trouble. The reparsed text
// need not print the same: as in Prometheus, printing adds no parentheses, so
// `x % +Inf ^ 2` (a literal +Inf) reads back as `x % +(Inf ^ 2)`.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ember/promql/ast.h"
#include "ember/promql/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view query(reinterpret_cast<const char*>(data), size);
  ember::promql::ParseOptions options;
  options.enable_experimental_functions = size > 0 && (data[0] & 1) != 0;
  ember::Result<ember::promql::ExprPtr> expr = ember::promql::ParseExpr(query, options);
  (void)ember::promql::ParseMetricSelector(query);
  (void)ember::promql::ParseDuration(query);
  if (!expr.ok()) return 0;
  std::string printed = ember::promql::ToString(**expr);
  ember::promql::ExprPtr copy = ember::promql::Clone(**expr);
  if (ember::promql::ToString(*copy) != printed) std::abort();
  (void)ember::promql::Prettify(**expr);
  ember::Result<ember::promql::ExprPtr> again = ember::promql::ParseExpr(printed, options);
  if (!again.ok()) std::abort();
  return 0;
}
