// Background work on the store: checkpoints (persisting open chunks, then
// removing the WAL they cover), releasing idle series, retention by time and
// size, deletes with tombstones, and snapshots.
#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <filesystem>
#include <random>

#include "db_impl.h"
#include "encoding.h"

namespace ember::tsdb {

namespace {

// What a checkpoint wrote for one series, to release it from the head after.
struct Written {
  HeadSeries* series = nullptr;
  int64_t chunk_min_t = 0;
  size_t chunk_samples = 0;  // 0: no open chunk written
  bool idle = false;
  std::vector<int64_t> closed;
  std::vector<Sample> ooo;
};

constexpr size_t kBatchBytes = 8 << 20;

}  // namespace

Status DbImpl::Checkpoint() {
  std::lock_guard lock(maintenance_mu_);
  metrics_.checkpoint_creations.Inc();
  const auto start = std::chrono::steady_clock::now();
  // Everything in the segments before `segment` is in the head now: commits
  // apply to the head before they write the WAL.
  Result<uint32_t> segment = wal_->StartNewSegment();
  if (!segment.ok()) {
    metrics_.checkpoint_creations_failed.Inc();
    return segment.status();
  }
  const int64_t head_max = head_max_t_.load();
  const int64_t idle_before = head_max == kMinTime ? kMinTime : head_max - options_.head_idle_series_ms;
  rocksdb::WriteBatch batch;
  std::vector<Written> written;
  std::vector<Sample> samples;
  auto flush = [&]() -> Status {
    if (batch.Count() > 0) {
      rocksdb::Status st = rdb_->Write(rocksdb::WriteOptions(), &batch);
      if (!st.ok()) return Status::IOError("tsdb: checkpoint write: " + st.ToString());
      batch.Clear();
    }
    for (Written& w : written) {
      HeadSeries& s = *w.series;
      auto l = LockSeries(stripes_, s.id);
      s.persisted = true;
      std::erase_if(s.closed, [&](const ClosedChunk& c) {
        return std::find(w.closed.begin(), w.closed.end(), c.min_t) != w.closed.end();
      });
      if (s.ooo && !w.ooo.empty()) {
        std::erase_if(*s.ooo, [&](const Sample& x) {
          return std::binary_search(w.ooo.begin(), w.ooo.end(), x,
                                    [](const Sample& a, const Sample& b) { return a.t < b.t; });
        });
        if (s.ooo->empty()) s.ooo.reset();
      }
      if (w.idle && s.chunk && s.chunk_min_t == w.chunk_min_t && s.chunk->num_samples() == w.chunk_samples) {
        s.chunk.reset();
        metrics_.head_truncations.Inc();
      }
    }
    written.clear();
    return Status::Ok();
  };
  Status result;
  for (size_t i = 0; i < SeriesStripes::kStripes && result.ok(); ++i) {
    auto& stripe = stripes_.stripe(i);
    {
      std::lock_guard l(stripe.mu);
      stripe.by_id.ForEach([&](uint64_t, HeadSeries* sp) {
        HeadSeries& s = *sp;
        if (!s.persisted) batch.Put(cf_series_, SeriesKey(s.id), s.PackedLabels(symbols_));
        if (!s.chunk && s.closed.empty() && !s.ooo) {
          if (!s.persisted) written.push_back({&s});
          return;
        }
        Written w{&s};
        auto put_in_order = [&](const HeadChunk& chunk) {
          samples.clear();
          (void)chunk.Decode(&samples);
          if (samples.empty()) return;
          batch.Put(cf_chunks_, InOrderChunkKey(s.id, samples.front().t),
                    EncodeChunkValue(samples.data(), samples.size()));
        };
        for (const ClosedChunk& c : s.closed) {
          put_in_order(c.chunk);
          w.closed.push_back(c.min_t);
        }
        if (s.chunk) {
          put_in_order(*s.chunk);
          w.chunk_min_t = s.chunk_min_t;
          w.chunk_samples = s.chunk->num_samples();
          w.idle = s.max_t < idle_before;
        }
        if (s.ooo) {
          w.ooo = *s.ooo;
          // One chunk per partition (and at most the chunk format's count).
          size_t b = 0;
          while (b < w.ooo.size()) {
            const int64_t p = PartitionOf(w.ooo[b].t, options_.partition_duration_ms);
            size_t e = b + 1;
            while (e < w.ooo.size() && e - b < kXorChunkMaxSamples &&
                   PartitionOf(w.ooo[e].t, options_.partition_duration_ms) == p) {
              ++e;
            }
            batch.Put(cf_chunks_,
                      ChunkKey(p, s.id, w.ooo[b].t, ChunkKind::kOutOfOrder, ooo_sequence_.fetch_add(1)),
                      EncodeChunkValue(w.ooo.data() + b, e - b));
            b = e;
          }
        }
        written.push_back(std::move(w));
      });
    }
    if (batch.GetDataSize() >= kBatchBytes || i + 1 == SeriesStripes::kStripes) result = flush();
  }
  if (result.ok()) {
    rocksdb::Status st = rdb_->FlushWAL(/*sync=*/true);
    if (!st.ok()) result = Status::IOError("tsdb: syncing the index: " + st.ToString());
  }
  if (!result.ok()) {
    metrics_.checkpoint_creations_failed.Inc();
    logger_.Error("Checkpoint failed; the WAL is kept", {{"err", result.ToString()}});
    return result;
  }
  metrics_.wal_truncations.Inc();
  Status st = wal_->TruncateBefore(*segment);
  if (!st.ok()) {
    metrics_.wal_truncations_failed.Inc();
    return st;
  }
  wal_bytes_since_checkpoint_ = 0;
  last_checkpoint_ms_ = clock_->NowMs();
  metrics_.wal_segment_current.Set(*segment);
  metrics_.checkpoint_duration.Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return Status::Ok();
}

Status DbImpl::RunMaintenance(bool force_checkpoint) {
  const bool due = force_checkpoint || wal_bytes_since_checkpoint_.load() >= options_.checkpoint_wal_bytes ||
                   clock_->NowMs() - last_checkpoint_ms_.load() >= options_.checkpoint_interval_ms;
  if (due) EMBER_RETURN_IF_ERROR(Checkpoint());
  EMBER_RETURN_IF_ERROR(ApplyRetention());
  const HeadStats head = Head();
  metrics_.head_chunks.Set(static_cast<double>(head.num_chunks));
  metrics_.head_min_time.Set(static_cast<double>(head.min_time));
  metrics_.head_max_time.Set(static_cast<double>(head.max_time));
  metrics_.wal_storage_size_bytes.Set(static_cast<double>(WalBytes()));
  metrics_.storage_bytes.Set(static_cast<double>(IndexBytes()));
  metrics_.lowest_timestamp.Set(static_cast<double>(std::min(LowestPersistedTime(), head.min_time)));
  return Status::Ok();
}

void DbImpl::MaintenanceLoop() {
  std::unique_lock lock(loop_mu_);
  while (!stop_) {
    loop_cv_.wait_for(lock, std::chrono::milliseconds(options_.maintenance_interval_ms),
                      [&] { return stop_; });
    if (stop_) break;
    lock.unlock();
    Status st = RunMaintenance(false);
    if (!st.ok()) logger_.Error("TSDB maintenance failed", {{"err", st.ToString()}});
    lock.lock();
  }
}

// --- retention -------------------------------------------------------------------

Status DbImpl::ApplyRetention() {
  std::lock_guard lock(maintenance_mu_);
  const int64_t retention = retention_ms_.load();
  const int64_t head_max = head_max_t_.load();
  if (retention > 0 && head_max != kMinTime) {
    // A partition goes once its newest possible sample is older than the limit.
    const int64_t keep_from = PartitionOf(head_max - retention, options_.partition_duration_ms);
    bool any;
    {
      std::shared_lock pl(partitions_mu_);
      any = !partitions_.empty() && partitions_.begin()->first < keep_from;
    }
    if (any) {
      EMBER_RETURN_IF_ERROR(DropPartitionsBefore(keep_from));
      metrics_.time_retentions.Inc();
    }
  }
  const uint64_t limit = retention_bytes_.load();
  while (limit > 0 && DiskBytes() > limit) {
    int64_t oldest;
    {
      std::shared_lock pl(partitions_mu_);
      if (partitions_.size() <= 1) break;  // never the partition being written
      oldest = partitions_.begin()->first;
    }
    EMBER_RETURN_IF_ERROR(DropPartitionsBefore(oldest + 1));
    metrics_.size_retentions.Inc();
  }
  return Status::Ok();
}

Status DbImpl::DropPartitionsBefore(int64_t partition) {
  int64_t first;
  {
    std::unique_lock pl(partitions_mu_);
    if (partitions_.empty() || partitions_.begin()->first >= partition) return Status::Ok();
    first = partitions_.begin()->first;
  }
  // Appends before the cut are out of bounds from now on.
  int64_t cut = partition * options_.partition_duration_ms;
  int64_t cur = lowest_valid_t_.load();
  while (cut > cur && !lowest_valid_t_.compare_exchange_weak(cur, cut)) {
  }
  std::string cut_value;
  PutFixed64BE(&cut_value, OrderedTime(std::max(cut, cur)));
  if (rocksdb::Status st = rdb_->Put(rocksdb::WriteOptions(), cf_default_, kRetentionCutKey, cut_value);
      !st.ok()) {
    return Status::IOError("tsdb: recording the retention cut: " + st.ToString());
  }
  const std::string from = PartitionPrefix(first);
  const std::string to = PartitionPrefix(partition);
  for (auto* cf : {cf_chunks_, cf_postings_}) {
    rocksdb::Slice b(from), e(to);
    rocksdb::Status st = rdb_->DeleteRange(rocksdb::WriteOptions(), cf, b, e);
    if (!st.ok()) return Status::IOError("tsdb: deleting old partitions: " + st.ToString());
    // Whole files in the range go at once; compacting the rest gives the
    // space back now rather than at some later compaction.
    (void)rocksdb::DeleteFilesInRange(rdb_, cf, &b, &e);
    (void)rdb_->CompactRange(rocksdb::CompactRangeOptions(), cf, &b, &e);
  }
  Postings alive;
  {
    std::unique_lock pl(partitions_mu_);
    partitions_.erase(partitions_.begin(), partitions_.lower_bound(partition));
    std::vector<const Postings*> lists;
    for (auto& [p, ids] : partitions_) lists.push_back(&ids);
    alive = Union(lists);
  }
  logger_.Info("Deleted old partitions", {{"before", FormatRfc3339Millis(cut)}});

  // Series left with no data anywhere leave the index.
  std::vector<std::pair<uint64_t, uint64_t>> dead;  // id, hash
  for (size_t i = 0; i < SeriesStripes::kStripes; ++i) {
    auto& stripe = stripes_.stripe(i);
    std::lock_guard l(stripe.mu);
    stripe.by_id.ForEach([&](uint64_t id, HeadSeries* s) {
      // Head data of dropped partitions goes too (chunks never span one).
      if (s->chunk && s->chunk_min_t < cut) s->chunk.reset();
      std::erase_if(s->closed, [&](const ClosedChunk& c) { return c.min_t < cut; });
      if (s->ooo) {
        std::erase_if(*s->ooo, [&](const Sample& x) { return x.t < cut; });
        if (s->ooo->empty()) s->ooo.reset();
      }
      if (!s->chunk && s->closed.empty() && !s->ooo && s->pins == 0 &&
          !std::binary_search(alive.begin(), alive.end(), id)) {
        dead.emplace_back(id, s->GetLabels(symbols_).Hash());
      }
    });
  }
  rocksdb::WriteBatch batch;
  std::vector<std::pair<uint64_t, Labels>> removed;
  for (auto [id, hash] : dead) {
    auto& hs = stripes_.ForHash(hash);
    std::lock_guard hl(hs.mu);
    auto& stripe = stripes_.ForId(id);
    std::unique_ptr<HeadSeries> owned;
    {
      std::lock_guard l(stripe.mu);
      HeadSeries* s = stripe.by_id.Find(id);
      if (s == nullptr) continue;
      if (s->chunk || !s->closed.empty() || s->ooo || s->pins != 0) continue;
      HeadSeries* head = hs.by_hash.Find(hash);
      if (head == s) {
        if (s->next_in_hash != nullptr) {
          hs.by_hash.Upsert(hash, s->next_in_hash);
        } else {
          hs.by_hash.Erase(hash);
        }
      } else {
        for (HeadSeries* p = head; p != nullptr; p = p->next_in_hash) {
          if (p->next_in_hash == s) {
            p->next_in_hash = s->next_in_hash;
            break;
          }
        }
      }
      owned.reset(s);
      stripe.by_id.Erase(id);
    }
    removed.emplace_back(id, owned->GetLabels(symbols_));
    owned->ReleaseLabels(symbols_);
    batch.Delete(cf_series_, SeriesKey(id));
    batch.Delete(cf_tombstones_, SeriesKey(id));
    metrics_.series_removed.Inc();
    metrics_.head_series.Dec();
  }
  std::vector<LabelIndex::SeriesRef> refs;
  refs.reserve(removed.size());
  for (auto& [id, labels] : removed) refs.push_back({id, &labels});
  index_.Remove(refs);
  {
    std::unique_lock tl(tombstones_mu_);
    for (auto [id, hash] : dead) tombstones_.erase(id);
  }
  rocksdb::Status st = rdb_->Write(rocksdb::WriteOptions(), &batch);
  if (!st.ok()) return Status::IOError("tsdb: removing old series: " + st.ToString());
  return Status::Ok();
}

// --- deletes --------------------------------------------------------------------------

namespace {

std::string EncodeIntervals(const std::vector<Interval>& intervals) {
  std::string out;
  for (const Interval& iv : intervals) {
    PutVarint(&out, iv.mint);
    PutVarint(&out, iv.maxt);
  }
  return out;
}

void AddInterval(std::vector<Interval>* list, Interval add) {
  list->push_back(add);
  std::sort(list->begin(), list->end(), [](const Interval& a, const Interval& b) { return a.mint < b.mint; });
  std::vector<Interval> merged;
  for (const Interval& iv : *list) {
    if (!merged.empty() && (iv.mint <= merged.back().maxt ||
                            (merged.back().maxt != kMaxTime && iv.mint == merged.back().maxt + 1))) {
      merged.back().maxt = std::max(merged.back().maxt, iv.maxt);
    } else {
      merged.push_back(iv);
    }
  }
  *list = std::move(merged);
}

bool Deleted(const std::vector<Interval>& intervals, int64_t t) {
  for (const Interval& iv : intervals) {
    if (t >= iv.mint && t <= iv.maxt) return true;
  }
  return false;
}

}  // namespace

Status DbImpl::DeleteSeries(std::span<const Matcher> matchers, int64_t mint, int64_t maxt) {
  std::lock_guard lock(maintenance_mu_);
  // Up to the newest sample now: samples appended after the delete stay.
  const int64_t head_max = head_max_t_.load();
  if (head_max == kMinTime) return Status::Ok();
  maxt = std::min(maxt, head_max);
  if (mint > maxt) return Status::Ok();
  Postings ids = SelectIds(matchers, mint, maxt);
  if (ids.empty()) return Status::Ok();
  rocksdb::WriteBatch batch;
  std::unique_lock tl(tombstones_mu_);
  for (uint64_t id : ids) {
    std::vector<Interval>& list = tombstones_[id];
    AddInterval(&list, {mint, maxt});
    batch.Put(cf_tombstones_, SeriesKey(id), EncodeIntervals(list));
  }
  rocksdb::WriteOptions wo;
  wo.sync = true;
  rocksdb::Status st = rdb_->Write(wo, &batch);
  if (!st.ok()) return Status::IOError("tsdb: writing tombstones: " + st.ToString());
  return Status::Ok();
}

Status DbImpl::CleanTombstones() {
  std::lock_guard lock(maintenance_mu_);
  std::unordered_map<uint64_t, std::vector<Interval>> tombs;
  {
    std::shared_lock tl(tombstones_mu_);
    tombs = tombstones_;
  }
  if (tombs.empty()) return Status::Ok();
  std::vector<Sample> samples, kept;
  for (const auto& entry : tombs) {
    // Named variables, not a structured binding: the lambdas below capture them.
    const uint64_t id = entry.first;
    const std::vector<Interval>& intervals = entry.second;
    rocksdb::WriteBatch batch;
    std::vector<int64_t> parts;
    {
      std::shared_lock pl(partitions_mu_);
      for (auto& [p, ids] : partitions_) {
        if (std::binary_search(ids.begin(), ids.end(), id)) parts.push_back(p);
      }
    }
    // Persisted chunks: rewrite those holding deleted samples.
    std::unique_ptr<rocksdb::Iterator> it(rdb_->NewIterator(rocksdb::ReadOptions(), cf_chunks_));
    for (int64_t p : parts) {
      const std::string prefix = SeriesChunksPrefix(p, id);
      for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
        ChunkKeyParts key;
        if (!ParseChunkKey(std::string_view(it->key().data(), it->key().size()), &key)) continue;
        samples.clear();
        EMBER_RETURN_IF_ERROR(
            DecodeChunkValue(std::string_view(it->value().data(), it->value().size()), key.min_t, &samples));
        kept.clear();
        for (const Sample& x : samples) {
          if (!Deleted(intervals, x.t)) kept.push_back(x);
        }
        if (kept.size() == samples.size()) continue;
        batch.Delete(cf_chunks_, it->key());
        if (!kept.empty()) {
          batch.Put(cf_chunks_,
                    ChunkKey(p, id, kept.front().t, key.kind,
                             key.kind == ChunkKind::kOutOfOrder ? ooo_sequence_.fetch_add(1) : 0),
                    EncodeChunkValue(kept.data(), kept.size()));
        }
      }
    }
    // Head: rebuild the chunks and buffer without the deleted samples.
    {
      auto l = LockSeries(stripes_, id);
      auto& stripe = stripes_.ForId(id);
      if (HeadSeries* found = stripe.by_id.Find(id); found != nullptr) {
        HeadSeries& s = *found;
        // The chunk without the deleted samples; null when none is left.
        auto rebuild = [&](const HeadChunk& chunk, int64_t* min_t) -> std::unique_ptr<HeadChunk> {
          std::vector<Sample> all;
          (void)chunk.Decode(&all);
          auto out = std::make_unique<HeadChunk>();
          for (const Sample& x : all) {
            if (Deleted(intervals, x.t)) continue;
            if (out->num_samples() == 0) *min_t = x.t;
            out->Append(x.t, x.v);
          }
          return out->num_samples() == 0 ? nullptr : std::move(out);
        };
        if (s.chunk) {
          int64_t min_t = s.chunk_min_t;
          s.chunk = rebuild(*s.chunk, &min_t);
          s.chunk_min_t = min_t;
        }
        std::vector<ClosedChunk> kept_closed;
        for (ClosedChunk& c : s.closed) {
          int64_t min_t = c.min_t;
          auto rebuilt = rebuild(c.chunk, &min_t);
          // The key stays: a persist job in flight looks the chunk up by it.
          if (rebuilt) kept_closed.push_back({c.min_t, std::move(*rebuilt)});
        }
        s.closed = std::move(kept_closed);
        if (s.ooo) {
          std::erase_if(*s.ooo, [&](const Sample& x) { return Deleted(intervals, x.t); });
          if (s.ooo->empty()) s.ooo.reset();
        }
      }
    }
    batch.Delete(cf_tombstones_, SeriesKey(id));
    rocksdb::WriteOptions wo;
    wo.sync = true;
    rocksdb::Status st = rdb_->Write(wo, &batch);
    if (!st.ok()) return Status::IOError("tsdb: cleaning tombstones: " + st.ToString());
    std::unique_lock tl(tombstones_mu_);
    auto cur = tombstones_.find(id);
    // A delete that came in meanwhile keeps its tombstone.
    if (cur != tombstones_.end() && cur->second.size() == intervals.size()) tombstones_.erase(cur);
  }
  return Status::Ok();
}

