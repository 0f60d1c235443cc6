#include "ember/promql/value.h"

#include <string>

namespace ember::promql {

std::string_view ValueTypeName(ValueType type) {
  switch (type) {
    case ValueType::kScalar:
      return "scalar";
    case ValueType::kVector:
      return "vector";
    case ValueType::kMatrix:
      return "matrix";
    case ValueType::kString:
      return "string";
    case ValueType::kNone:
      break;
  }
  return "none";
}

std::string_view ValueTypeDocName(ValueType type) {
  switch (type) {
    case ValueType::kScalar:
      return "scalar";
    case ValueType::kVector:
      return "instant vector";
    case ValueType::kMatrix:
      return "range vector";
    case ValueType::kString:
      return "string";
    case ValueType::kNone:
      break;
  }
  return "none";
}

ValueType TypeOf(const Value& value) {
  switch (value.index()) {
    case 1:
      return ValueType::kScalar;
    case 2:
      return ValueType::kVector;
    case 3:
      return ValueType::kMatrix;
    case 4:
      return ValueType::kString;
    default:
      return ValueType::kNone;
  }
}

std::string LineColumn(std::string_view query, int offset) {
  int line = 1;
  int column = 1;
  for (int i = 0; i < offset && i < static_cast<int>(query.size()); ++i) {
    if (query[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return std::to_string(line) + ":" + std::to_string(column);
}

std::string RenderAnnotation(const Annotation& annotation, std::string_view query) {
  std::string out = annotation.kind == AnnotationKind::kWarning ? "PromQL warning: " : "PromQL info: ";
  out += annotation.message;
  out += " (";
  out += LineColumn(query, annotation.pos.start);
  out += ")";
  return out;
}

}  // namespace ember::promql
