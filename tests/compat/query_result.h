// Query results in one neutral form, from Prometheus's HTTP API JSON or from
// Ember's engine, and the comparison of two of them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ember/base/labels.h"
#include "ember/base/status.h"
#include "ember/promql/engine.h"

namespace ember::compat {

struct ResultSeries {
  Labels labels;
  std::vector<std::pair<int64_t, double>> points;  // (ms, value), sorted by time
};

struct QueryOutcome {
  // Empty when the query succeeded.
  std::string error;
  // "vector", "matrix", "scalar" or "string".
  std::string type;
  // Series in the order the engine returned them (a scalar: one series
  // without labels; a string: none, see `text`).
  std::vector<ResultSeries> series;
  std::string text;
  // Prometheus's own evaluation time (stats=all execTotalTime), seconds;
  // ours: the engine's stats.
  double exec_seconds = 0;
};

// Parses the body of /api/v1/query or /api/v1/query_range (any status).
Result<QueryOutcome> ParsePrometheusResponse(const std::string& body);

// Converts an engine result (or its error).
QueryOutcome FromEngine(const Result<promql::QueryResult>& result);

// Values are equal when both are NaN, or equal infinities, or within
// 1e-9 relative (1e-12 absolute near zero).
bool ValuesClose(double a, double b);

// The first difference between `want` (Prometheus) and `got` (Ember), or
// nullopt when they agree. Series are compared as sets by labels; when
// `ordered` (the query sorts), the order of values must agree too. Two
// failures count as agreeing whatever their messages.
std::optional<std::string> FirstDifference(const QueryOutcome& want, const QueryOutcome& got, bool ordered);

}  // namespace ember::compat
