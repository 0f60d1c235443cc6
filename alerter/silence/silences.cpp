#include "silence/silences.h"

#include <algorithm>
#include <utility>

#include "silence/silence_codec.h"

namespace ember::alerter {
namespace {

const std::vector<double> kDurationBuckets = {0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10};

double SecondsSince(const Clock& clock, std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(clock.SteadyNow() - start).count();
}

int64_t FloorSeconds(TimestampMs ms) { return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000); }

// Whether `b` may replace `a` in place without rewriting what was silenced
// in the past (upstream's canUpdate).
bool CanUpdate(const Silence& a, const Silence& b, TimestampMs now) {
  if (a.matchers != b.matchers) return false;
  switch (GetSilenceState(a, now)) {
    case SilenceState::kActive:
      // Upstream compares whole seconds, so a round trip through an API with
      // second precision still counts as unchanged.
      if (FloorSeconds(a.starts_at) != FloorSeconds(b.starts_at)) return false;
      if (b.ends_at < now) return false;
      return true;
    case SilenceState::kPending:
      return b.starts_at >= now;
    case SilenceState::kExpired:
      return false;
  }
  return false;
}

}  // namespace

struct Silences::Metrics {
  explicit Metrics(MetricsRegistry& r)
      : silences(r.NewGaugeFamily("alertmanager_silences", "How many silences by state.", {"state"})),
        gc_duration(r.NewHistogram("alertmanager_silences_gc_duration_seconds",
                                   "Duration of the last silence garbage collection cycle.",
                                   kDurationBuckets)),
        snapshot_duration(r.NewHistogram("alertmanager_silences_snapshot_duration_seconds",
                                         "Duration of the last silence snapshot.", kDurationBuckets)),
        snapshot_size(r.NewGauge("alertmanager_silences_snapshot_size_bytes",
                                 "Size of the last silence snapshot in bytes.")),
        queries(
            r.NewCounter("alertmanager_silences_queries_total", "How many silence queries were received.")),
        query_errors(r.NewCounter("alertmanager_silences_query_errors_total",
                                  "How many silence received queries did not succeed.")),
        query_duration(r.NewHistogram("alertmanager_silences_query_duration_seconds",
                                      "Duration of silence query evaluation.", kDurationBuckets)),
        maintenance(r.NewCounter("alertmanager_silences_maintenance_total",
                                 "How many maintenances were executed for silences.")),
        maintenance_errors(r.NewCounter("alertmanager_silences_maintenance_errors_total",
                                        "How many maintenances were executed for silences that failed.")) {}

  Family<Gauge>& silences;
  Histogram& gc_duration;
  Histogram& snapshot_duration;
  Gauge& snapshot_size;
  Counter& queries;
  Counter& query_errors;
  Histogram& query_duration;
  Counter& maintenance;
  Counter& maintenance_errors;
};

Silences::Silences(SilencesOptions options, const Clock& clock, Logger logger, MetricsRegistry* metrics)
    : options_(std::move(options)), clock_(clock), logger_(std::move(logger)) {
  if (metrics == nullptr) {
    own_metrics_ = std::make_unique<MetricsRegistry>();
    metrics = own_metrics_.get();
  }
  metrics_ = std::make_unique<Metrics>(*metrics);
}

Silences::~Silences() { (void)Close(); }

Result<std::unique_ptr<Silences>> Silences::Open(SilencesOptions options, FileSystem& fs, const Clock& clock,
                                                 Logger logger, MetricsRegistry* metrics) {
  std::unique_ptr<Silences> s(new Silences(std::move(options), clock, std::move(logger), metrics));
  if (!s->options_.data_dir.empty()) {
    std::lock_guard lock(s->mu_);
    StateFilesOptions fo;
    fo.dir = s->options_.data_dir;
    fo.magic = std::string(kSilenceSnapshotMagic);
    fo.sync = s->options_.sync;
    Silences* self = s.get();
    EMBER_ASSIGN_OR_RETURN(s->files_, StateFiles::Open(
                                          fs, fo, s->logger_,
                                          [self](std::string_view payload) -> Status {
                                            EMBER_ASSIGN_OR_RETURN(auto list, DecodeSilenceSnapshot(payload));
                                            for (Silence& sil : list) self->PutLocked(std::move(sil));
                                            return Status::Ok();
                                          },
                                          [self](std::string_view record) -> Status {
                                            EMBER_ASSIGN_OR_RETURN(Silence sil,
                                                                   DecodeSilenceLogRecord(record));
                                            return self->ApplyRecordLocked(std::move(sil));
                                          }));
    s->logger_.Info("Loaded silences", {{"count", static_cast<int64_t>(s->silences_.size())}});
  }
  (void)s->GC();
  return s;
}

