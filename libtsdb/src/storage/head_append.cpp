// The append path: label checks, series lookup and creation, the
// Prometheus-compatible sample checks, head chunks, the WAL write and the
// RocksDB write of cut chunks.
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <bit>

#include "db_impl.h"
#include "encoding.h"

namespace ember::tsdb {

struct Appender::Pending {
  std::vector<PendingSample> samples;
};

namespace {

Status ValidateLabels(const Labels& labels) {
  if (labels.empty()) return Status::InvalidArgument("empty labelset");
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i].name.empty()) return Status::InvalidArgument("label name is empty");
    if (i > 0 && labels[i].name == labels[i - 1].name) {
      return Status::InvalidArgument("label name \"" + labels[i].name + "\" is not unique: invalid sample");
    }
  }
  return Status::Ok();
}

}  // namespace

// --- series lookup -------------------------------------------------------

Result<HeadSeries*> DbImpl::GetOrCreate(const Labels& labels, uint64_t hash, bool* created) {
  *created = false;
  auto& hs = stripes_.ForHash(hash);
  auto find = [&]() -> HeadSeries* {
    for (HeadSeries* s = hs.by_hash.Find(hash); s != nullptr; s = s->next_in_hash) {
      if (s->HasLabels(labels, symbols_)) return s;
    }
    return nullptr;
  };
  {
    std::lock_guard hlock(hs.mu);
    if (HeadSeries* s = find()) {
      auto lock = LockSeries(stripes_, s->id);
      ++s->pins;
      return s;
    }
  }
  EMBER_RETURN_IF_ERROR(ValidateLabels(labels));
  std::lock_guard hlock(hs.mu);
  // Another appender may have created it meanwhile.
  if (HeadSeries* s = find()) {
    auto lock = LockSeries(stripes_, s->id);
    ++s->pins;
    return s;
  }
  uint64_t id = next_id_.fetch_add(1);
  auto series = std::make_unique<HeadSeries>(id, labels, symbols_);
  HeadSeries* s = series.get();
  s->loaded = true;  // a new series has nothing stored
  s->pins = 1;
  s->next_in_hash = hs.by_hash.Find(hash);
  hs.by_hash.Upsert(hash, s);
  {
    auto lock = LockSeries(stripes_, id);
    stripes_.ForId(id).by_id.Upsert(id, series.release());
  }
  index_.Add(id, labels);
  metrics_.series_created.Inc();
  metrics_.head_series.Inc();
  *created = true;
  return s;
}

HeadSeries* DbImpl::PinById(uint64_t id) {
  auto& stripe = stripes_.ForId(id);
  std::lock_guard lock(stripe.mu);
  HeadSeries* s = stripe.by_id.Find(id);
  if (s == nullptr) return nullptr;
  ++s->pins;
  return s;
}

void DbImpl::Unpin(HeadSeries* s) {
  auto lock = LockSeries(stripes_, s->id);
  --s->pins;
}

// --- checks ----------------------------------------------------------------

void DbImpl::UpdateHeadMaxTime(int64_t t) {
  int64_t cur = head_max_t_.load(std::memory_order_relaxed);
  while (t > cur && !head_max_t_.compare_exchange_weak(cur, t, std::memory_order_relaxed)) {
  }
}

int64_t DbImpl::MinValidTime() const {
  // As Prometheus's head: without an out-of-order window, samples more than
  // half a block range behind the newest one are out of bounds.
  int64_t head_max = head_max_t_.load(std::memory_order_relaxed);
  int64_t floor = lowest_valid_t_.load(std::memory_order_relaxed);
  if (head_max == kMinTime) return floor;
  return std::max(floor, head_max - options_.partition_duration_ms / 2);
}

