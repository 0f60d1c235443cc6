#include "ember/obs/metrics.h"

#include <cmath>
#include <thread>

#include <catch2/catch.hpp>

namespace ember {
namespace {

TEST_CASE("Counter and gauge expose with HELP and TYPE") {
  MetricsRegistry r;
  Counter& c = r.NewCounter("ember_events_total", "Events seen.");
  Gauge& g = r.NewGauge("ember_queue_length", "Items waiting.");
  c.Inc();
  c.Inc(2.5);
  g.Set(10);
  g.Dec();
  g.Add(0.5);
  CHECK(c.Value() == 3.5);
  CHECK(g.Value() == 9.5);
  CHECK(r.Expose() ==
        "# HELP ember_events_total Events seen.\n"
        "# TYPE ember_events_total counter\n"
        "ember_events_total 3.5\n"
        "# HELP ember_queue_length Items waiting.\n"
        "# TYPE ember_queue_length gauge\n"
        "ember_queue_length 9.5\n");
}

TEST_CASE("Values print as the Go client prints them") {
  MetricsRegistry r;
  r.NewGauge("a", "").Set(1e6);
  r.NewGauge("b", "").Set(INFINITY);
  r.NewGauge("c", "").Set(-INFINITY);
  r.NewGauge("d", "").Set(std::nan(""));
  r.NewGauge("e", "").Set(123456);
  r.NewGauge("f", "").Set(0.00001);
  CHECK(r.Expose() ==
        "# HELP a \n# TYPE a gauge\na 1e+06\n"
        "# HELP b \n# TYPE b gauge\nb +Inf\n"
        "# HELP c \n# TYPE c gauge\nc -Inf\n"
        "# HELP d \n# TYPE d gauge\nd NaN\n"
        "# HELP e \n# TYPE e gauge\ne 123456\n"
        "# HELP f \n# TYPE f gauge\nf 1e-05\n");
}

TEST_CASE("Metrics are sorted by name whatever the registration order") {
  MetricsRegistry r;
  r.NewCounter("zeta_total", "z").Inc();
  r.NewGauge("alpha", "a");
  r.NewCounter("mid_total", "m");
  CHECK(r.Expose() ==
        "# HELP alpha a\n# TYPE alpha gauge\nalpha 0\n"
        "# HELP mid_total m\n# TYPE mid_total counter\nmid_total 0\n"
        "# HELP zeta_total z\n# TYPE zeta_total counter\nzeta_total 1\n");
}

TEST_CASE("HELP text and label values are escaped") {
  MetricsRegistry r;
  r.NewGauge("g", "A \\ backslash\nand a \"quote\".").Set(1);
  r.NewCounterFamily("c_total", "c", {"path"}).WithLabelValues({"a\\b\"c\nd"}).Inc();
  CHECK(r.Expose() ==
        "# HELP c_total c\n# TYPE c_total counter\n"
        "c_total{path=\"a\\\\b\\\"c\\nd\"} 1\n"
        "# HELP g A \\\\ backslash\\nand a \"quote\".\n# TYPE g gauge\ng 1\n");
}

TEST_CASE("Family children sort by label values, label names sorted") {
  MetricsRegistry r;
  auto& f = r.NewCounterFamily("http_requests_total", "Requests.", {"path", "code"});
  f.WithLabelValues({"/b", "200"}).Inc(2);
  f.WithLabelValues({"/a", "500"}).Inc();
  f.WithLabelValues({"/a", "200"}).Inc(3);
  CHECK(&f.WithLabelValues({"/a", "200"}) == &f.WithLabelValues({"/a", "200"}));
  CHECK(r.Expose() ==
        "# HELP http_requests_total Requests.\n"
        "# TYPE http_requests_total counter\n"
        "http_requests_total{code=\"200\",path=\"/a\"} 3\n"
        "http_requests_total{code=\"200\",path=\"/b\"} 2\n"
        "http_requests_total{code=\"500\",path=\"/a\"} 1\n");
}

TEST_CASE("An empty family is left out") {
  MetricsRegistry r;
  r.NewGaugeFamily("unused", "never set", {"x"});
  CHECK(r.Expose().empty());
  r.NewGaugeFamily("used", "set", {"x"}).WithLabelValues({"1"}).Set(-2);
  CHECK(r.Expose() == "# HELP used set\n# TYPE used gauge\nused{x=\"1\"} -2\n");
}

TEST_CASE("Histogram exposes cumulative buckets, sum and count") {
  MetricsRegistry r;
  Histogram& h = r.NewHistogram("req_seconds", "Latency.", {0.1, 1, 2.5});
  h.Observe(0.05);
  h.Observe(0.1);  // a value on a bound counts in that bucket
  h.Observe(2);
  h.Observe(7);
  CHECK(h.Count() == 4);
  CHECK(h.Sum() == Approx(9.15));
  CHECK(r.Expose() ==
        "# HELP req_seconds Latency.\n"
        "# TYPE req_seconds histogram\n"
        "req_seconds_bucket{le=\"0.1\"} 2\n"
        "req_seconds_bucket{le=\"1\"} 2\n"
        "req_seconds_bucket{le=\"2.5\"} 3\n"
        "req_seconds_bucket{le=\"+Inf\"} 4\n"
        "req_seconds_sum 9.15\n"
        "req_seconds_count 4\n");
}

TEST_CASE("Histogram family puts le after the sorted labels") {
  MetricsRegistry r;
  auto& f = r.NewHistogramFamily("d_seconds", "D.", {"op"}, {1e6, INFINITY});
  f.WithLabelValues({"read"}).Observe(3);
  CHECK(f.WithLabelValues({"read"}).bounds() == std::vector<double>{1e6});
  CHECK(r.Expose() ==
        "# HELP d_seconds D.\n"
        "# TYPE d_seconds histogram\n"
        "d_seconds_bucket{op=\"read\",le=\"1e+06\"} 1\n"
        "d_seconds_bucket{op=\"read\",le=\"+Inf\"} 1\n"
        "d_seconds_sum{op=\"read\"} 3\n"
        "d_seconds_count{op=\"read\"} 1\n");
}

TEST_CASE("Func and info metrics") {
  MetricsRegistry r;
  double series = 42;
  r.NewGaugeFunc("prometheus_tsdb_head_series", "Series in the head.", [&] { return series; });
  r.NewCounterFunc("ember_reads_total", "Reads.", [] { return 7.0; });
  r.NewInfo("prometheus_build_info", "Build information.",
            Labels{{"version", "0.1.0"}, {"branch", "main"}, {"goversion", "none"}});
  series = 43;
  CHECK(r.Expose() ==
        "# HELP ember_reads_total Reads.\n# TYPE ember_reads_total counter\nember_reads_total 7\n"
        "# HELP prometheus_build_info Build information.\n# TYPE prometheus_build_info gauge\n"
        "prometheus_build_info{branch=\"main\",goversion=\"none\",version=\"0.1.0\"} 1\n"
        "# HELP prometheus_tsdb_head_series Series in the head.\n# TYPE prometheus_tsdb_head_series gauge\n"
        "prometheus_tsdb_head_series 43\n");
}

TEST_CASE("Bucket helpers") {
  CHECK(DefaultBuckets() == std::vector<double>{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10});
  CHECK(ExponentialBuckets(1, 2, 4) == std::vector<double>{1, 2, 4, 8});
}

TEST_CASE("Concurrent updates from several threads add up") {
  MetricsRegistry r;
  Counter& c = r.NewCounter("c_total", "");
  Gauge& g = r.NewGauge("g", "");
  Histogram& h = r.NewHistogram("h", "", {0.5});
  auto& fam = r.NewCounterFamily("f_total", "", {"t"});
  constexpr int kThreads = 4;
  constexpr int kPerThread = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Counter& mine = fam.WithLabelValues({std::to_string(t % 2)});
      for (int i = 0; i < kPerThread; ++i) {
        c.Inc(0.5);
        g.Add(1);
        g.Add(-0.25);
        h.Observe(i % 2 == 0 ? 0.25 : 1.0);
        mine.Inc();
      }
    });
  }
  std::string during = r.Expose();  // scraping while writers run must be safe
  for (auto& th : threads) th.join();
  CHECK_FALSE(during.empty());
  CHECK(c.Value() == kThreads * kPerThread * 0.5);
  CHECK(g.Value() == kThreads * kPerThread * 0.75);
  CHECK(h.Count() == uint64_t{kThreads} * kPerThread);
  CHECK(h.CumulativeCounts()[0] == uint64_t{kThreads} * kPerThread / 2);
  CHECK(h.Sum() == kThreads * kPerThread / 2 * 1.25);
  CHECK(fam.WithLabelValues({"0"}).Value() == 2.0 * kPerThread);
  CHECK(fam.WithLabelValues({"1"}).Value() == 2.0 * kPerThread);
}

}  // namespace
}  // namespace ember
