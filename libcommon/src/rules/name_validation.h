// Metric and label name rules: Prometheus 3.x's UTF-8 scheme (any non-empty
// valid UTF-8) or the legacy character sets.
#pragma once

#include <string_view>

#include "ember/base/strings.h"

namespace ember::rules {

inline bool IsValidLabelName(std::string_view name, bool legacy) {
  if (name.empty()) return false;
  if (!legacy) return IsValidUtf8(name);
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

inline bool IsValidMetricName(std::string_view name, bool legacy) {
  if (name.empty()) return false;
  if (!legacy) return IsValidUtf8(name);
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

}  // namespace ember::rules
