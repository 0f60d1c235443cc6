#include "nflog/nflog.h"

#include <algorithm>
#include <utility>

#include "nflog/nflog_codec.h"

namespace ember::alerter {
namespace {

const std::vector<double> kDurationBuckets = {0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10};

double SecondsSince(const Clock& clock, std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(clock.SteadyNow() - start).count();
}

bool ContainsAll(const std::vector<uint64_t>& have, const std::unordered_set<uint64_t>& want) {
  if (want.empty()) return true;
  std::unordered_set<uint64_t> set(have.begin(), have.end());
  return std::all_of(want.begin(), want.end(), [&](uint64_t fp) { return set.count(fp) > 0; });
}

}  // namespace

std::string NflogReceiver::Key() const { return group_name + "/" + integration + "/" + std::to_string(idx); }

bool NflogEntry::IsFiringSubset(const std::unordered_set<uint64_t>& firing) const {
  return ContainsAll(firing_alerts, firing);
}

bool NflogEntry::IsResolvedSubset(const std::unordered_set<uint64_t>& resolved) const {
  return ContainsAll(resolved_alerts, resolved);
}

struct NotificationLog::Metrics {
  explicit Metrics(MetricsRegistry& r)
      : gc_duration(r.NewHistogram("alertmanager_nflog_gc_duration_seconds",
                                   "Duration of the last notification log garbage collection cycle.",
                                   kDurationBuckets)),
        snapshot_duration(r.NewHistogram("alertmanager_nflog_snapshot_duration_seconds",
                                         "Duration of the last notification log snapshot.",
                                         kDurationBuckets)),
        snapshot_size(r.NewGauge("alertmanager_nflog_snapshot_size_bytes",
                                 "Size of the last notification log snapshot in bytes.")),
        maintenance(r.NewCounter("alertmanager_nflog_maintenance_total",
                                 "How many maintenances were executed for the notification log.")),
        maintenance_errors(
            r.NewCounter("alertmanager_nflog_maintenance_errors_total",
                         "How many maintenances were executed for the notification log that failed.")),
        queries(r.NewCounter("alertmanager_nflog_queries_total",
                             "Number of notification log queries were received.")),
        query_errors(r.NewCounter("alertmanager_nflog_query_errors_total",
                                  "Number notification log received queries that failed.")),
        query_duration(r.NewHistogram("alertmanager_nflog_query_duration_seconds",
                                      "Duration of notification log query evaluation.", kDurationBuckets)) {}

