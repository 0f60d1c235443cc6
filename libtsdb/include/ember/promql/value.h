// PromQL values: scalars, strings, instant vectors and range vectors
// (matrices), and the annotations (warnings and infos) a query may return.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ember/base/labels.h"
#include "ember/tsdb/sample.h"

namespace ember::promql {

using tsdb::Sample;

// The type of an expression or a result, as the parser checks and the API
// reports it.
enum class ValueType {
  kNone,
  kScalar,
  kVector,  // instant vector
  kMatrix,  // range vector
  kString,
};

// "scalar", "vector", "matrix", "string" (the API's resultType); "none".
std::string_view ValueTypeName(ValueType type);
// "scalar", "instant vector", "range vector", "string" (parser errors).
std::string_view ValueTypeDocName(ValueType type);

// One element of an instant vector. `drop_name` marks a series whose
// __name__ is to be removed when evaluation ends (Prometheus 3's delayed name
// removal); the engine removes it before returning a result.
struct VectorSample {
  Labels labels;
  int64_t t = 0;
  double v = 0;
  bool drop_name = false;
};
using Vector = std::vector<VectorSample>;

// One series of a range vector, or of a range query's result: samples sorted
// by time, one per timestamp.
struct Series {
  Labels labels;
  std::vector<Sample> samples;
  bool drop_name = false;
};
using Matrix = std::vector<Series>;

struct Scalar {
  int64_t t = 0;
  double v = 0;
};

struct String {
  int64_t t = 0;
  std::string v;
};

// A query result. std::monostate only for "no value" (never returned by a
// successful query).
using Value = std::variant<std::monostate, Scalar, Vector, Matrix, String>;

ValueType TypeOf(const Value& value);

// Byte offsets [start, end) of an expression in the query text.
struct PositionRange {
  int start = 0;
  int end = 0;

  friend bool operator==(const PositionRange&, const PositionRange&) = default;
};

enum class AnnotationKind { kWarning, kInfo };

// A warning or info attached to a query's result, e.g. the info
// `metric might not be a counter, name does not end in
// _total/_sum/_count/_bucket: "foo"` at the position of `rate(foo[5m])`.
struct Annotation {
  AnnotationKind kind = AnnotationKind::kWarning;
  std::string message;  // without the "PromQL warning: " prefix or position
  PositionRange pos;

  friend bool operator==(const Annotation&, const Annotation&) = default;
};

// The form the API returns: `PromQL warning: <message> (L:C)` where L:C is
// the 1-based line and column of pos.start in `query`.
std::string RenderAnnotation(const Annotation& annotation, std::string_view query);

// 1-based line and column of byte `offset` in `query`, as "L:C".
std::string LineColumn(std::string_view query, int offset);

}  // namespace ember::promql
