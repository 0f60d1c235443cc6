#include <unistd.h>

#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <mutex>
#include <thread>

#include "ember/tsdb/db.h"

namespace ember::tsdb {
namespace {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ember-observer-test-XXXXXX").string();
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

std::unique_ptr<Db> MustOpen(const std::string& dir) {
  DbOptions o;
  o.dir = dir;
  o.maintenance_interval_ms = 0;
  o.retention_ms = 0;
  o.block_cache_bytes = 1 << 20;
  auto db = Db::Open(o, Logger(std::make_shared<CapturingLogSink>(), LogLevel::kError));
  REQUIRE(db.ok());
  return std::move(db).value();
}

struct Seen {
  Labels labels;
  int64_t t;
  uint64_t bits;
  bool operator==(const Seen&) const = default;
};

class Recorder : public CommitObserver {
 public:
  void OnCommit(const Db& db, std::span<const CommittedSample> samples) override {
    std::lock_guard lock(mu);
    ++commits;
    for (const CommittedSample& s : samples) {
      auto labels = db.SeriesLabels(s.ref);
      REQUIRE(labels.ok());
      seen.push_back({*labels, s.t, std::bit_cast<uint64_t>(s.v)});
    }
  }
  std::mutex mu;
  int commits = 0;
  std::vector<Seen> seen;
};

TEST_CASE("Commit observers see each committed sample with its series' labels") {
  TempDir dir;
  auto db = MustOpen(dir.path());
  Recorder recorder;
  const Labels a{{"__name__", "a"}};
  const Labels b{{"__name__", "b"}, {"x", "1"}};
  {
    // Before registration: not seen.
    auto app = db->NewAppender();
    REQUIRE(app.Add(a, 1000, 1).ok());
    REQUIRE(app.Commit().ok());
  }
  db->AddCommitObserver(&recorder);
  const double stale = std::bit_cast<double>(uint64_t{0x7ff0000000000002});
  {
    auto app = db->NewAppender();
    auto ref = app.Add(a, 2000, 2);
    REQUIRE(ref.ok());
    REQUIRE(app.Add(b, 2000, 5).ok());
    REQUIRE(app.Add(*ref, 3000, stale).ok());
    REQUIRE(app.Commit().ok());
  }
  {
    // A duplicate of the stored sample is not committed again; a rejected
    // one never reaches the observer; a rolled back appender neither.
    auto app = db->NewAppender();
    REQUIRE(app.Add(b, 2000, 5).ok());
    CHECK_FALSE(app.Add(a, 500, 1).ok());
    REQUIRE(app.Commit().ok());
    auto rolled = db->NewAppender();
    REQUIRE(rolled.Add(b, 9000, 1).ok());
    rolled.Rollback();
  }
  {
    std::lock_guard lock(recorder.mu);
    CHECK(recorder.commits == 1);
    CHECK(recorder.seen == std::vector<Seen>{{a, 2000, std::bit_cast<uint64_t>(2.0)},
                                             {b, 2000, std::bit_cast<uint64_t>(5.0)},
                                             {a, 3000, std::bit_cast<uint64_t>(stale)}});
  }
  db->RemoveCommitObserver(&recorder);
  {
    auto app = db->NewAppender();
    REQUIRE(app.Add(a, 4000, 4).ok());
    REQUIRE(app.Commit().ok());
  }
  std::lock_guard lock(recorder.mu);
  CHECK(recorder.commits == 1);
}

TEST_CASE("Commit observers see every sample of concurrent commits") {
  TempDir dir;
  auto db = MustOpen(dir.path());
  Recorder recorder;
  db->AddCommitObserver(&recorder);
  constexpr int kThreads = 4;
  constexpr int kCommits = 200;
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      const Labels l{{"__name__", "c"}, {"thread", std::to_string(i)}};
      for (int k = 0; k < kCommits; ++k) {
        auto app = db->NewAppender();
        REQUIRE(app.Add(l, 1000 + k, k).ok());
        REQUIRE(app.Commit().ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  db->RemoveCommitObserver(&recorder);
  std::lock_guard lock(recorder.mu);
  CHECK(recorder.commits == kThreads * kCommits);
  CHECK(recorder.seen.size() == static_cast<size_t>(kThreads * kCommits));
}

}  // namespace
}  // namespace ember::tsdb
