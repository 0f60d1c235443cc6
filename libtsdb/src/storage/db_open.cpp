// Opening the store: RocksDB with its column families, the series index and
// partition postings loaded back, the WAL replayed; and closing it.
#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/table.h>

#include <chrono>

#include "db_impl.h"
#include "encoding.h"

namespace ember::tsdb {

namespace {

Status FromRocks(const rocksdb::Status& st, std::string_view what) {
  if (st.ok()) return Status::Ok();
  std::string msg = "tsdb: " + std::string(what) + ": " + st.ToString();
  if (st.IsCorruption()) return Status::Corruption(std::move(msg));
  return Status::IOError(std::move(msg));
}

Status ValidateOptions(const DbOptions& o) {
  constexpr int64_t kDay = int64_t{24} * 3600 * 1000;
  if (o.dir.empty()) return Status::InvalidArgument("tsdb: options.dir is empty");
  if (o.partition_duration_ms <= 0 || kDay % o.partition_duration_ms != 0) {
    return Status::InvalidArgument("tsdb: partition duration must divide a day evenly");
  }
  if (o.samples_per_chunk == 0 || o.samples_per_chunk > kXorChunkMaxSamples) {
    return Status::InvalidArgument("tsdb: samples per chunk must be between 1 and 65535");
  }
  if (o.retention_ms < 0 || o.out_of_order_time_window_ms < 0) {
    return Status::InvalidArgument("tsdb: retention and out-of-order window must not be negative");
  }
  return Status::Ok();
}

}  // namespace

DbImpl::DbImpl(DbOptions options, Logger logger, MetricsRegistry* registry, Clock* clock)
    : options_(std::move(options)),
      logger_(std::move(logger)),
      clock_(clock != nullptr ? clock : &Clock::Real()),
      own_registry_(registry == nullptr ? std::make_unique<MetricsRegistry>() : nullptr),
      metrics_(registry != nullptr ? *registry : *own_registry_),
      retention_ms_(options_.retention_ms),
      retention_bytes_(options_.retention_bytes) {
  metrics_.retention_limit_seconds.Set(static_cast<double>(options_.retention_ms) / 1000);
  metrics_.retention_limit_bytes.Set(static_cast<double>(options_.retention_bytes));
}

DbImpl::~DbImpl() { (void)Close(); }

Status DbImpl::Open() {
  EMBER_RETURN_IF_ERROR(ValidateOptions(options_));
  FileSystem& fs = FileSystem::Real();
  EMBER_RETURN_IF_ERROR(fs.CreateDirs(options_.dir));
  const auto start = std::chrono::steady_clock::now();

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = 2;
  db_options.keep_log_file_num = 3;
  db_options.max_total_wal_size = uint64_t{256} << 20;
  block_cache_ = rocksdb::NewLRUCache(options_.block_cache_bytes);
  auto family_options = [&](bool compress, size_t write_buffer_bytes) {
    rocksdb::ColumnFamilyOptions cf;
    rocksdb::BlockBasedTableOptions table;
    table.block_cache = block_cache_;
    table.block_size = 32 << 10;
    table.format_version = 5;
    cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    cf.write_buffer_size = write_buffer_bytes;
    // Chunks are already dense; zstd over whole blocks still finds what is
    // shared between neighbouring chunks of a series.
    cf.compression = compress ? rocksdb::kZSTD : rocksdb::kLZ4Compression;
    cf.bottommost_compression = compress ? rocksdb::kZSTD : rocksdb::kLZ4Compression;
    return cf;
  };
  std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      // Chunks are written all the time, the rest rarely; write buffers are
      // memory held whatever the number of series, so they stay modest.
      {rocksdb::kDefaultColumnFamilyName, family_options(false, 1 << 20)},
      {kSeriesFamily, family_options(true, 4 << 20)},
      {kPostingsFamily, family_options(false, 4 << 20)},
      {kChunksFamily, family_options(true, 32 << 20)},
      {kTombstonesFamily, family_options(false, 1 << 20)},
  };
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  EMBER_RETURN_IF_ERROR(
      FromRocks(rocksdb::DB::Open(db_options, JoinPath(options_.dir, "index"), families, &handles, &rdb_),
                "opening index"));
  cf_default_ = handles[0];
  cf_series_ = handles[1];
  cf_postings_ = handles[2];
  cf_chunks_ = handles[3];
  cf_tombstones_ = handles[4];

