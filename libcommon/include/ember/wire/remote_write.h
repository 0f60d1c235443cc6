// Remote write 1.0 bodies: a protobuf WriteRequest, snappy block-compressed.
//
// These functions convert between that form and Ember's own types; the
// generated messages (ember/wire/prom_remote.pb.h, package `prometheus`) stay
// available for code that needs fields these types do not carry. All
// functions are pure and thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ember/base/labels.h"
#include "ember/base/status.h"

namespace ember::wire {

// One float sample: milliseconds since the Unix epoch and a value (bit for
// bit, stale-marker NaNs included).
struct WireSample {
  int64_t t = 0;
  double v = 0;
};

// One series of a write request: its labels and its samples in time order.
struct WriteSeries {
  Labels labels;
  std::vector<WireSample> samples;
};

// A decoded write request. Native histograms, exemplars and metadata are not
// returned, only counted, so a receiver can report what it ignored.
struct WriteRequestData {
  std::vector<WriteSeries> series;
  size_t num_samples = 0;     // float samples over all series
  size_t num_histograms = 0;  // native histogram samples (not decoded)
  size_t num_exemplars = 0;
  size_t num_metadata = 0;
};

// Bounds applied while decoding untrusted bodies. Defaults fit what
// Prometheus senders produce (at most a few thousand samples per request).
struct WriteDecodeLimits {
  // Largest compressed body accepted. Unit: bytes. Default: 32 MiB.
  size_t max_compressed_bytes = size_t{32} << 20;
  // Largest uncompressed protobuf accepted. Unit: bytes. Default: 128 MiB.
  size_t max_uncompressed_bytes = size_t{128} << 20;
  // Most series in one request. Default: 1,000,000.
  size_t max_series = 1'000'000;
  // Most float samples in one request. Default: 10,000,000.
  size_t max_samples = 10'000'000;
};

// Encodes `series` as a snappy-compressed WriteRequest. Labels are written in
// their (sorted) order. Errors: InvalidArgument when the message would exceed
// protobuf's 2 GiB limit.
Result<std::string> EncodeWriteRequest(std::span<const WriteSeries> series);

// Decodes a snappy-compressed WriteRequest. Labels come back sorted by name.
// Errors (nothing is returned on error):
// - ResourceExhausted: a size in `limits` is exceeded (the message names it);
// - InvalidArgument: not snappy ("snappy: ..."), not a WriteRequest
//   ("protobuf: ..."), or a series with no labels, an empty label name or a
//   label name given twice (the message names the series' index).
Result<WriteRequestData> DecodeWriteRequest(std::string_view body, const WriteDecodeLimits& limits = {});

}  // namespace ember::wire
