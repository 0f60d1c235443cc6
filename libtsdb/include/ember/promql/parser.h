// Parsing PromQL text into a syntax tree (ast.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ember/base/status.h"
#include "ember/promql/ast.h"

namespace ember::promql {

struct ParseOptions {
  // Accept the functions and aggregations Prometheus puts behind
  // --enable-feature=promql-experimental-functions (limitk, limit_ratio,
  // sort_by_label, double_exponential_smoothing, mad_over_time, ...).
  // Default: false (as upstream).
  bool enable_experimental_functions = false;
};

// Parses a query. On error the Status is InvalidArgument with Prometheus's
// message shape, `1:12: parse error: unexpected <op:+>` (line:column of the
// first error, 1-based; `parse error at char 12` style is not used by 3.x).
// Types are checked: e.g. `rate(foo)` fails with `expected type range vector
// in call to function "rate", got instant vector`.
[[nodiscard]] Result<ExprPtr> ParseExpr(std::string_view query, const ParseOptions& options = {});

// Parses a series selector such as `foo{a="b"}` or `{"foo.bar", a=~"x"}`
// (as /api/v1/series' match[] takes) into its matchers.
[[nodiscard]] Result<std::vector<tsdb::Matcher>> ParseMetricSelector(std::string_view selector);

// Parses a duration such as `1h30m`, `5m`, `250ms` into milliseconds.
// Error: InvalidArgument `not a valid duration string: "<s>"`.
[[nodiscard]] Result<int64_t> ParseDuration(std::string_view text);

// Prometheus's duration formatting: `1h30m`, `5m`, `1d`, `250ms`, `0s`.
std::string FormatDuration(int64_t ms);

}  // namespace ember::promql
