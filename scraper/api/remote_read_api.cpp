#include "api/remote_read_api.h"

#include <span>
#include <string>
#include <utility>
#include <vector>

#include "ember/tsdb/matcher.h"
#include "ember/tsdb/xor_chunk.h"

namespace ember::scraper {
namespace {

constexpr size_t kSamplesPerChunk = 120;

http::Response PlainError(int status, std::string message) {
  message += '\n';
  return http::Response::Text(status, std::move(message));
}

tsdb::MatchType MatchTypeOf(wire::WireMatcher::Type type) {
  switch (type) {
    case wire::WireMatcher::Type::kEq:
      return tsdb::MatchType::kEqual;
    case wire::WireMatcher::Type::kNeq:
      return tsdb::MatchType::kNotEqual;
    case wire::WireMatcher::Type::kRe:
      return tsdb::MatchType::kRegexMatch;
    case wire::WireMatcher::Type::kNre:
      return tsdb::MatchType::kRegexNoMatch;
  }
  return tsdb::MatchType::kEqual;
}

// The query's matchers, without those on external label names: the reader
// asked for data it labels so itself, as Prometheus filters them.
Result<std::vector<tsdb::Matcher>> MatchersOf(const wire::ReadQuery& query, const Labels& external) {
  std::vector<tsdb::Matcher> matchers;
  matchers.reserve(query.matchers.size());
  for (const wire::WireMatcher& m : query.matchers) {
    if (external.Has(m.name)) continue;
    EMBER_ASSIGN_OR_RETURN(tsdb::Matcher matcher,
                           tsdb::Matcher::Create(MatchTypeOf(m.type), m.name, m.value));
    matchers.push_back(std::move(matcher));
  }
  return matchers;
}

// The series' labels with the external labels it lacks.
Labels WithExternal(const Labels& labels, const Labels& external) {
  if (external.empty()) return labels;
  std::vector<Label> all(labels.begin(), labels.end());
  for (const Label& l : external) {
    if (!labels.Has(l.name)) all.push_back(l);
  }
  return Labels::FromUnsorted(std::move(all));
}

}  // namespace

RemoteReadApi::RemoteReadApi(tsdb::Db& db, std::function<Labels()> external_labels, Logger logger,
                             Options options)
    : db_(db),
      external_labels_(std::move(external_labels)),
      logger_(std::move(logger)),
      options_(std::move(options)) {}

http::Response RemoteReadApi::Read(http::Request& request) {
  Result<wire::ReadRequestData> decoded = wire::DecodeReadRequest(request.body, options_.limits);
  if (!decoded.ok()) {
    const bool too_large = decoded.status().code() == StatusCode::kResourceExhausted;
    return PlainError(too_large ? 413 : 400, decoded.status().message());
  }

  // The first response type the client accepts; SAMPLES when it names none.
  bool streamed = false;
  if (!decoded->accepted_response_types.empty()) {
    bool supported = false;
    for (wire::ReadResponseType type : decoded->accepted_response_types) {
      if (type == wire::ReadResponseType::kSamples || type == wire::ReadResponseType::kStreamedXorChunks) {
        streamed = type == wire::ReadResponseType::kStreamedXorChunks;
        supported = true;
        break;
      }
    }
    if (!supported) {
      return PlainError(400,
                        "server does not support any of the requested response types; supported: "
                        "[SAMPLES STREAMED_XOR_CHUNKS]");
    }
  }

  {
    std::unique_lock lock(mu_);
    if (options_.concurrent_limit > 0) {
      cv_.wait(lock,
               [&] { return running_ < options_.concurrent_limit || request.stop_token.stop_requested(); });
      if (request.stop_token.stop_requested()) return PlainError(503, "server is shutting down");
    }
    ++running_;
  }
  struct Release {
    RemoteReadApi* api;
    ~Release() {
      {
        std::lock_guard lock(api->mu_);
        --api->running_;
      }
      api->cv_.notify_one();
    }
  } release{this};

  const Labels external = external_labels_ ? external_labels_() : Labels{};
  return streamed ? StreamedChunks(*decoded, external) : Samples(*decoded, external);
}

http::Response RemoteReadApi::Samples(const wire::ReadRequestData& request, const Labels& external) {
  std::vector<wire::ReadQueryResult> results;
  results.reserve(request.queries.size());
  int64_t total = 0;
  for (const wire::ReadQuery& query : request.queries) {
    Result<std::vector<tsdb::Matcher>> matchers = MatchersOf(query, external);
    if (!matchers.ok()) return PlainError(400, matchers.status().message());
    Result<tsdb::SeriesSet> set = db_.NewQuerier(query.start_ms, query.end_ms).Select(*matchers);
    if (!set.ok()) return PlainError(500, set.status().message());
    wire::ReadQueryResult& result = results.emplace_back();
    while (set->Next()) {
      std::span<const tsdb::Sample> samples = set->samples();
      total += static_cast<int64_t>(samples.size());
      if (options_.sample_limit > 0 && total > options_.sample_limit) {
        return PlainError(400, "exceeded sample limit (" + std::to_string(options_.sample_limit) + ")");
      }
      wire::WriteSeries& series = result.series.emplace_back();
      series.labels = WithExternal(set->labels(), external);
      series.samples.reserve(samples.size());
      for (const tsdb::Sample& s : samples) series.samples.push_back({s.t, s.v});
    }
    if (!set->status().ok()) return PlainError(500, set->status().message());
  }
  Result<std::string> body = wire::EncodeReadResponse(results);
  if (!body.ok()) return PlainError(500, body.status().message());
  http::Response response;
  response.body = std::move(body).value();
  response.headers.Set("Content-Type", "application/x-protobuf");
  response.headers.Set("Content-Encoding", "snappy");
  return response;
}

http::Response RemoteReadApi::StreamedChunks(const wire::ReadRequestData& request, const Labels& external) {
  std::string body;
  for (size_t qi = 0; qi < request.queries.size(); ++qi) {
    const wire::ReadQuery& query = request.queries[qi];
    Result<std::vector<tsdb::Matcher>> matchers = MatchersOf(query, external);
    if (!matchers.ok()) return PlainError(400, matchers.status().message());
    Result<tsdb::SeriesSet> set = db_.NewQuerier(query.start_ms, query.end_ms).Select(*matchers);
    if (!set.ok()) return PlainError(500, set.status().message());
    while (set->Next()) {
      wire::ChunkedSeriesData series;
      series.labels = WithExternal(set->labels(), external);
      int64_t label_bytes = 0;
      for (const Label& l : series.labels)
        label_bytes += static_cast<int64_t>(l.name.size() + l.value.size());
      // A frame holds one series' chunks until it reaches the frame size; a
      // long series continues in further frames.
      int64_t frame_left = options_.max_bytes_in_frame - label_bytes;
      auto flush = [&] {
        wire::AppendChunkedFrame(
            body, wire::EncodeChunkedReadResponse(std::span(&series, 1), static_cast<int64_t>(qi)));
        series.chunks.clear();
        frame_left = options_.max_bytes_in_frame - label_bytes;
      };
      std::span<const tsdb::Sample> samples = set->samples();
      for (size_t i = 0; i < samples.size(); i += kSamplesPerChunk) {
        const size_t end = std::min(samples.size(), i + kSamplesPerChunk);
        tsdb::XorAppender appender;
        for (size_t j = i; j < end; ++j) {
          if (Status st = appender.Append(samples[j].t, samples[j].v); !st.ok()) {
            return PlainError(500, st.message());
          }
        }
        wire::WireChunk& chunk = series.chunks.emplace_back();
        chunk.min_time_ms = samples[i].t;
        chunk.max_time_ms = samples[end - 1].t;
        chunk.data = std::string(appender.bytes());
        frame_left -= static_cast<int64_t>(chunk.data.size());
        if (frame_left <= 0) flush();
      }
      if (!series.chunks.empty()) flush();
    }
    if (!set->status().ok()) return PlainError(500, set->status().message());
  }
  http::Response response;
  response.body = std::move(body);
  response.headers.Set("Content-Type",
                       "application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse");
  return response;
}

}  // namespace ember::scraper