  // Series.
  uint64_t max_id = 0;
  {
    std::unique_ptr<rocksdb::Iterator> it(rdb_->NewIterator(rocksdb::ReadOptions(), cf_series_));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      uint64_t id;
      std::string_view value(it->value().data(), it->value().size());
      auto labels = UnpackLabels(value);
      if (!ParseSeriesKey(std::string_view(it->key().data(), it->key().size()), &id) || !labels.ok()) {
        return Status::Corruption("tsdb: bad series entry in the index");
      }
      uint64_t hash = labels->Hash();
      auto series = std::make_unique<HeadSeries>(id, *labels, symbols_);
      series->logged = true;
      series->persisted = true;
      auto& hs = stripes_.ForHash(hash);
      series->next_in_hash = hs.by_hash.Find(hash);
      hs.by_hash.Upsert(hash, series.get());
      stripes_.ForId(id).by_id.Upsert(id, series.release());
      index_.Add(id, *labels);
      max_id = std::max(max_id, id);
    }
    EMBER_RETURN_IF_ERROR(FromRocks(it->status(), "reading series"));
  }
  // Partition postings.
  {
    std::unique_ptr<rocksdb::Iterator> it(rdb_->NewIterator(rocksdb::ReadOptions(), cf_postings_));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      int64_t partition;
      uint64_t id;
      if (!ParsePartitionSeriesKey(std::string_view(it->key().data(), it->key().size()), &partition, &id)) {
        return Status::Corruption("tsdb: bad partition entry in the index");
      }
      auto& stripe = stripes_.ForId(id);
      HeadSeries* found = stripe.by_id.Find(id);
      if (found == nullptr) continue;  // its series went with retention
      InsertSorted(&partitions_[partition], id);
      found->newest_partition = std::max(found->newest_partition, partition);
    }
    EMBER_RETURN_IF_ERROR(FromRocks(it->status(), "reading partitions"));
  }
  // Retention's cut, so that what it dropped is not appended again (nor
  // brought back from the WAL).
  {
    std::string value;
    rocksdb::Status st = rdb_->Get(rocksdb::ReadOptions(), cf_default_, kRetentionCutKey, &value);
    if (!st.IsNotFound()) {
      EMBER_RETURN_IF_ERROR(FromRocks(st, "reading the retention cut"));
      size_t pos = 0;
      uint64_t cut;
      if (!GetFixed64BE(value, &pos, &cut)) return Status::Corruption("tsdb: bad retention cut in the index");
      lowest_valid_t_ = FromOrderedTime(cut);
    }
  }
  // Tombstones.
  {
    std::unique_ptr<rocksdb::Iterator> it(rdb_->NewIterator(rocksdb::ReadOptions(), cf_tombstones_));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      uint64_t id;
      std::string_view value(it->value().data(), it->value().size());
      if (!ParseSeriesKey(std::string_view(it->key().data(), it->key().size()), &id)) continue;
      std::vector<Interval> intervals;
      size_t pos = 0;
      int64_t a, b;
      while (pos < value.size() && GetVarint(value, &pos, &a) && GetVarint(value, &pos, &b)) {
        intervals.push_back({a, b});
      }
      tombstones_[id] = std::move(intervals);
    }
  }
  // The newest time stored, for the out-of-bounds rule before new appends.
  if (!partitions_.empty()) {
    std::unique_ptr<rocksdb::Iterator> it(rdb_->NewIterator(rocksdb::ReadOptions(), cf_chunks_));
    const std::string prefix = PartitionPrefix(partitions_.rbegin()->first);
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      ChunkKeyParts parts;
      ChunkValueHeader h;
      if (ParseChunkKey(std::string_view(it->key().data(), it->key().size()), &parts) &&
          ParseChunkValue(std::string_view(it->value().data(), it->value().size()), parts.min_t, &h).ok()) {
        UpdateHeadMaxTime(h.max_t);
      }
    }
  }
  next_id_ = max_id + 1;

  // WAL replay.
  replaying_ = true;
  std::vector<WalSeries> series_buf;
  std::vector<WalSample> samples_buf;
  uint64_t replayed_samples = 0;
  auto replay = [&](std::string_view record) -> Status {
    metrics_.wal_records_replayed.Inc();
    EMBER_ASSIGN_OR_RETURN(WalRecordType type, WalRecordTypeOf(record));
    if (type == WalRecordType::kSeries) {
      series_buf.clear();
      EMBER_RETURN_IF_ERROR(DecodeWalSeries(record, &series_buf));
      for (WalSeries& ws : series_buf) {
        next_id_ = std::max(next_id_.load(), ws.id + 1);
        auto& stripe = stripes_.ForId(ws.id);
        if (stripe.by_id.Find(ws.id) != nullptr) continue;
        uint64_t hash = ws.labels.Hash();
        auto series = std::make_unique<HeadSeries>(ws.id, ws.labels, symbols_);
        series->loaded = true;
        series->logged = true;
        auto& hs = stripes_.ForHash(hash);
        series->next_in_hash = hs.by_hash.Find(hash);
        hs.by_hash.Upsert(hash, series.get());
        stripe.by_id.Upsert(ws.id, series.release());
        index_.Add(ws.id, ws.labels);
        metrics_.series_created.Inc();
      }
      return Status::Ok();
    }
    samples_buf.clear();
    EMBER_RETURN_IF_ERROR(DecodeWalSamples(record, &samples_buf));
    const bool in_order = type == WalRecordType::kSamples;
    std::vector<PersistJob> jobs;
    for (const WalSample& ws : samples_buf) {
      auto& stripe = stripes_.ForId(ws.id);
      HeadSeries* found = stripe.by_id.Find(ws.id);
      if (found == nullptr) {
        metrics_.wal_unknown_series_samples.Inc();
        continue;
      }
      HeadSeries& s = *found;
      if (ws.t < lowest_valid_t_.load()) continue;  // dropped by retention since
      EnsureLoadedLocked(s);
      // In-order samples up to what RocksDB held at the crash were persisted
      // with their chunk; out-of-order ones are persisted only by the
      // checkpoint that also removes their WAL segment.
      if (in_order) {
        auto persisted = replay_persisted_max_t_.find(s.id);
        if (persisted != replay_persisted_max_t_.end() && ws.t <= persisted->second) continue;
      }
      Result<Placement> p = CheckLocked(s, ws.t, ws.v);
      if (!p.ok()) continue;
      ApplyLocked(s, ws.t, ws.v, *p, &jobs);
      UpdateHeadMaxTime(ws.t);
      ++replayed_samples;
    }
    Persist(jobs);
    return Status::Ok();
  };
  wal::WalOptions wal_options;
  wal_options.dir = JoinPath(options_.dir, "wal");
  EMBER_ASSIGN_OR_RETURN(std::vector<uint32_t> segments, wal::ListSegments(fs, wal_options.dir));
  if (!segments.empty()) {
    replay_status_.min_segment = segments.front();
    replay_status_.max_segment = segments.back();
    replay_status_.current_segment = segments.back();
  }
  wal_options.segment_size_bytes = options_.wal_segment_size_bytes;
  wal_options.sync = options_.wal_sync;
  Result<std::unique_ptr<wal::Wal>> wal =
      wal::Wal::Open(fs, wal_options, logger_.With({{"component", "wal"}}), replay);
  replaying_ = false;
  replay_persisted_max_t_ = {};
  if (!wal.ok()) return wal.status().WithContext("tsdb: replaying the WAL");
  wal_ = std::move(wal).value();
  metrics_.wal_segment_current.Set(wal_->CurrentSegment());
  metrics_.head_series.Set(0);
  for (size_t i = 0; i < SeriesStripes::kStripes; ++i) {
    metrics_.head_series.Add(static_cast<double>(stripes_.stripe(i).by_id.size()));
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  metrics_.data_replay_duration_seconds.Set(seconds);
  metrics_.head_max_time.Set(static_cast<double>(head_max_t_.load()));
  metrics_.head_min_time.Set(static_cast<double>(Head().min_time));
  last_checkpoint_ms_ = clock_->NowMs();
  logger_.Info("TSDB started",
               {{"dir", options_.dir},
                {"series", static_cast<uint64_t>(index_.NumSeries())},
                {"partitions", static_cast<uint64_t>(partitions_.size())},
                {"wal_samples_replayed", replayed_samples},
                {"duration", FormatGoDuration(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                 std::chrono::duration<double>(seconds)))}});
  if (options_.maintenance_interval_ms > 0) loop_ = std::thread([this] { MaintenanceLoop(); });
  return Status::Ok();
}

