#include "ember_store_run.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <type_traits>
#include <vector>

#include "ember/obs/logger.h"
#include "ember/tsdb/db.h"

namespace ember::bench {
namespace {

// Runs `fn` in a forked child and hands its result back through a pipe. The
// child ends with _exit: no static destructors, no second flush of stdio
// buffers inherited from the parent, and no Db destructor for anything `fn`
// chose to leak.
template <class T>
Result<T> RunInChild(const std::function<Result<T>()>& fn) {
  static_assert(std::is_trivially_copyable_v<T>);
  struct Message {
    int code = -1;
    char text[512] = {};
    T value{};
  };
  int fds[2];
  if (::pipe(fds) != 0) return Status::FromErrno("pipe", errno);
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) return Status::FromErrno("fork", errno);
  if (pid == 0) {
    ::close(fds[0]);
    Message m;
    Result<T> r = fn();
    if (r.ok()) {
      m.code = 0;
      m.value = *r;
    } else {
      m.code = static_cast<int>(r.status().code());
      std::snprintf(m.text, sizeof(m.text), "%s", r.status().message().c_str());
    }
    const char* p = reinterpret_cast<const char*>(&m);
    size_t left = sizeof(m);
    while (left > 0) {
      ssize_t n = ::write(fds[1], p, left);
      if (n <= 0) ::_exit(3);
      p += n;
      left -= static_cast<size_t>(n);
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  Message m;
  char* p = reinterpret_cast<char*>(&m);
  size_t got = 0;
  while (got < sizeof(m)) {
    ssize_t n = ::read(fds[0], p + got, sizeof(m) - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fds[0]);
  int wstatus = 0;
  ::waitpid(pid, &wstatus, 0);
  if (got < sizeof(m)) {
    std::string how = WIFSIGNALED(wstatus) ? "signal " + std::to_string(WTERMSIG(wstatus))
                                           : "exit code " + std::to_string(WEXITSTATUS(wstatus));
    return Status::Internal("the measuring process ended without a report (" + how + ")");
  }
  if (m.code != 0) return Status(static_cast<StatusCode>(m.code), m.text);
  return m.value;
}

tsdb::DbOptions StoreOptions(const std::string& dir) {
  tsdb::DbOptions o;
  o.dir = dir;
  o.maintenance_interval_ms = 0;
  o.wal_sync = wal::SyncMode::kNever;
  // No checkpoint before the crash: the WAL then holds every sample, and the
  // restart replays all of them.
  o.checkpoint_wal_bytes = std::numeric_limits<uint64_t>::max();
  o.checkpoint_interval_ms = std::numeric_limits<int64_t>::max();
  // The data is dated 2024; without retention no reading of "now" can expire it.
  o.retention_ms = 0;
  return o;
}

Logger StoreLogger() { return Logger(StderrLogSink(), LogLevel::kWarn); }

struct AppendReport {
  double wall = 0;
  double cpu = 0;
  uint64_t rejected = 0;
  uint64_t rss_before = 0;
  uint64_t rss_after = 0;
  uint64_t rocksdb_buffers = 0;
  uint64_t heap_before = 0;
  uint64_t heap_after = 0;
  uint64_t index_bytes = 0;
  uint64_t series_bytes = 0;
  uint64_t chunk_bytes = 0;
  uint64_t head_series = 0;
  uint64_t head_chunks = 0;
  uint64_t digest = 0;
};

Result<AppendReport> AppendAndCrash(SeriesGenerator& gen, const std::string& dir) {
  // Touch everything the loop writes before the baseline, so that pages
  // copied on write after fork do not count as the store's memory.
  gen.Rewind();
  std::vector<std::vector<tsdb::SeriesRef>> refs(gen.targets().size());
  for (size_t t = 0; t < refs.size(); ++t) refs[t].assign(gen.targets()[t].series.size(), tsdb::SeriesRef{});
  AppendReport report;
  ReturnFreedMemory();
  report.rss_before = ResidentBytes();
  report.heap_before = HeapInUseBytes();
  EMBER_ASSIGN_OR_RETURN(std::unique_ptr<tsdb::Db> db, tsdb::Db::Open(StoreOptions(dir), StoreLogger()));

  std::string first_error;
  double wall0 = WallSeconds(), cpu0 = ProcessCpuSeconds();
  Scrape scrape;
  while (gen.Next(&scrape)) {
    const auto& specs = gen.targets()[scrape.target].series;
    std::vector<tsdb::SeriesRef>& target_refs = refs[scrape.target];
    tsdb::Appender app = db->NewAppender();
    for (size_t i = 0; i < specs.size(); ++i) {
      double v = scrape.values[i];
      Result<tsdb::SeriesRef> ref = target_refs[i].id == 0 ? app.Add(specs[i].labels, scrape.timestamp_ms, v)
                                                           : app.Add(target_refs[i], scrape.timestamp_ms, v);
      if (!ref.ok() && ref.status().code() == StatusCode::kNotFound) {
        ref = app.Add(specs[i].labels, scrape.timestamp_ms, v);
      }
      if (!ref.ok()) {
        if (report.rejected++ == 0) first_error = specs[i].labels.ToString() + ": " + ref.status().message();
        continue;
      }
      target_refs[i] = *ref;
    }
    EMBER_RETURN_IF_ERROR(app.Commit());
  }
  report.wall = WallSeconds() - wall0;
  report.cpu = ProcessCpuSeconds() - cpu0;
  ReturnFreedMemory();
  report.rss_after = ResidentBytes();
  report.heap_after = HeapInUseBytes();
  tsdb::Db::MemoryUsage rocks = db->Memory();
  report.rocksdb_buffers = rocks.memtables + rocks.block_cache;
  report.index_bytes = rocks.index;
  report.series_bytes = rocks.series;
  report.chunk_bytes = rocks.chunks;
  tsdb::HeadStats head = db->Head();
  report.head_series = head.num_series;
  report.head_chunks = head.num_chunks;
  if (!first_error.empty()) {
    std::fprintf(stderr, "tsdb bench: %llu samples rejected; the first: %s\n",
                 static_cast<unsigned long long>(report.rejected), first_error.c_str());
  }

  // What a full read must find, computed after the clock stopped.
  std::vector<std::vector<uint64_t>> hashes(gen.targets().size());
  for (size_t t = 0; t < hashes.size(); ++t) {
    for (const SeriesSpec& s : gen.targets()[t].series) hashes[t].push_back(s.labels.Hash());
  }
  gen.Rewind();
  while (gen.Next(&scrape)) {
    for (size_t i = 0; i < scrape.values.size(); ++i) {
      report.digest += SampleDigest(hashes[scrape.target][i], scrape.timestamp_ms, scrape.values[i]);
    }
  }
  // A crash, as far as the store can tell: no Close, no destructor.
  (void)db.release();
  return report;
}

struct RestartReport {
  double replay = 0;
  uint64_t rss_before = 0;
  uint64_t rss_after = 0;
  double maintenance = 0;
  double close = 0;
  uint64_t disk_bytes_reported = 0;
  StoreFiles after_close;
  double reopen = 0;
  double scan_wall = 0;
  double scan_cpu = 0;
  uint64_t scan_series = 0;
  uint64_t scan_samples = 0;
  uint64_t digest = 0;
  StoreFiles at_end;
};

Result<RestartReport> RestartAndRead(const std::string& dir) {
  RestartReport report;
  report.rss_before = ResidentBytes();
  double t0 = WallSeconds();
  EMBER_ASSIGN_OR_RETURN(std::unique_ptr<tsdb::Db> db, tsdb::Db::Open(StoreOptions(dir), StoreLogger()));
  report.replay = WallSeconds() - t0;
  report.rss_after = ResidentBytes();

  t0 = WallSeconds();
  EMBER_RETURN_IF_ERROR(db->RunMaintenance(/*force_checkpoint=*/true));
  report.maintenance = WallSeconds() - t0;
  report.disk_bytes_reported = db->DiskBytes();
  t0 = WallSeconds();
  EMBER_RETURN_IF_ERROR(db->Close());
  report.close = WallSeconds() - t0;
  db.reset();
  report.after_close = MeasureStoreFiles(dir);

  t0 = WallSeconds();
  EMBER_ASSIGN_OR_RETURN(db, tsdb::Db::Open(StoreOptions(dir), StoreLogger()));
  report.reopen = WallSeconds() - t0;

  EMBER_ASSIGN_OR_RETURN(tsdb::Matcher any_name, tsdb::Matcher::Create(tsdb::MatchType::kRegexMatch,
                                                                       std::string(kMetricNameLabel), ".+"));
  std::vector<tsdb::Matcher> matchers = {any_name};
  tsdb::Querier querier = db->NewQuerier(tsdb::kMinTime, tsdb::kMaxTime);
  // The digest of each sample costs a few nanoseconds next to decoding it,
  // and spares a second full read to check what the first returned. The
  // thread's CPU time, not the process's: RocksDB may still be compacting
  // what the reopen flushed.
  double wall0 = WallSeconds(), cpu0 = ThreadCpuSeconds();
  EMBER_ASSIGN_OR_RETURN(tsdb::SeriesSet set, querier.Select(matchers));
  while (set.Next()) {
    ++report.scan_series;
    uint64_t h = set.labels().Hash();
    for (const tsdb::Sample& s : set.samples()) report.digest += SampleDigest(h, s.t, s.v);
    report.scan_samples += set.samples().size();
  }
  EMBER_RETURN_IF_ERROR(set.status());
  report.scan_wall = WallSeconds() - wall0;
  report.scan_cpu = ThreadCpuSeconds() - cpu0;
  EMBER_RETURN_IF_ERROR(db->Close());
  db.reset();
  report.at_end = MeasureStoreFiles(dir);
  return report;
}

}  // namespace

StoreFiles MeasureStoreFiles(const std::string& dir) {
  auto name_of = [](const std::string& path) { return path.substr(path.rfind('/') + 1); };
  StoreFiles f;
  f.all = DirectoryUsage(dir);
  f.wal = DirectoryUsage(dir, [](const std::string& p) { return p.starts_with("wal/"); });
  f.tables = DirectoryUsage(
      dir, [](const std::string& p) { return p.starts_with("index/") && p.ends_with(".sst"); });
  f.rocksdb_wal = DirectoryUsage(
      dir, [](const std::string& p) { return p.starts_with("index/") && p.ends_with(".log"); });
  f.info_logs = DirectoryUsage(
      dir, [&](const std::string& p) { return p.starts_with("index/") && name_of(p).starts_with("LOG"); });
  return f;
}

Result<EmberStoreFigures> MeasureEmberStore(SeriesGenerator& gen, const std::string& dir) {
  EMBER_ASSIGN_OR_RETURN(AppendReport append,
                         RunInChild<AppendReport>([&]() { return AppendAndCrash(gen, dir); }));
  EMBER_ASSIGN_OR_RETURN(RestartReport restart,
                         RunInChild<RestartReport>([&]() { return RestartAndRead(dir); }));
  EmberStoreFigures f;
  f.series = gen.num_series();
  f.samples = gen.num_samples();
  f.append_wall_seconds = append.wall;
  f.append_cpu_seconds = append.cpu;
  f.rejected_samples = append.rejected;
  f.rss_before_open = append.rss_before;
  f.rss_after_append = append.rss_after;
  f.rocksdb_buffers_after_append = append.rocksdb_buffers;
  f.heap_before_open = append.heap_before;
  f.heap_after_append = append.heap_after;
  f.index_bytes = append.index_bytes;
  f.series_bytes = append.series_bytes;
  f.chunk_bytes = append.chunk_bytes;
  f.head_series_after_append = append.head_series;
  f.head_chunks_after_append = append.head_chunks;
  f.replay_seconds = restart.replay;
  f.rss_before_replay = restart.rss_before;
  f.rss_after_replay = restart.rss_after;
  f.maintenance_seconds = restart.maintenance;
  f.close_seconds = restart.close;
  f.disk_bytes_reported = restart.disk_bytes_reported;
  f.after_close = restart.after_close;
  f.at_end = restart.at_end;
  f.reopen_seconds = restart.reopen;
  f.scan_wall_seconds = restart.scan_wall;
  f.scan_cpu_seconds = restart.scan_cpu;
  f.scan_series = restart.scan_series;
  f.scan_samples = restart.scan_samples;
  f.scan_matches = restart.scan_samples == f.samples && restart.digest == append.digest;
  return f;
}

}  // namespace ember::bench
