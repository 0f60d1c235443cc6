#include "ember/tsdb/db.h"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <thread>

namespace ember::tsdb {
namespace {

constexpr int64_t kMinute = 60 * 1000;
constexpr int64_t kHour = 60 * kMinute;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ember-db-test-XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

Logger QuietLogger() { return Logger(std::make_shared<CapturingLogSink>(), LogLevel::kError); }

DbOptions TestOptions(const std::string& dir) {
  DbOptions o;
  o.dir = dir;
  o.maintenance_interval_ms = 0;
  o.retention_ms = 0;
  o.block_cache_bytes = 1 << 20;
  return o;
}

std::unique_ptr<Db> MustOpen(const DbOptions& options, Logger logger = QuietLogger()) {
  auto db = Db::Open(options, std::move(logger));
  INFO(db.status().ToString());
  REQUIRE(db.ok());
  return std::move(db).value();
}

Matcher M(MatchType type, std::string name, std::string value) {
  auto m = Matcher::Create(type, std::move(name), std::move(value));
  REQUIRE(m.ok());
  return std::move(m).value();
}

using SeriesMap = std::map<Labels, std::vector<Sample>>;

SeriesMap QueryAll(const Db& db, int64_t mint, int64_t maxt, std::vector<Matcher> matchers = {}) {
  SeriesMap out;
  auto set = db.NewQuerier(mint, maxt).Select(matchers);
  REQUIRE(set.ok());
  while (set->Next()) {
    auto s = set->samples();
    out[set->labels()] = std::vector<Sample>(s.begin(), s.end());
  }
  INFO(set->status().ToString());
  REQUIRE(set->status().ok());
  return out;
}

Status AddOne(Db& db, const Labels& labels, int64_t t, double v) {
  auto app = db.NewAppender();
  auto ref = app.Add(labels, t, v);
  if (!ref.ok()) return ref.status();
  return app.Commit();
}

TEST_CASE("Db: appended samples read back exactly, sorted by labels") {
  TempDir dir;
  auto db = MustOpen(TestOptions(dir.path()));
  Labels a{{"__name__", "up"}, {"job", "a"}};
  Labels b{{"__name__", "up"}, {"job", "b"}};
  auto app = db->NewAppender();
  REQUIRE(app.Add(b, 1000, 1.5).ok());
  REQUIRE(app.Add(a, 1000, 0.0).ok());
  REQUIRE(app.Commit().ok());
  REQUIRE(AddOne(*db, a, 2000, StaleNaN()).ok());
  REQUIRE(AddOne(*db, a, 3000, -0.0).ok());

  auto set = db->NewQuerier(0, 10000).Select({});
  REQUIRE(set.ok());
  REQUIRE(set->Next());
  CHECK(set->labels() == a);
  auto s = set->samples();
  REQUIRE(s.size() == 3);
  CHECK(s[0] == Sample{1000, 0.0});
  CHECK(IsStaleNaN(s[1].v));
  CHECK(std::bit_cast<uint64_t>(s[2].v) == std::bit_cast<uint64_t>(-0.0));
  REQUIRE(set->Next());
  CHECK(set->labels() == b);
  CHECK(!set->Next());

  // Ranges are inclusive at both ends.
  auto only = QueryAll(*db, 2000, 2000);
  REQUIRE(only.size() == 1);
  CHECK(only.begin()->second.size() == 1);
}

TEST_CASE("Db: labels are checked") {
  TempDir dir;
  auto db = MustOpen(TestOptions(dir.path()));
  auto app = db->NewAppender();
  CHECK(app.Add(Labels{}, 1, 1).status().message() == "empty labelset");
  CHECK(app.Add(Labels::FromSorted({{"a", "1"}, {"a", "2"}}), 1, 1).status().message() ==
        "label name \"a\" is not unique: invalid sample");
  CHECK(app.Add(Labels{{"", "x"}}, 1, 1).status().message() == "label name is empty");
}

TEST_CASE("Db: duplicates, out of order and out of bounds as Prometheus") {
  TempDir dir;
  auto db = MustOpen(TestOptions(dir.path()));
  Labels l{{"__name__", "m"}};
  REQUIRE(AddOne(*db, l, 10 * kHour, 1).ok());
  // Same timestamp, same value: ignored.
  CHECK(AddOne(*db, l, 10 * kHour, 1).ok());
  CHECK(AddOne(*db, l, 10 * kHour, 2).message() == kErrDuplicateSampleForTimestamp);
  CHECK(AddOne(*db, l, 10 * kHour - 1000, 2).message() == kErrOutOfOrderSample);
  // More than half a partition (1h) behind the newest sample.
  CHECK(AddOne(*db, Labels{{"__name__", "new"}}, 9 * kHour - 1, 2).message() == kErrOutOfBounds);
  CHECK(AddOne(*db, Labels{{"__name__", "new"}}, 9 * kHour, 2).ok());
  auto all = QueryAll(*db, 0, kMaxTime);
  CHECK(all[l] == std::vector<Sample>{{10 * kHour, 1}});
}

TEST_CASE("Db: out-of-order window accepts late samples and rejects too old ones") {
  TempDir dir;
  auto options = TestOptions(dir.path());
  options.out_of_order_time_window_ms = 30 * kMinute;
  Labels l{{"__name__", "m"}};
  {
    auto db = MustOpen(options);
    REQUIRE(AddOne(*db, l, 10 * kHour, 1).ok());
    CHECK(AddOne(*db, l, 10 * kHour - 10 * kMinute, 2).ok());
    CHECK(AddOne(*db, l, 10 * kHour - 20 * kMinute, 3).ok());
    CHECK(AddOne(*db, l, 10 * kHour - 20 * kMinute, 3).ok());
    CHECK(AddOne(*db, l, 10 * kHour - 20 * kMinute, 4).message() == kErrDuplicateSampleForTimestamp);
    CHECK(AddOne(*db, l, 10 * kHour - 31 * kMinute, 5).message() == kErrTooOldSample);
    std::vector<Sample> want = {
        {10 * kHour - 20 * kMinute, 3}, {10 * kHour - 10 * kMinute, 2}, {10 * kHour, 1}};
    CHECK(QueryAll(*db, 0, kMaxTime)[l] == want);
    REQUIRE(db->RunMaintenance(true).ok());
    CHECK(QueryAll(*db, 0, kMaxTime)[l] == want);
    // Persisted out-of-order samples are merged with later ones.
    CHECK(AddOne(*db, l, 10 * kHour - 15 * kMinute, 6).ok());
  }
  auto db = MustOpen(options);
  std::vector<Sample> want = {{10 * kHour - 20 * kMinute, 3},
                              {10 * kHour - 15 * kMinute, 6},
                              {10 * kHour - 10 * kMinute, 2},
                              {10 * kHour, 1}};
  CHECK(QueryAll(*db, 0, kMaxTime)[l] == want);
  CHECK(QueryAll(*db, 10 * kHour - 15 * kMinute, 10 * kHour - 10 * kMinute)[l] ==
        std::vector<Sample>(want.begin() + 1, want.begin() + 3));
}

TEST_CASE("Db: chunks are cut and persisted; data survives restarts") {
  TempDir dir;
  auto options = TestOptions(dir.path());
  Labels l{{"__name__", "c"}, {"i", "1"}};
  std::vector<Sample> want;
  {
    auto db = MustOpen(options);
    for (int i = 0; i < 1000; ++i) {
      Sample s{int64_t{i} * 15000, i * 0.5};
      REQUIRE(AddOne(*db, l, s.t, s.v).ok());
      want.push_back(s);
    }
    CHECK(db->Head().num_chunks <= 2);
    CHECK(QueryAll(*db, kMinTime, kMaxTime)[l] == want);
  }
  {
    auto db = MustOpen(options);
    CHECK(QueryAll(*db, kMinTime, kMaxTime)[l] == want);
    // The reopened partial chunk keeps filling; nothing is duplicated.
    for (int i = 1000; i < 1050; ++i) {
      Sample s{int64_t{i} * 15000, i * 0.5};
      REQUIRE(AddOne(*db, l, s.t, s.v).ok());
      want.push_back(s);
    }
    CHECK(AddOne(*db, l, 999 * 15000, 1).message() == kErrOutOfOrderSample);
  }
  auto db = MustOpen(options);
  CHECK(QueryAll(*db, kMinTime, kMaxTime)[l] == want);
  CHECK(db->MinTime() == 0);
  CHECK(db->MaxTime() == 1049 * 15000);
}

// Appends `count` samples of `labels` (t = i s, v = i) in a child process that
// exits without closing the store, as a crash would leave it; with a
// checkpoint after sample `checkpoint_at` (none when negative).
void AppendInCrashingChild(const DbOptions& options, const Labels& labels, int count, int checkpoint_at) {
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    auto db = Db::Open(options, QuietLogger());
    if (!db.ok()) _exit(2);
    for (int i = 0; i < count; ++i) {
      auto app = (*db)->NewAppender();
      if (!app.Add(labels, int64_t{i} * 1000, i).ok() || !app.Commit().ok()) _exit(3);
      if (i == checkpoint_at && !(*db)->RunMaintenance(true).ok()) _exit(4);
    }
    _exit(0);
  }
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
}

TEST_CASE("Db: a crashed process loses nothing it committed") {
  TempDir dir;
  auto options = TestOptions(dir.path());
  Labels l{{"__name__", "c"}};
  AppendInCrashingChild(options, l, 500, 300);
  auto db = MustOpen(options);
  // The checkpoint at 300 started segment 2 and removed segment 1.
  CHECK(db->WalReplay().min_segment == 2);
  CHECK(db->WalReplay().max_segment == 2);
  CHECK(db->WalReplay().current_segment == 2);
  auto got = QueryAll(*db, kMinTime, kMaxTime)[l];
  REQUIRE(got.size() == 500);
  for (int i = 0; i < 500; ++i) CHECK(got[i] == Sample{int64_t{i} * 1000, static_cast<double>(i)});
}

TEST_CASE("Db: a torn WAL tail is cut with a warning") {
  TempDir dir;
  auto options = TestOptions(dir.path());
  Labels l{{"__name__", "c"}};
  AppendInCrashingChild(options, l, 10, -1);
  // Cut the last record in half.
  std::string segment = dir.path() + "/wal/00000001";
  auto size = std::filesystem::file_size(segment);
  std::filesystem::resize_file(segment, size - 5);
  auto sink = std::make_shared<CapturingLogSink>();
  auto db = MustOpen(options, Logger(sink, LogLevel::kInfo));
  CHECK(QueryAll(*db, kMinTime, kMaxTime)[l].size() == 9);
  bool warned = false;
  for (const auto& line : sink->Lines()) warned |= line.find("torn tail") != std::string::npos;
  CHECK(warned);
}

TEST_CASE("Db: selection by matchers, label names and values") {
  TempDir dir;
  auto db = MustOpen(TestOptions(dir.path()));
  auto app = db->NewAppender();
  REQUIRE(
      app.Add(Labels{{"__name__", "http_requests_total"}, {"code", "200"}, {"job", "api"}}, 1000, 1).ok());
  REQUIRE(
      app.Add(Labels{{"__name__", "http_requests_total"}, {"code", "500"}, {"job", "api"}}, 1000, 2).ok());
  REQUIRE(app.Add(Labels{{"__name__", "up"}, {"job", "api"}}, 1000, 1).ok());
  REQUIRE(app.Add(Labels{{"__name__", "up"}, {"job", "db"}, {"x", "a\nb"}}, 1000, 1).ok());
  REQUIRE(app.Commit().ok());
  auto q = db->NewQuerier(0, 2000);
  CHECK(QueryAll(*db, 0, 2000, {M(MatchType::kEqual, "__name__", "up")}).size() == 2);
  CHECK(QueryAll(*db, 0, 2000, {M(MatchType::kRegexMatch, "code", "2..|5..")}).size() == 2);
  CHECK(QueryAll(*db, 0, 2000, {M(MatchType::kRegexMatch, "code", "2")}).empty());
  CHECK(QueryAll(*db, 0, 2000, {M(MatchType::kNotEqual, "code", "200")}).size() == 3);
  CHECK(QueryAll(*db, 0, 2000, {M(MatchType::kRegexMatch, "x", "a.b")}).size() == 1);
  CHECK(
      QueryAll(*db, 0, 2000, {M(MatchType::kEqual, "job", "api"), M(MatchType::kRegexNoMatch, "code", ".+")})
          .size() == 1);
  CHECK(*q.LabelNames({}) == std::vector<std::string>{"__name__", "code", "job", "x"});
  std::vector<Matcher> up = {M(MatchType::kEqual, "__name__", "up")};
  CHECK(*q.LabelNames(up) == std::vector<std::string>{"__name__", "job", "x"});
  CHECK(*q.LabelValues("job", {}) == std::vector<std::string>{"api", "db"});
  CHECK(*q.LabelValues("code", up) == std::vector<std::string>{});
  // Partitions without data in the range: nothing.
  CHECK(db->NewQuerier(10 * kHour, 11 * kHour).LabelNames({})->empty());

  auto stats = db->Cardinality(10);
  CHECK(stats.num_series == 4);
  REQUIRE(!stats.series_count_by_metric_name.empty());
  CHECK(stats.series_count_by_metric_name[0].value == 2);
}

TEST_CASE("Db: a query for recent data does not consider series that ended long ago") {
  TempDir dir;
  auto db = MustOpen(TestOptions(dir.path()));
  for (int i = 0; i < 50; ++i) {
    REQUIRE(AddOne(*db, Labels{{"__name__", "old"}, {"i", std::to_string(i)}}, 0, 1).ok());
  }
  REQUIRE(AddOne(*db, Labels{{"__name__", "new"}}, 30 * 24 * kHour, 1).ok());
  REQUIRE(db->RunMaintenance(true).ok());
  auto set = db->NewQuerier(30 * 24 * kHour - kHour, 30 * 24 * kHour).Select({});
  REQUIRE(set.ok());
  CHECK(set->num_candidates() == 1);
}

TEST_CASE("Db: time retention drops whole old partitions and their series") {
  TempDir dir;
  auto options = TestOptions(dir.path());
  options.retention_ms = 24 * kHour;
  auto db = MustOpen(options);
  Labels old_series{{"__name__", "old"}};
  Labels live{{"__name__", "live"}};
  for (int64_t t = 0; t <= 48 * kHour; t += 15 * kMinute) {
    auto app = db->NewAppender();
    if (t < 10 * kHour) REQUIRE(app.Add(old_series, t, 1).ok());
    REQUIRE(app.Add(live, t, 2).ok());
    REQUIRE(app.Commit().ok());
  }
  REQUIRE(db->RunMaintenance(true).ok());
  auto all = QueryAll(*db, kMinTime, kMaxTime);
  CHECK(all.count(old_series) == 0);
  // Partitions ending before now - 24h are gone: the live series starts at 24h.
  CHECK(all[live].front().t == 24 * kHour);
  CHECK(*db->NewQuerier(kMinTime, kMaxTime).LabelValues("__name__", {}) == std::vector<std::string>{"live"});
  CHECK(AddOne(*db, live, 20 * kHour, 1).message() == kErrOutOfBounds);
  db.reset();
  auto reopened = MustOpen(options);
  CHECK(QueryAll(*reopened, kMinTime, kMaxTime) == all);
}

TEST_CASE("Db: what retention dropped stays out of bounds after a restart, late-sample window or not") {
  TempDir dir;
  auto options = TestOptions(dir.path());
  options.retention_ms = 24 * kHour;
  options.out_of_order_time_window_ms = 30 * 24 * kHour;
  Labels l{{"__name__", "m"}};
  {
    auto db = MustOpen(options);
    for (int64_t t = 0; t <= 48 * kHour; t += kHour) REQUIRE(AddOne(*db, l, t, 1).ok());
    REQUIRE(db->RunMaintenance(true).ok());
    CHECK(AddOne(*db, l, 20 * kHour + 1, 1).message() == kErrTooOldSample);
    // Inside the window and after the cut: late but fine.
    CHECK(AddOne(*db, l, 30 * kHour + 1, 1).ok());
  }
  auto db = MustOpen(options);
  CHECK(AddOne(*db, l, 20 * kHour + 2, 1).message() == kErrTooOldSample);
  CHECK(AddOne(*db, l, 30 * kHour + 2, 1).ok());
  CHECK(QueryAll(*db, kMinTime, kMaxTime)[l].front().t == 24 * kHour);
}

TEST_CASE("Db: late samples older than everything stored are accepted before and after a restart") {
  TempDir dir;
  auto options = TestOptions(dir.path());
  options.out_of_order_time_window_ms = 30 * 24 * kHour;
  Labels l{{"__name__", "m"}};
  {
    auto db = MustOpen(options);
    REQUIRE(AddOne(*db, l, 48 * kHour, 1).ok());
    CHECK(AddOne(*db, l, 20 * kHour, 2).ok());
  }
  auto db = MustOpen(options);
  // Only retention sets a floor; the oldest partition does not.
  CHECK(AddOne(*db, l, 10 * kHour, 3).ok());
  CHECK(QueryAll(*db, kMinTime, kMaxTime)[l] ==
        std::vector<Sample>{{10 * kHour, 3}, {20 * kHour, 2}, {48 * kHour, 1}});
}

TEST_CASE("Db: size retention drops the oldest partitions") {
  TempDir dir;
  auto options = TestOptions(dir.path());
  auto db = MustOpen(options);
  std::mt19937_64 rng(7);
  for (int64_t t = 0; t < 24 * kHour; t += kMinute) {
    auto app = db->NewAppender();
    for (int i = 0; i < 20; ++i) {
      REQUIRE(
          app.Add(Labels{{"__name__", "m"}, {"i", std::to_string(i)}}, t, std::bit_cast<double>(rng() >> 2))
              .ok());
    }
    REQUIRE(app.Commit().ok());
  }
  REQUIRE(db->RunMaintenance(true).ok());
  const uint64_t before = db->DiskBytes();
  const int64_t min_before = db->MinTime();
  db->SetRetention(0, before / 2);
  REQUIRE(db->RunMaintenance(false).ok());
  CHECK(db->MinTime() > min_before);
  CHECK(!QueryAll(*db, kMinTime, kMaxTime).empty());
}

TEST_CASE("Db: delete_series hides samples; clean_tombstones rewrites them away") {
  TempDir dir;
  auto options = TestOptions(dir.path());
  auto db = MustOpen(options);
  Labels a{{"__name__", "a"}};
  Labels b{{"__name__", "b"}};
  for (int64_t t = 0; t < 400; ++t) {
    auto app = db->NewAppender();
    REQUIRE(app.Add(a, t * 1000, t).ok());
    REQUIRE(app.Add(b, t * 1000, t).ok());
    REQUIRE(app.Commit().ok());
  }
  std::vector<Matcher> ma = {M(MatchType::kEqual, "__name__", "a")};
  REQUIRE(db->DeleteSeries(ma, 100 * 1000, 299 * 1000).ok());
  auto check = [&](const Db& d) {
    auto all = QueryAll(d, kMinTime, kMaxTime);
    CHECK(all[b].size() == 400);
    REQUIRE(all[a].size() == 200);
    CHECK(all[a][99].t == 99 * 1000);
    CHECK(all[a][100].t == 300 * 1000);
  };
  check(*db);
  db.reset();
  db = MustOpen(options);
  check(*db);
  REQUIRE(db->CleanTombstones().ok());
  check(*db);
  db.reset();
  db = MustOpen(options);
  check(*db);
  // Later samples are not hidden by the earlier delete.
  REQUIRE(AddOne(*db, a, 500 * 1000, 1).ok());
  REQUIRE(db->DeleteSeries(ma, kMinTime, kMaxTime).ok());
  CHECK(QueryAll(*db, kMinTime, kMaxTime).count(a) == 0);
  REQUIRE(AddOne(*db, a, 501 * 1000, 1).ok());
  CHECK(QueryAll(*db, kMinTime, kMaxTime)[a].size() == 1);
}

TEST_CASE("Db: a snapshot opens as a store of its own") {
  TempDir dir;
  auto db = MustOpen(TestOptions(dir.path()));
  Labels l{{"__name__", "s"}};
  for (int i = 0; i < 300; ++i) REQUIRE(AddOne(*db, l, i * 1000, i).ok());
  auto name = db->Snapshot();
  REQUIRE(name.ok());
  CHECK(name->size() == 16 + 1 + 16);
  REQUIRE(AddOne(*db, l, 1000 * 1000, 1).ok());
  auto snap = MustOpen(TestOptions(dir.path() + "/snapshots/" + *name));
  auto got = QueryAll(*snap, kMinTime, kMaxTime)[l];
  CHECK(got.size() == 300);
}

TEST_CASE("Db: a second process cannot open the same directory") {
  TempDir dir;
  auto db = MustOpen(TestOptions(dir.path()));
  auto again = Db::Open(TestOptions(dir.path()), QuietLogger());
  CHECK(!again.ok());
}

TEST_CASE("Db: concurrent appenders on shared series") {
  TempDir dir;
  auto db = MustOpen(TestOptions(dir.path()));
  constexpr int kThreads = 4;
  constexpr int kSeries = 200;
  std::vector<std::thread> threads;
  for (int w = 0; w < kThreads; ++w) {
    threads.emplace_back([&, w] {
      for (int step = 0; step < 50; ++step) {
        auto app = db->NewAppender();
        for (int i = w; i < kSeries; i += kThreads) {
          (void)app.Add(Labels{{"__name__", "m"}, {"i", std::to_string(i)}}, step * 1000, step);
        }
        (void)app.Commit();
      }
    });
  }
  for (auto& t : threads) t.join();
  auto all = QueryAll(*db, kMinTime, kMaxTime);
  CHECK(all.size() == kSeries);
  for (auto& [l, s] : all) CHECK(s.size() == 50);
}

TEST_CASE("Db: appends, queries, checkpoints, retention and deletes at the same time") {
  TempDir dir;
  auto options = TestOptions(dir.path());
  options.partition_duration_ms = kHour;
  options.samples_per_chunk = 20;
  options.retention_ms = 6 * kHour;
  options.out_of_order_time_window_ms = 10 * kMinute;
  auto db = MustOpen(options);
  constexpr int kWriters = 2;
  constexpr int kSeries = 100;
  constexpr int kSteps = 3000;
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  // Built here: Catch's assertions (inside M) are not for other threads.
  const std::vector<Matcher> some = {M(MatchType::kRegexMatch, "i", "1.*")};
  const std::vector<Matcher> seven = {M(MatchType::kEqual, "i", "7")};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int step = 0; step < kSteps; ++step) {
        auto app = db->NewAppender();
        for (int i = w; i < kSeries; i += kWriters) {
          const int64_t t = int64_t{step} * kMinute + (step % 7 == 0 ? -5 * kMinute : 0);
          (void)app.Add(Labels{{"__name__", "m"}, {"i", std::to_string(i)}}, t, step);
        }
        if (!app.Commit().ok()) ++failures;
      }
    });
  }
  threads.emplace_back([&] {
    while (!done) {
      auto set = db->NewQuerier(kMinTime, kMaxTime).Select(some);
      if (!set.ok()) {
        ++failures;
        continue;
      }
      while (set->Next()) {
        auto s = set->samples();
        for (size_t k = 1; k < s.size(); ++k) {
          if (s[k - 1].t >= s[k].t) ++failures;
        }
      }
      if (!set->status().ok()) ++failures;
    }
  });
  threads.emplace_back([&] {
    while (!done) {
      if (!db->RunMaintenance(true).ok()) ++failures;
      if (!db->DeleteSeries(seven, kMinTime, kMaxTime).ok()) ++failures;
      if (!db->CleanTombstones().ok()) ++failures;
    }
  });
  for (int w = 0; w < kWriters; ++w) threads[w].join();
  done = true;
  for (size_t k = kWriters; k < threads.size(); ++k) threads[k].join();
  CHECK(failures == 0);
  // Every series is there, in order, within the retention window.
  auto all = QueryAll(*db, kMinTime, kMaxTime);
  CHECK(all.size() >= kSeries - 1);
  for (auto& [l, s] : all) {
    for (size_t k = 1; k < s.size(); ++k) REQUIRE(s[k - 1].t < s[k].t);
  }
  db.reset();
  CHECK(QueryAll(*MustOpen(options), kMinTime, kMaxTime) == all);
}

