// Prometheus 2.42 reads from ember-scraper by remote read: samples written
// into ember come back, exactly, through Prometheus's own query API, from a
// Prometheus whose local store holds nothing.
//
// Needs /usr/bin/prometheus (scripts/install-deps.sh --with-test-peers);
// without it the test says so and passes, as tests/compat does.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "answer_diff.h"
#include "peer_harness.h"
#include "test_support.h"

namespace ember::peers {
namespace {

// A point as Prometheus's JSON writes it: [seconds, "value"].
nlohmann::json Point(int64_t ms, const std::string& value) {
  return nlohmann::json::array({static_cast<double>(ms) / 1000, value});
}

}  // namespace

TEST_CASE("Prometheus 2.42 remote-reads from ember-scraper") {
  if (std::string missing = MissingPeer({kPrometheusPath}); !missing.empty()) {
    WARN(missing << " is not installed (scripts/install-deps.sh --with-test-peers); skipping");
    return;
  }
  testing::TempDir dir;
  auto ember = StartEmber(dir);
  INFO((ember.ok() ? "" : ember.status().ToString()));
  REQUIRE(ember.ok());

  // Timestamps with milliseconds and values whose decimal forms are not
  // short, so that a sample that changed on the way would show.
  const int64_t t0 = (NowMs() / 1000 - 60) * 1000 + 123;
  const std::vector<std::pair<int64_t, double>> a_points = {{t0 - 50000, 0.1},       {t0 - 40000, 2.5},
                                                            {t0 - 30000, -3},        {t0 - 20000, 42},
                                                            {t0 - 10000, 1234.5678}, {t0, 0}};
  const std::vector<std::string> a_texts = {"0.1", "2.5", "-3", "42", "1234.5678", "0"};
  std::vector<wire::WriteSeries> series(2);
  series[0].labels = Labels{{"__name__", "rr_probe"}, {"k", "a"}};
  for (const auto& [t, v] : a_points) series[0].samples.push_back({t, v});
  series[1].labels = Labels{{"__name__", "rr_probe"}, {"k", "b"}};
  series[1].samples.push_back({t0 - 25000, 7});
  // Not asked for: must not come back.
  wire::WriteSeries other{Labels{{"__name__", "rr_other"}, {"k", "a"}}, {{t0, 1}}};
  series.push_back(other);
  auto written = RemoteWrite(ember->base_url, series);
  INFO(written.ToString());
  REQUIRE(written.ok());

  const uint16_t port = testing::FreePort();
  std::string config = dir.WriteFile(
      "prometheus.yml", "global:\n  scrape_interval: 1h\nscrape_configs: []\nremote_read:\n  - url: " +
                            ember->base_url + "/api/v1/read\n    read_recent: true\n");
  auto prometheus =
      StartServer(kPrometheusPath,
                  {"--config.file=" + config, "--storage.tsdb.path=" + dir.Join("prometheus"),
                   "--web.listen-address=127.0.0.1:" + std::to_string(port), "--log.level=info"},
                  port, dir.Join("prometheus.log"), "/-/ready");
  INFO((prometheus.ok() ? "" : prometheus.status().ToString()));
  REQUIRE(prometheus.ok());
  const std::string& prom = prometheus->base_url;
  auto logs = [&] {
    return LogTail("ember-scraper", ember->process) + LogTail("prometheus", prometheus->process);
  };

  auto check = [&](const std::string& what, const Result<nlohmann::json>& got, const nlohmann::json& want) {
    if (!got.ok()) {
      FAIL_CHECK(what << ": " << got.status().ToString() << "\n" << logs());
      return;
    }
    if (auto diff = AnswerDifference(want, *got, ValueMatch::kExact)) {
      FAIL_CHECK(what << ": " << *diff << "\n  want:       " << want.dump()
                      << "\n  Prometheus: " << Abbreviated(*got) << "\n"
                      << logs());
    }
  };

  const nlohmann::json metric_a = {{"__name__", "rr_probe"}, {"k", "a"}};
  const nlohmann::json metric_b = {{"__name__", "rr_probe"}, {"k", "b"}};

  SECTION("a range selector returns every raw sample") {
    // At t0 + 0.5 s a 2 m range holds every sample, none on its edges.
    nlohmann::json a_values = nlohmann::json::array();
    for (size_t i = 0; i < a_points.size(); ++i) a_values.push_back(Point(a_points[i].first, a_texts[i]));
    nlohmann::json want = {{"resultType", "matrix"},
                           {"result",
                            {{{"metric", metric_a}, {"values", a_values}},
                             {{"metric", metric_b}, {"values", {Point(t0 - 25000, "7")}}}}}};
    check("rr_probe[2m]", InstantQuery(prom, "rr_probe[2m]", t0 + 500), want);
  }

  SECTION("an instant query at t0 sees the newest samples") {
    nlohmann::json want = {{"resultType", "vector"},
                           {"result",
                            {{{"metric", metric_a}, {"value", Point(t0, "0")}},
                             {{"metric", metric_b}, {"value", Point(t0, "7")}}}}};
    check("rr_probe @t0", InstantQuery(prom, "rr_probe", t0), want);
  }

  SECTION("a range query steps through the samples") {
    // Steps on the samples of a; b exists from t0 - 25 s on.
    nlohmann::json a_values = nlohmann::json::array();
    for (size_t i = 0; i < a_points.size(); ++i) a_values.push_back(Point(a_points[i].first, a_texts[i]));
    nlohmann::json want = {
        {"resultType", "matrix"},
        {"result",
         {{{"metric", metric_a}, {"values", a_values}},
          {{"metric", metric_b},
           {"values", {Point(t0 - 20000, "7"), Point(t0 - 10000, "7"), Point(t0, "7")}}}}}};
    check("query_range rr_probe", RangeQuery(prom, "rr_probe", t0 - 50000, t0, 10000), want);
  }

  SECTION("matchers select on ember's side") {
    nlohmann::json want = {{"resultType", "vector"},
                           {"result", {{{"metric", metric_a}, {"value", Point(t0, "0")}}}}};
    check("rr_probe{k=~\"a|c\"}", InstantQuery(prom, "rr_probe{k=~\"a|c\"}", t0), want);
    check("sum(rr_probe{k!=\"a\"})", InstantQuery(prom, "sum(rr_probe{k!=\"a\"})", t0),
          {{"resultType", "vector"},
           {"result", {{{"metric", nlohmann::json::object()}, {"value", Point(t0, "7")}}}}});
  }
}

}  // namespace ember::peers
