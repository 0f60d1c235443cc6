#include "ember/wire/remote_read.h"

#include <limits>
#include <string>

#include "ember/wire/prom_remote.pb.h"
#include "ember/wire/snappy.h"
#include "serialize.h"
#include "write_limits.h"

namespace ember::wire {
namespace {

// Checks the compressed size and uncompresses a remote read body.
Result<std::string> Uncompress(std::string_view body, const ReadDecodeLimits& limits, std::string_view what) {
  if (body.size() > limits.max_compressed_bytes) {
    return Status::ResourceExhausted(std::string(what) + " body of " + std::to_string(body.size()) +
                                     " bytes exceeds the limit of " +
                                     std::to_string(limits.max_compressed_bytes));
  }
  return SnappyUncompress(body, limits.max_uncompressed_bytes);
}

void AddLabels(const Labels& labels, google::protobuf::RepeatedPtrField<prometheus::Label>* out) {
  out->Reserve(static_cast<int>(labels.size()));
  for (const Label& l : labels) {
    prometheus::Label* pl = out->Add();
    pl->set_name(l.name);
    pl->set_value(l.value);
  }
}

// The labels of a series in a response, sorted and checked; `where` names the
// series in an error ("result 0 series 3").
Result<Labels> LabelsFromWire(const google::protobuf::RepeatedPtrField<prometheus::Label>& wire,
                              const std::string& where) {
  std::vector<Label> labels;
  labels.reserve(static_cast<size_t>(wire.size()));
  for (const prometheus::Label& l : wire) labels.push_back(Label{l.name(), l.value()});
  for (const Label& l : labels) {
    if (l.name.empty()) return Status::InvalidArgument(where + ": label name is empty");
  }
  if (labels.empty()) return Status::InvalidArgument(where + ": empty labelset");
  Labels sorted = Labels::FromUnsorted(std::move(labels));
  if (sorted.HasDuplicateNames()) {
    return Status::InvalidArgument(where + ": label name given twice in " + sorted.ToString());
  }
  return sorted;
}

}  // namespace

Result<ReadRequestData> DecodeReadRequest(std::string_view snappy_body, const ReadDecodeLimits& limits) {
  EMBER_ASSIGN_OR_RETURN(std::string raw, Uncompress(snappy_body, limits, "read request"));
  prometheus::ReadRequest request;
  if (!request.ParseFromString(raw)) {
    return Status::InvalidArgument("protobuf: body is not a valid ReadRequest");
  }
  if (static_cast<size_t>(request.queries_size()) > limits.max_queries) {
    return Status::ResourceExhausted("read request has " + std::to_string(request.queries_size()) +
                                     " queries, more than the limit of " +
                                     std::to_string(limits.max_queries));
  }
  size_t num_matchers = 0;
  for (const prometheus::Query& q : request.queries()) num_matchers += static_cast<size_t>(q.matchers_size());
  if (num_matchers > limits.max_matchers) {
    return Status::ResourceExhausted("read request has " + std::to_string(num_matchers) +
                                     " matchers, more than the limit of " +
                                     std::to_string(limits.max_matchers));
  }
  ReadRequestData out;
  out.queries.reserve(static_cast<size_t>(request.queries_size()));
  for (int i = 0; i < request.queries_size(); ++i) {
    const prometheus::Query& q = request.queries(i);
    ReadQuery query;
    query.start_ms = q.start_timestamp_ms();
    query.end_ms = q.end_timestamp_ms();
    query.matchers.reserve(static_cast<size_t>(q.matchers_size()));
    for (int j = 0; j < q.matchers_size(); ++j) {
      const prometheus::LabelMatcher& m = q.matchers(j);
      if (!prometheus::LabelMatcher::Type_IsValid(m.type())) {
        return Status::InvalidArgument("query " + std::to_string(i) + ": matcher " + std::to_string(j) +
                                       " has unknown type " + std::to_string(m.type()));
      }
      query.matchers.push_back(WireMatcher{static_cast<WireMatcher::Type>(m.type()), m.name(), m.value()});
    }
    const prometheus::ReadHints& h = q.hints();
    query.hints = ReadHintsData{.step_ms = h.step_ms(),
                                .func = h.func(),
                                .start_ms = h.start_ms(),
                                .end_ms = h.end_ms(),
                                .grouping = {h.grouping().begin(), h.grouping().end()},
                                .by = h.by(),
                                .range_ms = h.range_ms()};
    out.queries.push_back(std::move(query));
  }
  for (int t : request.accepted_response_types()) {
    if (prometheus::ReadRequest::ResponseType_IsValid(t)) {
      out.accepted_response_types.push_back(static_cast<ReadResponseType>(t));
    }
  }
  return out;
}

Result<std::string> EncodeReadRequest(const ReadRequestData& request) {
  prometheus::ReadRequest pr;
  for (const ReadQuery& query : request.queries) {
    prometheus::Query* q = pr.add_queries();
    q->set_start_timestamp_ms(query.start_ms);
    q->set_end_timestamp_ms(query.end_ms);
    for (const WireMatcher& m : query.matchers) {
      prometheus::LabelMatcher* pm = q->add_matchers();
      pm->set_type(static_cast<prometheus::LabelMatcher::Type>(m.type));
      pm->set_name(m.name);
      pm->set_value(m.value);
    }
    const ReadHintsData& hints = query.hints;
    if (hints != ReadHintsData{}) {
      prometheus::ReadHints* h = q->mutable_hints();
      h->set_step_ms(hints.step_ms);
      h->set_func(hints.func);
      h->set_start_ms(hints.start_ms);
      h->set_end_ms(hints.end_ms);
      for (const std::string& g : hints.grouping) h->add_grouping(g);
      h->set_by(hints.by);
      h->set_range_ms(hints.range_ms);
    }
  }
  for (ReadResponseType t : request.accepted_response_types) {
    pr.add_accepted_response_types(static_cast<prometheus::ReadRequest::ResponseType>(t));
  }
  return internal::SerializeCompressed(pr, "read request");
}

Result<std::string> EncodeReadResponse(std::span<const ReadQueryResult> results) {
  prometheus::ReadResponse response;
  response.mutable_results()->Reserve(static_cast<int>(results.size()));
  for (const ReadQueryResult& result : results) {
    prometheus::QueryResult* qr = response.add_results();
    qr->mutable_timeseries()->Reserve(static_cast<int>(result.series.size()));
    for (const WriteSeries& s : result.series) {
      prometheus::TimeSeries* ts = qr->add_timeseries();
      AddLabels(s.labels, ts->mutable_labels());
      ts->mutable_samples()->Reserve(static_cast<int>(s.samples.size()));
      for (const WireSample& sample : s.samples) {
        prometheus::Sample* ps = ts->add_samples();
        ps->set_timestamp(sample.t);
        ps->set_value(sample.v);
      }
    }
  }
  return internal::SerializeCompressed(response, "read response");
}

Result<std::vector<ReadQueryResult>> DecodeReadResponse(std::string_view snappy_body,
                                                        const ReadDecodeLimits& limits) {
  EMBER_ASSIGN_OR_RETURN(std::string raw, Uncompress(snappy_body, limits, "read response"));
  prometheus::ReadResponse response;
  if (!response.ParseFromString(raw)) {
    return Status::InvalidArgument("protobuf: body is not a valid ReadResponse");
  }
  if (static_cast<size_t>(response.results_size()) > limits.max_queries) {
    return Status::ResourceExhausted("read response has " + std::to_string(response.results_size()) +
                                     " results, more than the limit of " +
                                     std::to_string(limits.max_queries));
  }
  std::vector<ReadQueryResult> out;
  out.reserve(static_cast<size_t>(response.results_size()));
  for (int i = 0; i < response.results_size(); ++i) {
    const prometheus::QueryResult& qr = response.results(i);
    ReadQueryResult result;
    result.series.reserve(static_cast<size_t>(qr.timeseries_size()));
    for (int j = 0; j < qr.timeseries_size(); ++j) {
      const prometheus::TimeSeries& ts = qr.timeseries(j);
      EMBER_ASSIGN_OR_RETURN(Labels labels, LabelsFromWire(ts.labels(), "result " + std::to_string(i) +
                                                                            " series " + std::to_string(j)));
      WriteSeries series{std::move(labels), {}};
      series.samples.reserve(static_cast<size_t>(ts.samples_size()));
      for (const prometheus::Sample& s : ts.samples()) {
        series.samples.push_back(WireSample{s.timestamp(), s.value()});
      }
      result.series.push_back(std::move(series));
    }
    out.push_back(std::move(result));
  }
  return out;
}

std::string EncodeChunkedReadResponse(std::span<const ChunkedSeriesData> series, int64_t query_index) {
  prometheus::ChunkedReadResponse response;
  response.set_query_index(query_index);
  response.mutable_chunked_series()->Reserve(static_cast<int>(series.size()));
  for (const ChunkedSeriesData& s : series) {
    prometheus::ChunkedSeries* cs = response.add_chunked_series();
    AddLabels(s.labels, cs->mutable_labels());
    cs->mutable_chunks()->Reserve(static_cast<int>(s.chunks.size()));
    for (const WireChunk& c : s.chunks) {
      prometheus::Chunk* pc = cs->add_chunks();
      pc->set_min_time_ms(c.min_time_ms);
      pc->set_max_time_ms(c.max_time_ms);
      pc->set_type(prometheus::Chunk::XOR);
      pc->set_data(c.data);
    }
  }
  return response.SerializeAsString();
}

Result<std::vector<ChunkedSeriesData>> DecodeChunkedReadResponse(std::string_view message,
                                                                 int64_t* query_index) {
  prometheus::ChunkedReadResponse response;
  if (message.size() > static_cast<size_t>(std::numeric_limits<int>::max()) ||
      !response.ParseFromArray(message.data(), static_cast<int>(message.size()))) {
    return Status::InvalidArgument("protobuf: frame is not a valid ChunkedReadResponse");
  }
  std::vector<ChunkedSeriesData> out;
  out.reserve(static_cast<size_t>(response.chunked_series_size()));
  for (int i = 0; i < response.chunked_series_size(); ++i) {
    const prometheus::ChunkedSeries& cs = response.chunked_series(i);
    const std::string where = "series " + std::to_string(i);
    EMBER_ASSIGN_OR_RETURN(Labels labels, LabelsFromWire(cs.labels(), where));
    ChunkedSeriesData series{std::move(labels), {}};
    series.chunks.reserve(static_cast<size_t>(cs.chunks_size()));
    for (int j = 0; j < cs.chunks_size(); ++j) {
      const prometheus::Chunk& c = cs.chunks(j);
      if (c.type() != prometheus::Chunk::XOR) {
        return Status::Unimplemented(where + " chunk " + std::to_string(j) + ": encoding " +
                                     std::to_string(c.type()) + " is not supported (only XOR)");
      }
      series.chunks.push_back(WireChunk{c.min_time_ms(), c.max_time_ms(), c.data()});
    }
    out.push_back(std::move(series));
  }
  if (query_index != nullptr) *query_index = response.query_index();
  return out;
}

}  // namespace ember::wire
