#include <array>

#include "ember/wire/remote_write.h"

namespace ember::wire {

std::string_view MetricTypeName(MetricType type) {
  static constexpr std::array<std::string_view, 8> kNames = {
      "unknown", "counter", "gauge", "histogram", "gaugehistogram", "summary", "info", "stateset"};
  const auto i = static_cast<size_t>(type);
  return i < kNames.size() ? kNames[i] : kNames[0];
}

}  // namespace ember::wire
