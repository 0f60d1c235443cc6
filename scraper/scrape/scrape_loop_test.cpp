#include <catch2/catch.hpp>
#include <cmath>

#include "ember/base/clock.h"
#include "ember/textparse/content_type.h"
#include "ember/tsdb/sample.h"
#include "scrape/scrape_loop.h"
#include "scrape/test_target.h"

namespace ember::scraper {
namespace {

using testing::QuietLogger;
using testing::TestDb;
using testing::TestTarget;

// A loop scraping `target` once per ScrapeOnce call.
struct LoopFixture {
  explicit LoopFixture(std::function<void(ScrapeLoopOptions&)> tweak = nullptr, Labels extra = {}) {
    ScrapeConfig c;
    c.job_name = "job";
    c.scrape_interval = std::chrono::seconds(15);
    c.scrape_timeout = std::chrono::seconds(5);
    LabelsBuilder b(extra);
    b.Set("__address__", server.address());
    auto populated = PopulateLabels(c, {}, b.Build(), Labels{});
    REQUIRE(populated.ok());
    target = std::make_shared<Target>(populated->labels, populated->discovered, c.params);
    options.interval = c.scrape_interval;
    options.timeout = c.scrape_timeout;
    auto accept = textparse::AcceptHeader(
        {"OpenMetricsText1.0.0", "OpenMetricsText0.0.1", "PrometheusText1.0.0", "PrometheusText0.0.4"});
    REQUIRE(accept.ok());
    options.accept_header = *accept;
    options.metadata_source = "job " + target->url();
    if (tweak) tweak(options);
    auto client = http::HttpClient::Create({});
    REQUIRE(client.ok());
    ScrapeLoopDeps deps;
    deps.db = &db.db();
    deps.metadata = &metadata;
    deps.metrics = &metrics;
    deps.scheduler = &scheduler;
    deps.client = std::shared_ptr<http::HttpClient>(std::move(client).value());
    deps.logger = QuietLogger();
    loop = std::make_shared<ScrapeLoop>(target, options, deps);
  }

  double Last(const std::string& metric) {
    auto samples = db.Samples(metric);
    REQUIRE_FALSE(samples.empty());
    return samples.back().v;
  }

