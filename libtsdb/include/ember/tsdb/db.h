// Db: the series store. Series are sorted label sets with numeric ids; their
// float samples are appended through an Appender, made durable in a
// write-ahead log before Commit returns, kept in an in-memory head of open
// chunks and persisted, chunk by chunk, in RocksDB by time partition. The
// layout on disk is documented in libtsdb/docs/format/storage.md.
//
// Typical use:
//   EMBER_ASSIGN_OR_RETURN(auto db, Db::Open(options, logger, &registry));
//   auto app = db->NewAppender();
//   EMBER_RETURN_IF_ERROR(app.Add(labels, t, v));   // per-sample checks here
//   EMBER_RETURN_IF_ERROR(app.Commit());            // durable when OK
//   auto q = db->NewQuerier(mint, maxt);
//   EMBER_ASSIGN_OR_RETURN(auto set, q.Select(matchers));
//   while (set.Next()) Use(set.labels(), set.samples());
//
// Thread safety: Db is thread-safe; any number of Appenders and Queriers may
// be used at once from different threads. One Appender or SeriesSet is used
// by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ember/base/clock.h"
#include "ember/base/labels.h"
#include "ember/base/status.h"
#include "ember/obs/logger.h"
#include "ember/obs/metrics.h"
#include "ember/tsdb/matcher.h"
#include "ember/tsdb/sample.h"
#include "ember/tsdb/stats.h"
#include "ember/wal/wal.h"

namespace ember::tsdb {

// The error texts of rejected samples: the same words as Prometheus's storage
// errors, so remote write clients and logs read alike. Add returns
// InvalidArgument with one of these as the message.
inline constexpr std::string_view kErrOutOfOrderSample = "out of order sample";
inline constexpr std::string_view kErrOutOfBounds = "out of bounds";
inline constexpr std::string_view kErrTooOldSample = "too old sample";
inline constexpr std::string_view kErrDuplicateSampleForTimestamp = "duplicate sample for timestamp";

// Fixed at Open unless a field says it is reloadable (see Db::SetRetention).
struct DbOptions {
  // Directory of the store: `wal/` holds the write-ahead log, `index/` the
  // RocksDB database, `snapshots/` the snapshots. Created when missing.
  // Default: none, required.
  std::string dir;

  // Samples older than this (relative to the newest sample in the store) are
  // deleted, a whole partition at a time, once the partition's newest
  // possible sample is older. 0 keeps data forever. Unit: ms.
  // Default: 15 days, as Prometheus. Reloadable.
  int64_t retention_ms = int64_t{15} * 24 * 3600 * 1000;
  // The oldest partitions are deleted while the store (RocksDB files plus
  // WAL) is larger than this. 0 disables. Unit: bytes. Default: 0. Reloadable.
  uint64_t retention_bytes = 0;

  // How far behind the newest sample a sample may arrive out of order and
  // still be accepted (Prometheus's out_of_order_time_window). 0 rejects
  // out-of-order samples. Unit: ms. Default: 0.
  int64_t out_of_order_time_window_ms = 0;

  // Length of a time partition: chunks never span a partition boundary, and
  // retention drops whole partitions. Must divide a day evenly. Samples
  // older than half a partition behind the newest sample are "out of bounds"
  // when the out-of-order window is 0, as with Prometheus's 2h block range.
  // Unit: ms. Default: 2 hours.
  int64_t partition_duration_ms = int64_t{2} * 3600 * 1000;

  // A head chunk is cut (and persisted) when it holds this many samples.
  // Default: 120, as Prometheus.
  uint32_t samples_per_chunk = 120;

  // A checkpoint persists every open chunk and removes the WAL segments it
  // covers once the WAL has grown by this much since the last one.
  // Unit: bytes. Default: 256 MiB.
  uint64_t checkpoint_wal_bytes = uint64_t{256} << 20;
  // ... or once this much time has passed since the last one. Unit: ms.
  // Default: 30 minutes.
  int64_t checkpoint_interval_ms = int64_t{30} * 60 * 1000;

  // Series without a sample for this long have their open chunk persisted
  // and released from memory (they stay in the index until retention drops
  // their last partition). Unit: ms. Default: 1 hour.
  int64_t head_idle_series_ms = int64_t{3600} * 1000;

  // WAL segment size and fsync policy. kNever still writes every committed
  // batch to the operating system before Commit returns, so it survives a
  // `kill -9` of the process, not a power cut, as with Prometheus (which does
  // not fsync per write either). Replay reads a segment whole, so the size
  // also bounds the memory replay borrows. Default: 32 MiB, kNever.
  uint64_t wal_segment_size_bytes = uint64_t{32} << 20;
  wal::SyncMode wal_sync = wal::SyncMode::kNever;

