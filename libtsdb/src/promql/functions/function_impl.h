// How the engine calls PromQL functions: the contract between engine/ and
// functions/. Signatures (argument and result types) are the parser's
// (ast.h's FunctionSignature); this is the evaluation side.
#pragma once

#include <any>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "ember/base/status.h"
#include "ember/promql/ast.h"
#include "ember/promql/value.h"

namespace ember::promql::internal {

// What a function sees of one evaluation step.
struct FunctionContext {
  int64_t t = 0;               // the step's evaluation time (ms)
  const Call* call = nullptr;  // the call being evaluated (args' positions, absent()'s matchers)
  // Annotations to add (the engine removes duplicates).
  std::vector<Annotation>* annotations = nullptr;
  // Kept across the steps of one evaluation of `call` (e.g. a compiled regex).
  std::any* state = nullptr;

  // Where a function reports an error that fails the whole query, as
  // upstream's panics in functions do (label_replace's invalid regex or
  // destination name, label_join's invalid label names,
  // double_exponential_smoothing's factors out of (0, 1)). The engine points
  // it at an ok Status before calling and, when it is no longer ok after the
  // call, aborts the query with its message (an execution error, as
  // upstream). Null means errors are dropped. A function that fails returns
  // nothing; the first failure wins.
  Status* error = nullptr;

  void Fail(Status status) const {
    if (error != nullptr && error->ok()) *error = std::move(status);
  }
  void Warn(std::string message, PositionRange pos) const {
    annotations->push_back({AnnotationKind::kWarning, std::move(message), pos});
  }
  void Info(std::string message, PositionRange pos) const {
    annotations->push_back({AnnotationKind::kInfo, std::move(message), pos});
  }
};

// One series' window for a function over a range vector (rate, *_over_time,
// ...), evaluated at one step.
struct RangeWindow {
  // The float samples in (range_start_ms, range_end_ms], sorted, stale
  // markers already removed. May be empty only for functions that ask for
  // empty windows (none today: the engine skips them).
  std::span<const Sample> samples;
  int64_t range_start_ms = 0;      // exclusive: eval time - offset - range
  int64_t range_end_ms = 0;        // inclusive: eval time - offset
  const Labels* labels = nullptr;  // the series' labels (for annotations)
  // The values of the call's scalar arguments at this step, in argument
  // order without the range vector (quantile_over_time's φ,
  // predict_linear's t, double_exponential_smoothing's sf and tf).
  std::span<const double> scalars;
};

// Returns the value for the window, or nothing for no output sample.
using RangeFunction = std::optional<double> (*)(const RangeWindow& window, const FunctionContext& ctx);

// One evaluated argument of a function over instant vectors/scalars/strings.
struct ArgValue {
  ValueType type = ValueType::kNone;
  const Vector* vector = nullptr;  // kVector
  double scalar = 0;               // kScalar
  std::string_view string;         // kString
};

// Computes a step's result from its evaluated arguments (optional arguments
// that were not written are absent from `args`). Output samples carry
// t = ctx.t. A function whose signature returns a scalar returns one sample
// with empty labels. The engine keeps the output's order for instant
// queries (sort, sort_by_label, ...).
using VectorFunction = Vector (*)(std::span<const ArgValue> args, const FunctionContext& ctx);

struct FunctionImpl {
  // Exactly one is set: `range` for functions with one range-vector
  // argument evaluated per series (the engine slides the windows), `vector`
  // for everything else.
  RangeFunction range = nullptr;
  VectorFunction vector = nullptr;
  // Whether results lose __name__ (most functions; not last_over_time,
  // first_over_time, sort*, label_replace, label_join, ...).
  bool drops_name = true;
};

// The implementation of a function the parser knows, or null for one the
// engine handles itself.
//
// The engine handles these itself, as their inputs are not plain values:
// `timestamp` (needs the samples' own times), `absent_over_time` (whether any
// series had samples in the window, labels from the selector), and
// `histogram_*` over native histograms (not supported: Unimplemented).
//
// The functions add their own annotations, at upstream's positions: rate and
// increase add the "metric might not be a counter" info for series read by
// a matrix selector (not a subquery) whenever they return a value, so the
// engine must not add it again. histogram_count/sum/avg/stddev/stdvar are
// found here and return nothing, as upstream does for float samples.
const FunctionImpl* LookupFunctionImpl(std::string_view name);

}  // namespace ember::promql::internal
