#include "ember/wire/remote_write.h"

#include <limits>
#include <string>

#include "ember/wire/prom_remote.pb.h"
#include "ember/wire/snappy.h"

namespace ember::wire {

Result<std::string> EncodeWriteRequest(std::span<const WriteSeries> series) {
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
  if (request.ByteSizeLong() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return Status::InvalidArgument("write request of " + std::to_string(request.ByteSizeLong()) +
                                   " bytes exceeds protobuf's 2 GiB message limit");
  }
  std::string raw;
  if (!request.SerializeToString(&raw)) {
    return Status::Internal("protobuf: serializing the write request failed");
  }
  return SnappyCompress(raw);
}

Result<WriteRequestData> DecodeWriteRequest(std::string_view body, const WriteDecodeLimits& limits) {
  if (body.size() > limits.max_compressed_bytes) {
    return Status::ResourceExhausted("write request body of " + std::to_string(body.size()) +
                                     " bytes exceeds the limit of " +
                                     std::to_string(limits.max_compressed_bytes));
  }
  EMBER_ASSIGN_OR_RETURN(std::string raw, SnappyUncompress(body, limits.max_uncompressed_bytes));
  prometheus::WriteRequest request;
  if (!request.ParseFromString(raw)) {
    return Status::InvalidArgument("protobuf: body is not a valid WriteRequest");
  }
  if (static_cast<size_t>(request.timeseries_size()) > limits.max_series) {
    return Status::ResourceExhausted("write request has " + std::to_string(request.timeseries_size()) +
                                     " series, more than the limit of " + std::to_string(limits.max_series));
  }
  WriteRequestData out;
  out.num_metadata = static_cast<size_t>(request.metadata_size());
  for (const prometheus::TimeSeries& ts : request.timeseries()) {
    out.num_samples += static_cast<size_t>(ts.samples_size());
  }
  if (out.num_samples > limits.max_samples) {
    return Status::ResourceExhausted("write request has " + std::to_string(out.num_samples) +
                                     " samples, more than the limit of " +
                                     std::to_string(limits.max_samples));
  }
  out.series.reserve(static_cast<size_t>(request.timeseries_size()));
  for (int i = 0; i < request.timeseries_size(); ++i) {
    const prometheus::TimeSeries& ts = request.timeseries(i);
    out.num_histograms += static_cast<size_t>(ts.histograms_size());
    out.num_exemplars += static_cast<size_t>(ts.exemplars_size());
    std::vector<Label> labels;
    labels.reserve(static_cast<size_t>(ts.labels_size()));
    for (const prometheus::Label& l : ts.labels()) {
      if (l.name().empty()) {
        return Status::InvalidArgument("series " + std::to_string(i) + ": label name is empty");
      }
      labels.push_back(Label{l.name(), l.value()});
    }
    if (labels.empty()) {
      return Status::InvalidArgument("series " + std::to_string(i) + ": empty labelset");
    }
    WriteSeries series{Labels::FromUnsorted(std::move(labels)), {}};
    if (series.labels.HasDuplicateNames()) {
      return Status::InvalidArgument("series " + std::to_string(i) + ": label name given twice in " +
                                     series.labels.ToString());
    }
    series.samples.reserve(static_cast<size_t>(ts.samples_size()));
    for (const prometheus::Sample& s : ts.samples()) {
      series.samples.push_back(WireSample{s.timestamp(), s.value()});
    }
    out.series.push_back(std::move(series));
  }
  return out;
}

}  // namespace ember::wire
