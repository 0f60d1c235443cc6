#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <memory>
#include <string>

#include "api/federate.h"
#include "api/remote_read_api.h"
#include "api/remote_write_api.h"
#include "ember/obs/logger.h"
#include "ember/tsdb/sample.h"
#include "ember/tsdb/xor_chunk.h"
#include "ember/wire/remote_read.h"
#include "ember/wire/remote_write.h"
#include "test_support.h"

namespace ember::scraper {
namespace {

Logger QuietLogger() { return Logger(std::make_shared<CapturingLogSink>(), LogLevel::kError); }

// A store, the remote write and read handlers over it, and a way to read it.
class Fixture {
 public:
  explicit Fixture(RemoteReadApi::Options read_options = {}) {
    tsdb::DbOptions options;
    options.dir = dir_.path();
    options.maintenance_interval_ms = 0;
    options.retention_ms = 0;
    auto db = tsdb::Db::Open(options, QuietLogger());
    REQUIRE(db.ok());
    db_ = std::move(db).value();
    RemoteWriteApi::Options write_options;
    write_options.limits.require_sorted_labels = true;
    write_ = std::make_unique<RemoteWriteApi>(*db_, metadata_, QuietLogger(), registry_, write_options);
    read_ = std::make_unique<RemoteReadApi>(
        *db_,
        [] {
          return Labels{{"site", "lab"}};
        },
        QuietLogger(), read_options);
  }

  http::Response Write(const std::string& body, const std::string& content_type = "application/x-protobuf") {
    http::Request request;
    request.method = "POST";
    request.body = body;
    request.headers.Set("Content-Type", content_type);
    request.headers.Set("Content-Encoding", "snappy");
    return write_->Write(request);
  }

  http::Response Read(const wire::ReadRequestData& data) {
    auto body = wire::EncodeReadRequest(data);
    REQUIRE(body.ok());
    return ReadRaw(*body);
  }

  http::Response ReadRaw(const std::string& body) {
    http::Request request;
    request.method = "POST";
    request.body = body;
    return read_->Read(request);
  }

  // Every sample stored for series matching name=`metric`.
  std::vector<tsdb::Sample> Stored(const std::string& metric) {
    auto m = tsdb::Matcher::Create(tsdb::MatchType::kEqual, "__name__", metric);
    REQUIRE(m.ok());
    std::vector<tsdb::Matcher> matchers = {*m};
    auto set = db_->NewQuerier(tsdb::kMinTime, tsdb::kMaxTime).Select(matchers);
    REQUIRE(set.ok());
    std::vector<tsdb::Sample> out;
    while (set->Next()) out.insert(out.end(), set->samples().begin(), set->samples().end());
    return out;
  }

  MetadataStore& metadata() { return metadata_; }

