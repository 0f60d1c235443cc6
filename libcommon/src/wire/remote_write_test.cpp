#include "ember/wire/remote_write.h"

#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>

#include "ember/wire/prom_remote.pb.h"
#include "ember/wire/snappy.h"

namespace ember::wire {
namespace {

std::vector<WriteSeries> SampleRequest() {
  return {
      {Labels{{"__name__", "up"}, {"job", "node"}, {"instance", "a:9100"}},
       {{1000, 1}, {16000, 0}, {31000, std::bit_cast<double>(uint64_t{0x7ff0000000000002ULL})}}},
      {Labels{{"__name__", "http_requests_total"}, {"code", "200"}},
       {{-5, -1.5}, {7, std::numeric_limits<double>::infinity()}}},
  };
}

TEST_CASE("write requests survive an encode/decode round trip bit for bit") {
  auto series = SampleRequest();
  auto body = EncodeWriteRequest(series);
  REQUIRE(body.ok());
  auto decoded = DecodeWriteRequest(*body);
  REQUIRE(decoded.ok());
  REQUIRE(decoded->series.size() == 2);
  CHECK(decoded->num_samples == 5);
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

TEST_CASE("encoded requests use the published field numbers") {
  // Label{name="a", value="b"} inside TimeSeries(field 1) inside WriteRequest(field 1),
  // then Sample{value=1.0 (field 1, fixed64), timestamp=2 (field 2, varint)}.
  auto body = EncodeWriteRequest(std::vector<WriteSeries>{{Labels{{"a", "b"}}, {{2, 1.0}}}});
  REQUIRE(body.ok());
  auto raw = SnappyUncompress(*body, 1 << 20);
  REQUIRE(raw.ok());
  const std::string expected(
      "\x0a\x15"
      "\x0a\x06\x0a\x01"
      "a\x12\x01"
      "b"
      "\x12\x0b\x09\x00\x00\x00\x00\x00\x00\xf0\x3f\x10\x02",
      23);
  CHECK(*raw == expected);
}

TEST_CASE("decoding sorts labels and counts what it does not return") {
  prometheus::WriteRequest request;
  auto* ts = request.add_timeseries();
  auto* l = ts->add_labels();
  l->set_name("z");
  l->set_value("1");
  l = ts->add_labels();
  l->set_name("__name__");
  l->set_value("m");
  ts->add_histograms();
  ts->add_exemplars();
  request.add_metadata();
  auto decoded = DecodeWriteRequest(SnappyCompress(request.SerializeAsString()));
  REQUIRE(decoded.ok());
  CHECK(decoded->series[0].labels.ToString() == "{__name__=\"m\", z=\"1\"}");
  CHECK(decoded->num_histograms == 1);
  CHECK(decoded->num_exemplars == 1);
  CHECK(decoded->num_metadata == 1);
}

TEST_CASE("decoding rejects malformed bodies with a reason") {
  SECTION("not snappy") {
    auto r = DecodeWriteRequest("\xff\xff\xff\xff\xff\xff");
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    CHECK(r.status().message().rfind("snappy:", 0) == 0);
  }
  SECTION("not protobuf") {
    auto r = DecodeWriteRequest(SnappyCompress("\x0a\xff\xff\xff\x0f"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message().rfind("protobuf:", 0) == 0);
  }
  SECTION("empty label set") {
    prometheus::WriteRequest request;
    request.add_timeseries()->add_samples()->set_value(1);
    auto r = DecodeWriteRequest(SnappyCompress(request.SerializeAsString()));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message() == "series 0: empty labelset");
  }
  SECTION("duplicate label name") {
    auto body = EncodeWriteRequest(std::vector<WriteSeries>{{Labels{{"a", "1"}, {"a", "2"}}, {}}});
    REQUIRE(body.ok());
    auto r = DecodeWriteRequest(*body);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
  }
}

TEST_CASE("decoding enforces its limits") {
  auto body = EncodeWriteRequest(SampleRequest());
  REQUIRE(body.ok());
  SECTION("compressed size") {
    auto r = DecodeWriteRequest(*body, {.max_compressed_bytes = 4});
    CHECK(r.status().code() == StatusCode::kResourceExhausted);
  }
  SECTION("uncompressed size") {
    auto r = DecodeWriteRequest(*body, {.max_uncompressed_bytes = 4});
    CHECK(r.status().code() == StatusCode::kResourceExhausted);
  }
  SECTION("series") {
    auto r = DecodeWriteRequest(*body, {.max_series = 1});
    CHECK(r.status().code() == StatusCode::kResourceExhausted);
  }
  SECTION("samples") {
    auto r = DecodeWriteRequest(*body, {.max_samples = 4});
    CHECK(r.status().code() == StatusCode::kResourceExhausted);
  }
  SECTION("a claimed length larger than the limit is refused before allocating") {
    // A varint length header of 2^32-1 followed by nothing.
    auto r = SnappyUncompress(std::string("\xff\xff\xff\xff\x0f", 5), 1 << 20);
    CHECK(r.status().code() == StatusCode::kResourceExhausted);
  }
}

}  // namespace
}  // namespace ember::wire
