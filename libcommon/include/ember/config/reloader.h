// Reloader<T>: the current configuration of a program as an immutable
// snapshot, replaced as a whole when the file is reloaded (SIGHUP or
// POST /-/reload).
//
//   config::Reloader<Config> reloader(flags.config_file, LoadConfig, logger);
//   EMBER_RETURN_IF_ERROR(reloader.Reload());          // the first load
//   reloader.Subscribe([&](const std::shared_ptr<const Config>& c) { return scrape.Apply(*c); });
//   ... later, from any thread: reloader.Reload();  reloader.Current();
//
// A failed load never replaces the snapshot: the program keeps running on the
// configuration it had. Thread-safe: Reload() calls are serialised, and
// Current() takes only a brief lock, so readers never wait for a reload.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "ember/base/clock.h"
#include "ember/base/status.h"
#include "ember/obs/logger.h"
#include "ember/obs/metrics.h"

namespace ember::config {

// Self-metrics a Reloader keeps up to date; each may be null. The program
// registers them under its upstream names (prometheus_config_last_reload_*,
// alertmanager_config_last_reload_*, promtail_config_reload_*_total).
struct ReloadMetrics {
  Gauge* last_reload_successful = nullptr;                 // 1 after a success, 0 after a failure
  Gauge* last_reload_success_timestamp_seconds = nullptr;  // Unix seconds of the last success
  Counter* reload_successes = nullptr;
  Counter* reload_failures = nullptr;
};

// The type-independent part of Reloader<T>, which holds snapshots as
// shared_ptr<const void>. Use Reloader<T>.
class ReloaderCore {
 public:
  using Snapshot = std::shared_ptr<const void>;
  using Loader = std::function<Result<Snapshot>(const std::string& path)>;
  using Subscriber = std::function<Status(const Snapshot&)>;

  ReloaderCore(std::string path, Loader load, Logger logger, ReloadMetrics metrics, const Clock* clock);

  Status Reload();
  Snapshot Current() const;
  void Subscribe(Subscriber subscriber);
  const std::string& path() const { return path_; }

 private:
  Status Apply(const Snapshot& snapshot);

  const std::string path_;
  const Loader load_;
  const Logger logger_;
  const ReloadMetrics metrics_;
  const Clock* const clock_;

  // Held for a whole reload: two reloads never interleave, and subscribers
  // see snapshots in the order they became current.
  std::mutex reload_mu_;
  std::vector<Subscriber> subscribers_;  // GUARDED_BY(reload_mu_)

  mutable std::mutex current_mu_;
  Snapshot current_;  // GUARDED_BY(current_mu_)
};

template <class T>
class Reloader {
 public:
  // Reads and decodes the file at `path`; any failure leaves the old snapshot.
  using Loader = std::function<Result<T>(const std::string& path)>;
  // Applies a new snapshot to one component. A failure is logged and reported
  // by Reload(), but the snapshot stays current: other components may already
  // run on it, as in Prometheus.
  using Subscriber = std::function<Status(const std::shared_ptr<const T>&)>;

  Reloader(std::string path, Loader load, Logger logger, ReloadMetrics metrics = {},
           const Clock* clock = &Clock::Real())
      : core_(std::move(path), WrapLoader(std::move(load)), std::move(logger), metrics, clock) {}

  // Loads the file. On success makes the result current, logs
  //   level=info msg="Completed loading of configuration file" file=<path>
  // and calls every subscriber, in subscription order. On failure keeps the
  // current snapshot, logs
  //   level=error msg="Error reloading config" file=<path> err="<message>"
  // and returns the error. Blocks while another Reload() runs.
  Status Reload() { return core_.Reload(); }

  // The current snapshot; null until the first successful Reload(). The
  // snapshot stays valid as long as the caller holds it.
  std::shared_ptr<const T> Current() const { return std::static_pointer_cast<const T>(core_.Current()); }

  // Adds a subscriber for later reloads (not called for the current snapshot).
  // A subscriber must not call Reload() or Subscribe().
  void Subscribe(Subscriber subscriber) {
    core_.Subscribe([subscriber = std::move(subscriber)](const ReloaderCore::Snapshot& snapshot) {
      return subscriber(std::static_pointer_cast<const T>(snapshot));
    });
  }

  const std::string& path() const { return core_.path(); }

 private:
  static ReloaderCore::Loader WrapLoader(Loader load) {
    return [load = std::move(load)](const std::string& path) -> Result<ReloaderCore::Snapshot> {
      Result<T> loaded = load(path);
      if (!loaded.ok()) return loaded.status();
      return ReloaderCore::Snapshot(std::make_shared<const T>(std::move(loaded).value()));
    };
  }

  ReloaderCore core_;
};

}  // namespace ember::config