 private:
  testing::TempDir dir_;
  MetricsRegistry registry_;
  MetadataStore metadata_;
  std::unique_ptr<tsdb::Db> db_;
  std::unique_ptr<RemoteWriteApi> write_;
  std::unique_ptr<RemoteReadApi> read_;
};

std::vector<wire::WriteSeries> TwoSeries() {
  std::vector<wire::WriteSeries> series(2);
  series[0].labels = Labels{{"__name__", "cpu"}, {"core", "0"}};
  series[1].labels = Labels{{"__name__", "cpu"}, {"core", "1"}};
  for (int64_t i = 0; i < 300; ++i) {
    series[0].samples.push_back({1000 + i * 1000, static_cast<double>(i)});
    series[1].samples.push_back({1000 + i * 1000, 0.5 * static_cast<double>(i)});
  }
  series[1].samples[10].v = tsdb::StaleNaN();
  return series;
}

wire::ReadRequestData ReadCpu(std::vector<wire::ReadResponseType> types) {
  wire::ReadRequestData data;
  wire::ReadQuery& q = data.queries.emplace_back();
  q.start_ms = 0;
  q.end_ms = 1'000'000;
  q.matchers.push_back({wire::WireMatcher::Type::kEq, "__name__", "cpu"});
  // A matcher on an external label is dropped, as Prometheus does.
  q.matchers.push_back({wire::WireMatcher::Type::kEq, "site", "elsewhere"});
  data.accepted_response_types = std::move(types);
  return data;
}

TEST_CASE("remote write stores a 1.0 request and answers 204 with the counts") {
  Fixture f;
  std::vector<wire::WireMetadata> metadata = {{"cpu", wire::MetricType::kCounter, "CPU seconds.", "seconds"}};
  auto body = wire::EncodeWriteRequest(TwoSeries(), metadata);
  REQUIRE(body.ok());
  http::Response r = f.Write(*body);
  CHECK(r.status == 204);
  CHECK(r.headers.Get("X-Prometheus-Remote-Write-Samples-Written") == "600");
  CHECK(f.Stored("cpu").size() == 600);
  auto listed = f.metadata().List("", -1, -1);
  REQUIRE(listed.count("cpu") == 1);
  CHECK(listed["cpu"][0] == MetricMetadata{"counter", "CPU seconds.", "seconds"});
}

TEST_CASE("remote write stores a 2.0 request") {
  Fixture f;
  auto body = wire::EncodeWriteRequestV2(TwoSeries());
  REQUIRE(body.ok());
  http::Response r = f.Write(*body, "application/x-protobuf;proto=io.prometheus.write.v2.Request");
  CHECK(r.status == 204);
  CHECK(r.headers.Get("X-Prometheus-Remote-Write-Samples-Written") == "600");
  CHECK(f.Stored("cpu").size() == 600);
}

TEST_CASE("remote write refuses a request whole when one sample is rejected") {
  Fixture f;
  std::vector<wire::WriteSeries> series = TwoSeries();
  // Out of order within the second series: nothing of the request is kept.
  std::swap(series[1].samples[5], series[1].samples[6]);
  auto body = wire::EncodeWriteRequest(series);
  REQUIRE(body.ok());
  http::Response r = f.Write(*body);
  CHECK(r.status == 400);
  CHECK(r.body == "out of order sample for series {__name__=\"cpu\", core=\"1\"} at timestamp 6000\n");
  CHECK(f.Stored("cpu").empty());
}

TEST_CASE("remote write refuses unsorted and duplicate labels with 400") {
  Fixture f;
  std::vector<wire::WriteSeries> series(1);
  series[0].labels = Labels::FromSorted({{"__name__", "cpu"}, {"b", "1"}, {"a", "2"}});
  series[0].samples.push_back({1000, 1});
  auto body = wire::EncodeWriteRequest(series);
  REQUIRE(body.ok());
  http::Response r = f.Write(*body);
  CHECK(r.status == 400);
  CHECK(r.body == "series 0: labels are not sorted by name in {__name__=\"cpu\", a=\"2\", b=\"1\"}\n");
  series[0].labels = Labels::FromSorted({{"__name__", "cpu"}, {"a", "1"}, {"a", "2"}});
  body = wire::EncodeWriteRequest(series);
  REQUIRE(body.ok());
  r = f.Write(*body);
  CHECK(r.status == 400);
  CHECK(f.Stored("cpu").empty());
}

TEST_CASE("remote write answers 415 to content types and encodings it does not speak") {
  Fixture f;
  auto body = wire::EncodeWriteRequest(TwoSeries());
  REQUIRE(body.ok());
  CHECK(f.Write(*body, "application/json").status == 415);
  CHECK(f.Write(*body, "application/x-protobuf;proto=io.prometheus.write.v3.Request").status == 415);
  CHECK(f.Write(*body, "application/x-protobuf;proto").status == 415);
  CHECK(f.Write(*body, "application/x-protobuf;proto=prometheus.WriteRequest").status == 204);
}

TEST_CASE("remote read answers SAMPLES with the external labels added") {
  Fixture f;
  auto body = wire::EncodeWriteRequest(TwoSeries());
  REQUIRE(body.ok());
  REQUIRE(f.Write(*body).status == 204);

  for (auto types : {std::vector<wire::ReadResponseType>{}, {wire::ReadResponseType::kSamples}}) {
    http::Response r = f.Read(ReadCpu(types));
    REQUIRE(r.status == 200);
    CHECK(r.headers.Get("Content-Type") == "application/x-protobuf");
    CHECK(r.headers.Get("Content-Encoding") == "snappy");
    auto results = wire::DecodeReadResponse(r.body);
    REQUIRE(results.ok());
    REQUIRE(results->size() == 1);
    const std::vector<wire::WriteSeries>& got = (*results)[0].series;
    REQUIRE(got.size() == 2);
    CHECK(got[0].labels == Labels{{"__name__", "cpu"}, {"core", "0"}, {"site", "lab"}});
    CHECK(got[0].samples.size() == 300);
    CHECK(std::bit_cast<uint64_t>(got[1].samples[10].v) == tsdb::kStaleNaNBits);
  }
}

TEST_CASE("remote read SAMPLES is bounded by the sample limit") {
  RemoteReadApi::Options options;
  options.sample_limit = 500;
  Fixture f(options);
  auto body = wire::EncodeWriteRequest(TwoSeries());
  REQUIRE(body.ok());
  REQUIRE(f.Write(*body).status == 204);
  http::Response r = f.Read(ReadCpu({}));
  CHECK(r.status == 400);
  CHECK(r.body == "exceeded sample limit (500)\n");
}

TEST_CASE("remote read streams XOR chunks in CRC-checked frames") {
  RemoteReadApi::Options options;
  options.max_bytes_in_frame = 200;  // small: a series spans several frames
  Fixture f(options);
  auto body = wire::EncodeWriteRequest(TwoSeries());
  REQUIRE(body.ok());
  REQUIRE(f.Write(*body).status == 204);

  http::Response r =
      f.Read(ReadCpu({wire::ReadResponseType::kStreamedXorChunks, wire::ReadResponseType::kSamples}));
  REQUIRE(r.status == 200);
  CHECK(r.headers.Get("Content-Type") ==
        "application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse");
  wire::ChunkedFrameReader reader(r.body, 1 << 20);
  std::map<Labels, std::vector<tsdb::Sample>> series;
  size_t frames = 0;
  while (true) {
    auto frame = reader.Next();
    REQUIRE(frame.ok());
    if (!frame->has_value()) break;
    ++frames;
    int64_t query_index = -1;
    auto decoded = wire::DecodeChunkedReadResponse(**frame, &query_index);
    REQUIRE(decoded.ok());
    CHECK(query_index == 0);
    REQUIRE(decoded->size() == 1);
    for (const wire::WireChunk& chunk : (*decoded)[0].chunks) {
      tsdb::XorIterator it(chunk.data);
      std::vector<tsdb::Sample>& samples = series[(*decoded)[0].labels];
      const size_t before = samples.size();
      while (it.Next()) samples.push_back(it.sample());
      REQUIRE(it.status().ok());
      REQUIRE(samples.size() > before);
      CHECK(samples[before].t == chunk.min_time_ms);
      CHECK(samples.back().t == chunk.max_time_ms);
    }
  }
  CHECK(frames > 2);
  REQUIRE(series.size() == 2);
  const auto& core1 = series[Labels{{"__name__", "cpu"}, {"core", "1"}, {"site", "lab"}}];
  REQUIRE(core1.size() == 300);
  CHECK(core1[299].v == 0.5 * 299);
  CHECK(std::bit_cast<uint64_t>(core1[10].v) == tsdb::kStaleNaNBits);
}

TEST_CASE("remote read refuses a body that is not a read request") {
  Fixture f;
  CHECK(f.ReadRaw("not snappy").status == 400);
  CHECK(f.Read(wire::ReadRequestData{}).status == 200);
}

TEST_CASE("federate writes the newest sample of each matching series in the text format") {
  testing::TempDir dir;
  tsdb::DbOptions options;
  options.dir = dir.path();
  options.maintenance_interval_ms = 0;
  auto db = tsdb::Db::Open(options, QuietLogger());
  REQUIRE(db.ok());
  tsdb::Appender app = (*db)->NewAppender();
  REQUIRE(app.Add({{"__name__", "up"}, {"job", "a"}, {"instance", "x:1"}}, 100'000, 1).ok());
  REQUIRE(app.Add({{"__name__", "up"}, {"job", "a"}, {"instance", "x:1"}}, 115'000, 0).ok());
  REQUIRE(app.Add({{"__name__", "up"}, {"job", "b"}, {"site", "own"}}, 115'000, 1).ok());
  REQUIRE(app.Add({{"__name__", "gone"}, {"job", "a"}}, 100'000, 1).ok());
  REQUIRE(app.Add({{"__name__", "gone"}, {"job", "a"}}, 115'000, tsdb::StaleNaN()).ok());
  REQUIRE(app.Add({{"__name__", "temp"}, {"room", "a \"b\"\n"}}, 110'000, 1.5e-7).ok());
  REQUIRE(app.Add({{"__name__", "old"}}, 1'000, 1).ok());
  REQUIRE(app.Commit().ok());
  ManualClock clock(120'000);
  Federate federate(
      **db, 60'000,
      [] {
        return Labels{{"site", "lab"}};
      },
      clock);
  http::Request request;
  request.method = "GET";
  request.raw_query = "match[]=up&match[]=gone&match[]=temp&match[]=old";
  http::Response r = federate.Serve(request);
  CHECK(r.status == 200);
  CHECK(r.headers.Get("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(r.body ==
        "# TYPE temp untyped\n"
        "temp{room=\"a \\\"b\\\"\\n\",site=\"lab\"} 1.5e-07 110000\n"
        "# TYPE up untyped\n"
        "up{instance=\"x:1\",job=\"a\",site=\"lab\"} 0 115000\n"
        "up{job=\"b\",site=\"own\"} 1 115000\n");

  request.raw_query = "match[]=up{";
  CHECK(federate.Serve(request).status == 400);
}

}  // namespace
}  // namespace ember::scraper
