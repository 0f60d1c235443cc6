// NotificationLog: what each integration of each receiver last sent for
// each alert group, after Alertmanager's nflog. The dispatcher's dedup
// stage queries it before a notification and logs to it after a successful
// one; DedupDecision (dedup.h) turns an entry into a "notify or not".
//
// An entry is keyed by (group key, receiver group name, integration name,
// integration index) and holds the fingerprints of the firing and resolved
// alerts last notified and when. It expires `retention` after it was
// logged (or the per-call expiry when that is shorter) and GC removes it.
//
// With a data_dir, each Log is appended to a change log and fsynced before
// it returns, and Maintenance (periodic once StartMaintenance ran, and at
// Close) runs GC and writes a snapshot; Open restores both. README.md
// describes the files.
//
// Thread-safe: every method may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_set>
#include <vector>

#include "ember/base/clock.h"
#include "ember/base/file_system.h"
#include "ember/base/status.h"
#include "ember/base/time.h"
#include "ember/obs/logger.h"
#include "ember/obs/metrics.h"
#include "ember/wal/wal.h"
#include "silence/state_files.h"

namespace ember::alerter {

// One integration of one receiver, as upstream's nflogpb.Receiver.
struct NflogReceiver {
  std::string group_name;   // the receiver's name
  std::string integration;  // "webhook", "email", ...
  uint32_t idx = 0;         // index among the receiver's integrations of that kind

  friend bool operator==(const NflogReceiver&, const NflogReceiver&) = default;
  // "name/integration/idx", upstream's receiverKey.
  std::string Key() const;
};

struct NflogEntry {
  std::string group_key;
  NflogReceiver receiver;
  TimestampMs timestamp = 0;  // when the notification was logged
  std::vector<uint64_t> firing_alerts;
  std::vector<uint64_t> resolved_alerts;
  TimestampMs expires_at = 0;

  friend bool operator==(const NflogEntry&, const NflogEntry&) = default;

  // Every fingerprint of `firing` is among firing_alerts (upstream's
  // IsFiringSubset); likewise for resolved.
  bool IsFiringSubset(const std::unordered_set<uint64_t>& firing) const;
  bool IsResolvedSubset(const std::unordered_set<uint64_t>& resolved) const;
};

// Fixed at Open; none is reloadable.
struct NflogOptions {
  // Directory of the snapshot and the change log (--storage.path + "/nflog").
  // Empty: memory only. Default: empty.
  std::string data_dir;
  // How long an entry lives after it was logged (--data.retention). Default: 120h.
  std::chrono::milliseconds retention = std::chrono::hours(120);
  // Period of GC plus snapshot once StartMaintenance ran
  // (--data.maintenance-interval). Default: 15m.
  std::chrono::milliseconds maintenance_interval = std::chrono::minutes(15);
  // Durability of the change log. Default: fsync before every Log returns.
  wal::SyncMode sync = wal::SyncMode::kAlways;
};

class NotificationLog {
 public:
  // Loads data_dir (when set), registers the alertmanager_nflog* metrics in
  // `metrics` (a private registry when null). `fs` and `clock` must outlive
  // the log. Errors: Corruption for a damaged snapshot or log (a torn log
  // tail is cut, not an error); IOError.
  [[nodiscard]] static Result<std::unique_ptr<NotificationLog>> Open(NflogOptions options, FileSystem& fs,
                                                                     const Clock& clock, Logger logger,
                                                                     MetricsRegistry* metrics);
  ~NotificationLog();
  NotificationLog(const NotificationLog&) = delete;
  NotificationLog& operator=(const NotificationLog&) = delete;

  // Records that `receiver` was notified now about `group_key` with these
  // alerts. An existing entry with a later timestamp is kept (upstream's
  // guard against clock skew). The entry expires after retention, or after
  // `expiry` when that is positive and shorter.
  // Errors: IOError when the change could not be logged (nothing changed);
  // FailedPrecondition after Close.
  Status Log(const NflogReceiver& receiver, std::string_view group_key, std::vector<uint64_t> firing_alerts,
             std::vector<uint64_t> resolved_alerts, std::chrono::milliseconds expiry = {});

  // The entry of (group_key, receiver). Errors: NotFound "not found";
  // InvalidArgument "no query parameters specified" for an empty group key.
  Result<NflogEntry> Query(const NflogReceiver& receiver, std::string_view group_key) const;

  // Removes the entries with expires_at <= now; returns how many.
  size_t GC();
  // GC, then a snapshot when data_dir is set.
  Status Maintenance();
  // Runs Maintenance every maintenance_interval on a thread until Close.
  void StartMaintenance();
  // Stops maintenance, writes a last snapshot and closes the log. Idempotent.
  Status Close();

  size_t size() const;

 private:
  struct Metrics;
  using Key = std::tuple<std::string, std::string, std::string, uint32_t>;
  static Key KeyOf(const NflogEntry& e);

  NotificationLog(NflogOptions options, const Clock& clock, Logger logger, MetricsRegistry* metrics);
  void MergeLocked(NflogEntry entry);

  const NflogOptions options_;
  const Clock& clock_;
  const Logger logger_;
  std::unique_ptr<MetricsRegistry> own_metrics_;
  std::unique_ptr<Metrics> metrics_;

  mutable std::mutex mu_;
  std::map<Key, NflogEntry> entries_;  // GUARDED_BY(mu_)
  std::unique_ptr<StateFiles> files_;  // GUARDED_BY(mu_)
  bool closed_ = false;                // GUARDED_BY(mu_)

  std::mutex maintenance_mu_;
  std::unique_ptr<PeriodicRunner> runner_;
};

}  // namespace ember::alerter