Result<Placement> DbImpl::CheckLocked(HeadSeries& s, int64_t t, double v) {
  EnsureLoadedLocked(s);
  const uint64_t bits = std::bit_cast<uint64_t>(v);
  if (replaying_.load(std::memory_order_relaxed)) {
    // Every sample in the WAL was accepted when it was written; replay
    // restores them all, whatever order concurrent commits logged them in.
    if (s.max_t == kMinTime || t > s.max_t) return Placement::kInOrder;
    if (t == s.max_t) return Placement::kDuplicate;
    if (s.ooo && std::binary_search(s.ooo->begin(), s.ooo->end(), Sample{t, 0},
                                    [](const Sample& a, const Sample& b) { return a.t < b.t; })) {
      return Placement::kDuplicate;
    }
    return Placement::kOutOfOrder;
  }
  const int64_t min_valid = MinValidTime();
  if (t >= min_valid) {
    if (s.max_t == kMinTime || t > s.max_t) return Placement::kInOrder;
    if (t == s.max_t) {
      if (bits != s.last_bits) {
        metrics_.duplicate_samples.Inc();
        return Status::InvalidArgument(std::string(kErrDuplicateSampleForTimestamp));
      }
      return Placement::kDuplicate;
    }
  }
  const int64_t window = options_.out_of_order_time_window_ms;
  const int64_t head_max = head_max_t_.load(std::memory_order_relaxed);
  if (window > 0 && t >= std::max(lowest_valid_t_.load(std::memory_order_relaxed), head_max - window)) {
    uint64_t stored;
    if (FindStoredLocked(s, t, &stored)) {
      if (stored != bits) {
        metrics_.duplicate_samples.Inc();
        return Status::InvalidArgument(std::string(kErrDuplicateSampleForTimestamp));
      }
      return Placement::kDuplicate;
    }
    return Placement::kOutOfOrder;
  }
  if (window > 0) {
    metrics_.too_old_samples.Inc();
    return Status::InvalidArgument(std::string(kErrTooOldSample));
  }
  if (t < min_valid) {
    metrics_.out_of_bound_samples.Inc();
    return Status::InvalidArgument(std::string(kErrOutOfBounds));
  }
  metrics_.out_of_order_samples.Inc();
  return Status::InvalidArgument(std::string(kErrOutOfOrderSample));
}

// --- head chunks -------------------------------------------------------------

void DbImpl::RegisterPartitionLocked(HeadSeries& s, int64_t partition) {
  if (partition == s.newest_partition) return;
  {
    std::unique_lock lock(partitions_mu_);
    Postings& ids = partitions_[partition];
    auto it = std::lower_bound(ids.begin(), ids.end(), s.id);
    if (it != ids.end() && *it == s.id) {
      s.newest_partition = std::max(s.newest_partition, partition);
      return;
    }
    ids.insert(it, s.id);
  }
  s.newest_partition = std::max(s.newest_partition, partition);
  // Not synced: a checkpoint syncs RocksDB before the WAL that would restore
  // this entry is removed.
  rocksdb::WriteOptions wo;
  rocksdb::Status st = rdb_->Put(wo, cf_postings_, PartitionSeriesKey(partition, s.id), rocksdb::Slice());
  if (!st.ok()) logger_.Error("Writing a partition posting failed", {{"err", st.ToString()}});
}

void DbImpl::ApplyLocked(HeadSeries& s, int64_t t, double v, Placement placement,
                         std::vector<PersistJob>* jobs) {
  if (placement == Placement::kDuplicate) return;
  const int64_t partition = PartitionOf(t, options_.partition_duration_ms);
  RegisterPartitionLocked(s, partition);
  if (placement == Placement::kOutOfOrder) {
    if (!s.ooo) s.ooo = std::make_unique<std::vector<Sample>>();
    auto it =
        std::lower_bound(s.ooo->begin(), s.ooo->end(), t, [](const Sample& a, int64_t b) { return a.t < b; });
    if (it != s.ooo->end() && it->t == t) return;
    s.ooo->insert(it, Sample{t, v});
    metrics_.ooo_samples_appended.Inc();
    return;
  }
  if (s.chunk && (s.chunk->num_samples() >= options_.samples_per_chunk ||
                  PartitionOf(s.chunk_min_t, options_.partition_duration_ms) != partition)) {
    s.closed.push_back({s.chunk_min_t, std::move(*s.chunk)});
    s.chunk.reset();
    if (jobs != nullptr) jobs->push_back({&s, s.closed.back().min_t});
  }
  if (!s.chunk) {
    s.chunk = std::make_unique<HeadChunk>();
    s.chunk_min_t = t;
    metrics_.chunks_created.Inc();
  }
  s.chunk->Append(t, v);  // t > max_t was checked
  s.max_t = t;
  s.last_bits = std::bit_cast<uint64_t>(v);
}

