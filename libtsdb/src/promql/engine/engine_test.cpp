#include "ember/promql/engine.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

namespace ember::promql {
namespace {

// Series kept in memory, selected by their matchers.
class MemoryQueryable final : public Queryable {
 public:
  void Add(Labels labels, std::vector<Sample> samples) { series_[std::move(labels)] = std::move(samples); }

  Result<std::unique_ptr<SeriesCursor>> Select(const SelectHints& hints,
                                               std::span<const tsdb::Matcher> matchers) const override {
    ++selects;
    auto cursor = std::make_unique<Cursor>();
    for (const auto& [labels, samples] : series_) {
      bool ok = true;
      for (const tsdb::Matcher& m : matchers) ok = ok && m.Matches(labels.Get(m.name()));
      if (!ok) continue;
      std::vector<Sample> in;
      for (const Sample& s : samples) {
        if (s.t >= hints.start_ms && s.t <= hints.end_ms) in.push_back(s);
      }
      if (!in.empty()) cursor->items.push_back({labels, std::move(in)});
    }
    return std::unique_ptr<SeriesCursor>(std::move(cursor));
  }

  mutable int selects = 0;

 private:
  struct Cursor final : SeriesCursor {
    bool Next() override { return ++pos < static_cast<int>(items.size()); }
    const Labels& labels() const override { return items[pos].first; }
    std::span<const Sample> samples() const override { return items[pos].second; }
    Status status() const override { return Status::Ok(); }
    std::vector<std::pair<Labels, std::vector<Sample>>> items;
    int pos = -1;
  };
  std::map<Labels, std::vector<Sample>> series_;
};

// Samples every `step` ms from 0 to `end`, value = start + i * inc.
std::vector<Sample> Ramp(int64_t end, int64_t step, double start, double inc) {
  std::vector<Sample> out;
  for (int64_t t = 0, i = 0; t <= end; t += step, ++i)
    out.push_back({t, start + inc * static_cast<double>(i)});
  return out;
}

MemoryQueryable TestData() {
  MemoryQueryable q;
  q.Add({{"__name__", "http_requests_total"}, {"job", "api"}, {"instance", "0"}},
        Ramp(600'000, 60'000, 0, 10));
  q.Add({{"__name__", "http_requests_total"}, {"job", "api"}, {"instance", "1"}},
        Ramp(600'000, 60'000, 0, 20));
  q.Add({{"__name__", "http_requests_total"}, {"job", "db"}, {"instance", "0"}},
        Ramp(600'000, 60'000, 0, 30));
  q.Add({{"__name__", "up"}, {"job", "api"}}, Ramp(600'000, 60'000, 1, 0));
  q.Add({{"__name__", "up"}, {"job", "db"}}, Ramp(600'000, 60'000, 0, 0));
  return q;
}

const Vector& AsVector(const QueryResult& r) { return std::get<Vector>(r.value); }

TEST_CASE("vector selector takes the latest sample within the lookback") {
  MemoryQueryable q = TestData();
  Engine engine({});
  auto r = engine.InstantQuery(q, "http_requests_total{job=\"api\"}", 90'000);
  REQUIRE(r.ok());
  const Vector& v = AsVector(*r);
  REQUIRE(v.size() == 2);
  CHECK(v[0].v == 10);
  CHECK(v[1].v == 20);
  CHECK(v[0].t == 90'000);

  // Past the lookback nothing is left.
  auto late = engine.InstantQuery(q, "http_requests_total", 600'000 + 5 * 60'000);
  REQUIRE(late.ok());
  CHECK(AsVector(*late).empty());
  QueryOptions short_lookback;
  short_lookback.lookback_delta_ms = 30'000;
  auto gap = engine.InstantQuery(q, "up", 90'000, short_lookback);
  REQUIRE(gap.ok());
  CHECK(AsVector(*gap).empty());
}

TEST_CASE("a stale marker ends a series") {
  MemoryQueryable q;
  q.Add({{"__name__", "x"}}, {{0, 1}, {60'000, tsdb::StaleNaN()}, {120'000, 3}});
  Engine engine({});
  auto at30 = engine.InstantQuery(q, "x", 30'000);
  REQUIRE(at30.ok());
  CHECK(AsVector(*at30).size() == 1);
  auto at90 = engine.InstantQuery(q, "x", 90'000);
  REQUIRE(at90.ok());
  CHECK(AsVector(*at90).empty());
  auto at120 = engine.InstantQuery(q, "x", 120'000);
  REQUIRE(at120.ok());
  REQUIRE(AsVector(*at120).size() == 1);
  CHECK(AsVector(*at120)[0].v == 3);
}

TEST_CASE("range query reads each selector once and sorts series") {
  MemoryQueryable q = TestData();
  Engine engine({});
  auto r = engine.RangeQuery(q, "http_requests_total * 2", 0, 600'000, 15'000);
  REQUIRE(r.ok());
  CHECK(q.selects == 1);
  const Matrix& m = std::get<Matrix>(r->value);
  REQUIRE(m.size() == 3);
  CHECK(m[0].labels == Labels{{"instance", "0"}, {"job", "api"}});
  CHECK(m[0].samples.size() == 41);
  CHECK(m[0].samples[4].v == 20);  // t=60s
}

TEST_CASE("range and instant queries agree") {
  MemoryQueryable q = TestData();
  Engine engine({});
  for (const char* query : {"sum by (job) (http_requests_total)", "http_requests_total > 50",
                            "avg(http_requests_total) - 1", "topk(1, http_requests_total)",
                            "http_requests_total / on(job) group_left up", "count_values(\"v\", up)"}) {
    auto range = engine.RangeQuery(q, query, 0, 600'000, 30'000);
    REQUIRE(range.ok());
    const Matrix& m = std::get<Matrix>(range->value);
    for (int64_t t = 0; t <= 600'000; t += 30'000) {
      auto inst = engine.InstantQuery(q, query, t);
      REQUIRE(inst.ok());
      for (const VectorSample& s : AsVector(*inst)) {
        bool found = false;
        for (const Series& series : m) {
          if (series.labels != s.labels) continue;
          for (const Sample& p : series.samples) {
            if (p.t == t) found = (p.v == s.v) || (std::isnan(p.v) && std::isnan(s.v));
          }
        }
        INFO(query << " at " << t << " " << s.labels.ToString());
        CHECK(found);
      }
    }
  }
}

TEST_CASE("aggregations") {
  MemoryQueryable q = TestData();
  Engine engine({});
  auto sum = engine.InstantQuery(q, "sum by (job) (http_requests_total)", 60'000);
  REQUIRE(sum.ok());
  REQUIRE(AsVector(*sum).size() == 2);
  auto topk = engine.InstantQuery(q, "topk(2, http_requests_total)", 60'000);
  REQUIRE(topk.ok());
  REQUIRE(AsVector(*topk).size() == 2);
  CHECK(AsVector(*topk)[0].v == 30);
  CHECK(AsVector(*topk)[1].v == 20);
  CHECK(AsVector(*topk)[0].labels.MetricName() == "http_requests_total");
  auto quantile = engine.InstantQuery(q, "quantile(2, http_requests_total)", 60'000);
  REQUIRE(quantile.ok());
  REQUIRE(quantile->annotations.size() == 1);
  CHECK(quantile->annotations[0].message == "quantile value should be between 0 and 1, got 2");
  CHECK(std::isinf(AsVector(*quantile)[0].v));
}

TEST_CASE("avg of big numbers does not overflow") {
  MemoryQueryable q;
  q.Add({{"__name__", "big"}, {"i", "1"}}, {{0, 1.7e308}});
  q.Add({{"__name__", "big"}, {"i", "2"}}, {{0, 1.7e308}});
  Engine engine({});
  auto r = engine.InstantQuery(q, "avg(big)", 0);
  REQUIRE(r.ok());
  CHECK(AsVector(*r)[0].v == 1.7e308);
}

TEST_CASE("vector matching errors") {
  MemoryQueryable q = TestData();
  Engine engine({});
  auto many = engine.InstantQuery(q, "http_requests_total / on(job) up", 60'000);
  REQUIRE_FALSE(many.ok());
  CHECK(many.status().message() ==
        "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
  auto dup = engine.InstantQuery(q, "up / on(job) group_left http_requests_total", 60'000);
  REQUIRE_FALSE(dup.ok());
  CHECK(
      dup.status().message().starts_with("found duplicate series for the match group {job=\"api\"} on the "
                                         "right hand-side of the operation"));
}

TEST_CASE("set operators and comparisons") {
  MemoryQueryable q = TestData();
  Engine engine({});
  auto r = engine.InstantQuery(q, "http_requests_total and on(job) (up == 1)", 60'000);
  REQUIRE(r.ok());
  CHECK(AsVector(*r).size() == 2);
  auto u = engine.InstantQuery(q, "http_requests_total unless on(job) (up == 1)", 60'000);
  REQUIRE(u.ok());
  CHECK(AsVector(*u).size() == 1);
  auto b = engine.InstantQuery(q, "up == bool 1", 60'000);
  REQUIRE(b.ok());
  REQUIRE(AsVector(*b).size() == 2);
  CHECK(AsVector(*b)[0].labels.MetricName().empty());
  auto div = engine.InstantQuery(q, "1 / 0", 0);
  REQUIRE(div.ok());
  CHECK(std::isinf(std::get<Scalar>(div->value).v));
}

TEST_CASE("limits") {
  MemoryQueryable q = TestData();
  EngineOptions opts;
  opts.max_samples = 10;
  Engine engine(opts);
  auto r = engine.RangeQuery(q, "http_requests_total", 0, 600'000, 15'000);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kResourceExhausted);
  CHECK(r.status().message() ==
        "query processing would load too many samples into memory in query execution");

  Engine plain({});
  std::stop_source stop;
  stop.request_stop();
  auto c = plain.RangeQuery(q, "http_requests_total", 0, 600'000, 15'000, {}, stop.get_token());
  REQUIRE_FALSE(c.ok());
  CHECK(c.status().code() == StatusCode::kCanceled);
}

TEST_CASE("subqueries and @") {
  MemoryQueryable q = TestData();
  Engine engine({});
  auto sub = engine.InstantQuery(q, "up[5m:1m]", 300'000);
  REQUIRE(sub.ok());
  const Matrix& m = std::get<Matrix>(sub->value);
  REQUIRE(m.size() == 2);
  CHECK(m[0].samples.size() == 5);  // (0, 300s] at 60s, ..., 300s
  auto at = engine.RangeQuery(q, "http_requests_total{job=\"db\"} @ 120", 0, 600'000, 60'000);
  REQUIRE(at.ok());
  for (const Sample& s : std::get<Matrix>(at->value)[0].samples) CHECK(s.v == 60);
  auto neg = engine.InstantQuery(q, "http_requests_total{job=\"db\"} offset -1m", 60'000);
  REQUIRE(neg.ok());
  CHECK(AsVector(*neg)[0].v == 60);
}

TEST_CASE("queries wait for a slot within the timeout") {
  MemoryQueryable q = TestData();
  EngineOptions opts;
  opts.max_concurrent_queries = 0;
  opts.timeout = std::chrono::milliseconds(20);
  Engine engine(opts);
  auto r = engine.InstantQuery(q, "up", 0);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kDeadlineExceeded);
  CHECK(r.status().message() == "query timed out in query queue");
}

TEST_CASE("stats count the samples each step reads") {
  MemoryQueryable q = TestData();
  Engine engine({});
  QueryOptions opts;
  opts.per_step_stats = true;
  auto r = engine.RangeQuery(q, "sum(http_requests_total) + count_over_time(up[2m])", 120'000, 240'000,
                             60'000, opts);
  REQUIRE(r.ok());
  const QueryStats& st = r->stats;
  // 3 vector samples and 2 series x 2 window samples per step.
  REQUIRE(st.total_queryable_samples_per_step.size() == 3);
  CHECK(st.total_queryable_samples_per_step[0] == std::pair<int64_t, int64_t>{120'000, 7});
  CHECK(st.total_queryable_samples == 21);
  CHECK(st.peak_samples > 0);
}

TEST_CASE("delayed name removal drops names at the end") {
  MemoryQueryable q = TestData();
  EngineOptions opts;
  opts.delayed_name_removal = true;
  Engine engine(opts);
  auto r = engine.InstantQuery(
      q, "label_replace(rate(http_requests_total[5m]), \"n\", \"$1\", \"__name__\", \"(.*)\")", 300'000);
  REQUIRE(r.ok());
  REQUIRE(AsVector(*r).size() == 3);
  CHECK(AsVector(*r)[0].labels.Get("n") == "http_requests_total");
  CHECK_FALSE(AsVector(*r)[0].labels.Has("__name__"));
  auto dup = engine.InstantQuery(q, "sum by (__name__) (rate({job=\"api\"}[5m]))", 300'000);
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.status().message() == "vector cannot contain metrics with the same labelset");

  // Without it a name is gone as soon as rate returns.
  Engine eager({});
  auto immediate = eager.InstantQuery(q, "sum by (__name__) (rate({job=\"api\"}[5m]))", 300'000);
  REQUIRE(immediate.ok());
  REQUIRE(AsVector(*immediate).size() == 1);
  CHECK(AsVector(*immediate)[0].labels.empty());
}

TEST_CASE("a range query of a range vector is refused") {
  MemoryQueryable q = TestData();
  Engine engine({});
  auto r = engine.RangeQuery(q, "up[5m]", 0, 60'000, 15'000);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
  auto s = engine.RangeQuery(q, "up", 0, 60'000, 0);
  REQUIRE_FALSE(s.ok());
}

}  // namespace
}  // namespace ember::promql