// --- property test: the store against a map, across restarts, crashes and retention ---

// The first difference between two query results, for failure messages.
std::string Diff(const SeriesMap& got, const SeriesMap& want) {
  for (auto& [l, w] : want) {
    auto it = got.find(l);
    if (it == got.end()) return "missing series " + l.ToString();
    const auto& g = it->second;
    for (size_t i = 0; i < std::max(g.size(), w.size()); ++i) {
      if (i >= g.size()) return l.ToString() + ": missing sample t=" + std::to_string(w[i].t);
      if (i >= w.size()) return l.ToString() + ": extra sample t=" + std::to_string(g[i].t);
      if (!(g[i] == w[i])) {
        return l.ToString() + ": at " + std::to_string(i) + " got t=" + std::to_string(g[i].t) +
               " v=" + std::to_string(g[i].v) + ", want t=" + std::to_string(w[i].t) +
               " v=" + std::to_string(w[i].v);
      }
    }
  }
  for (auto& [l, g] : got) {
    if (!want.count(l)) return "extra series " + l.ToString();
  }
  return "";
}

struct Model {
  std::map<Labels, std::map<int64_t, uint64_t>> data;

  SeriesMap Query(int64_t mint, int64_t maxt, const std::vector<Matcher>& matchers) const {
    SeriesMap out;
    for (auto& [l, points] : data) {
      if (!MatchesAll(matchers, l)) continue;
      std::vector<Sample> s;
      for (auto it = points.lower_bound(mint); it != points.end() && it->first <= maxt; ++it) {
        s.push_back({it->first, std::bit_cast<double>(it->second)});
      }
      if (!s.empty()) out[l] = std::move(s);
    }
    return out;
  }
};