bool DbImpl::FindStoredLocked(const HeadSeries& s, int64_t t, uint64_t* bits) const {
  auto find_in = [&](std::span<const Sample> samples) {
    auto it = std::lower_bound(samples.begin(), samples.end(), t,
                               [](const Sample& a, int64_t b) { return a.t < b; });
    if (it == samples.end() || it->t != t) return false;
    *bits = std::bit_cast<uint64_t>(it->v);
    return true;
  };
  if (s.ooo && find_in(*s.ooo)) return true;
  std::vector<Sample> head;
  if (s.chunk && s.chunk_min_t <= t) (void)s.chunk->Decode(&head);
  for (const ClosedChunk& c : s.closed) {
    if (c.min_t <= t) (void)c.chunk.Decode(&head);
  }
  for (const Sample& x : head) {
    if (x.t == t) {
      *bits = std::bit_cast<uint64_t>(x.v);
      return true;
    }
  }
  // Late samples are rare: a look at the persisted chunks of t's partition
  // keeps one value per timestamp, as Prometheus does.
  std::unique_ptr<rocksdb::Iterator> it(rdb_->NewIterator(rocksdb::ReadOptions(), cf_chunks_));
  const std::string prefix = SeriesChunksPrefix(PartitionOf(t, options_.partition_duration_ms), s.id);
  std::vector<Sample> samples;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    ChunkKeyParts key;
    ChunkValueHeader h;
    std::string_view value(it->value().data(), it->value().size());
    if (!ParseChunkKey(std::string_view(it->key().data(), it->key().size()), &key) || key.min_t > t ||
        !ParseChunkValue(value, key.min_t, &h).ok() || h.max_t < t) {
      continue;
    }
    samples.clear();
    if (DecodeChunkValue(value, key.min_t, &samples).ok() && find_in(samples)) return true;
  }
  return false;
}

void DbImpl::EnsureLoadedLocked(HeadSeries& s) {
  if (s.loaded) return;
  s.loaded = true;
  if (s.newest_partition == kMinTime) return;
  // The newest in-order chunk tells the series' newest sample; when it is not
  // full it becomes the open chunk again, so it fills up instead of leaving a
  // short chunk behind at every restart. The newest partition may hold only
  // samples still in the WAL, so older ones are looked at too.
  std::vector<int64_t> partitions;
  {
    std::shared_lock lock(partitions_mu_);
    for (auto it = partitions_.rbegin(); it != partitions_.rend(); ++it) {
      if (std::binary_search(it->second.begin(), it->second.end(), s.id)) partitions.push_back(it->first);
    }
  }
  std::unique_ptr<rocksdb::Iterator> it(rdb_->NewIterator(rocksdb::ReadOptions(), cf_chunks_));
  std::string last_key, last_value;
  for (int64_t p : partitions) {
    const std::string prefix = SeriesChunksPrefix(p, s.id);
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      ChunkKeyParts parts_of_key;
      if (!ParseChunkKey(std::string_view(it->key().data(), it->key().size()), &parts_of_key)) continue;
      if (parts_of_key.kind != ChunkKind::kInOrder) continue;
      last_key = it->key().ToString();
      last_value = it->value().ToString();
    }
    if (!last_key.empty()) break;
  }
  if (last_key.empty()) return;
  ChunkKeyParts parts;
  ParseChunkKey(last_key, &parts);
  std::vector<Sample> samples;
  Status st = DecodeChunkValue(last_value, parts.min_t, &samples);
  if (!st.ok() || samples.empty()) {
    logger_.Error("Reading a series' newest chunk failed", {{"series", s.id}, {"err", st.ToString()}});
    return;
  }
  s.max_t = samples.back().t;
  if (replaying_.load(std::memory_order_relaxed)) replay_persisted_max_t_[s.id] = s.max_t;
  s.last_bits = std::bit_cast<uint64_t>(samples.back().v);
  if (samples.size() < options_.samples_per_chunk && !s.chunk) {
    s.chunk = std::make_unique<HeadChunk>();
    s.chunk_min_t = samples.front().t;
    for (const Sample& x : samples) s.chunk->Append(x.t, x.v);
  }
}

void DbImpl::Persist(std::vector<PersistJob>& jobs) {
  if (jobs.empty()) return;
  rocksdb::WriteBatch batch;
  std::vector<Sample> samples;
  size_t chunks = 0;
  for (PersistJob& job : jobs) {
    HeadSeries& s = *job.series;
    bool persist_series = false;
    samples.clear();
    {
      auto lock = LockSeries(stripes_, s.id);
      for (const ClosedChunk& c : s.closed) {
        if (c.min_t == job.min_t) (void)c.chunk.Decode(&samples);
      }
      persist_series = !s.persisted;
    }
    if (samples.empty()) continue;
    batch.Put(cf_chunks_, InOrderChunkKey(s.id, samples.front().t),
              EncodeChunkValue(samples.data(), samples.size()));
    ++chunks;
    if (persist_series) batch.Put(cf_series_, SeriesKey(s.id), s.PackedLabels(symbols_));
  }
  rocksdb::Status st = rdb_->Write(rocksdb::WriteOptions(), &batch);
  if (!st.ok()) {
    // The chunks stay in the head (and their samples in the WAL); the next
    // checkpoint writes them again.
    metrics_.chunk_write_failures.Inc();
    logger_.Error("Persisting chunks failed", {{"err", st.ToString()}});
    return;
  }
  metrics_.chunks_persisted.Inc(static_cast<double>(chunks));
  for (PersistJob& job : jobs) {
    HeadSeries& s = *job.series;
    auto lock = LockSeries(stripes_, s.id);
    s.persisted = true;
    std::erase_if(s.closed, [&](const ClosedChunk& c) { return c.min_t == job.min_t; });
  }
}