  TestTarget server;
  TestDb db;
  MetadataStore metadata;
  MetricsRegistry registry;
  ScrapeMetrics metrics{registry};
  Scheduler scheduler{1};
  std::shared_ptr<Target> target;
  ScrapeLoopOptions options;
  std::shared_ptr<ScrapeLoop> loop;
  const int64_t t0 = Clock::Real().NowMs() / 1000 * 1000;
};

TEST_CASE("A scrape stores series with target labels and the synthetic series", "[scrape][loop]") {
  LoopFixture f;
  f.server.Serve(
      "# HELP http_requests_total Requests.\n# TYPE http_requests_total counter\n"
      "http_requests_total{code=\"200\"} 7\nhttp_requests_total{code=\"500\"} 1\ntemperature 21.5\n");
  CHECK(f.loop->ScrapeOnce(f.t0) == "");

  auto series = f.db.Select("http_requests_total");
  REQUIRE(series.size() == 2);
  CHECK(series[0].labels == Labels{{"__name__", "http_requests_total"},
                                   {"code", "200"},
                                   {"instance", f.server.address()},
                                   {"job", "job"}});
  CHECK(series[0].samples == std::vector<tsdb::Sample>{{f.t0, 7}});
  CHECK(f.Last("temperature") == 21.5);
  CHECK(f.Last("up") == 1);
  CHECK(f.Last("scrape_samples_scraped") == 3);
  CHECK(f.Last("scrape_samples_post_metric_relabeling") == 3);
  CHECK(f.Last("scrape_series_added") == 3);
  CHECK(f.Last("scrape_duration_seconds") >= 0);
  auto up = f.db.Select("up");
  REQUIRE(up.size() == 1);
  CHECK(up[0].labels == Labels{{"__name__", "up"}, {"instance", f.server.address()}, {"job", "job"}});

  // Headers as upstream sends them.
  http::Headers h = f.server.last_headers();
  CHECK(h.Get("Accept").find("application/openmetrics-text;version=1.0.0") == 0);
  CHECK(h.Get("X-Prometheus-Scrape-Timeout-Seconds") == "5");
  CHECK(h.Get("User-Agent") == "ember-scraper");

  // Metadata recorded for the target.
  auto md = f.metadata.Source("job " + f.target->url());
  REQUIRE(md.size() == 1);
  CHECK(md[0].family == "http_requests_total");
  CHECK(md[0].metadata == MetricMetadata{"counter", "Requests.", ""});

  // A steady second scrape adds no series.
  CHECK(f.loop->ScrapeOnce(f.t0 + 15000) == "");
  CHECK(f.Last("scrape_series_added") == 0);
  CHECK(f.db.Samples("temperature").size() == 2);
}

TEST_CASE("honor_labels decides who wins a clash", "[scrape][loop]") {
  const std::string body = "m{job=\"exported\",instance=\"i\"} 1\n";
  SECTION("not honored: exported_ prefix") {
    LoopFixture f;
    f.server.Serve(body);
    CHECK(f.loop->ScrapeOnce(f.t0) == "");
    auto s = f.db.Select("m");
    REQUIRE(s.size() == 1);
    CHECK(s[0].labels == Labels{{"__name__", "m"},
                                {"exported_instance", "i"},
                                {"exported_job", "exported"},
                                {"instance", f.server.address()},
                                {"job", "job"}});
  }
  SECTION("honored: exposed labels kept") {
    LoopFixture f([](ScrapeLoopOptions& o) { o.honor_labels = true; });
    f.server.Serve(body);
    CHECK(f.loop->ScrapeOnce(f.t0) == "");
    auto s = f.db.Select("m");
    REQUIRE(s.size() == 1);
    CHECK(s[0].labels == Labels{{"__name__", "m"}, {"instance", "i"}, {"job", "exported"}});
  }
}

TEST_CASE("honor_timestamps", "[scrape][loop]") {
  SECTION("honored") {
    LoopFixture f;
    f.server.Serve("m 1 " + std::to_string(f.t0 - 5000) + "\n");
    CHECK(f.loop->ScrapeOnce(f.t0) == "");
    CHECK(f.db.Samples("m") == std::vector<tsdb::Sample>{{f.t0 - 5000, 1}});
  }
  SECTION("ignored") {
    LoopFixture f([](ScrapeLoopOptions& o) { o.honor_timestamps = false; });
    f.server.Serve("m 1 " + std::to_string(f.t0 - 5000) + "\n");
    CHECK(f.loop->ScrapeOnce(f.t0) == "");
    CHECK(f.db.Samples("m") == std::vector<tsdb::Sample>{{f.t0, 1}});
  }
}

TEST_CASE("metric_relabel_configs drop and rewrite series", "[scrape][loop]") {
  relabel::RelabelConfig drop;
  drop.source_labels = {"__name__"};
  drop.regex = "go_.*";
  drop.action = relabel::Action::kDrop;
  relabel::RelabelConfig rename;
  rename.source_labels = {"__name__"};
  rename.regex = "old_(.*)";
  rename.target_label = "__name__";
  rename.replacement = "new_$1";
  auto steps = std::make_shared<std::vector<relabel::CompiledRelabelConfig>>();
  steps->push_back(*relabel::CompiledRelabelConfig::Create(drop));
  steps->push_back(*relabel::CompiledRelabelConfig::Create(rename));
  LoopFixture f([&](ScrapeLoopOptions& o) { o.metric_relabel = steps; });
  f.server.Serve("go_goroutines 5\nold_thing 2\nkept 3\n");
  CHECK(f.loop->ScrapeOnce(f.t0) == "");
  CHECK(f.db.Select("go_goroutines").empty());
  CHECK(f.Last("new_thing") == 2);
  CHECK(f.Last("scrape_samples_scraped") == 3);
  CHECK(f.Last("scrape_samples_post_metric_relabeling") == 2);
  // Cached as dropped: the second scrape still drops it.
  CHECK(f.loop->ScrapeOnce(f.t0 + 1000) == "");
  CHECK(f.db.Select("go_goroutines").empty());
}

TEST_CASE("Limits fail the whole scrape", "[scrape][loop]") {
  SECTION("sample_limit") {
    LoopFixture f([](ScrapeLoopOptions& o) { o.sample_limit = 2; });
    f.server.Serve("a 1\nb 2\n");
    CHECK(f.loop->ScrapeOnce(f.t0) == "");
    f.server.Serve("a 1\nb 2\nc 3\n");
    CHECK(f.loop->ScrapeOnce(f.t0 + 1000) == "sample limit exceeded");
    CHECK(f.Last("up") == 0);
    CHECK(f.Last("scrape_samples_scraped") == 3);
    CHECK(f.db.Select("c").empty());
    // As upstream, series appended before the limit count as seen: no
    // stale markers, and the rolled back samples are gone.
    CHECK(f.db.Samples("a").size() == 1);
    CHECK(f.target->status().health == TargetHealth::kDown);
    CHECK(f.metrics.exceeded_sample_limit.Value() == 1);
  }
  SECTION("label_limit") {
    LoopFixture f([](ScrapeLoopOptions& o) { o.label_limit = 3; });
    f.server.Serve("m{a=\"1\",b=\"2\"} 1\n");
    CHECK(f.loop->ScrapeOnce(f.t0) == "label_limit exceeded (metric: m, number of labels: 5, limit: 3)");
    CHECK(f.Last("up") == 0);
  }
  SECTION("label_name_length_limit") {
    LoopFixture f([](ScrapeLoopOptions& o) { o.label_name_length_limit = 8; });
    f.server.Serve("m{long_label_name=\"1\"} 1\n");
    CHECK(f.loop->ScrapeOnce(f.t0) ==
          "label_name_length_limit exceeded (metric: m, label name: long_label_name, length: 15, limit: 8)");
  }
  SECTION("label_value_length_limit") {
    LoopFixture f([](ScrapeLoopOptions& o) { o.label_value_length_limit = 30; });
    f.server.Serve("m{a=\"0123456789012345678901234567890123456789\"} 1\n");
    CHECK(f.loop->ScrapeOnce(f.t0) ==
          "label_value_length_limit exceeded (metric: m, label name: a, value: "
          "\"0123456789012345678901234567890123456789\", length: 40, limit: 30)");
  }
  SECTION("body_size_limit") {
    LoopFixture f([](ScrapeLoopOptions& o) { o.body_size_limit = 10; });
    f.server.Serve("some_metric 12345\n");
    CHECK(f.loop->ScrapeOnce(f.t0) == "body size limit exceeded");
  }
}

TEST_CASE("Failed scrapes report the error as upstream", "[scrape][loop]") {
  LoopFixture f;
  f.server.Serve("oops", "text/plain", 500);
  CHECK(f.loop->ScrapeOnce(f.t0) == "server returned HTTP status 500 Internal Server Error");
  CHECK(f.Last("up") == 0);
  f.server.Serve("m{a=\"1\" 1\n");
  CHECK(f.loop->ScrapeOnce(f.t0 + 1000).find("expected") != std::string::npos);
}

TEST_CASE("gzip and compression settings", "[scrape][loop]") {
  std::string body;
  for (int i = 0; i < 200; ++i)
    body += "metric_" + std::to_string(i) + "{label=\"value\"} " + std::to_string(i) + "\n";
  SECTION("gzip asked for and decoded") {
    LoopFixture f;
    f.server.Serve(body);
    CHECK(f.loop->ScrapeOnce(f.t0) == "");
    CHECK(f.server.last_headers().Get("Accept-Encoding").find("gzip") != std::string::npos);
    CHECK(f.Last("scrape_samples_scraped") == 200);
    CHECK(f.Last("metric_199") == 199);
  }
  SECTION("enable_compression: false asks for identity") {
    LoopFixture f([](ScrapeLoopOptions& o) { o.enable_compression = false; });
    f.server.Serve(body);
    CHECK(f.loop->ScrapeOnce(f.t0) == "");
    CHECK(f.server.last_headers().Get("Accept-Encoding") == "identity");
    CHECK(f.Last("metric_7") == 7);
  }
}

TEST_CASE("OpenMetrics negotiation and the fallback protocol", "[scrape][loop]") {
  SECTION("OpenMetrics body parsed by its content type") {
    LoopFixture f;
    f.server.Serve(
        "# TYPE request_seconds counter\n# UNIT request_seconds seconds\n# HELP request_seconds Time.\n"
        "request_seconds_total 3 1.5\n# EOF\n",
        "application/openmetrics-text;version=1.0.0;charset=utf-8");
    CHECK(f.loop->ScrapeOnce(f.t0) == "");
    CHECK(f.db.Samples("request_seconds_total") == std::vector<tsdb::Sample>{{1500, 3}});
    auto md = f.metadata.Source("job " + f.target->url());
    REQUIRE(md.size() == 1);
    CHECK(md[0].metadata == MetricMetadata{"counter", "Time.", "seconds"});
  }
  SECTION("unknown content type without fallback fails") {
    LoopFixture f;
    f.server.Serve("m 1\n", "application/json");
    std::string err = f.loop->ScrapeOnce(f.t0);
    INFO(err);
    CHECK(
        err.find("received unsupported Content-Type \"application/json\" and no fallback_scrape_protocol") !=
        std::string::npos);
  }
  SECTION("unknown content type with fallback") {
    LoopFixture f([](ScrapeLoopOptions& o) { o.fallback_protocol = "PrometheusText0.0.4"; });
    f.server.Serve("m 1\n", "application/json");
    CHECK(f.loop->ScrapeOnce(f.t0) == "");
    CHECK(f.Last("m") == 1);
  }
}

TEST_CASE("Stale markers for vanished series and failed scrapes", "[scrape][loop]") {
  LoopFixture f;
  f.server.Serve("a 1\nb 2\n");
  CHECK(f.loop->ScrapeOnce(f.t0) == "");
  f.server.Serve("a 1\n");
  CHECK(f.loop->ScrapeOnce(f.t0 + 1000) == "");
  auto b = f.db.Samples("b");
  REQUIRE(b.size() == 2);
  CHECK(b[1].t == f.t0 + 1000);
  CHECK(tsdb::IsStaleNaN(b[1].v));
  CHECK(f.db.Samples("a").size() == 2);

  // Explicit timestamps are not tracked for staleness by default.
  f.server.Serve("a 1\nc 5 " + std::to_string(f.t0) + "\n");
  CHECK(f.loop->ScrapeOnce(f.t0 + 2000) == "");
  f.server.Serve("a 1\n");
  CHECK(f.loop->ScrapeOnce(f.t0 + 3000) == "");
  CHECK(f.db.Samples("c").size() == 1);

  // A failed scrape marks everything of the previous one.
  f.server.Serve("", "text/plain", 503);
  CHECK(f.loop->ScrapeOnce(f.t0 + 4000) == "server returned HTTP status 503 Service Unavailable");
  auto a = f.db.Samples("a");
  REQUIRE(a.size() == 5);
  CHECK(tsdb::IsStaleNaN(a.back().v));
  // ... once.
  CHECK(f.loop->ScrapeOnce(f.t0 + 5000) != "");
  CHECK(f.db.Samples("a").size() == 5);
  // End of run: synthetic series too.
  f.server.Serve("a 2\n");
  CHECK(f.loop->ScrapeOnce(f.t0 + 6000) == "");
  f.loop->WriteEndOfRunStaleMarkers(f.t0 + 7000);
  CHECK(tsdb::IsStaleNaN(f.db.Samples("a").back().v));
  CHECK(tsdb::IsStaleNaN(f.db.Samples("up").back().v));
  CHECK(tsdb::IsStaleNaN(f.db.Samples("scrape_series_added").back().v));
}

TEST_CASE("Duplicate and out-of-order samples are counted, not fatal", "[scrape][loop]") {
  LoopFixture f;
  f.server.Serve("a 1\na 2\nb 3 " + std::to_string(f.t0) + "\n");
  CHECK(f.loop->ScrapeOnce(f.t0) == "");
  f.server.Serve("a 1\nb 4 " + std::to_string(f.t0 - 1000) + "\n");
  CHECK(f.loop->ScrapeOnce(f.t0 + 1000) == "");
  CHECK(f.metrics.sample_duplicate.Value() == 1);
  CHECK(f.metrics.sample_out_of_order.Value() == 1);
  CHECK(f.Last("up") == 1);
}

TEST_CASE("The series cache makes steady scrapes label-free", "[scrape][loop]") {
  LoopFixture f;
  f.server.Serve("a{x=\"1\"} 1\nb 2\n");
  CHECK(f.loop->ScrapeOnce(f.t0) == "");
  auto cache = f.loop->cache();
  CHECK(cache->size() == 2);
  const CacheEntry* e = cache->Find("a{x=\"1\"}");
  REQUIRE(e != nullptr);
  CHECK(e->ref.id != 0);
  CHECK(e->labels.Get("instance") == f.server.address());
  // A series gone from a good scrape leaves the cache.
  f.server.Serve("b 2\n");
  CHECK(f.loop->ScrapeOnce(f.t0 + 1000) == "");
  CHECK(cache->size() == 1);
}

}  // namespace
}  // namespace ember::scraper
