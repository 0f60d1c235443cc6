// Remote write 2.0: io.prometheus.write.v2.Request to and from Ember's types.
#include <limits>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "ember/wire/prom_write_v2.pb.h"
#include "ember/wire/remote_write.h"
#include "ember/wire/snappy.h"
#include "serialize.h"
#include "write_limits.h"

namespace ember::wire {
namespace {

namespace v2 = io::prometheus::write::v2;

// Interns strings into Request.symbols; index 0 is always "".
class SymbolTable {
 public:
  explicit SymbolTable(v2::Request* request) : request_(request) { Ref(""); }

  uint32_t Ref(std::string_view s) {
    auto [it, inserted] = refs_.try_emplace(std::string(s), static_cast<uint32_t>(refs_.size()));
    if (inserted) request_->add_symbols(it->first);
    return it->second;
  }

 private:
  v2::Request* request_;
  std::unordered_map<std::string, uint32_t> refs_;
};

void SetMetadata(const WireMetadata& m, SymbolTable& symbols, v2::TimeSeries* ts) {
  v2::Metadata* pm = ts->mutable_metadata();
  pm->set_type(static_cast<v2::Metadata::MetricType>(m.type));
  pm->set_help_ref(symbols.Ref(m.help));
  pm->set_unit_ref(symbols.Ref(m.unit));
}

// The symbol at `ref`, or an error naming the series and what referred to it.
Result<std::string_view> Symbol(const v2::Request& request, uint32_t ref, size_t series_index,
                                std::string_view what) {
  if (ref >= static_cast<uint32_t>(request.symbols_size())) {
    return Status::InvalidArgument("series " + std::to_string(series_index) + ": " + std::string(what) +
                                   " ref " + std::to_string(ref) + " is out of range (" +
                                   std::to_string(request.symbols_size()) + " symbols)");
  }
  return std::string_view(request.symbols(static_cast<int>(ref)));
}

}  // namespace

Result<std::string> EncodeWriteRequestV2(std::span<const WriteSeries> series,
                                         std::span<const WireMetadata> metadata) {
  v2::Request request;
  SymbolTable symbols(&request);
  request.mutable_timeseries()->Reserve(static_cast<int>(series.size()));
  std::unordered_multimap<std::string_view, v2::TimeSeries*> by_family;
  for (const WriteSeries& s : series) {
    v2::TimeSeries* ts = request.add_timeseries();
    for (const Label& l : s.labels) {
      ts->add_labels_refs(symbols.Ref(l.name));
      ts->add_labels_refs(symbols.Ref(l.value));
    }
    ts->mutable_samples()->Reserve(static_cast<int>(s.samples.size()));
    for (const WireSample& sample : s.samples) {
      v2::Sample* ps = ts->add_samples();
      ps->set_timestamp(sample.t);
      ps->set_value(sample.v);
    }
    by_family.emplace(s.labels.MetricName(), ts);
  }
  for (const WireMetadata& m : metadata) {
    auto [first, last] = by_family.equal_range(m.metric_family_name);
    bool placed = false;
    for (auto it = first; it != last; ++it) {
      if (it->second->has_metadata()) continue;
      SetMetadata(m, symbols, it->second);
      placed = true;
    }
    if (!placed) {
      v2::TimeSeries* ts = request.add_timeseries();
      ts->add_labels_refs(symbols.Ref(kMetricNameLabel));
      ts->add_labels_refs(symbols.Ref(m.metric_family_name));
      SetMetadata(m, symbols, ts);
    }
  }
  return internal::SerializeCompressed(request, "write request");
}

Result<WriteRequestData> DecodeWriteRequestV2(std::string_view body, const WriteDecodeLimits& limits) {
  EMBER_RETURN_IF_ERROR(internal::CheckCompressedSize(body, limits));
  EMBER_ASSIGN_OR_RETURN(std::string raw, SnappyUncompress(body, limits.max_uncompressed_bytes));
  v2::Request request;
  if (!request.ParseFromString(raw)) {
    return Status::InvalidArgument("protobuf: body is not a valid io.prometheus.write.v2.Request");
  }
  if (request.symbols_size() > 0 && !request.symbols(0).empty()) {
    return Status::InvalidArgument("symbols[0] must be the empty string");
  }
  EMBER_RETURN_IF_ERROR(internal::CheckSeriesCount(static_cast<size_t>(request.timeseries_size()), limits));
  WriteRequestData out;
  for (const v2::TimeSeries& ts : request.timeseries()) {
    out.num_samples += static_cast<size_t>(ts.samples_size());
  }
  EMBER_RETURN_IF_ERROR(internal::CheckSampleCount(out.num_samples, limits));

  // Keys of the metadata entries returned so far; a sender repeats a family's
  // metadata on each of its series, the caller wants it once.
  std::unordered_set<std::string> seen_metadata;
  out.series.reserve(static_cast<size_t>(request.timeseries_size()));
  for (int i = 0; i < request.timeseries_size(); ++i) {
    const auto index = static_cast<size_t>(i);
    const v2::TimeSeries& ts = request.timeseries(i);
    out.num_histograms += static_cast<size_t>(ts.histograms_size());
    out.num_exemplars += static_cast<size_t>(ts.exemplars_size());
    if (ts.labels_refs_size() % 2 != 0) {
      return Status::InvalidArgument("series " + std::to_string(index) + ": labels_refs has odd length " +
                                     std::to_string(ts.labels_refs_size()));
    }
    std::vector<Label> labels;
    labels.reserve(static_cast<size_t>(ts.labels_refs_size() / 2));
    for (int j = 0; j < ts.labels_refs_size(); j += 2) {
      EMBER_ASSIGN_OR_RETURN(std::string_view name, Symbol(request, ts.labels_refs(j), index, "label name"));
      EMBER_ASSIGN_OR_RETURN(std::string_view value,
                             Symbol(request, ts.labels_refs(j + 1), index, "label value"));
      labels.push_back(Label{std::string(name), std::string(value)});
    }
    EMBER_ASSIGN_OR_RETURN(Labels sorted,
                           internal::ValidatedLabels(std::move(labels), index, limits.require_sorted_labels));
    if (ts.has_metadata()) {
      const v2::Metadata& m = ts.metadata();
      EMBER_ASSIGN_OR_RETURN(std::string_view help, Symbol(request, m.help_ref(), index, "metadata help"));
      EMBER_ASSIGN_OR_RETURN(std::string_view unit, Symbol(request, m.unit_ref(), index, "metadata unit"));
      const MetricType type = internal::MetricTypeFromWire(m.type());
      if (type != MetricType::kUnknown || !help.empty() || !unit.empty()) {
        WireMetadata entry{std::string(sorted.MetricName()), type, std::string(help), std::string(unit)};
        // Length prefixes make the concatenation unambiguous.
        std::string key = std::to_string(entry.metric_family_name.size()) + ":" + entry.metric_family_name +
                          std::to_string(static_cast<int>(type)) + ":" + std::to_string(help.size()) + ":" +
                          entry.help + entry.unit;
        if (seen_metadata.insert(std::move(key)).second) out.metadata.push_back(std::move(entry));
      }
    }
    WriteSeries series{std::move(sorted), {}};
    series.samples.reserve(static_cast<size_t>(ts.samples_size()));
    for (const v2::Sample& s : ts.samples()) {
      series.samples.push_back(WireSample{s.timestamp(), s.value()});
    }
    out.series.push_back(std::move(series));
  }
  out.num_metadata = out.metadata.size();
  return out;
}

}  // namespace ember::wire
