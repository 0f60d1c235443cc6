#include "ember/wire/remote_write.h"

#include <google/protobuf/stubs/common.h>

#include <bit>
#include <cstring>
#include <limits>
#include <string>

#include "ember/wire/prom_remote.pb.h"
#include "ember/wire/snappy.h"
#include "proto_reader.h"
#include "serialize.h"
#include "varint.h"
#include "write_limits.h"

namespace ember::wire {
namespace {

// DecodeWriteRequest walks the protobuf bytes itself instead of parsing into
// generated messages and copying out: the generated classes' allocations, the
// copy and their destruction made decoding three to five times slower (figures
// in README.md). It makes two passes: the first checks the whole
// message is one protobuf would accept and counts, so that malformed bodies
// and limits are reported exactly as the generated parser reported them; the
// second builds the series. wire_remote_write_fuzz checks it against the
// generated parser (write_request_protobuf.h).

using internal::ProtoReader;
using internal::WireType;

// Field numbers of prometheus.WriteRequest, TimeSeries, Label and Sample.
constexpr uint32_t kRequestTimeseries = 1;
constexpr uint32_t kRequestMetadata = 3;
constexpr uint32_t kSeriesLabels = 1;
constexpr uint32_t kSeriesSamples = 2;
constexpr uint32_t kSeriesExemplars = 3;
constexpr uint32_t kSeriesHistograms = 4;
constexpr uint32_t kLabelName = 1;
constexpr uint32_t kLabelValue = 2;
constexpr uint32_t kSampleValue = 1;
constexpr uint32_t kSampleTimestamp = 2;

// Recursion budget left inside each level, as protobuf counts it.
constexpr int kRequestDepth = internal::kRecursionBudget;
constexpr int kSeriesDepth = kRequestDepth - 1;
constexpr int kLeafDepth = kSeriesDepth - 1;

struct SeriesShape {
  uint32_t labels = 0;
  uint32_t samples = 0;
};

struct Scan {
  std::vector<SeriesShape> series;
  size_t num_samples = 0;
  size_t num_histograms = 0;
  size_t num_exemplars = 0;
  std::vector<WireMetadata> metadata;
};

// Parses `payload`, the value of `field` of a WriteRequest, with the generated
// classes, as a one-field WriteRequest: the rare parts (exemplars, histograms,
// metadata) get protobuf's own checks at the same nesting depth.
bool ParseWrapped(uint32_t field, std::string_view payload, prometheus::WriteRequest* out) {
  std::string wrapped;
  wrapped.reserve(payload.size() + 6);
  internal::AppendUvarint(wrapped, (field << 3) | static_cast<uint32_t>(WireType::kLen));
  internal::AppendUvarint(wrapped, payload.size());
  wrapped.append(payload);
  return out->ParseFromString(wrapped);
}

// protobuf refuses proto3 strings that are not UTF-8. Label names and values
// are nearly always ASCII, which is checked here before calling protobuf's own
// validator.
bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, s.data() + i, 8);
    if ((word & 0x8080808080808080ULL) != 0) break;
  }
  for (; i < s.size(); ++i) {
    if (static_cast<uint8_t>(s[i]) >= 0x80) {
      return google::protobuf::internal::IsStructurallyValidUTF8(s.data() + i,
                                                                 static_cast<int>(s.size() - i));
    }
  }
  return true;
}

bool ScanString(ProtoReader& r) {
  std::string_view s;
  return r.ReadLen(&s) && IsValidUtf8(s);
}

bool ScanLabel(std::string_view bytes) {
  ProtoReader r(bytes);
  while (!r.done()) {
    uint32_t field = 0;
    WireType type{};
    if (!r.ReadTag(&field, &type)) return false;
    const bool ok = (field == kLabelName || field == kLabelValue) && type == WireType::kLen
                        ? ScanString(r)
                        : r.Skip(field, type, kLeafDepth);
    if (!ok) return false;
  }
  return true;
}

