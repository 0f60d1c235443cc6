// The evaluator of one query: walks the syntax tree over a grid of steps.
//
// Every instant-vector expression evaluates to a Matrix whose samples sit at
// step times, so a node sees all steps of its children at once: selectors
// read each series once for the whole range, labels and matching signatures
// are computed once per series, and only values are touched per step.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "ember/base/status.h"
#include "ember/promql/ast.h"
#include "ember/promql/engine.h"
#include "ember/promql/queryable.h"
#include "ember/promql/value.h"
#include "promql/functions/function_impl.h"

namespace ember::promql::internal {

// The steps start, start + interval, ... <= end.
struct StepRange {
  int64_t start = 0;
  int64_t end = 0;
  int64_t interval = 1;

  size_t Steps() const { return static_cast<size_t>((end - start) / interval) + 1; }
  int64_t T(size_t i) const { return start + static_cast<int64_t>(i) * interval; }
};

// A value over all steps: kVector and kMatrix in `matrix` (kVector with one
// sample per step time at most), kScalar in `scalars` (one per step),
// kString in `str`.
struct StepValue {
  ValueType type = ValueType::kNone;
  Matrix matrix;
  std::vector<double> scalars;
  std::string str;
};

struct EvaluatorLimits {
  int64_t lookback_ms = 5 * 60 * 1000;
  int64_t max_samples = 50'000'000;
  int64_t default_subquery_step_ms = 60 * 1000;
  bool delayed_name_removal = false;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  bool per_step_stats = false;
  // The query's step (0 for an instant query), for step().
  int64_t query_step_ms = 0;
};

class Evaluator {
 public:
  // `query_start`/`query_end` are what `@ start()` and `@ end()` mean.
  Evaluator(const Queryable& storage, int64_t query_start, int64_t query_end, EvaluatorLimits limits,
            std::stop_token stop);

  [[nodiscard]] Result<StepValue> Eval(const Expr& expr, const StepRange& range);

  // Removes __name__ from series marked drop_name (delayed name removal).
  [[nodiscard]] Status CleanupNames(Matrix& matrix) const;

  std::vector<Annotation>& annotations() { return annotations_; }
  int64_t total_samples() const { return total_samples_; }
  int64_t peak_samples() const { return peak_samples_; }
  std::vector<std::pair<int64_t, int64_t>>& per_step() { return per_step_; }

  struct RangeInput;

 private:
  Status Tick();
  Status Hold(int64_t n);
  void Release(const StepValue& v);
  std::optional<int64_t> AtTime(const TimeModifiers& m) const;
  void CountStep(const StepRange& range, size_t step, int64_t n);

  Result<StepValue> EvalVectorSelector(const VectorSelector& vs, const StepRange& range, bool timestamps);
  Result<RangeInput> EvalRangeInput(const Expr& expr, const StepRange& range);
  Result<StepValue> EvalMatrixAtInstant(const Expr& expr, const StepRange& range);
  Result<StepValue> EvalCall(const Call& call, const StepRange& range);
  Result<StepValue> EvalRangeCall(const Call& call, const StepRange& range, size_t matrix_arg,
                                  const FunctionImpl* impl);
  Result<StepValue> EvalAbsentOverTime(const Call& call, const StepRange& range);
  Result<StepValue> EvalVectorCall(const Call& call, const StepRange& range, const FunctionImpl* impl);
  Result<StepValue> EvalUnary(const Unary& u, const StepRange& range);
  Result<StepValue> EvalBinary(const Binary& b, const StepRange& range);
  Result<StepValue> EvalAggregate(const Aggregate& a, const StepRange& range);

  const Queryable& storage_;
  int64_t query_start_;
  int64_t query_end_;
  EvaluatorLimits limits_;
  std::stop_token stop_;
  std::vector<Annotation> annotations_;
  int64_t total_samples_ = 0;
  int64_t current_samples_ = 0;
  int64_t peak_samples_ = 0;
  uint32_t ticks_ = 0;
  std::vector<std::pair<int64_t, int64_t>> per_step_;
};

}  // namespace ember::promql::internal
