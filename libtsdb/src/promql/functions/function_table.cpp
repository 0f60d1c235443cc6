// LookupFunctionImpl: the table of every function implemented here, built
// once from each file's list.
#include <algorithm>
#include <string>
#include <vector>

#include "ember/base/strings.h"
#include "promql/functions/function_helpers.h"
#include "promql/functions/function_impl.h"

namespace ember::promql::internal {
namespace {

std::vector<NamedFunction> BuildTable() {
  std::vector<NamedFunction> table;
  for (auto part : {RateFunctions(), OverTimeFunctions(), MathFunctions(), TimeFunctions(), LabelFunctions(),
                    SortFunctions(), HistogramFunctions()}) {
    table.insert(table.end(), part.begin(), part.end());
  }
  std::sort(table.begin(), table.end(),
            [](const NamedFunction& a, const NamedFunction& b) { return a.name < b.name; });
  return table;
}

}  // namespace

std::string InvalidQuantileMessage(double q) {
  return "quantile value should be between 0 and 1, got " + FormatFloat(q, 'g');
}

const FunctionImpl* LookupFunctionImpl(std::string_view name) {
  static const std::vector<NamedFunction> table = BuildTable();
  auto it = std::lower_bound(table.begin(), table.end(), name,
                             [](const NamedFunction& f, std::string_view n) { return f.name < n; });
  if (it == table.end() || it->name != name) return nullptr;
  return &it->impl;
}

}  // namespace ember::promql::internal
