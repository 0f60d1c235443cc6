#include "ember/wire/remote_read.h"

#include <bit>
#include <catch2/catch.hpp>
#include <string>

#include "ember/wire/prom_remote.pb.h"
#include "ember/wire/snappy.h"

namespace ember::wire {
namespace {

ReadRequestData SampleReadRequest() {
  ReadRequestData request;
  request.queries.push_back(ReadQuery{
      .start_ms = 1000,
      .end_ms = 61000,
      .matchers = {{WireMatcher::Type::kEq, "__name__", "up"},
                   {WireMatcher::Type::kNeq, "job", ""},
                   {WireMatcher::Type::kRe, "instance", "a.*"},
                   {WireMatcher::Type::kNre, "env", "dev|test"}},
      .hints = {.step_ms = 15000,
                .func = "rate",
                .start_ms = 1000,
                .end_ms = 61000,
                .grouping = {"job", "instance"},
                .by = true,
                .range_ms = 300000},
  });
  request.queries.push_back(
      ReadQuery{.start_ms = -5, .end_ms = 5, .matchers = {{WireMatcher::Type::kEq, "a", "b"}}});
  request.accepted_response_types = {ReadResponseType::kStreamedXorChunks, ReadResponseType::kSamples};
  return request;
}

TEST_CASE("read requests survive an encode/decode round trip") {
  const ReadRequestData request = SampleReadRequest();
  auto body = EncodeReadRequest(request);
  REQUIRE(body.ok());
  auto decoded = DecodeReadRequest(*body);
  REQUIRE(decoded.ok());
  CHECK(*decoded == request);
}

TEST_CASE("read request decoding drops unknown response types and rejects unknown matcher types") {
  prometheus::ReadRequest request;
  auto* q = request.add_queries();
  auto* m = q->add_matchers();
  m->set_name("a");
  request.add_accepted_response_types(static_cast<prometheus::ReadRequest::ResponseType>(7));
  request.add_accepted_response_types(prometheus::ReadRequest::STREAMED_XOR_CHUNKS);
  auto decoded = DecodeReadRequest(SnappyCompress(request.SerializeAsString()));
  REQUIRE(decoded.ok());
  CHECK(decoded->accepted_response_types ==
        std::vector<ReadResponseType>{ReadResponseType::kStreamedXorChunks});

  m->set_type(static_cast<prometheus::LabelMatcher::Type>(4));
  auto bad = DecodeReadRequest(SnappyCompress(request.SerializeAsString()));
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == StatusCode::kInvalidArgument);
  CHECK(bad.status().message() == "query 0: matcher 0 has unknown type 4");
}

TEST_CASE("read request decoding enforces its limits and rejects garbage") {
  auto body = EncodeReadRequest(SampleReadRequest());
  REQUIRE(body.ok());
  CHECK(DecodeReadRequest(*body, {.max_compressed_bytes = 4}).status().code() ==
        StatusCode::kResourceExhausted);
  CHECK(DecodeReadRequest(*body, {.max_uncompressed_bytes = 4}).status().code() ==
        StatusCode::kResourceExhausted);
  CHECK(DecodeReadRequest(*body, {.max_queries = 1}).status().code() == StatusCode::kResourceExhausted);
  auto r = DecodeReadRequest(*body, {.max_matchers = 4});
  CHECK(r.status().code() == StatusCode::kResourceExhausted);
  CHECK(r.status().message() == "read request has 5 matchers, more than the limit of 4");
  CHECK(DecodeReadRequest(*body, {.max_queries = 2, .max_matchers = 5}).ok());

  auto not_snappy = DecodeReadRequest("\xff\xff\xff\xff\xff\xff");
  CHECK(not_snappy.status().code() == StatusCode::kInvalidArgument);
  CHECK(not_snappy.status().message().rfind("snappy:", 0) == 0);
  auto not_proto = DecodeReadRequest(SnappyCompress("\x0a\xff\xff\xff\x0f"));
  CHECK(not_proto.status().code() == StatusCode::kInvalidArgument);
  CHECK(not_proto.status().message().rfind("protobuf:", 0) == 0);
}

TEST_CASE("read responses survive an encode/decode round trip") {
  std::vector<ReadQueryResult> results(3);
  results[0].series.push_back({Labels{{"__name__", "up"}, {"job", "a"}},
                               {{1000, 1}, {2000, std::bit_cast<double>(uint64_t{0x7ff0000000000002ULL})}}});
  results[0].series.push_back({Labels{{"__name__", "up"}, {"job", "b"}}, {{1000, 0}}});
  results[2].series.push_back({Labels{{"x", "y"}}, {}});
  auto body = EncodeReadResponse(results);
  REQUIRE(body.ok());
  auto decoded = DecodeReadResponse(*body);
  REQUIRE(decoded.ok());
  REQUIRE(decoded->size() == 3);
  REQUIRE((*decoded)[0].series.size() == 2);
  CHECK((*decoded)[0].series[1].labels == results[0].series[1].labels);
  CHECK(std::bit_cast<uint64_t>((*decoded)[0].series[0].samples[1].v) == 0x7ff0000000000002ULL);
  CHECK((*decoded)[1].series.empty());
  CHECK((*decoded)[2].series[0].labels == Labels{{"x", "y"}});

  CHECK(DecodeReadResponse(*body, {.max_queries = 2}).status().code() == StatusCode::kResourceExhausted);
  CHECK(DecodeReadResponse("\xff\xff\xff").status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("read response decoding rejects bad label sets, naming the series") {
  std::vector<ReadQueryResult> results(2);
  results[1].series.push_back({Labels{{"a", "1"}}, {}});
  results[1].series.push_back({Labels{{"a", "1"}, {"a", "2"}}, {}});
  auto body = EncodeReadResponse(results);
  REQUIRE(body.ok());
  auto r = DecodeReadResponse(*body);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "result 1 series 1: label name given twice in {a=\"1\", a=\"2\"}");
}

TEST_CASE("chunked read responses survive an encode/decode round trip") {
  const std::vector<ChunkedSeriesData> series = {
      {Labels{{"__name__", "up"}, {"job", "a"}},
       {{1000, 2000, std::string("\x00\x02\x01\x02", 4)}, {3000, 4000, "xyz"}}},
      {Labels{{"__name__", "up"}, {"job", "b"}}, {}},
  };
  const std::string message = EncodeChunkedReadResponse(series, 7);
  int64_t query_index = -1;
  auto decoded = DecodeChunkedReadResponse(message, &query_index);
  REQUIRE(decoded.ok());
  CHECK(query_index == 7);
  CHECK(*decoded == series);

  prometheus::ChunkedReadResponse parsed;
  REQUIRE(parsed.ParseFromString(message));
  CHECK(parsed.chunked_series(0).chunks(1).type() == prometheus::Chunk::XOR);
}

TEST_CASE("chunked read responses with non-XOR chunks or garbage are refused") {
  prometheus::ChunkedReadResponse response;
  auto* cs = response.add_chunked_series();
  auto* l = cs->add_labels();
  l->set_name("a");
  l->set_value("b");
  cs->add_chunks()->set_type(prometheus::Chunk::HISTOGRAM);
  auto r = DecodeChunkedReadResponse(response.SerializeAsString(), nullptr);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kUnimplemented);
  CHECK(r.status().message() == "series 0 chunk 0: encoding 2 is not supported (only XOR)");

  auto garbage = DecodeChunkedReadResponse("\x0a\xff\xff\xff\x0f", nullptr);
  CHECK(garbage.status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ember::wire
