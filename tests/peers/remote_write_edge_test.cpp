// ember-scraper's remote write receiver fed real HTTP bodies that a sender
// could get wrong: labels out of order or given twice, a body that is not
// snappy, a content type it does not speak, a sample out of order (the whole
// request must then be refused, none of it stored), and a remote write 2.0
// request. Needs only build/bin/ember-scraper.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "ember/wire/prom_remote.pb.h"
#include "ember/wire/remote_write.h"
#include "ember/wire/snappy.h"
#include "peer_harness.h"
#include "test_support.h"

namespace ember::peers {
namespace {

constexpr char kV1ContentType[] = "application/x-protobuf";
constexpr char kV2ContentType[] = "application/x-protobuf;proto=io.prometheus.write.v2.Request";

// A v1 body with the labels exactly as given (EncodeWriteRequest would have
// them sorted, which is what these cases must not be).
std::string RawV1Body(const std::vector<std::pair<std::string, std::string>>& labels, int64_t t, double v) {
  prometheus::WriteRequest request;
  prometheus::TimeSeries* ts = request.add_timeseries();
  for (const auto& [name, value] : labels) {
    prometheus::Label* l = ts->add_labels();
    l->set_name(name);
    l->set_value(value);
  }
  prometheus::Sample* s = ts->add_samples();
  s->set_timestamp(t);
  s->set_value(v);
  return wire::SnappyCompress(request.SerializeAsString());
}

testing::HttpReply Post(const std::string& base_url, const std::string& body,
                        const std::string& content_type) {
  auto reply = testing::HttpPost(base_url + "/api/v1/write", body, content_type);
  REQUIRE(reply.ok());
  return *reply;
}

// The vector /api/v1/query answers for `query` at `t`.
nlohmann::json Vector(const std::string& base_url, const std::string& query, int64_t t) {
  auto data = InstantQuery(base_url, query, t);
  INFO(data.status().ToString());
  REQUIRE(data.ok());
  return (*data)["result"];
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

TEST_CASE("remote write receiver: bodies a sender gets wrong, and remote write 2.0") {
  testing::TempDir dir;
  auto ember = StartEmber(dir);
  INFO((ember.ok() ? "" : ember.status().ToString()));
  REQUIRE(ember.ok());
  const std::string& base = ember->base_url;
  // Near now, so that the store's head takes them whatever its window.
  const int64_t t0 = (NowMs() / 1000 - 60) * 1000;

  SECTION("a label name given twice is refused with a message naming the problem") {
    auto reply =
        Post(base, RawV1Body({{"__name__", "edge_dup"}, {"a", "1"}, {"a", "2"}}, t0, 1), kV1ContentType);
    INFO(reply.body << LogTail("ember-scraper", ember->process));
    CHECK(reply.status == 400);
    CHECK((Lower(reply.body).find("twice") != std::string::npos ||
           Lower(reply.body).find("duplicate") != std::string::npos));
    CHECK(Vector(base, "edge_dup", t0).empty());
  }

  SECTION("labels out of order are refused with a message naming the problem") {
    // Remote write requires senders to sort label names. ember-scraper
    // refuses a series that is not sorted (WriteDecodeLimits::
    // require_sorted_labels, set by its main) where Prometheus 3.x sorts it
    // silently; either way no series may be stored with its labels out of
    // order, where no selector would find it.
    auto reply = Post(base, RawV1Body({{"z", "last"}, {"__name__", "edge_unsorted"}, {"a", "first"}}, t0, 7),
                      kV1ContentType);
    INFO(reply.body << LogTail("ember-scraper", ember->process));
    CHECK(reply.status == 400);
    CHECK(Lower(reply.body).find("sorted") != std::string::npos);
    CHECK(Vector(base, "{__name__=\"edge_unsorted\"}", t0).empty());
    auto series = ApiGet(base, "/api/v1/series?match%5B%5D=edge_unsorted");
    REQUIRE(series.ok());
    CHECK(series->empty());
  }

  SECTION("a body that is not snappy is refused") {
    auto reply = Post(base, "this is not a snappy block", kV1ContentType);
    INFO(reply.body);
    CHECK(reply.status == 400);
    CHECK(!reply.body.empty());
  }

  SECTION("a snappy body that is not a WriteRequest is refused") {
    auto reply = Post(base, wire::SnappyCompress("\xff\xff\xff\xff garbage"), kV1ContentType);
    INFO(reply.body);
    CHECK(reply.status == 400);
    CHECK(!reply.body.empty());
  }

  SECTION("a content type it does not speak is 415") {
    std::string body = RawV1Body({{"__name__", "edge_ct"}}, t0, 1);
    for (const char* content_type :
         {"application/json", "text/plain", "application/x-protobuf;proto=io.prometheus.write.v3.Request"}) {
      auto reply = Post(base, body, content_type);
      INFO(content_type << ": " << reply.body);
      CHECK(reply.status == 415);
      CHECK(!reply.body.empty());
    }
    CHECK(Vector(base, "edge_ct", t0).empty());
  }

  SECTION("an out-of-order sample refuses the whole request") {
    wire::WriteSeries a{Labels{{"__name__", "edge_ooo"}, {"s", "a"}}, {{t0, 1}}};
    REQUIRE(RemoteWrite(base, std::span(&a, 1)).ok());
    // One request: a new series b first (valid on its own), then a sample of
    // a older than the one stored. Nothing of it may be stored.
    std::vector<wire::WriteSeries> request = {
        {Labels{{"__name__", "edge_ooo"}, {"s", "b"}}, {{t0 - 20000, 10}, {t0 - 10000, 11}}},
        {Labels{{"__name__", "edge_ooo"}, {"s", "a"}}, {{t0 - 30000, 2}}},
    };
    auto body = wire::EncodeWriteRequest(request);
    REQUIRE(body.ok());
    auto reply = Post(base, *body, kV1ContentType);
    INFO(reply.body << LogTail("ember-scraper", ember->process));
    CHECK(reply.status == 400);
    CHECK(!reply.body.empty());
    CHECK(Vector(base, "count_over_time(edge_ooo{s=\"b\"}[5m])", t0).empty());
    nlohmann::json a_now = Vector(base, "count_over_time(edge_ooo{s=\"a\"}[5m])", t0);
    REQUIRE(a_now.size() == 1);
    CHECK(a_now[0]["value"][1] == "1");
  }

  SECTION("a remote write 2.0 request is stored and its samples counted") {
    std::vector<wire::WriteSeries> series = {
        {Labels{{"__name__", "edge_v2"}, {"k", "x"}}, {{t0 - 2000, 1.5}, {t0 - 1000, 2.5}}},
        {Labels{{"__name__", "edge_v2"}, {"k", "y"}}, {{t0 - 1000, -4}}},
    };
    std::vector<wire::WireMetadata> metadata = {{"edge_v2", wire::MetricType::kGauge, "A v2 probe.", ""}};
    auto body = wire::EncodeWriteRequestV2(series, metadata);
    REQUIRE(body.ok());
    auto reply = Post(base, *body, kV2ContentType);
    INFO(reply.body << LogTail("ember-scraper", ember->process));
    CHECK(reply.status == 204);
    CHECK(reply.Header("X-Prometheus-Remote-Write-Samples-Written") == "3");
    CHECK(reply.Header("X-Prometheus-Remote-Write-Histograms-Written") == "0");
    auto metadata_got = ApiGet(base, "/api/v1/metadata?metric=edge_v2");
    INFO((metadata_got.ok() ? "" : metadata_got.status().ToString()));
    REQUIRE(metadata_got.ok());
    CHECK(*metadata_got ==
          nlohmann::json::parse(R"({"edge_v2":[{"type":"gauge","help":"A v2 probe.","unit":""}]})"));
    auto got = RangeQuery(base, "edge_v2", t0 - 2000, t0 - 1000, 1000);
    REQUIRE(got.ok());
    CHECK(SortedByMetric(*got) == nlohmann::json::parse(R"({"resultType":"matrix","result":[
      {"metric":{"__name__":"edge_v2","k":"x"},"values":[[)" +
                                                        FormatSeconds(t0 - 2000) + R"(,"1.5"],[)" +
                                                        FormatSeconds(t0 - 1000) + R"(,"2.5"]]},
      {"metric":{"__name__":"edge_v2","k":"y"},"values":[[)" +
                                                        FormatSeconds(t0 - 1000) + R"(,"-4"]]}]})"));
  }
}

}  // namespace ember::peers