// --- snapshots and stats ------------------------------------------------------------------

Result<std::string> DbImpl::Snapshot() {
  EMBER_RETURN_IF_ERROR(Checkpoint());
  std::lock_guard lock(maintenance_mu_);
  const auto now = std::chrono::system_clock::to_time_t(clock_->Now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
  std::random_device rd;
  const uint64_t r = (static_cast<uint64_t>(rd()) << 31 ^ rd()) & 0x7fffffffffffffffULL;
  char name[64];
  std::snprintf(name, sizeof(name), "%s-%016llx", stamp, static_cast<unsigned long long>(r));
  const std::string dir = JoinPath(JoinPath(options_.dir, "snapshots"), name);
  FileSystem& fs = FileSystem::Real();
  EMBER_RETURN_IF_ERROR(fs.CreateDirs(JoinPath(dir, "wal")));
  rocksdb::Checkpoint* cp = nullptr;
  rocksdb::Status st = rocksdb::Checkpoint::Create(rdb_, &cp);
  std::unique_ptr<rocksdb::Checkpoint> owned(cp);
  if (st.ok()) st = cp->CreateCheckpoint(JoinPath(dir, "index"));
  if (!st.ok()) {
    (void)fs.RemoveAll(dir);
    return Status::IOError("tsdb: snapshot: " + st.ToString());
  }
  return std::string(name);
}

HeadStats DbImpl::Head() const {
  HeadStats h;
  h.min_time = kMaxTime;
  h.max_time = head_max_t_.load();
  for (size_t i = 0; i < SeriesStripes::kStripes; ++i) {
    auto& stripe = stripes_.stripe(i);
    std::lock_guard l(stripe.mu);
    stripe.by_id.ForEach([&](uint64_t, HeadSeries* s) {
      if (s->chunk) {
        ++h.num_series;
        h.min_time = std::min(h.min_time, s->chunk_min_t);
      }
      h.num_chunks += (s->chunk ? 1 : 0) + s->closed.size();
      for (const ClosedChunk& c : s->closed) h.min_time = std::min(h.min_time, c.min_t);
      if (s->ooo && !s->ooo->empty()) h.min_time = std::min(h.min_time, s->ooo->front().t);
    });
  }
  return h;
}

namespace {

uint64_t DirBytes(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    std::error_code e2;
    if (it->is_regular_file(e2)) total += it->file_size(e2);
  }
  return total;
}

}  // namespace

uint64_t DbImpl::DiskBytes() const { return IndexBytes() + WalBytes(); }

uint64_t DbImpl::IndexBytes() const { return DirBytes(std::filesystem::path(options_.dir) / "index"); }

uint64_t DbImpl::WalBytes() const { return DirBytes(std::filesystem::path(options_.dir) / "wal"); }

int64_t DbImpl::LowestTime() const { return std::min(LowestPersistedTime(), Head().min_time); }

int64_t DbImpl::LowestPersistedTime() const {
  int64_t first;
  {
    std::shared_lock pl(partitions_mu_);
    if (partitions_.empty()) return kMaxTime;
    first = partitions_.begin()->first;
  }
  int64_t lowest = kMaxTime;
  std::unique_ptr<rocksdb::Iterator> it(rdb_->NewIterator(rocksdb::ReadOptions(), cf_chunks_));
  const std::string prefix = PartitionPrefix(first);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    ChunkKeyParts key;
    if (ParseChunkKey(std::string_view(it->key().data(), it->key().size()), &key)) {
      lowest = std::min(lowest, key.min_t);
    }
  }
  return lowest;
}

}  // namespace ember::tsdb