Status DbImpl::WriteWal(std::vector<HeadSeries*>& new_series, const std::vector<WalSample>& samples,
                        const std::vector<WalSample>& ooo_samples) {
  std::string series_record, samples_record, ooo_record;
  std::vector<std::string_view> records;
  if (!new_series.empty()) {
    std::vector<WalSeries> ws;
    ws.reserve(new_series.size());
    for (HeadSeries* s : new_series) ws.push_back({s->id, s->GetLabels(symbols_)});
    EncodeWalSeries(ws, &series_record);
    records.push_back(series_record);
  }
  if (!samples.empty()) {
    EncodeWalSamples(samples, WalRecordType::kSamples, &samples_record);
    records.push_back(samples_record);
  }
  if (!ooo_samples.empty()) {
    EncodeWalSamples(ooo_samples, WalRecordType::kOutOfOrderSamples, &ooo_record);
    records.push_back(ooo_record);
  }
  Status st = wal_->AppendBatch(records);
  if (!st.ok()) {
    metrics_.wal_writes_failed.Inc();
    return st;
  }
  wal_bytes_since_checkpoint_.fetch_add(series_record.size() + samples_record.size() + ooo_record.size(),
                                        std::memory_order_relaxed);
  return Status::Ok();
}

void DbImpl::NotifyCommit(const Db& db, const std::vector<WalSample>& samples,
                          const std::vector<WalSample>& ooo_samples) {
  // Reused per thread: a committing thread allocates only while its commits grow.
  thread_local std::vector<CommittedSample> committed;
  committed.clear();
  committed.reserve(samples.size() + ooo_samples.size());
  for (const WalSample& s : samples) committed.push_back({SeriesRef{s.id}, s.t, s.v});
  for (const WalSample& s : ooo_samples) committed.push_back({SeriesRef{s.id}, s.t, s.v});
  std::shared_lock lock(observers_mu_);
  for (CommitObserver* observer : observers_) observer->OnCommit(db, committed);
}

// --- Appender ----------------------------------------------------------------

std::vector<PendingSample> DbImpl::TakeBuffer() {
  std::lock_guard lock(buffers_mu_);
  if (buffers_.empty()) return {};
  std::vector<PendingSample> b = std::move(buffers_.back());
  buffers_.pop_back();
  return b;
}

void DbImpl::ReturnBuffer(std::vector<PendingSample> buffer) {
  constexpr size_t kMaxBuffers = 64;
  constexpr size_t kMaxKeptCapacity = size_t{1} << 16;
  if (buffer.capacity() == 0 || buffer.capacity() > kMaxKeptCapacity) return;
  buffer.clear();
  std::lock_guard lock(buffers_mu_);
  if (buffers_.size() < kMaxBuffers) buffers_.push_back(std::move(buffer));
}

Appender::Appender(Db* db) : db_(db), pending_(std::make_unique<Pending>()) {
  pending_->samples = db->impl_->TakeBuffer();
}
Appender::Appender(Appender&&) noexcept = default;
Appender& Appender::operator=(Appender&& other) noexcept {
  if (this != &other) {
    Rollback();
    if (pending_) db_->impl_->ReturnBuffer(std::move(pending_->samples));
    db_ = other.db_;
    pending_ = std::move(other.pending_);
  }
  return *this;
}
Appender::~Appender() {
  Rollback();
  if (pending_) db_->impl_->ReturnBuffer(std::move(pending_->samples));
}

size_t Appender::pending() const { return pending_ ? pending_->samples.size() : 0; }

Result<SeriesRef> Appender::Add(const Labels& labels, int64_t t, double v) {
  DbImpl& db = *db_->impl_;
  bool created;
  EMBER_ASSIGN_OR_RETURN(HeadSeries * s, db.GetOrCreate(labels, labels.Hash(), &created));
  {
    auto lock = LockSeries(db.stripes_, s->id);
    Result<Placement> p = db.CheckLocked(*s, t, v);
    if (!p.ok()) {
      --s->pins;
      return p.status();
    }
  }
  pending_->samples.push_back({s, t, v});
  return SeriesRef{s->id};
}

