#include "api/remote_write_api.h"

#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ember/base/strings.h"
#include "ember/tsdb/sample.h"

namespace ember::scraper {
namespace {

constexpr std::string_view kProtobufMediaType = "application/x-protobuf";
constexpr std::string_view kV1Message = "prometheus.WriteRequest";
constexpr std::string_view kV2Message = "io.prometheus.write.v2.Request";

http::Response PlainError(int status, std::string message) {
  message += '\n';
  return http::Response::Text(status, std::move(message));
}

// The protobuf message a Content-Type names, read as Prometheus reads it: the
// media type first, then `key=value` parameters of which `proto` counts; no
// `proto` means remote write 1.0.
Result<std::string_view> MessageOf(std::string_view content_type) {
  content_type = TrimSpace(content_type);
  if (content_type.empty()) return kV1Message;
  std::vector<std::string_view> parts = Split(content_type, ';');
  if (parts[0] != kProtobufMediaType) {
    return Status::InvalidArgument("expected " + std::string(kProtobufMediaType) +
                                   " as the first (media) part, got " + std::string(content_type) +
                                   " content-type");
  }
  for (size_t i = 1; i < parts.size(); ++i) {
    std::vector<std::string_view> pair = Split(parts[i], '=');
    if (pair.size() != 2) {
      return Status::InvalidArgument("expected parameters to be key-values, got " + std::string(parts[i]) +
                                     " in " + std::string(content_type) + " content-type");
    }
    if (pair[0] != "proto") continue;
    if (pair[1] == kV1Message) return kV1Message;
    if (pair[1] == kV2Message) return kV2Message;
    return Status::InvalidArgument(
        "got " + std::string(content_type) + " content type; unknown remote write " + "protobuf message " +
        std::string(pair[1]) + ", supported: " + std::string(kV1Message) + ", " + std::string(kV2Message));
  }
  return kV1Message;
}

}  // namespace

RemoteWriteApi::RemoteWriteApi(tsdb::Db& db, MetadataStore& metadata, Logger logger, MetricsRegistry& metrics,
                               Options options)
    : db_(db), metadata_(metadata), logger_(std::move(logger)), options_(std::move(options)) {
  samples_written_ = &metrics.NewCounter("ember_remote_write_received_samples_total",
                                         "Samples stored from remote write requests.");
  requests_rejected_ = &metrics.NewCounter("ember_remote_write_rejected_requests_total",
                                           "Remote write requests answered with a 4xx or 5xx status.");
}

http::Response RemoteWriteApi::Write(http::Request& request) {
  auto reject = [&](int status, std::string message) {
    requests_rejected_->Inc();
    return PlainError(status, std::move(message));
  };
  Result<std::string_view> message = MessageOf(request.headers.Get("Content-Type"));
  if (!message.ok()) return reject(415, message.status().message());
  const bool v2 = *message == kV2Message;
  if ((v2 && !options_.accept_v2) || (!v2 && !options_.accept_v1)) {
    std::string accepted;
    if (options_.accept_v1) accepted += kV1Message;
    if (options_.accept_v2) accepted += (accepted.empty() ? "" : ", ") + std::string(kV2Message);
    return reject(415, std::string(*message) +
                           " protobuf message is not accepted by this server; accepted [" + accepted + "]");
  }
  std::string_view encoding = request.headers.Get("Content-Encoding");
  if (!encoding.empty() && encoding != "snappy") {
    return reject(415,
                  std::string(encoding) +
                      " encoding (compression) is not accepted by this server; only snappy is acceptable");
  }
  Result<wire::WriteRequestData> data = v2 ? wire::DecodeWriteRequestV2(request.body, options_.limits)
                                           : wire::DecodeWriteRequest(request.body, options_.limits);
  if (!data.ok()) {
    const bool too_large = data.status().code() == StatusCode::kResourceExhausted;
    return reject(too_large ? 413 : 400, data.status().message());
  }
  http::Response response = Store(*data);
  if (response.status >= 300) requests_rejected_->Inc();
  return response;
}

http::Response RemoteWriteApi::Store(const wire::WriteRequestData& data) {
  if (data.num_histograms > 0) {
    // Storing the floats and dropping the histograms would be a partial write
    // the sender cannot see; refusing the request says it plainly.
    return PlainError(400, "native histograms are not supported: the request carries " +
                               std::to_string(data.num_histograms) + " histogram samples");
  }
  tsdb::Appender app = db_.NewAppender();
  // The store checks samples against what it holds; the order within the
  // request is checked here, per series (a series may come more than once).
  std::unordered_map<uint64_t, int64_t> newest;
  newest.reserve(data.series.size());
  auto refuse = [&](std::string_view why, const wire::WriteSeries& series, int64_t t) {
    app.Rollback();
    return PlainError(400, std::string(why) + " for series " + series.labels.ToString() + " at timestamp " +
                               std::to_string(t));
  };
  for (const wire::WriteSeries& series : data.series) {
    if (series.samples.empty()) continue;
    tsdb::SeriesRef ref;
    int64_t last = tsdb::kMinTime;
    for (const wire::WireSample& sample : series.samples) {
      if (ref.id != 0 && sample.t <= last) {
        return refuse(sample.t == last ? tsdb::kErrDuplicateSampleForTimestamp : tsdb::kErrOutOfOrderSample,
                      series, sample.t);
      }
      Result<tsdb::SeriesRef> added =
          ref.id == 0 ? app.Add(series.labels, sample.t, sample.v) : app.Add(ref, sample.t, sample.v);
      if (!added.ok()) return refuse(added.status().message(), series, sample.t);
      if (ref.id == 0) {
        auto [it, inserted] = newest.try_emplace(added->id, tsdb::kMinTime);
        if (!inserted && sample.t <= it->second) {
          return refuse(
              sample.t == it->second ? tsdb::kErrDuplicateSampleForTimestamp : tsdb::kErrOutOfOrderSample,
              series, sample.t);
        }
      }
      ref = *added;
      last = sample.t;
    }
    newest[ref.id] = last;
  }
  if (Status st = app.Commit(); !st.ok()) {
    logger_.Error("Storing remote write samples failed", {{"err", st}});
    return PlainError(500, st.message());
  }
  samples_written_->Inc(static_cast<double>(data.num_samples));
  if (!data.metadata.empty()) {
    std::vector<FamilyMetadata> families;
    families.reserve(data.metadata.size());
    for (const wire::WireMetadata& m : data.metadata) {
      families.push_back({m.metric_family_name, {std::string(wire::MetricTypeName(m.type)), m.help, m.unit}});
    }
    metadata_.Merge("remote_write", families);
  }
  http::Response response;
  response.status = 204;
  // Remote write 2.0 requires these; 1.0 senders ignore them. Exemplars are
  // accepted and not kept, as by Prometheus without exemplar storage.
  response.headers.Set("X-Prometheus-Remote-Write-Samples-Written", std::to_string(data.num_samples));
  response.headers.Set("X-Prometheus-Remote-Write-Histograms-Written", "0");
  response.headers.Set("X-Prometheus-Remote-Write-Exemplars-Written", "0");
  return response;
}

}  // namespace ember::scraper
