// Builders for the functions' unit tests: windows and calls by hand.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "promql/functions/function_impl.h"

namespace ember::promql::internal {

struct RangeCall {
  std::vector<Sample> samples;
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  Labels labels;
  std::vector<double> scalars;
  std::vector<Annotation> annotations;
  Status error;

  std::optional<double> Run(std::string_view name, const Call* call = nullptr) {
    const FunctionImpl* impl = LookupFunctionImpl(name);
    if (impl == nullptr || impl->range == nullptr) return std::nullopt;
    RangeWindow w{samples, start_ms, end_ms, &labels, scalars};
    std::any state;
    FunctionContext ctx{end_ms, call, &annotations, &state, &error};
    return impl->range(w, ctx);
  }
};

struct VectorCall {
  std::vector<ArgValue> args;
  std::vector<Annotation> annotations;
  Status error;
  int64_t t = 0;

  Vector Run(std::string_view name, const Call* call = nullptr) {
    const FunctionImpl* impl = LookupFunctionImpl(name);
    if (impl == nullptr || impl->vector == nullptr) return {};
    std::any state;
    FunctionContext ctx{t, call, &annotations, &state, &error};
    return impl->vector(args, ctx);
  }
};

inline ArgValue VectorArg(const Vector& v) { return ArgValue{ValueType::kVector, &v, 0, {}}; }
inline ArgValue ScalarArg(double v) { return ArgValue{ValueType::kScalar, nullptr, v, {}}; }
inline ArgValue StringArg(std::string_view s) { return ArgValue{ValueType::kString, nullptr, 0, s}; }

}  // namespace ember::promql::internal
