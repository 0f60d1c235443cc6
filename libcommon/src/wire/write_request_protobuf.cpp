#include "write_request_protobuf.h"

#include <limits>
#include <string>

#include "ember/wire/prom_remote.pb.h"
#include "ember/wire/snappy.h"
#include "write_limits.h"

namespace ember::wire::internal {

Result<WriteRequestData> DecodeWriteRequestWithProtobuf(std::string_view body,
                                                        const WriteDecodeLimits& limits) {
  EMBER_RETURN_IF_ERROR(CheckCompressedSize(body, limits));
  EMBER_ASSIGN_OR_RETURN(std::string raw, SnappyUncompress(body, limits.max_uncompressed_bytes));
  prometheus::WriteRequest request;
  if (!request.ParseFromString(raw)) {
    return Status::InvalidArgument("protobuf: body is not a valid WriteRequest");
  }
  EMBER_RETURN_IF_ERROR(CheckSeriesCount(static_cast<size_t>(request.timeseries_size()), limits));
  WriteRequestData out;
  for (const prometheus::TimeSeries& ts : request.timeseries()) {
    out.num_samples += static_cast<size_t>(ts.samples_size());
  }
  EMBER_RETURN_IF_ERROR(CheckSampleCount(out.num_samples, limits));
  out.series.reserve(static_cast<size_t>(request.timeseries_size()));
  for (int i = 0; i < request.timeseries_size(); ++i) {
    const prometheus::TimeSeries& ts = request.timeseries(i);
    out.num_histograms += static_cast<size_t>(ts.histograms_size());
    out.num_exemplars += static_cast<size_t>(ts.exemplars_size());
    std::vector<Label> labels;
    labels.reserve(static_cast<size_t>(ts.labels_size()));
    for (const prometheus::Label& l : ts.labels()) {
      labels.push_back(Label{l.name(), l.value()});
    }
    EMBER_ASSIGN_OR_RETURN(Labels sorted, ValidatedLabels(std::move(labels), static_cast<size_t>(i)));
    WriteSeries series{std::move(sorted), {}};
    series.samples.reserve(static_cast<size_t>(ts.samples_size()));
    for (const prometheus::Sample& s : ts.samples()) {
      series.samples.push_back(WireSample{s.timestamp(), s.value()});
    }
    out.series.push_back(std::move(series));
  }
  out.metadata.reserve(static_cast<size_t>(request.metadata_size()));
  for (const prometheus::MetricMetadata& m : request.metadata()) {
    out.metadata.push_back(
        WireMetadata{m.metric_family_name(), MetricTypeFromWire(m.type()), m.help(), m.unit()});
  }
  out.num_metadata = out.metadata.size();
  return out;
}

}  // namespace ember::wire::internal
