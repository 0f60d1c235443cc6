// Remote write bodies: a protobuf message, snappy block-compressed. Version 1.0
// sends prometheus.WriteRequest, version 2.0 io.prometheus.write.v2.Request
// (strings interned in a symbol table, metadata per series).
//
// These functions convert between those forms and Ember's own types; the
// generated messages (ember/wire/prom_remote.pb.h, ember/wire/prom_write_v2.pb.h)
// stay available for code that needs fields these types do not carry. All
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

// The type of a metric family, as Prometheus's model.MetricType names it.
// Numbered as both protocol versions number it on the wire.
enum class MetricType {
  kUnknown = 0,
  kCounter,
  kGauge,
  kHistogram,
  kGaugeHistogram,
  kSummary,
  kInfo,
  kStateset
};

// "unknown", "counter", "gauge", "histogram", "gaugehistogram", "summary",
// "info", "stateset" (Prometheus's strings); "unknown" for values out of range.
std::string_view MetricTypeName(MetricType type);

// Metadata of one metric family: its type, help text and unit.
struct WireMetadata {
  std::string metric_family_name;
  MetricType type = MetricType::kUnknown;
  std::string help;
  std::string unit;

  friend bool operator==(const WireMetadata&, const WireMetadata&) = default;
};

// A decoded write request. Native histograms and exemplars are not returned,
// only counted, so a receiver can report what it ignored.
struct WriteRequestData {
  std::vector<WriteSeries> series;
  // In the order the request gives it. Version 1.0 sends it apart from the
  // series; version 2.0 per series, gathered here one entry per distinct
  // (family, type, help, unit).
  std::vector<WireMetadata> metadata;
  size_t num_samples = 0;     // float samples over all series
  size_t num_histograms = 0;  // native histogram samples (not decoded)
  size_t num_exemplars = 0;
  size_t num_metadata = 0;  // == metadata.size()
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
  // Refuse a series whose labels are not sorted by name (the remote write
  // specification requires senders to sort them) instead of sorting them.
  // Default: false.
  bool require_sorted_labels = false;
};

// Encodes `series` as a snappy-compressed WriteRequest. Labels are written in
// their (sorted) order. Errors: InvalidArgument when the message would exceed
// protobuf's 2 GiB limit.
Result<std::string> EncodeWriteRequest(std::span<const WriteSeries> series);
// The same with `metadata` in the request's metadata field.
Result<std::string> EncodeWriteRequest(std::span<const WriteSeries> series,
                                       std::span<const WireMetadata> metadata);

// Decodes a snappy-compressed WriteRequest. Labels come back sorted by name.
// Errors (nothing is returned on error):
// - ResourceExhausted: a size in `limits` is exceeded (the message names it);
// - InvalidArgument: not snappy ("snappy: ..."), not a WriteRequest
//   ("protobuf: ..."), or a series with no labels, an empty label name or a
//   label name given twice (the message names the series' index).
// Metadata of an unknown type number comes back as MetricType::kUnknown.
Result<WriteRequestData> DecodeWriteRequest(std::string_view body, const WriteDecodeLimits& limits = {});

// Encodes `series` as a snappy-compressed remote write 2.0 Request, every
// string interned once in the symbol table. Each entry of `metadata` goes on
// the series whose __name__ is its metric_family_name (all of them); an entry
// no series carries yet goes on a sample-less series {__name__="<family>"}, so
// nothing is lost. Errors: InvalidArgument when the message would exceed
// protobuf's 2 GiB limit.
Result<std::string> EncodeWriteRequestV2(std::span<const WriteSeries> series,
                                         std::span<const WireMetadata> metadata = {});

// Decodes a snappy-compressed remote write 2.0 Request. Labels are resolved
// through the symbol table and come back sorted by name. A series' Metadata
// with a type, help or unit becomes a WireMetadata named after the series'
// __name__, one entry per distinct (family, type, help, unit) in order of first
// appearance. Histograms and exemplars are counted, not decoded; start and
// created timestamps are ignored.
// Errors (nothing is returned on error):
// - ResourceExhausted: a size in `limits` is exceeded (the message names it);
// - InvalidArgument: not snappy ("snappy: ..."), not a Request ("protobuf: ..."),
//   symbols[0] is not "", or a series (named by its index) with an odd number
//   of label refs, a ref past the symbol table, no labels, an empty label name
//   or a label name given twice.
Result<WriteRequestData> DecodeWriteRequestV2(std::string_view body, const WriteDecodeLimits& limits = {});

}  // namespace ember::wire