  Histogram& gc_duration;
  Histogram& snapshot_duration;
  Gauge& snapshot_size;
  Counter& maintenance;
  Counter& maintenance_errors;
  Counter& queries;
  Counter& query_errors;
  Histogram& query_duration;
};

NotificationLog::NotificationLog(NflogOptions options, const Clock& clock, Logger logger,
                                 MetricsRegistry* metrics)
    : options_(std::move(options)), clock_(clock), logger_(std::move(logger)) {
  if (metrics == nullptr) {
    own_metrics_ = std::make_unique<MetricsRegistry>();
    metrics = own_metrics_.get();
  }
  metrics_ = std::make_unique<Metrics>(*metrics);
}

NotificationLog::~NotificationLog() { (void)Close(); }

NotificationLog::Key NotificationLog::KeyOf(const NflogEntry& e) {
  return {e.group_key, e.receiver.group_name, e.receiver.integration, e.receiver.idx};
}

void NotificationLog::MergeLocked(NflogEntry entry) {
  Key key = KeyOf(entry);
  auto it = entries_.find(key);
  // The later notification wins, so replaying a record the snapshot
  // already holds changes nothing.
  if (it != entries_.end() && it->second.timestamp > entry.timestamp) return;
  entries_.insert_or_assign(std::move(key), std::move(entry));
}

Result<std::unique_ptr<NotificationLog>> NotificationLog::Open(NflogOptions options, FileSystem& fs,
                                                               const Clock& clock, Logger logger,
                                                               MetricsRegistry* metrics) {
  std::unique_ptr<NotificationLog> l(
      new NotificationLog(std::move(options), clock, std::move(logger), metrics));
  if (!l->options_.data_dir.empty()) {
    std::lock_guard lock(l->mu_);
    StateFilesOptions fo;
    fo.dir = l->options_.data_dir;
    fo.magic = std::string(kNflogSnapshotMagic);
    fo.sync = l->options_.sync;
    NotificationLog* self = l.get();
    EMBER_ASSIGN_OR_RETURN(l->files_, StateFiles::Open(
                                          fs, fo, l->logger_,
                                          [self](std::string_view payload) -> Status {
                                            EMBER_ASSIGN_OR_RETURN(auto list, DecodeNflogSnapshot(payload));
                                            for (NflogEntry& e : list) self->MergeLocked(std::move(e));
                                            return Status::Ok();
                                          },
                                          [self](std::string_view record) -> Status {
                                            EMBER_ASSIGN_OR_RETURN(NflogEntry e,
                                                                   DecodeNflogLogRecord(record));
                                            self->MergeLocked(std::move(e));
                                            return Status::Ok();
                                          }));
  }
  (void)l->GC();
  return l;
}

Status NotificationLog::Log(const NflogReceiver& receiver, std::string_view group_key,
                            std::vector<uint64_t> firing_alerts, std::vector<uint64_t> resolved_alerts,
                            std::chrono::milliseconds expiry) {
  const TimestampMs now = clock_.NowMs();
  NflogEntry e;
  e.group_key = std::string(group_key);
  e.receiver = receiver;
  e.timestamp = now;
  e.firing_alerts = std::move(firing_alerts);
  e.resolved_alerts = std::move(resolved_alerts);
  e.expires_at = now + options_.retention.count();
  if (expiry.count() > 0 && options_.retention > expiry) e.expires_at = now + expiry.count();

  std::lock_guard lock(mu_);
  if (closed_) return Status::FailedPrecondition("notification log closed");
  if (auto it = entries_.find(KeyOf(e)); it != entries_.end() && it->second.timestamp > now)
    return Status::Ok();
  if (files_) EMBER_RETURN_IF_ERROR(files_->Append(EncodeNflogLogRecord(e)));
  MergeLocked(std::move(e));
  return Status::Ok();
}

Result<NflogEntry> NotificationLog::Query(const NflogReceiver& receiver, std::string_view group_key) const {
  const auto start = clock_.SteadyNow();
  metrics_->queries.Inc();
  Result<NflogEntry> out = Status::NotFound("not found");
  if (group_key.empty()) {
    out = Status::InvalidArgument("no query parameters specified");
  } else {
    std::lock_guard lock(mu_);
    auto it =
        entries_.find(Key{std::string(group_key), receiver.group_name, receiver.integration, receiver.idx});
    if (it != entries_.end()) out = it->second;
  }
  if (!out.ok()) metrics_->query_errors.Inc();
  metrics_->query_duration.Observe(SecondsSince(clock_, start));
  return out;
}

size_t NotificationLog::GC() {
  const auto start = clock_.SteadyNow();
  const TimestampMs now = clock_.NowMs();
  size_t n = 0;
  {
    std::lock_guard lock(mu_);
    for (auto it = entries_.begin(); it != entries_.end();) {
      if (it->second.expires_at <= now) {
        it = entries_.erase(it);
        ++n;
      } else {
        ++it;
      }
    }
  }
  metrics_->gc_duration.Observe(SecondsSince(clock_, start));
  return n;
}

Status NotificationLog::Maintenance() {
  std::lock_guard maintenance_lock(maintenance_mu_);
  metrics_->maintenance.Inc();
  (void)GC();
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
    std::vector<NflogEntry> all;
    all.reserve(entries_.size());
    for (const auto& [key, e] : entries_) all.push_back(e);
    payload = EncodeNflogSnapshot(all);
  }
  // Close() takes maintenance_mu_ before closing the files.
  auto size = files->FinishCheckpoint(segment, payload);
  if (!size.ok()) {
    metrics_->maintenance_errors.Inc();
    logger_.Error("Running maintenance failed", {{"err", size.status().ToString()}});
    return size.status();
  }
  metrics_->snapshot_duration.Observe(SecondsSince(clock_, start));
  metrics_->snapshot_size.Set(static_cast<double>(*size));
  return Status::Ok();
}

void NotificationLog::StartMaintenance() {
  std::lock_guard maintenance_lock(maintenance_mu_);
  if (runner_ || options_.maintenance_interval.count() <= 0) return;
  runner_ = std::make_unique<PeriodicRunner>(options_.maintenance_interval, [this] { (void)Maintenance(); });
}

Status NotificationLog::Close() {
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

size_t NotificationLog::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace ember::alerter
