// DbImpl: the state behind Db. Its code is split by stage:
//   db_open.cpp      opening, loading RocksDB, WAL replay, closing
//   head_append.cpp  the appender: checks, head chunks, WAL writes
//   querier.cpp      series selection and reading samples back
//   maintenance.cpp  checkpoints, idle series, retention, deletes, snapshots
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "../index/label_index.h"
#include "../index/postings.h"
#include "ember/tsdb/db.h"
#include "head_series.h"
#include "keys.h"
#include "tsdb_metrics.h"
#include "wal_records.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
class Cache;
}  // namespace rocksdb

namespace ember::tsdb {

// A deleted time range of one series, both ends inclusive.
struct Interval {
  int64_t mint = 0;
  int64_t maxt = 0;
};

// How a sample relates to what its series holds.
enum class Placement {
  kInOrder,     // after the newest sample: goes into the open chunk
  kOutOfOrder,  // before it, within the window: goes into the out-of-order buffer
  kDuplicate,   // already stored with the same value: ignored
};

// A sample added to an Appender, waiting for its Commit; the series is pinned.
struct PendingSample {
  HeadSeries* series;
  int64_t t;
  double v;
};

// A chunk cut from the head, to be written to RocksDB.
struct PersistJob {
  HeadSeries* series = nullptr;
  int64_t min_t = 0;
};

class DbImpl {
 public:
  DbImpl(DbOptions options, Logger logger, MetricsRegistry* registry, Clock* clock);
  ~DbImpl();

  Status Open();
  Status Close();

  // --- series (head_append.cpp) ---
  // Finds or creates the series for `labels` and pins it. *created tells.
  Result<HeadSeries*> GetOrCreate(const Labels& labels, uint64_t hash, bool* created);
  // Finds and pins a series by id; null when absent.
  HeadSeries* PinById(uint64_t id);
  void Unpin(HeadSeries* s);
  // Where (t, v) goes in `s`, or the upstream error. Caller holds s's stripe.
  Result<Placement> CheckLocked(HeadSeries& s, int64_t t, double v);
  // Adds an already checked sample. Caller holds s's stripe.
  void ApplyLocked(HeadSeries& s, int64_t t, double v, Placement placement, std::vector<PersistJob>* jobs);
  // The value bits stored for (s, t), looking in the head and RocksDB.
  bool FindStoredLocked(const HeadSeries& s, int64_t t, uint64_t* bits) const;
  // Reads a series' newest in-order chunk back from RocksDB after a restart.
  void EnsureLoadedLocked(HeadSeries& s);
  // The key of series `id`'s in-order chunk whose first sample is at min_t
  // (a chunk is keyed by its first sample, whatever deletes did to it).
  std::string InOrderChunkKey(uint64_t id, int64_t min_t) const {
    return ChunkKey(PartitionOf(min_t, options_.partition_duration_ms), id, min_t, ChunkKind::kInOrder);
  }
  // Writes cut chunks to RocksDB and drops them from the head.
  void Persist(std::vector<PersistJob>& jobs);
  // Tells the commit observers about samples just made durable.
  void NotifyCommit(const Db& db, const std::vector<WalSample>& samples,
                    const std::vector<WalSample>& ooo_samples);
  Status WriteWal(std::vector<HeadSeries*>& new_series, const std::vector<WalSample>& samples,
                  const std::vector<WalSample>& ooo_samples);
  void RegisterPartitionLocked(HeadSeries& s, int64_t partition);
  void UpdateHeadMaxTime(int64_t t);
  int64_t MinValidTime() const;

  // Appenders reuse the buffers of finished ones: a scrape's worth of
  // pending samples then costs no allocation.
  std::vector<PendingSample> TakeBuffer();
  void ReturnBuffer(std::vector<PendingSample> buffer);

  // --- reading (querier.cpp) ---
  // Ids of the series matching `matchers` with data in partitions
  // overlapping [mint, maxt].
  Postings SelectIds(std::span<const Matcher> matchers, int64_t mint, int64_t maxt) const;
  // The samples of series `id` in [mint, maxt], merged, deduplicated and
  // with tombstones applied.
  Status ReadSeries(uint64_t id, int64_t mint, int64_t maxt, std::vector<Sample>* out) const;
  Result<Labels> LabelsOf(uint64_t id) const;

