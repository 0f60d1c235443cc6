#include <bit>
#include <catch2/catch.hpp>
#include <limits>
#include <set>
#include <string>

#include "ember/wire/prom_write_v2.pb.h"
#include "ember/wire/remote_write.h"
#include "ember/wire/snappy.h"

namespace ember::wire {
namespace {

namespace v2 = io::prometheus::write::v2;

std::vector<WriteSeries> SampleRequest() {
  return {
      {Labels{{"__name__", "up"}, {"job", "node"}, {"instance", "a:9100"}},
       {{1000, 1}, {16000, 0}, {31000, std::bit_cast<double>(uint64_t{0x7ff0000000000002ULL})}}},
      {Labels{{"__name__", "http_requests_total"}, {"code", "200"}, {"job", "node"}},
       {{-5, -1.5}, {7, std::numeric_limits<double>::infinity()}}},
      {Labels{{"__name__", "http_requests_total"}, {"code", "500"}, {"job", "node"}}, {{7, 2}}},
  };
}

// A request with the given symbols and one series per entry of `refs`.
std::string Body(std::vector<std::string> symbols, std::vector<std::vector<uint32_t>> refs) {
  v2::Request request;
  for (auto& s : symbols) request.add_symbols(s);
  for (auto& r : refs) {
    auto* ts = request.add_timeseries();
    for (uint32_t ref : r) ts->add_labels_refs(ref);
    ts->add_samples()->set_value(1);
  }
  return SnappyCompress(request.SerializeAsString());
}

TEST_CASE("v2 requests survive an encode/decode round trip bit for bit") {
  auto series = SampleRequest();
  auto body = EncodeWriteRequestV2(series);
  REQUIRE(body.ok());
  auto decoded = DecodeWriteRequestV2(*body);
  REQUIRE(decoded.ok());
  REQUIRE(decoded->series.size() == series.size());
  CHECK(decoded->num_samples == 6);
  CHECK(decoded->metadata.empty());
  for (size_t i = 0; i < series.size(); ++i) {
    CHECK(decoded->series[i].labels == series[i].labels);
    REQUIRE(decoded->series[i].samples.size() == series[i].samples.size());
    for (size_t j = 0; j < series[i].samples.size(); ++j) {
      CHECK(decoded->series[i].samples[j].t == series[i].samples[j].t);
      CHECK(std::bit_cast<uint64_t>(decoded->series[i].samples[j].v) ==
            std::bit_cast<uint64_t>(series[i].samples[j].v));
    }
  }
}

TEST_CASE("v2 encoding interns every string once, after the empty string") {
  auto body = EncodeWriteRequestV2(SampleRequest());
  REQUIRE(body.ok());
  auto raw = SnappyUncompress(*body, 1 << 20);
  REQUIRE(raw.ok());
  v2::Request request;
  REQUIRE(request.ParseFromString(*raw));
  REQUIRE(request.symbols_size() > 0);
  CHECK(request.symbols(0).empty());
  std::set<std::string> distinct(request.symbols().begin(), request.symbols().end());
  CHECK(distinct.size() == static_cast<size_t>(request.symbols_size()));
  // __name__, up, instance, a:9100, job, node, http_requests_total, code, 200, 500 and "".
  CHECK(request.symbols_size() == 11);
}

TEST_CASE("v2 metadata goes on the family's series and comes back once per family") {
  const std::vector<WireMetadata> metadata = {
      {"http_requests_total", MetricType::kCounter, "Requests served.", ""},
      {"up", MetricType::kGauge, "", ""},
      {"no_series_yet", MetricType::kHistogram, "Latency.", "seconds"},
  };
  auto body = EncodeWriteRequestV2(SampleRequest(), metadata);
  REQUIRE(body.ok());
  auto raw = SnappyUncompress(*body, 1 << 20);
  REQUIRE(raw.ok());
  v2::Request request;
  REQUIRE(request.ParseFromString(*raw));
  // Both http_requests_total series carry it; the family without series gets its own.
  REQUIRE(request.timeseries_size() == 4);
  CHECK(request.timeseries(1).metadata().type() == v2::Metadata::METRIC_TYPE_COUNTER);
  CHECK(request.timeseries(2).metadata().type() == v2::Metadata::METRIC_TYPE_COUNTER);
  CHECK(request.timeseries(3).samples_size() == 0);

  auto decoded = DecodeWriteRequestV2(*body);
  REQUIRE(decoded.ok());
  CHECK(decoded->num_metadata == 3);
  REQUIRE(decoded->metadata.size() == 3);
  CHECK(decoded->metadata[0] == metadata[1]);  // in order of first appearance: up comes first
  CHECK(decoded->metadata[1] == metadata[0]);
  CHECK(decoded->metadata[2] == metadata[2]);
  CHECK(decoded->series[3].labels == Labels{{"__name__", "no_series_yet"}});
}

TEST_CASE("v2 metadata differing in help is kept apart; empty metadata is dropped") {
  v2::Request request;
  for (const char* s : {"", "__name__", "m", "help one", "help two"}) request.add_symbols(s);
  for (uint32_t help : {3u, 3u, 4u, 0u}) {
    auto* ts = request.add_timeseries();
    ts->add_labels_refs(1);
    ts->add_labels_refs(2);
    ts->mutable_metadata()->set_help_ref(help);
  }
  auto decoded = DecodeWriteRequestV2(SnappyCompress(request.SerializeAsString()));
  REQUIRE(decoded.ok());
  REQUIRE(decoded->metadata.size() == 2);
  CHECK(decoded->metadata[0] == WireMetadata{"m", MetricType::kUnknown, "help one", ""});
  CHECK(decoded->metadata[1] == WireMetadata{"m", MetricType::kUnknown, "help two", ""});
}

TEST_CASE("v2 decoding sorts labels and counts what it does not return") {
  v2::Request request;
  for (const char* s : {"", "z", "1", "__name__", "m"}) request.add_symbols(s);
  auto* ts = request.add_timeseries();
  for (uint32_t r : {1, 2, 3, 4}) ts->add_labels_refs(r);
  ts->add_histograms();
  ts->add_histograms();
  ts->add_exemplars();
  ts->set_created_timestamp(5);
  auto decoded = DecodeWriteRequestV2(SnappyCompress(request.SerializeAsString()));
  REQUIRE(decoded.ok());
  CHECK(decoded->series[0].labels.ToString() == "{__name__=\"m\", z=\"1\"}");
  CHECK(decoded->num_histograms == 2);
  CHECK(decoded->num_exemplars == 1);
  CHECK(decoded->num_samples == 0);
}

TEST_CASE("v2 decoding checks the symbol table and label refs") {
  SECTION("symbols[0] must be empty") {
    auto r = DecodeWriteRequestV2(Body({"__name__", "up"}, {{0, 1}}));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    CHECK(r.status().message() == "symbols[0] must be the empty string");
  }
  SECTION("a ref past the table") {
    auto r = DecodeWriteRequestV2(Body({"", "__name__", "up"}, {{1, 2}, {1, 3}}));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    CHECK(r.status().message() == "series 1: label value ref 3 is out of range (3 symbols)");
  }
  SECTION("no symbols at all") {
    auto r = DecodeWriteRequestV2(Body({}, {{0, 0}}));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message() == "series 0: label name ref 0 is out of range (0 symbols)");
  }
  SECTION("odd number of refs") {
    auto r = DecodeWriteRequestV2(Body({"", "__name__", "up"}, {{1, 2, 1}}));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message() == "series 0: labels_refs has odd length 3");
  }
  SECTION("empty label name") {
    auto r = DecodeWriteRequestV2(Body({"", "__name__", "up"}, {{1, 2, 0, 2}}));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message() == "series 0: label name is empty");
  }
  SECTION("no labels") {
    auto r = DecodeWriteRequestV2(Body({""}, {{}}));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message() == "series 0: empty labelset");
  }
  SECTION("a name given twice") {
    auto r = DecodeWriteRequestV2(Body({"", "a", "1", "2"}, {{1, 2, 1, 3}}));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message() == "series 0: label name given twice in {a=\"1\", a=\"2\"}");
  }
  SECTION("a metadata ref past the table") {
    v2::Request request;
    for (const char* s : {"", "__name__", "m"}) request.add_symbols(s);
    auto* ts = request.add_timeseries();
    ts->add_labels_refs(1);
    ts->add_labels_refs(2);
    ts->mutable_metadata()->set_unit_ref(9);
    auto r = DecodeWriteRequestV2(SnappyCompress(request.SerializeAsString()));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message() == "series 0: metadata unit ref 9 is out of range (3 symbols)");
  }
  SECTION("an empty request is fine") {
    auto r = DecodeWriteRequestV2(Body({}, {}));
    REQUIRE(r.ok());
    CHECK(r->series.empty());
  }
}