  // How often the background thread runs maintenance (checkpoints, idle
  // series, retention). 0 starts no thread: the owner calls
  // Db::RunMaintenance itself (tests do). Unit: ms. Default: 1 minute.
  int64_t maintenance_interval_ms = int64_t{60} * 1000;

  // RocksDB block cache for persisted chunks and index blocks.
  // Unit: bytes. Default: 64 MiB.
  uint64_t block_cache_bytes = uint64_t{64} << 20;
};

class Db;

// A series handle returned by Appender::Add: passing it back to Add skips the
// label lookup (the scraper caches one per series). Valid for the Db's life;
// a series removed by retention makes Add fall back to the labels.
struct SeriesRef {
  uint64_t id = 0;  // 0: none
};

// One sample a commit made durable, as a CommitObserver sees it.
struct CommittedSample {
  SeriesRef ref;  // the series; Db::SeriesLabels gives its labels
  int64_t t = 0;  // ms
  double v = 0;   // stale markers (the special NaN) included
};

// Learns of every successful Appender::Commit (remote write queues are fed
// so). OnCommit runs on the committing thread, after the samples are durable
// in the WAL and before Commit returns, so a commit acknowledged to a client
// has been seen by every observer. Samples come in the order the commit
// wrote them, out-of-order ones last; concurrent commits call OnCommit
// concurrently. The span is valid only during the call. OnCommit must be
// quick and must not commit to the same Db.
class CommitObserver {
 public:
  virtual ~CommitObserver() = default;
  virtual void OnCommit(const Db& db, std::span<const CommittedSample> samples) = 0;
};

// Collects samples for one atomic commit. Obtained from Db::NewAppender.
// Destroying an Appender without Commit rolls it back.
class Appender {
 public:
  Appender(Appender&&) noexcept;
  Appender& operator=(Appender&&) noexcept;
  ~Appender();

  // Adds one sample of the series `labels` (sorted, as Labels always are).
  // Checks it against what is stored, not against the samples this appender
  // holds: callers add a series' samples in time order (a sample older than
  // one added before for the same series is dropped at Commit and counted).
  // Errors (the sample is not added; earlier ones stay):
  //   InvalidArgument "empty labelset", "label name is empty", or
  //     `label name "X" is not unique: invalid sample` -- bad labels of a
  //     new series;
  //   InvalidArgument kErrOutOfOrderSample / kErrOutOfBounds /
  //     kErrTooOldSample / kErrDuplicateSampleForTimestamp -- as Prometheus.
  // A sample equal (timestamp and value bits) to the stored one is ignored
  // and OK. Creates the series when new. Returns its handle.
  Result<SeriesRef> Add(const Labels& labels, int64_t t, double v);
  // As Add with labels, for a handle an earlier Add returned. NotFound when
  // the series no longer exists (call Add with labels).
  Result<SeriesRef> Add(SeriesRef ref, int64_t t, double v);

  // Writes the samples to the WAL and makes them visible to queries. When it
  // returns OK they survive a crash of the process. A sample that became
  // out of order because another appender committed first is dropped and
  // counted, as Prometheus does. Errors: IOError/ResourceExhausted from the
  // WAL; the samples may then be visible but are not durable.
  Status Commit();
  // Drops the samples added since the last Commit.
  void Rollback();

  // Samples waiting for Commit.
  size_t pending() const;

 private:
  friend class Db;
  struct Pending;
  explicit Appender(Db* db);

  Db* db_ = nullptr;
  std::unique_ptr<Pending> pending_;
};

// The series a Querier selected, one at a time, sorted by labels.
class SeriesSet {
 public:
  SeriesSet(SeriesSet&&) noexcept;
  SeriesSet& operator=(SeriesSet&&) noexcept;
  ~SeriesSet();

  // Moves to the next series that has samples in the querier's range. False
  // at the end or on a read error (status() tells).
  bool Next();
  const Labels& labels() const;
  // The series' samples in [mint, maxt], in time order, one per timestamp,
  // stale markers included. Valid until the next call to Next.
  std::span<const Sample> samples() const;
  const Status& status() const;
  // How many series Select matched before reading samples (an upper bound on
  // the series Next will yield).
  size_t num_candidates() const;