Result<SeriesRef> Appender::Add(SeriesRef ref, int64_t t, double v) {
  DbImpl& db = *db_->impl_;
  auto& stripe = db.stripes_.ForId(ref.id);
  HeadSeries* s;
  {
    std::lock_guard lock(stripe.mu);
    s = stripe.by_id.Find(ref.id);
    if (s == nullptr) return Status::NotFound("series " + std::to_string(ref.id) + " not found");
    Result<Placement> p = db.CheckLocked(*s, t, v);
    if (!p.ok()) return p.status();
    ++s->pins;
  }
  pending_->samples.push_back({s, t, v});
  return ref;
}

Status Appender::Commit() {
  if (!pending_ || pending_->samples.empty()) return Status::Ok();
  DbImpl& db = *db_->impl_;
  if (db.closed_.load()) {
    Rollback();
    return Status::FailedPrecondition("tsdb: closed");
  }
  std::vector<WalSample> accepted, accepted_ooo;
  accepted.reserve(pending_->samples.size());
  std::vector<HeadSeries*> new_series;
  std::vector<PersistJob> jobs;
  int64_t max_t = kMinTime;
  std::unique_lock<std::mutex> lock;
  size_t locked_stripe = SeriesStripes::kStripes;
  for (const PendingSample& p : pending_->samples) {
    HeadSeries& s = *p.series;
    if (const size_t stripe = SeriesStripes::StripeOf(s.id); stripe != locked_stripe) {
      // One stripe at a time: holding the old one while taking the next would
      // let two commits lock stripes in opposite orders.
      if (lock.owns_lock()) lock.unlock();
      lock = LockSeries(db.stripes_, s.id);
      locked_stripe = stripe;
    }
    --s.pins;
    // Another appender may have committed to the series since Add checked.
    Result<Placement> placement = db.CheckLocked(s, p.t, p.v);
    if (!placement.ok() || *placement == Placement::kDuplicate) continue;
    db.ApplyLocked(s, p.t, p.v, *placement, &jobs);
    // `logged` is set only once the WAL holds the record, so a commit racing
    // with the first one writes the record too and no samples record can
    // precede its series record.
    if (!s.logged && (new_series.empty() || new_series.back() != &s)) new_series.push_back(&s);
    (*placement == Placement::kOutOfOrder ? accepted_ooo : accepted).push_back({s.id, p.t, p.v});
    max_t = std::max(max_t, p.t);
  }
  if (lock.owns_lock()) lock.unlock();
  pending_->samples.clear();
  if (accepted.empty() && accepted_ooo.empty()) return Status::Ok();
  db.UpdateHeadMaxTime(max_t);
  db.metrics_.samples_appended.Inc(static_cast<double>(accepted.size() + accepted_ooo.size()));
  std::sort(new_series.begin(), new_series.end());
  new_series.erase(std::unique(new_series.begin(), new_series.end()), new_series.end());
  EMBER_RETURN_IF_ERROR(db.WriteWal(new_series, accepted, accepted_ooo));
  for (HeadSeries* s : new_series) {
    auto series_lock = LockSeries(db.stripes_, s->id);
    s->logged = true;
  }
  db.Persist(jobs);
  if (db.observer_count_.load(std::memory_order_relaxed) > 0) db.NotifyCommit(*db_, accepted, accepted_ooo);
  return Status::Ok();
}

void Appender::Rollback() {
  if (!pending_) return;
  for (const PendingSample& p : pending_->samples) db_->impl_->Unpin(p.series);
  pending_->samples.clear();
}

Appender Db::NewAppender() { return Appender(this); }

void Db::AddCommitObserver(CommitObserver* observer) {
  std::unique_lock lock(impl_->observers_mu_);
  impl_->observers_.push_back(observer);
  impl_->observer_count_.store(impl_->observers_.size(), std::memory_order_relaxed);
}

void Db::RemoveCommitObserver(CommitObserver* observer) {
  // The exclusive lock waits for every running OnCommit.
  std::unique_lock lock(impl_->observers_mu_);
  std::erase(impl_->observers_, observer);
  impl_->observer_count_.store(impl_->observers_.size(), std::memory_order_relaxed);
}

Result<Labels> Db::SeriesLabels(SeriesRef ref) const { return impl_->LabelsOf(ref.id); }

}  // namespace ember::tsdb