bool ScanSample(std::string_view bytes) {
  ProtoReader r(bytes);
  while (!r.done()) {
    uint32_t field = 0;
    WireType type{};
    if (!r.ReadTag(&field, &type)) return false;
    uint64_t ignored = 0;
    bool ok = false;
    if (field == kSampleValue && type == WireType::kFixed64) {
      ok = r.ReadFixed64(&ignored);
    } else if (field == kSampleTimestamp && type == WireType::kVarint) {
      ok = r.ReadVarint(&ignored);
    } else {
      ok = r.Skip(field, type, kLeafDepth);
    }
    if (!ok) return false;
  }
  return true;
}

bool ScanSeries(std::string_view bytes, Scan* scan) {
  ProtoReader r(bytes);
  SeriesShape shape;
  bool has_rare_parts = false;
  while (!r.done()) {
    uint32_t field = 0;
    WireType type{};
    if (!r.ReadTag(&field, &type)) return false;
    if (type != WireType::kLen || field < kSeriesLabels || field > kSeriesHistograms) {
      if (!r.Skip(field, type, kSeriesDepth)) return false;
      continue;
    }
    std::string_view value;
    if (!r.ReadLen(&value)) return false;
    switch (field) {
      case kSeriesLabels:
        if (!ScanLabel(value)) return false;
        ++shape.labels;
        break;
      case kSeriesSamples:
        if (!ScanSample(value)) return false;
        ++shape.samples;
        break;
      case kSeriesExemplars:
        ++scan->num_exemplars;
        has_rare_parts = true;
        break;
      case kSeriesHistograms:
        ++scan->num_histograms;
        has_rare_parts = true;
        break;
    }
  }
  if (has_rare_parts) {
    prometheus::WriteRequest wrapped;
    if (!ParseWrapped(kRequestTimeseries, bytes, &wrapped)) return false;
  }
  scan->num_samples += shape.samples;
  scan->series.push_back(shape);
  return true;
}

// Pass one: true when protobuf would parse `raw` as a WriteRequest.
bool ScanRequest(std::string_view raw, Scan* scan) {
  if (raw.size() > static_cast<size_t>(std::numeric_limits<int>::max())) return false;
  ProtoReader r(raw);
  while (!r.done()) {
    uint32_t field = 0;
    WireType type{};
    if (!r.ReadTag(&field, &type)) return false;
    if (type != WireType::kLen || (field != kRequestTimeseries && field != kRequestMetadata)) {
      if (!r.Skip(field, type, kRequestDepth)) return false;
      continue;
    }
    std::string_view value;
    if (!r.ReadLen(&value)) return false;
    if (field == kRequestTimeseries) {
      if (!ScanSeries(value, scan)) return false;
      continue;
    }
    prometheus::WriteRequest wrapped;
    if (!ParseWrapped(kRequestMetadata, value, &wrapped)) return false;
    const prometheus::MetricMetadata& m = wrapped.metadata(0);
    scan->metadata.push_back(
        WireMetadata{m.metric_family_name(), internal::MetricTypeFromWire(m.type()), m.help(), m.unit()});
  }
  return true;
}

// Pass two, for one series the scan accepted: the last name and value given win,
// as in protobuf.
void DecodeLabel(std::string_view bytes, std::vector<Label>* labels) {
  ProtoReader r(bytes);
  std::string_view name;
  std::string_view value;
  uint32_t field = 0;
  WireType type{};
  while (!r.done() && r.ReadTag(&field, &type)) {
    if (type == WireType::kLen && field == kLabelName) {
      r.ReadLen(&name);
    } else if (type == WireType::kLen && field == kLabelValue) {
      r.ReadLen(&value);
    } else if (!r.Skip(field, type, kLeafDepth)) {
      break;
    }
  }
  labels->push_back(Label{std::string(name), std::string(value)});
}

WireSample DecodeSample(std::string_view bytes) {
  ProtoReader r(bytes);
  uint64_t value_bits = 0;
  uint64_t timestamp = 0;
  uint32_t field = 0;
  WireType type{};
  while (!r.done() && r.ReadTag(&field, &type)) {
    bool ok = false;
    if (type == WireType::kFixed64 && field == kSampleValue) {
      ok = r.ReadFixed64(&value_bits);
    } else if (type == WireType::kVarint && field == kSampleTimestamp) {
      ok = r.ReadVarint(&timestamp);
    } else {
      ok = r.Skip(field, type, kLeafDepth);
    }
    if (!ok) break;
  }
  return WireSample{static_cast<int64_t>(timestamp), std::bit_cast<double>(value_bits)};
}