double RandomValue(std::mt19937_64& rng) {
  switch (rng() % 6) {
    case 0:
      return StaleNaN();
    case 1:
      return std::bit_cast<double>(rng());
    case 2:
      return static_cast<double>(rng() % 1000) / 100;
    default:
      return static_cast<double>(rng() % 10);
  }
}

TEST_CASE("Db: random appends and queries agree with a model across restarts, crashes and retention") {
  TempDir dir;
  auto options = TestOptions(dir.path());
  options.out_of_order_time_window_ms = 20 * kMinute;
  options.partition_duration_ms = kHour;
  options.samples_per_chunk = 30;
  options.retention_ms = 12 * kHour;
  std::mt19937_64 rng(GENERATE(1, 2, 3));
  Model model;
  std::vector<Labels> universe;
  for (int i = 0; i < 40; ++i) {
    universe.push_back(
        Labels{{"__name__", i % 3 == 0 ? "a" : "b"}, {"i", std::to_string(i)}, {"k", std::to_string(i % 4)}});
  }
  auto db = MustOpen(options);
  int64_t now = 0;
  auto commit_batch = [&](Db& d, Model* m) {
    now += 15000 + static_cast<int64_t>(rng() % 60000);
    auto app = d.NewAppender();
    std::map<Labels, std::map<int64_t, uint64_t>> pending;
    std::vector<size_t> picks(universe.size());
    for (size_t i = 0; i < picks.size(); ++i) picks[i] = i;
    std::shuffle(picks.begin(), picks.end(), rng);
    picks.resize(rng() % universe.size());
    for (size_t i : picks) {
      // Mostly in order; some late, some duplicates.
      int64_t t = now;
      if (rng() % 8 == 0) t -= static_cast<int64_t>(rng() % (30 * kMinute));
      double v = RandomValue(rng);
      auto& pts = m->data[universe[i]];
      if (rng() % 10 == 0 && !pts.empty()) {
        t = pts.rbegin()->first;
        v = std::bit_cast<double>(pts.rbegin()->second);
      }
      if (app.Add(universe[i], t, v).ok()) pending[universe[i]][t] = std::bit_cast<uint64_t>(v);
    }
    REQUIRE(app.Commit().ok());
    for (auto& [l, pts] : pending) {
      for (auto& [t, bits] : pts) m->data[l].emplace(t, bits);
    }
    for (auto it = m->data.begin(); it != m->data.end();) {
      it = it->second.empty() ? m->data.erase(it) : std::next(it);
    }
  };
  int round = 0;
  auto check = [&](const Db& d) {
    {
      auto got = QueryAll(d, kMinTime, kMaxTime);
      auto want = model.Query(kMinTime, kMaxTime, {});
      INFO("round " << round << ": " << Diff(got, want));
      REQUIRE(got == want);
    }
    for (int q = 0; q < 5; ++q) {
      int64_t a = static_cast<int64_t>(rng() % static_cast<uint64_t>(now + 1));
      int64_t b = a + static_cast<int64_t>(rng() % (3 * kHour));
      std::vector<Matcher> ms;
      if (rng() % 2) ms.push_back(M(MatchType::kEqual, "__name__", "a"));
      if (rng() % 2) ms.push_back(M(MatchType::kRegexMatch, "k", "1|3"));
      auto got = QueryAll(d, a, b, ms);
      auto want = model.Query(a, b, ms);
      INFO("round " << round << " range " << a << ".." << b << ": " << Diff(got, want));
      REQUIRE(got == want);
    }
  };
  auto apply_retention = [&] {
    int64_t newest = kMinTime;
    for (auto& [l, pts] : model.data) newest = std::max(newest, pts.rbegin()->first);
    if (newest == kMinTime) return;
    int64_t keep_from = (newest - options.retention_ms) / kHour * kHour;
    if (newest - options.retention_ms < 0) return;
    for (auto it = model.data.begin(); it != model.data.end();) {
      auto& pts = it->second;
      pts.erase(pts.begin(), pts.lower_bound(keep_from));
      it = pts.empty() ? model.data.erase(it) : std::next(it);
    }
  };
  for (round = 0; round < 60; ++round) {
    const int action = static_cast<int>(rng() % 5);
    for (int i = 0; i < 20; ++i) commit_batch(*db, &model);
    INFO("action " << action);
    switch (action) {
      case 0:
        REQUIRE(db->RunMaintenance(true).ok());
        apply_retention();
        break;
      case 1:
        db.reset();
        db = MustOpen(options);
        break;
      case 2: {
        // A crash: a child commits batches, recording each one once Commit
        // returned, and exits without closing; the parent reopens and must
        // find exactly the model plus everything the child recorded.
        db.reset();
        const std::string log = dir.path() + "/acked";
        pid_t pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
          auto child = Db::Open(options, QuietLogger());
          if (!child.ok()) _exit(2);
          FILE* f = std::fopen(log.c_str(), "w");
          for (int i = 0; i < 10; ++i) {
            Model delta;
            commit_batch(**child, &delta);
            for (auto& [l, pts] : delta.data) {
              size_t index = std::find(universe.begin(), universe.end(), l) - universe.begin();
              for (auto& [t, bits] : pts) {
                std::fprintf(f, "%zu %lld %llu\n", index, static_cast<long long>(t),
                             static_cast<unsigned long long>(bits));
              }
            }
            std::fflush(f);
          }
          _exit(0);
        }
        int status = 0;
        REQUIRE(waitpid(pid, &status, 0) == pid);
        REQUIRE(WEXITSTATUS(status) == 0);
        {
          db = MustOpen(options);
          auto got = QueryAll(*db, kMinTime, kMaxTime);
          for (auto& [l, pts] : model.data) {
            auto& g = got[l];
            for (auto& [t, bits] : pts) {
              bool found = std::any_of(g.begin(), g.end(), [tt = t](const Sample& x) { return x.t == tt; });
              INFO("sample committed before the crash: " << l.ToString() << " t=" << t);
              REQUIRE(found);
            }
          }
          db.reset();
        }
        FILE* f = std::fopen(log.c_str(), "r");
        REQUIRE(f != nullptr);
        size_t index;
        long long t;
        unsigned long long bits;
        while (std::fscanf(f, "%zu %lld %llu", &index, &t, &bits) == 3) {
          model.data[universe[index]].emplace(t, bits);
          now = std::max<int64_t>(now, t);
        }
        std::fclose(f);
        db = MustOpen(options);
        break;
      }
      default:
        break;
    }
    check(*db);
  }
}

}  // namespace
}  // namespace ember::tsdb
