#include "ember/wire/remote_write.h"

#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>

#include "ember/wire/prom_remote.pb.h"
#include "ember/wire/snappy.h"
#include "write_request_protobuf.h"

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

TEST_CASE("metadata survives a 1.0 round trip") {
  const std::vector<WireMetadata> metadata = {
      {"http_requests_total", MetricType::kCounter, "Requests served.", ""},
      {"process_resident_memory", MetricType::kGauge, "Resident memory.", "bytes"},
      {"odd", MetricType::kStateset, "", ""},
  };
  auto body = EncodeWriteRequest(SampleRequest(), metadata);
  REQUIRE(body.ok());
  auto decoded = DecodeWriteRequest(*body);
  REQUIRE(decoded.ok());
  CHECK(decoded->metadata == metadata);
  CHECK(decoded->num_metadata == 3);
}

TEST_CASE("metadata of a type number this build does not know decodes as unknown") {
  prometheus::WriteRequest request;
  auto* m = request.add_metadata();
  m->set_metric_family_name("m");
  m->set_type(static_cast<prometheus::MetricMetadata::MetricType>(42));
  auto decoded = DecodeWriteRequest(SnappyCompress(request.SerializeAsString()));
  REQUIRE(decoded.ok());
  REQUIRE(decoded->metadata.size() == 1);
  CHECK(decoded->metadata[0].type == MetricType::kUnknown);
}