  // --- maintenance (maintenance.cpp) ---
  Status RunMaintenance(bool force_checkpoint);
  Status Checkpoint();
  Status ApplyRetention();
  Status DropPartitionsBefore(int64_t partition);
  Status DeleteSeries(std::span<const Matcher> matchers, int64_t mint, int64_t maxt);
  Status CleanTombstones();
  Result<std::string> Snapshot();
  HeadStats Head() const;
  uint64_t DiskBytes() const;
  uint64_t WalBytes() const;
  uint64_t IndexBytes() const;
  // The oldest sample stored: in RocksDB's oldest partition or in the head.
  int64_t LowestTime() const;
  int64_t LowestPersistedTime() const;
  void MaintenanceLoop();

  const DbOptions options_;
  const Logger logger_;
  Clock* const clock_;
  std::unique_ptr<MetricsRegistry> own_registry_;
  TsdbMetrics metrics_;

  rocksdb::DB* rdb_ = nullptr;
  std::shared_ptr<rocksdb::Cache> block_cache_;
  rocksdb::ColumnFamilyHandle* cf_default_ = nullptr;
  rocksdb::ColumnFamilyHandle* cf_series_ = nullptr;
  rocksdb::ColumnFamilyHandle* cf_postings_ = nullptr;
  rocksdb::ColumnFamilyHandle* cf_chunks_ = nullptr;
  rocksdb::ColumnFamilyHandle* cf_tombstones_ = nullptr;
  std::unique_ptr<wal::Wal> wal_;

  // Before the stripes: series point into it until they are destroyed.
  SymbolTable symbols_;
  mutable SeriesStripes stripes_;
  LabelIndex index_;
  std::atomic<uint64_t> next_id_{1};
  std::atomic<int64_t> head_max_t_{kMinTime};
  // Samples before this were dropped by retention: appending them is out of bounds.
  std::atomic<int64_t> lowest_valid_t_{kMinTime};
  std::atomic<uint64_t> ooo_sequence_{1};
  std::atomic<bool> replaying_{false};
  // During replay: the newest in-order sample RocksDB held for a series when
  // it was read back; WAL samples up to it are already stored.
  std::unordered_map<uint64_t, int64_t> replay_persisted_max_t_;

  // Which series have chunks in which partition.
  mutable std::shared_mutex partitions_mu_;
  std::map<int64_t, Postings> partitions_;  // GUARDED_BY(partitions_mu_)

  mutable std::shared_mutex tombstones_mu_;
  std::unordered_map<uint64_t, std::vector<Interval>> tombstones_;  // GUARDED_BY(tombstones_mu_)

  std::atomic<int64_t> retention_ms_;
  std::atomic<uint64_t> retention_bytes_;

  // Serialises checkpoints, retention, deletes and snapshots.
  std::mutex maintenance_mu_;
  std::atomic<uint64_t> wal_bytes_since_checkpoint_{0};
  std::atomic<int64_t> last_checkpoint_ms_{0};
  std::mutex loop_mu_;
  std::condition_variable loop_cv_;
  bool stop_ = false;  // GUARDED_BY(loop_mu_)
  std::thread loop_;

  std::mutex buffers_mu_;
  std::vector<std::vector<PendingSample>> buffers_;  // GUARDED_BY(buffers_mu_)

  // Commit observers: the count is read without the lock on every commit.
  std::atomic<size_t> observer_count_{0};
  std::shared_mutex observers_mu_;
  std::vector<CommitObserver*> observers_;  // GUARDED_BY(observers_mu_)

  Db::WalReplayStatus replay_status_;
  std::atomic<bool> closed_{false};
};

// Series id stripes hold the head; these take a stripe's lock for one series.
inline std::unique_lock<std::mutex> LockSeries(SeriesStripes& stripes, uint64_t id) {
  return std::unique_lock<std::mutex>(stripes.ForId(id).mu);
}

}  // namespace ember::tsdb
