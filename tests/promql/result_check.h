// Comparing what a query returned with what an eval block expects (DSL.md
// §4.3): values, label sets, order, failures and annotations. Each check
// returns the reason of the first mismatch, or nullopt when it holds.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ember/promql/value.h"
#include "script.h"

namespace ember::promqltest {

// Upstream's float comparison: both NaN (a stale marker only equals a stale
// marker), or a relative difference below 1e-6 (an absolute one near 0).
bool AlmostEqual(double a, double b);

// The result of an instant eval (a Vector, Scalar, String, or a Matrix when
// the block expects a range vector) or of a range eval (a Matrix).
std::optional<std::string> CheckResult(const EvalCommand& cmd, const promql::Value& value);

// A failed query against `expect fail [msg:|regex:]`; `message` is the error text.
std::optional<std::string> CheckFailure(const EvalCommand& cmd, const std::string& message);

// The rendered annotations (`PromQL warning: ... (1:5)`) against the
// warn/info/no_warn/no_info expectations.
std::optional<std::string> CheckAnnotations(const EvalCommand& cmd, const std::vector<std::string>& rendered);

// Whether a matrix is sorted by label set, as range results must be.
std::optional<std::string> CheckMatrixSorted(const promql::Matrix& matrix);

// A short text of a value for failure reports (at most `max_series` series).
std::string FormatValue(const promql::Value& value, size_t max_series = 8);
// The expected result of an eval, in the same style.
std::string FormatExpected(const EvalCommand& cmd, size_t max_series = 8);
std::string FormatFloat(double v);

}  // namespace ember::promqltest