TEST_CASE("v2 decoding rejects malformed bodies and enforces limits") {
  auto body = EncodeWriteRequestV2(SampleRequest());
  REQUIRE(body.ok());
  SECTION("not snappy") {
    auto r = DecodeWriteRequestV2("\xff\xff\xff\xff\xff\xff");
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    CHECK(r.status().message().rfind("snappy:", 0) == 0);
  }
  SECTION("not protobuf") {
    auto r = DecodeWriteRequestV2(SnappyCompress("\x22\xff\xff\xff\x0f"));
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    CHECK(r.status().message().rfind("protobuf:", 0) == 0);
  }
  SECTION("a 1.0 body decodes as an empty request") {
    auto v1 = EncodeWriteRequest(SampleRequest());
    REQUIRE(v1.ok());
    auto r = DecodeWriteRequestV2(*v1);
    REQUIRE(r.ok());
    CHECK(r->series.empty());
  }
  SECTION("compressed size") {
    CHECK(DecodeWriteRequestV2(*body, {.max_compressed_bytes = 4}).status().code() ==
          StatusCode::kResourceExhausted);
  }
  SECTION("uncompressed size") {
    CHECK(DecodeWriteRequestV2(*body, {.max_uncompressed_bytes = 4}).status().code() ==
          StatusCode::kResourceExhausted);
  }
  SECTION("series") {
    CHECK(DecodeWriteRequestV2(*body, {.max_series = 2}).status().code() == StatusCode::kResourceExhausted);
  }
  SECTION("samples") {
    auto r = DecodeWriteRequestV2(*body, {.max_samples = 5});
    CHECK(r.status().code() == StatusCode::kResourceExhausted);
    CHECK(r.status().message() == "write request has 6 samples, more than the limit of 5");
  }
}

}  // namespace
}  // namespace ember::wire
