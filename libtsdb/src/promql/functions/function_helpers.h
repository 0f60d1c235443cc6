// Helpers shared by the function implementations: compensated summation, the
// per-sample mapping of instant vectors, and the annotation texts several
// files emit.
#pragma once

#include <cmath>
#include <span>
#include <string>
#include <string_view>

#include "ember/promql/value.h"
#include "promql/functions/function_impl.h"

namespace ember::promql::internal {

// Kahan-Neumaier summation as Prometheus does it: `c` collects the rounding
// error; once the sum overflows the compensation is reset, so an infinite
// sum stays infinite instead of turning into NaN.
struct KahanSum {
  double sum = 0;
  double c = 0;

  void Add(double inc) {
    const double t = sum + inc;
    if (std::isinf(t)) {
      c = 0;
    } else if (std::fabs(sum) >= std::fabs(inc)) {
      c += (sum - t) + inc;
    } else {
      c += (inc - t) + sum;
    }
    sum = t;
  }
  double Value() const { return std::isinf(sum) ? sum : sum + c; }
};

// Applies `f` to every sample of the first argument; the results lose
// __name__ (drop_name), as every per-sample math function's do.
template <typename F>
Vector MapSamples(std::span<const ArgValue> args, const FunctionContext& ctx, F f) {
  Vector out;
  if (args.empty() || args[0].vector == nullptr) return out;
  out.reserve(args[0].vector->size());
  for (const VectorSample& s : *args[0].vector) {
    out.push_back(VectorSample{s.labels, ctx.t, f(s.v), true});
  }
  return out;
}

// The position of the call's argument `i`, or the call's own when absent.
inline PositionRange ArgPos(const FunctionContext& ctx, size_t i) {
  if (ctx.call == nullptr) return {};
  if (i < ctx.call->args.size()) return ctx.call->args[i]->pos;
  return ctx.call->pos;
}

// One entry of the function table.
struct NamedFunction {
  std::string_view name;
  FunctionImpl impl;
};

// The functions of each file, merged by LookupFunctionImpl.
std::span<const NamedFunction> RateFunctions();       // rate_functions.cpp
std::span<const NamedFunction> OverTimeFunctions();   // over_time_functions.cpp
std::span<const NamedFunction> MathFunctions();       // math_functions.cpp
std::span<const NamedFunction> TimeFunctions();       // time_functions.cpp
std::span<const NamedFunction> LabelFunctions();      // label_functions.cpp
std::span<const NamedFunction> SortFunctions();       // sort_functions.cpp
std::span<const NamedFunction> HistogramFunctions();  // histogram_functions.cpp

// `quantile value should be between 0 and 1, got <q>` (Go's %g).
std::string InvalidQuantileMessage(double q);

}  // namespace ember::promql::internal
