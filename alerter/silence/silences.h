// Silences: the silence store of ember-alerter, after Alertmanager's
// silence.Silences.
//
// Set creates or updates a silence; an update that would rewrite history
// (other matchers, a changed start of an active silence, a start moved into
// the past for a pending one, an end in the past, or any change to an
// expired one) expires the old silence and creates a new one with a new id,
// as upstream. Expire ends a silence now. GC drops silences that ended more
// than `retention` ago. Mutes answers the dispatcher's question "which
// active silences cover these labels", with a per-fingerprint cache.
//
// With a data_dir, every change is appended to a log and fsynced before the
// call returns, and Maintenance (every maintenance_interval once
// StartMaintenance ran, and at Close) runs GC and writes a snapshot; Open
// restores the snapshot plus the log, so nothing acknowledged is lost on a
// crash. See README.md for the file format.
//
// Thread-safe: every method may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ember/base/clock.h"
#include "ember/base/file_system.h"
#include "ember/base/labels.h"
#include "ember/base/status.h"
#include "ember/obs/logger.h"
#include "ember/obs/metrics.h"
#include "ember/wal/wal.h"
#include "silence/silence.h"
#include "silence/state_files.h"

namespace ember::alerter {

// Fixed at Open; none is reloadable.
struct SilencesOptions {
  // Directory of the snapshot and the change log (--storage.path + "/silences").
  // Empty: kept in memory only. Default: empty.
  std::string data_dir;
  // How long an ended silence is kept before GC removes it (--data.retention).
  // Default: 120h.
  std::chrono::milliseconds retention = std::chrono::hours(120);
  // Period of GC plus snapshot once StartMaintenance ran
  // (--data.maintenance-interval). Default: 15m.
  std::chrono::milliseconds maintenance_interval = std::chrono::minutes(15);
  // Durability of the change log. Default: fsync before every Set/Expire returns.
  wal::SyncMode sync = wal::SyncMode::kAlways;
};

// Filters of Query; every given filter must hold.
struct SilenceQuery {
  std::vector<std::string> ids;      // empty: any id
  std::vector<SilenceState> states;  // empty: any state
  std::optional<Labels> matches;     // the silence's matchers all match these labels
};

class Silences {
 public:
  // Loads data_dir (when set) and registers the alertmanager_silences*
  // metrics in `metrics` (a private registry when null). `fs` and `clock`
  // must outlive the store. Errors: Corruption for a damaged snapshot or log
  // (a torn log tail is cut, not an error); IOError.
  [[nodiscard]] static Result<std::unique_ptr<Silences>> Open(SilencesOptions options, FileSystem& fs,
                                                              const Clock& clock, Logger logger,
                                                              MetricsRegistry* metrics);
  ~Silences();
  Silences(const Silences&) = delete;
  Silences& operator=(const Silences&) = delete;

  // Creates (empty id) or updates the silence; returns its id, a new one
  // when the update had to replace the silence. A zero starts_at means now;
  // a new silence starting in the past starts now.
  // Errors: InvalidArgument "invalid silence: <ValidateSilence text>";
  // NotFound "silence not found" for an unknown id; IOError when the change
  // could not be logged (nothing changed then).
  Result<std::string> Set(Silence silence);

  // Ends the silence now (a pending one gets starts_at = ends_at = now).
  // Expiring an expired silence is OK and changes nothing, as upstream.
  // Errors: NotFound "silence not found"; IOError from the log.
  Status Expire(std::string_view id);

  // Errors: NotFound "silence not found".
  Result<Silence> Get(std::string_view id) const;
  // The matching silences ordered by id.
  std::vector<Silence> Query(const SilenceQuery& query) const;
  size_t CountState(SilenceState state) const;

  // Ids (sorted) of the active silences whose matchers all match `labels`.
  std::vector<std::string> Mutes(const Labels& labels) const;

  // Removes the silences with ends_at + retention <= now; returns how many.
  size_t GC();
  // GC, then a snapshot when data_dir is set. Errors: IOError from the snapshot.
  Status Maintenance();
  // Runs Maintenance every maintenance_interval on a thread until Close.
  void StartMaintenance();
  // Stops the maintenance thread, runs a last Maintenance and closes the log.
  // Later changes fail with FailedPrecondition. Idempotent.
  Status Close();

  // Increases on every change of the stored set.
  uint64_t Version() const;

 private:
  struct Metrics;
  Silences(SilencesOptions options, const Clock& clock, Logger logger, MetricsRegistry* metrics);

  Status ApplyRecordLocked(Silence silence);
  Status PersistLocked(std::span<const Silence> changes);
  void PutLocked(Silence silence);
  Silence ExpiredCopyLocked(const Silence& s, TimestampMs now) const;
  void UpdateStateMetricsLocked(TimestampMs now) const;

  const SilencesOptions options_;
  const Clock& clock_;
  const Logger logger_;
  std::unique_ptr<MetricsRegistry> own_metrics_;
  std::unique_ptr<Metrics> metrics_;

  mutable std::mutex mu_;
  std::map<std::string, Silence, std::less<>> silences_;  // GUARDED_BY(mu_)
  uint64_t version_ = 0;                                  // GUARDED_BY(mu_)
  std::unique_ptr<StateFiles> files_;                     // GUARDED_BY(mu_)
  bool closed_ = false;                                   // GUARDED_BY(mu_)

  // Fingerprint -> the ids of the non-expired silences matching those labels
  // at `version`; whether each is active is re-checked on every lookup.
  struct CacheEntry {
    uint64_t version = 0;
    std::vector<std::string> ids;
  };
  mutable std::mutex cache_mu_;
  mutable std::unordered_map<uint64_t, CacheEntry> cache_;  // GUARDED_BY(cache_mu_)

  std::mutex maintenance_mu_;  // one Maintenance at a time
  std::unique_ptr<PeriodicRunner> runner_;
};

}  // namespace ember::alerter