Status DbImpl::Close() {
  if (closed_.exchange(true)) return Status::Ok();
  {
    std::lock_guard lock(loop_mu_);
    stop_ = true;
  }
  loop_cv_.notify_all();
  if (loop_.joinable()) loop_.join();
  Status result;
  if (rdb_ != nullptr && wal_ != nullptr) result = Checkpoint();
  if (wal_ != nullptr) {
    Status st = wal_->Close();
    if (result.ok()) result = st;
  }
  if (rdb_ != nullptr && result.ok()) {
    // Tables rather than RocksDB's log: the next open need not replay it, and
    // the space on disk is the compressed one.
    rocksdb::FlushOptions fo;
    std::vector<rocksdb::ColumnFamilyHandle*> all = {cf_default_, cf_series_, cf_postings_, cf_chunks_,
                                                     cf_tombstones_};
    rocksdb::Status st = rdb_->Flush(fo, all);
    if (!st.ok()) result = FromRocks(st, "flushing index");
  }
  if (rdb_ != nullptr) {
    for (auto* h : {cf_default_, cf_series_, cf_postings_, cf_chunks_, cf_tombstones_}) {
      if (h != nullptr) (void)rdb_->DestroyColumnFamilyHandle(h);
    }
    rocksdb::Status st = rdb_->Close();
    if (result.ok() && !st.ok()) result = FromRocks(st, "closing index");
    delete rdb_;
    rdb_ = nullptr;
  }
  return result;
}

