// The PromQL engine: evaluates parsed queries at one time (instant) or over
// a range of times (range), reading storage through a Queryable.
//
// Evaluation fetches each selector's series once for the whole range and
// walks them with sliding windows; it does not read storage per step.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "ember/base/status.h"
#include "ember/promql/ast.h"
#include "ember/promql/parser.h"
#include "ember/promql/queryable.h"
#include "ember/promql/value.h"

namespace ember {
class MetricsRegistry;
}

namespace ember::promql {

struct EngineOptions {
  // How far back an instant selector looks for the latest sample.
  // Default: 5m (Prometheus's --query.lookback-delta).
  int64_t lookback_delta_ms = 5 * 60 * 1000;
  // Most samples a query may hold in memory at once; beyond it the query
  // fails with `query processing would load too many samples into memory in
  // query execution`. Default: 50,000,000 (--query.max-samples).
  int64_t max_samples = 50'000'000;
  // A query running longer fails with `query timed out in <stage>`.
  // Default: 2m (--query.timeout).
  std::chrono::milliseconds timeout{2 * 60 * 1000};
  // Queries evaluated at once; others wait (their wait counts against the
  // timeout). Default: 20 (--query.max-concurrency).
  int max_concurrent_queries = 20;
  // Step of a subquery written without one, e.g. `x[5m:]` (Prometheus uses
  // the global evaluation interval). Default: 1m.
  int64_t default_subquery_step_ms = 60 * 1000;
  // Remove __name__ only when evaluation ends, so `label_replace` and
  // friends can still see it (--enable-feature=promql-delayed-name-removal).
  // Default: false (as upstream).
  bool delayed_name_removal = false;
  // Passed to the parser by Engine::Parse.
  ParseOptions parse;
};

// Per-query options (the API's lookback_delta and stats parameters).
struct QueryOptions {
  // 0: the engine's lookback delta.
  int64_t lookback_delta_ms = 0;
  // Collect per-step sample counts (stats=all).
  bool per_step_stats = false;
  // The API's `timeout`: the shorter of it and the engine's timeout applies.
  // 0: the engine's timeout.
  std::chrono::milliseconds timeout{0};
};

// The API's `stats` object. Times in seconds.
struct QueryStats {
  double eval_total_time = 0;
  double result_sort_time = 0;
  double query_preparation_time = 0;
  double inner_eval_time = 0;
  double exec_queue_time = 0;
  double exec_total_time = 0;
  int64_t total_queryable_samples = 0;
  int64_t peak_samples = 0;
  // (timestamp ms, samples) per step when QueryOptions::per_step_stats.
  std::vector<std::pair<int64_t, int64_t>> total_queryable_samples_per_step;
};

struct QueryResult {
  Value value;
  std::vector<Annotation> annotations;
  QueryStats stats;
};

// Errors of Engine queries, by StatusCode:
// - InvalidArgument: the query does not parse or cannot be evaluated as
//   asked (bad step, string where a number is needed) -> API `bad_data`.
// - DeadlineExceeded: `query timed out in <stage>` -> API `timeout`.
// - Canceled: the stop token fired (client went away) -> API `canceled`.
// - ResourceExhausted: the max-samples limit -> API `execution`.
// - Unimplemented: the query needs native histograms -> API `execution`.
// - FailedPrecondition / other: evaluation errors such as
//   `found duplicate series for the match group ...` -> API `execution`.
//
// Thread-safe: queries may run from many threads at once.
class Engine {
 public:
  explicit Engine(EngineOptions options, MetricsRegistry* registry = nullptr);
  ~Engine();

  const EngineOptions& options() const;

  // Evaluates `query` at `time_ms`.
  [[nodiscard]] Result<QueryResult> InstantQuery(const Queryable& storage, std::string_view query,
                                                 int64_t time_ms, const QueryOptions& options = {},
                                                 std::stop_token stop = {});
  // Evaluates `query` at start, start+step, ... <= end. Returns a Matrix
  // (a query of scalar type gives one series with no labels). The step must
  // be positive, end >= start.
  [[nodiscard]] Result<QueryResult> RangeQuery(const Queryable& storage, std::string_view query,
                                               int64_t start_ms, int64_t end_ms, int64_t step_ms,
                                               const QueryOptions& options = {}, std::stop_token stop = {});

  // The same for an already parsed tree; `query` is its text (for
  // annotation positions).
  [[nodiscard]] Result<QueryResult> InstantQuery(const Queryable& storage, const Expr& expr,
                                                 std::string_view query, int64_t time_ms,
                                                 const QueryOptions& options = {}, std::stop_token stop = {});
  [[nodiscard]] Result<QueryResult> RangeQuery(const Queryable& storage, const Expr& expr,
                                               std::string_view query, int64_t start_ms, int64_t end_ms,
                                               int64_t step_ms, const QueryOptions& options = {},
                                               std::stop_token stop = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ember::promql