TEST_CASE("metric types print as Prometheus names them") {
  CHECK(MetricTypeName(MetricType::kUnknown) == "unknown");
  CHECK(MetricTypeName(MetricType::kCounter) == "counter");
  CHECK(MetricTypeName(MetricType::kGauge) == "gauge");
  CHECK(MetricTypeName(MetricType::kHistogram) == "histogram");
  CHECK(MetricTypeName(MetricType::kGaugeHistogram) == "gaugehistogram");
  CHECK(MetricTypeName(MetricType::kSummary) == "summary");
  CHECK(MetricTypeName(MetricType::kInfo) == "info");
  CHECK(MetricTypeName(MetricType::kStateset) == "stateset");
  CHECK(MetricTypeName(static_cast<MetricType>(99)) == "unknown");
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

TEST_CASE("the hand-written decoder accepts and refuses what protobuf does") {
  // Raw WriteRequest bytes. A series {a="b"} with one sample {v=1, t=2} is
  // 0a 15 | 0a 06 0a 01 'a' 12 01 'b' | 12 0b 09 <8 bytes> 10 02.
  const std::string label(
      "\x0a\x06\x0a\x01"
      "a\x12\x01"
      "b",
      8);
  const std::string sample("\x12\x0b\x09\x00\x00\x00\x00\x00\x00\xf0\x3f\x10\x02", 13);
  auto series = [](const std::string& inner) { return std::string("\x0a") + char(inner.size()) + inner; };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"valid", series(label + sample)},
      {"empty body", ""},
      {"unknown top-level varint", std::string("\x28\x05", 2) + series(label)},
      {"unknown field in a label", series(std::string("\x0a\x09\x0a\x01"
                                                      "a\x12\x01"
                                                      "b\x18\x07\x1d\x00\x00\x00\x00",
                                                      11))},
      {"label name given twice in one Label: last wins", series(std::string("\x0a\x09\x0a\x01"
                                                                            "x\x0a\x01"
                                                                            "a\x12\x01"
                                                                            "b",
                                                                            11))},
      {"sample value with the wrong wire type is unknown",
       series(label + std::string("\x12\x02\x08\x01", 4))},
      {"timestamp as a 10-byte varint", series(label + std::string("\x12\x0b\x10\xff\xff\xff\xff\xff\xff"
                                                                   "\xff\xff\xff\x01",
                                                                   13))},
      {"11-byte varint", series(label + std::string("\x12\x0c\x10\xff\xff\xff\xff\xff\xff"
                                                    "\xff\xff\xff\x81\x00",
                                                    14))},
      {"group skipped", std::string("\x1b\x08\x01\x1c", 4) + series(label)},
      {"group closed by another field", std::string("\x1b\x08\x01\x24", 4) + series(label)},
      {"stray end group", std::string("\x1c", 1) + series(label)},
      {"field 0", std::string("\x00\x01", 2) + series(label)},
      {"wire type 7", std::string("\x0f", 1)},
      {"truncated length", series(label).substr(0, 5)},
      {"padded length", std::string("\x0a\x88\x80\x80\x80\x00", 6) + label},
      {"padded length, 6 bytes", std::string("\x0a\x88\x80\x80\x80\x80\x00", 7) + label},
      {"padded tag", std::string("\x8a\x80\x80\x80\x00\x08", 6) + label},
      {"invalid UTF-8 in a value", series(std::string("\x0a\x06\x0a\x01"
                                                      "a\x12\x01\xff",
                                                      8))},
      {"valid UTF-8 in a value", series(std::string("\x0a\x07\x0a\x01"
                                                    "a\x12\x02\xc3\xa9",
                                                    9))},
      {"surrogate in UTF-8", series(std::string("\x0a\x08\x0a\x01"
                                                "a\x12\x03\xed\xa0\x80",
                                                10))},
      {"bad UTF-8 in an unknown field is fine", series(label + std::string("\x2a\x01\xff", 3))},
      {"histogram and exemplar counted", series(label + std::string("\x1a\x00\x22\x02\x08\x01", 6))},
      {"malformed histogram", series(label + std::string("\x22\x02\x08\x80", 4))},
      {"metadata", std::string("\x1a\x07\x08\x01\x12\x03"
                               "abc",
                               9)},
      {"metadata with bad UTF-8", std::string("\x1a\x05\x08\x01\x12\x01\xfe", 7)},
      {"series without labels", series(sample)},
      {"labels out of order", series(std::string("\x0a\x06\x0a\x01"
                                                 "z\x12\x01"
                                                 "b",
                                                 8) +
                                     label)},
  };
  for (const auto& [name, raw] : cases) {
    INFO(name);
    const std::string body = SnappyCompress(raw);
    auto hand = DecodeWriteRequest(body);
    auto reference = internal::DecodeWriteRequestWithProtobuf(body, {});
    REQUIRE(hand.ok() == reference.ok());
    if (!hand.ok()) {
      CHECK(hand.status() == reference.status());
      continue;
    }
    REQUIRE(hand->series.size() == reference->series.size());
    for (size_t i = 0; i < hand->series.size(); ++i) {
      CHECK(hand->series[i].labels == reference->series[i].labels);
      REQUIRE(hand->series[i].samples.size() == reference->series[i].samples.size());
      for (size_t j = 0; j < hand->series[i].samples.size(); ++j) {
        CHECK(hand->series[i].samples[j].t == reference->series[i].samples[j].t);
        CHECK(std::bit_cast<uint64_t>(hand->series[i].samples[j].v) ==
              std::bit_cast<uint64_t>(reference->series[i].samples[j].v));
      }
    }
    CHECK(hand->metadata == reference->metadata);
    CHECK(hand->num_histograms == reference->num_histograms);
    CHECK(hand->num_exemplars == reference->num_exemplars);
  }
  // Spot checks that the cases mean what their names say.
  CHECK(DecodeWriteRequest(SnappyCompress(cases[0].second)).ok());
  CHECK_FALSE(DecodeWriteRequest(SnappyCompress(cases[10].second)).ok());
}

TEST_CASE("the hand-written decoder honours protobuf's recursion limit for groups") {
  // Groups nested inside a Label: 98 levels fit in protobuf's budget there, 99 do not.
  auto length_delimited = [](std::string_view field_tag, const std::string& payload) {
    std::string out(field_tag);
    for (size_t v = payload.size();; v >>= 7) {
      out.push_back(static_cast<char>(v < 0x80 ? v : (v & 0x7f) | 0x80));
      if (v < 0x80) break;
    }
    out.append(payload);
    return out;
  };
  for (int levels : {98, 99}) {
    std::string label(
        "\x0a\x01"
        "a");
    label.append(static_cast<size_t>(levels), '\x1b');  // start group, field 3
    label.append(static_cast<size_t>(levels), '\x1c');  // end group, field 3
    const std::string raw = length_delimited("\x0a", length_delimited("\x0a", label));
    const std::string body = SnappyCompress(raw);
    auto hand = DecodeWriteRequest(body);
    auto reference = internal::DecodeWriteRequestWithProtobuf(body, {});
    INFO(levels);
    CHECK(hand.ok() == reference.ok());
    CHECK(hand.ok() == (levels == 98));
  }
}

}  // namespace
}  // namespace ember::wire