// --- Db forwarding ---------------------------------------------------------------

Db::Db(std::unique_ptr<DbImpl> impl) : impl_(std::move(impl)) {}
Db::~Db() { (void)Close(); }

Result<std::unique_ptr<Db>> Db::Open(DbOptions options, Logger logger, MetricsRegistry* registry,
                                     Clock* clock) {
  auto impl = std::make_unique<DbImpl>(std::move(options), std::move(logger), registry, clock);
  Status st = impl->Open();
  if (!st.ok()) {
    (void)impl->Close();
    return st;
  }
  return std::unique_ptr<Db>(new Db(std::move(impl)));
}

Status Db::Close() { return impl_->Close(); }
Status Db::RunMaintenance(bool force_checkpoint) {
  if (impl_->closed_.load()) return Status::FailedPrecondition("tsdb: closed");
  return impl_->RunMaintenance(force_checkpoint);
}
Status Db::DeleteSeries(std::span<const Matcher> matchers, int64_t mint, int64_t maxt) {
  return impl_->DeleteSeries(matchers, mint, maxt);
}
Status Db::CleanTombstones() { return impl_->CleanTombstones(); }
Result<std::string> Db::Snapshot() { return impl_->Snapshot(); }
void Db::SetRetention(int64_t retention_ms, uint64_t retention_bytes) {
  impl_->retention_ms_ = retention_ms;
  impl_->retention_bytes_ = retention_bytes;
  impl_->metrics_.retention_limit_seconds.Set(static_cast<double>(retention_ms) / 1000);
  impl_->metrics_.retention_limit_bytes.Set(static_cast<double>(retention_bytes));
}
HeadStats Db::Head() const { return impl_->Head(); }
CardinalityStats Db::Cardinality(size_t limit) const { return impl_->index_.Stats(limit); }
int64_t Db::MinTime() const { return impl_->LowestTime(); }
int64_t Db::MaxTime() const { return impl_->head_max_t_.load(); }
uint64_t Db::DiskBytes() const { return impl_->DiskBytes(); }
Db::WalReplayStatus Db::WalReplay() const { return impl_->replay_status_; }
Db::MemoryUsage Db::Memory() const {
  MemoryUsage m;
  if (impl_->rdb_ == nullptr) return m;
  (void)impl_->rdb_->GetAggregatedIntProperty("rocksdb.cur-size-all-mem-tables", &m.memtables);
  if (impl_->block_cache_) m.block_cache = impl_->block_cache_->GetUsage();
  m.index = impl_->index_.MemoryBytes();
  m.series = impl_->symbols_.MemoryBytes();
  m.series += 2 * SeriesStripes::kStripes * sizeof(SeriesStripes::Stripe);
  for (size_t i = 0; i < SeriesStripes::kStripes; ++i) {
    auto& hash_stripe = impl_->stripes_.hash_stripe(i);
    {
      std::lock_guard lock(hash_stripe.mu);
      m.series += hash_stripe.by_hash.MemoryBytes();
    }
    auto& stripe = impl_->stripes_.stripe(i);
    std::lock_guard lock(stripe.mu);
    m.series += stripe.by_id.MemoryBytes();
    stripe.by_id.ForEach([&](uint64_t, const HeadSeries* s) {
      m.series += s->MemoryBytes();
      if (s->chunk) m.chunks += s->chunk->MemoryBytes();
      for (const ClosedChunk& c : s->closed) m.chunks += c.chunk.MemoryBytes();
      if (s->ooo) m.chunks += s->ooo->capacity() * sizeof(Sample) + 16;
    });
  }
  return m;
}

}  // namespace ember::tsdb