Status Silences::ApplyRecordLocked(Silence silence) {
  auto it = silences_.find(silence.id);
  // Records are whole silences; the newer one wins, so replaying a record
  // the snapshot already holds changes nothing.
  if (it != silences_.end() && it->second.updated_at > silence.updated_at) return Status::Ok();
  PutLocked(std::move(silence));
  return Status::Ok();
}

void Silences::PutLocked(Silence silence) {
  std::string id = silence.id;
  silences_.insert_or_assign(std::move(id), std::move(silence));
  ++version_;
}

Status Silences::PersistLocked(std::span<const Silence> changes) {
  if (closed_) return Status::FailedPrecondition("silences closed");
  if (!files_) return Status::Ok();
  std::vector<std::string> records;
  records.reserve(changes.size());
  for (const Silence& s : changes) records.push_back(EncodeSilenceLogRecord(s));
  std::vector<std::string_view> views(records.begin(), records.end());
  return files_->AppendBatch(views);
}

Silence Silences::ExpiredCopyLocked(const Silence& s, TimestampMs now) const {
  Silence out = s;
  if (GetSilenceState(s, now) == SilenceState::kPending) out.starts_at = now;
  out.ends_at = now;
  out.updated_at = now;
  return out;
}

Result<std::string> Silences::Set(Silence silence) {
  const TimestampMs now = clock_.NowMs();
  if (silence.starts_at == 0) silence.starts_at = now;
  if (Status st = ValidateSilence(silence); !st.ok()) {
    return Status::InvalidArgument("invalid silence: " + st.message());
  }

  std::lock_guard lock(mu_);
  const Silence* prev = nullptr;
  if (!silence.id.empty()) {
    auto it = silences_.find(silence.id);
    if (it == silences_.end()) return Status::NotFound("silence not found");
    prev = &it->second;
  }
  if (prev != nullptr && CanUpdate(*prev, silence, now)) {
    silence.updated_at = now;
    const Silence one[] = {silence};
    EMBER_RETURN_IF_ERROR(PersistLocked(one));
    std::string id = silence.id;
    PutLocked(std::move(silence));
    UpdateStateMetricsLocked(now);
    return id;
  }

  silence.id = NewUuidV4();
  if (silence.starts_at < now) silence.starts_at = now;
  silence.updated_at = now;
  std::vector<Silence> changes;
  if (prev != nullptr && GetSilenceState(*prev, now) != SilenceState::kExpired) {
    // Keep the old silence as the record of what was muted until now.
    changes.push_back(ExpiredCopyLocked(*prev, now));
  }
  changes.push_back(silence);
  EMBER_RETURN_IF_ERROR(PersistLocked(changes));
  for (Silence& s : changes) PutLocked(std::move(s));
  UpdateStateMetricsLocked(now);
  return silence.id;
}

Status Silences::Expire(std::string_view id) {
  const TimestampMs now = clock_.NowMs();
  std::lock_guard lock(mu_);
  auto it = silences_.find(id);
  if (it == silences_.end()) return Status::NotFound("silence not found");
  if (GetSilenceState(it->second, now) == SilenceState::kExpired) return Status::Ok();
  const Silence one[] = {ExpiredCopyLocked(it->second, now)};
  EMBER_RETURN_IF_ERROR(PersistLocked(one));
  PutLocked(one[0]);
  UpdateStateMetricsLocked(now);
  return Status::Ok();
}

Result<Silence> Silences::Get(std::string_view id) const {
  std::lock_guard lock(mu_);
  auto it = silences_.find(id);
  if (it == silences_.end()) return Status::NotFound("silence not found");
  return it->second;
}

std::vector<Silence> Silences::Query(const SilenceQuery& query) const {
  const auto start = clock_.SteadyNow();
  metrics_->queries.Inc();
  const TimestampMs now = clock_.NowMs();
  std::vector<Silence> out;
  auto consider = [&](const Silence& s) {
    if (!query.states.empty() &&
        std::find(query.states.begin(), query.states.end(), GetSilenceState(s, now)) == query.states.end()) {
      return;
    }
    if (query.matches && !MatchesAll(s.matchers, *query.matches)) return;
    out.push_back(s);
  };
  {
    std::lock_guard lock(mu_);
    if (query.ids.empty()) {
      for (const auto& [id, s] : silences_) consider(s);
    } else {
      std::vector<std::string> ids = query.ids;
      std::sort(ids.begin(), ids.end());
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
      for (const std::string& id : ids) {
        if (auto it = silences_.find(id); it != silences_.end()) consider(it->second);
      }
    }
  }
  metrics_->query_duration.Observe(SecondsSince(clock_, start));
  return out;
}

size_t Silences::CountState(SilenceState state) const {
  const TimestampMs now = clock_.NowMs();
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& [id, s] : silences_) n += GetSilenceState(s, now) == state ? 1 : 0;
  return n;
}