Result<WriteSeries> DecodeSeries(std::string_view bytes, const SeriesShape& shape, size_t index,
                                 bool require_sorted) {
  std::vector<Label> labels;
  labels.reserve(shape.labels);
  WriteSeries series;
  series.samples.reserve(shape.samples);
  ProtoReader r(bytes);
  uint32_t field = 0;
  WireType type{};
  while (!r.done() && r.ReadTag(&field, &type)) {
    std::string_view value;
    if (type != WireType::kLen) {
      if (!r.Skip(field, type, kSeriesDepth)) break;
    } else if (!r.ReadLen(&value)) {
      break;
    } else if (field == kSeriesLabels) {
      DecodeLabel(value, &labels);
    } else if (field == kSeriesSamples) {
      series.samples.push_back(DecodeSample(value));
    }
  }
  EMBER_ASSIGN_OR_RETURN(series.labels, internal::ValidatedLabels(std::move(labels), index, require_sorted));
  return series;
}

}  // namespace

Result<std::string> EncodeWriteRequest(std::span<const WriteSeries> series) {
  return EncodeWriteRequest(series, {});
}

Result<std::string> EncodeWriteRequest(std::span<const WriteSeries> series,
                                       std::span<const WireMetadata> metadata) {
  prometheus::WriteRequest request;
  request.mutable_timeseries()->Reserve(static_cast<int>(series.size()));
  for (const WriteSeries& s : series) {
    prometheus::TimeSeries* ts = request.add_timeseries();
    ts->mutable_labels()->Reserve(static_cast<int>(s.labels.size()));
    for (const Label& l : s.labels) {
      prometheus::Label* pl = ts->add_labels();
      pl->set_name(l.name);
      pl->set_value(l.value);
    }
    ts->mutable_samples()->Reserve(static_cast<int>(s.samples.size()));
    for (const WireSample& sample : s.samples) {
      prometheus::Sample* ps = ts->add_samples();
      ps->set_timestamp(sample.t);
      ps->set_value(sample.v);
    }
  }
  request.mutable_metadata()->Reserve(static_cast<int>(metadata.size()));
  for (const WireMetadata& m : metadata) {
    prometheus::MetricMetadata* pm = request.add_metadata();
    pm->set_type(static_cast<prometheus::MetricMetadata::MetricType>(m.type));
    pm->set_metric_family_name(m.metric_family_name);
    pm->set_help(m.help);
    pm->set_unit(m.unit);
  }
  return internal::SerializeCompressed(request, "write request");
}

Result<WriteRequestData> DecodeWriteRequest(std::string_view body, const WriteDecodeLimits& limits) {
  EMBER_RETURN_IF_ERROR(internal::CheckCompressedSize(body, limits));
  EMBER_ASSIGN_OR_RETURN(std::string raw, SnappyUncompress(body, limits.max_uncompressed_bytes));
  Scan scan;
  if (!ScanRequest(raw, &scan)) {
    return Status::InvalidArgument("protobuf: body is not a valid WriteRequest");
  }
  EMBER_RETURN_IF_ERROR(internal::CheckSeriesCount(scan.series.size(), limits));
  EMBER_RETURN_IF_ERROR(internal::CheckSampleCount(scan.num_samples, limits));
  WriteRequestData out;
  out.num_samples = scan.num_samples;
  out.num_histograms = scan.num_histograms;
  out.num_exemplars = scan.num_exemplars;
  out.series.reserve(scan.series.size());
  ProtoReader r(raw);
  uint32_t field = 0;
  WireType type{};
  while (!r.done() && r.ReadTag(&field, &type)) {
    std::string_view value;
    if (type != WireType::kLen) {
      if (!r.Skip(field, type, kRequestDepth)) break;
    } else if (!r.ReadLen(&value)) {
      break;
    } else if (field == kRequestTimeseries) {
      const size_t index = out.series.size();
      EMBER_ASSIGN_OR_RETURN(WriteSeries series,
                             DecodeSeries(value, scan.series[index], index, limits.require_sorted_labels));
      out.series.push_back(std::move(series));
    }
  }
  out.metadata = std::move(scan.metadata);
  out.num_metadata = out.metadata.size();
  return out;
}

}  // namespace ember::wire