 private:
  friend class Querier;
  struct State;
  explicit SeriesSet(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// Reads the store for a time range [mint, maxt] (ms, both inclusive).
// Data appended or deleted while it is used may or may not be seen.
class Querier {
 public:
  // The series matching every matcher that have samples in the range; an
  // empty list selects every series (requiring a non-empty matcher is the
  // API's rule, not the store's).
  [[nodiscard]] Result<SeriesSet> Select(std::span<const Matcher> matchers) const;

  // Sorted label names of the series matching `matchers` (all series when
  // empty) that have samples in the range.
  [[nodiscard]] Result<std::vector<std::string>> LabelNames(std::span<const Matcher> matchers) const;
  // Sorted distinct values of `name` on those series.
  [[nodiscard]] Result<std::vector<std::string>> LabelValues(std::string_view name,
                                                             std::span<const Matcher> matchers) const;

  int64_t mint() const { return mint_; }
  int64_t maxt() const { return maxt_; }

 private:
  friend class Db;
  Querier(const Db* db, int64_t mint, int64_t maxt) : db_(db), mint_(mint), maxt_(maxt) {}
  const Db* db_;
  int64_t mint_;
  int64_t maxt_;
};

class DbImpl;

class Db {
 public:
  // Opens or creates the store in options.dir: loads the series index from
  // RocksDB, replays the WAL (cutting a torn tail with a warning), and starts
  // the maintenance thread when options.maintenance_interval_ms > 0.
  // Metrics are registered in `registry` when not null (once per registry).
  // Errors: InvalidArgument for bad options; IOError/Corruption when the
  // directory cannot be used (another process holding it gives IOError
  // naming the lock).
  [[nodiscard]] static Result<std::unique_ptr<Db>> Open(DbOptions options, Logger logger,
                                                        MetricsRegistry* registry = nullptr,
                                                        Clock* clock = nullptr);
  // Stops maintenance and closes; see Close.
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  Appender NewAppender();
  Querier NewQuerier(int64_t mint, int64_t maxt) const { return Querier(this, mint, maxt); }

  // Deletes the samples of the series matching `matchers` in [mint, maxt]:
  // queries stop returning them at once; the space is reclaimed by
  // CleanTombstones. Durable when it returns OK.
  Status DeleteSeries(std::span<const Matcher> matchers, int64_t mint, int64_t maxt);
  // Rewrites the chunks that deleted samples fall in and drops the tombstones.
  Status CleanTombstones();

  // Writes a consistent copy of the store (every acknowledged sample, with no
  // WAL needed to read it) into `<dir>/snapshots/<name>`, made of hard links
  // where possible. Returns the name: `20060102T150405Z-<16 hex digits>`, as
  // Prometheus names snapshots. The copy opens as a Db of its own.
  Result<std::string> Snapshot();

  // Runs what the maintenance thread runs: persists idle series, takes a
  // checkpoint when due (or when `force_checkpoint`), applies retention.
  Status RunMaintenance(bool force_checkpoint = false);

  // Reloadable retention limits (see DbOptions).
  void SetRetention(int64_t retention_ms, uint64_t retention_bytes);

  // Registers `observer` for the commits that start after this returns. Not
  // owned; it must stay valid until RemoveCommitObserver returns. With no
  // observer registered, Commit pays one relaxed atomic load for the feature.
  void AddCommitObserver(CommitObserver* observer);
  // Unregisters `observer`; returns once no OnCommit call to it is running.
  void RemoveCommitObserver(CommitObserver* observer);
  // The labels of a series a commit reported. NotFound when it no longer
  // exists in the head (retention removed it).
  Result<Labels> SeriesLabels(SeriesRef ref) const;

  HeadStats Head() const;
  CardinalityStats Cardinality(size_t limit) const;
  // The oldest and newest sample timestamps stored; kMaxTime/kMinTime when empty.
  int64_t MinTime() const;
  int64_t MaxTime() const;
  // Bytes on disk: RocksDB files plus WAL segments.
  uint64_t DiskBytes() const;

  // Memory the store holds, by part. RocksDB's share is bounded by its
  // options whatever the number of series; the rest grows with the series.
  // Walks every series: for statistics and benchmarks, not hot paths.
  struct MemoryUsage {
    uint64_t memtables = 0;    // RocksDB write buffers not yet flushed to tables
    uint64_t block_cache = 0;  // RocksDB cached blocks, at most DbOptions::block_cache_bytes
    uint64_t index = 0;        // the label index (an estimate of its allocations)
    uint64_t series = 0;       // series records, labels and lookup maps
    uint64_t chunks = 0;       // open and cut head chunks, out-of-order buffers
  };
  MemoryUsage Memory() const;

  // The WAL segments Open replayed, for /api/v1/status/walreplay (which
  // reports current == max once the replay is done, as it always is once
  // Open returned). All 0 when there was no WAL to replay.
  struct WalReplayStatus {
    uint32_t min_segment = 0;
    uint32_t max_segment = 0;
    uint32_t current_segment = 0;
  };
  WalReplayStatus WalReplay() const;

  // Persists every open chunk, syncs, and closes the WAL and RocksDB. Later
  // calls fail with FailedPrecondition. Idempotent.
  Status Close();

 private:
  friend class Appender;
  friend class Querier;
  friend class SeriesSet;
  explicit Db(std::unique_ptr<DbImpl> impl);
  std::unique_ptr<DbImpl> impl_;
};

}  // namespace ember::tsdb