std::vector<std::string> Silences::Mutes(const Labels& labels) const {
  const auto start = clock_.SteadyNow();
  metrics_->queries.Inc();
  const TimestampMs now = clock_.NowMs();
  const uint64_t fp = labels.Hash();
  std::vector<std::string> active;
  {
    std::lock_guard lock(mu_);
    std::lock_guard cache_lock(cache_mu_);
    auto it = cache_.find(fp);
    if (it == cache_.end() || it->second.version != version_) {
      // Silences only become expired by time, never un-expired, and an id's
      // matchers never change: the non-expired matches at this version are
      // the only candidates until the version moves.
      CacheEntry entry;
      entry.version = version_;
      for (const auto& [id, s] : silences_) {
        if (GetSilenceState(s, now) != SilenceState::kExpired && MatchesAll(s.matchers, labels)) {
          entry.ids.push_back(id);
        }
      }
      if (cache_.size() >= 65536) cache_.clear();
      it = cache_.insert_or_assign(fp, std::move(entry)).first;
    }
    for (const std::string& id : it->second.ids) {
      auto s = silences_.find(id);
      if (s != silences_.end() && GetSilenceState(s->second, now) == SilenceState::kActive)
        active.push_back(id);
    }
  }
  metrics_->query_duration.Observe(SecondsSince(clock_, start));
  return active;
}

size_t Silences::GC() {
  const auto start = clock_.SteadyNow();
  const TimestampMs now = clock_.NowMs();
  const int64_t retention = options_.retention.count();
  size_t n = 0;
  {
    std::lock_guard lock(mu_);
    for (auto it = silences_.begin(); it != silences_.end();) {
      if (it->second.ends_at + retention <= now) {
        it = silences_.erase(it);
        ++n;
      } else {
        ++it;
      }
    }
    if (n > 0) ++version_;
    UpdateStateMetricsLocked(now);
  }
  metrics_->gc_duration.Observe(SecondsSince(clock_, start));
  return n;
}

Status Silences::Maintenance() {
  std::lock_guard maintenance_lock(maintenance_mu_);
  metrics_->maintenance.Inc();
  const size_t removed = GC();
  StateFiles* files = nullptr;
  uint32_t segment = 0;
  std::string payload;
  const auto start = clock_.SteadyNow();
  {
    std::lock_guard lock(mu_);
    if (!files_ || closed_) return Status::Ok();
    files = files_.get();
    auto seg = files->BeginCheckpoint();
    if (!seg.ok()) {
      metrics_->maintenance_errors.Inc();
      return seg.status();
    }
    segment = *seg;
    std::vector<Silence> all;
    all.reserve(silences_.size());
    for (const auto& [id, s] : silences_) all.push_back(s);
    payload = EncodeSilenceSnapshot(all);
  }
  // Close() takes maintenance_mu_ before closing the files, so `files`
  // stays valid here without holding mu_ through the write.
  auto size = files->FinishCheckpoint(segment, payload);
  if (!size.ok()) {
    metrics_->maintenance_errors.Inc();
    logger_.Error("Running maintenance failed", {{"err", size.status().ToString()}});
    return size.status();
  }
  metrics_->snapshot_duration.Observe(SecondsSince(clock_, start));
  metrics_->snapshot_size.Set(static_cast<double>(*size));
  logger_.Debug("Maintenance done",
                {{"removed", static_cast<int64_t>(removed)}, {"size", static_cast<int64_t>(*size)}});
  return Status::Ok();
}

void Silences::StartMaintenance() {
  std::lock_guard maintenance_lock(maintenance_mu_);
  if (runner_ || options_.maintenance_interval.count() <= 0) return;
  runner_ = std::make_unique<PeriodicRunner>(options_.maintenance_interval, [this] { (void)Maintenance(); });
}

Status Silences::Close() {
  std::unique_ptr<PeriodicRunner> runner;
  {
    std::lock_guard maintenance_lock(maintenance_mu_);
    runner = std::move(runner_);
  }
  if (runner) runner->Stop();
  {
    std::lock_guard lock(mu_);
    if (closed_) return Status::Ok();
  }
  Status st = Maintenance();
  std::lock_guard maintenance_lock(maintenance_mu_);
  std::lock_guard lock(mu_);
  closed_ = true;
  if (files_) {
    Status close = files_->Close();
    if (st.ok()) st = close;
  }
  return st;
}

uint64_t Silences::Version() const {
  std::lock_guard lock(mu_);
  return version_;
}

void Silences::UpdateStateMetricsLocked(TimestampMs now) const {
  size_t counts[3] = {0, 0, 0};
  for (const auto& [id, s] : silences_) ++counts[static_cast<int>(GetSilenceState(s, now))];
  metrics_->silences.WithLabelValues({"expired"}).Set(static_cast<double>(counts[0]));
  metrics_->silences.WithLabelValues({"active"}).Set(static_cast<double>(counts[1]));
  metrics_->silences.WithLabelValues({"pending"}).Set(static_cast<double>(counts[2]));
}

}  // namespace ember::alerter
