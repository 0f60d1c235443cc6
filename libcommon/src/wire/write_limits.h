// Limit checks shared by the remote write 1.0 and 2.0 decoders, so both
// refuse the same bodies with the same messages. Private to src/wire.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "ember/wire/remote_write.h"

namespace ember::wire::internal {

inline Status CheckCompressedSize(std::string_view body, const WriteDecodeLimits& limits) {
  if (body.size() > limits.max_compressed_bytes) {
    return Status::ResourceExhausted("write request body of " + std::to_string(body.size()) +
                                     " bytes exceeds the limit of " +
                                     std::to_string(limits.max_compressed_bytes));
  }
  return Status::Ok();
}

inline Status CheckSeriesCount(size_t num_series, const WriteDecodeLimits& limits) {
  if (num_series > limits.max_series) {
    return Status::ResourceExhausted("write request has " + std::to_string(num_series) +
                                     " series, more than the limit of " + std::to_string(limits.max_series));
  }
  return Status::Ok();
}

inline Status CheckSampleCount(size_t num_samples, const WriteDecodeLimits& limits) {
  if (num_samples > limits.max_samples) {
    return Status::ResourceExhausted("write request has " + std::to_string(num_samples) +
                                     " samples, more than the limit of " +
                                     std::to_string(limits.max_samples));
  }
  return Status::Ok();
}

// Sorts `labels` by name and rejects what a receiver must not store: no
// labels, an empty name, a name given twice, and, when `require_sorted`,
// names out of order. `series_index` names the series.
inline Result<Labels> ValidatedLabels(std::vector<Label> labels, size_t series_index,
                                      bool require_sorted = false) {
  bool sorted = true;
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i].name.empty()) {
      return Status::InvalidArgument("series " + std::to_string(series_index) + ": label name is empty");
    }
    if (i > 0 && labels[i].name < labels[i - 1].name) sorted = false;
  }
  if (labels.empty()) {
    return Status::InvalidArgument("series " + std::to_string(series_index) + ": empty labelset");
  }
  if (!sorted && require_sorted) {
    return Status::InvalidArgument("series " + std::to_string(series_index) +
                                   ": labels are not sorted by name in " +
                                   Labels::FromUnsorted(std::move(labels)).ToString());
  }
  // Senders sort their labels; sorting again would cost a stable sort's buffer.
  Labels result = sorted ? Labels::FromSorted(std::move(labels)) : Labels::FromUnsorted(std::move(labels));
  if (result.HasDuplicateNames()) {
    return Status::InvalidArgument("series " + std::to_string(series_index) + ": label name given twice in " +
                                   result.ToString());
  }
  return result;
}

// Wire enum value -> MetricType; values this build does not know are kUnknown.
inline MetricType MetricTypeFromWire(int value) {
  return value >= 0 && value <= static_cast<int>(MetricType::kStateset) ? static_cast<MetricType>(value)
                                                                        : MetricType::kUnknown;
}

}  // namespace ember::wire::internal
