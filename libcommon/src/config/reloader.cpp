#include "ember/config/reloader.h"

namespace ember::config {

ReloaderCore::ReloaderCore(std::string path, Loader load, Logger logger, ReloadMetrics metrics,
                           const Clock* clock)
    : path_(std::move(path)),
      load_(std::move(load)),
      logger_(std::move(logger)),
      metrics_(metrics),
      clock_(clock) {}

Status ReloaderCore::Reload() {
  std::lock_guard lock(reload_mu_);
  auto start = clock_->SteadyNow();
  Result<Snapshot> loaded = load_(path_);
  Status status = loaded.status();
  if (status.ok()) {
    {
      std::lock_guard current_lock(current_mu_);
      current_ = *loaded;
    }
    status = Apply(*loaded);
  }
  if (!status.ok()) {
    logger_.Error("Error reloading config", {{"file", path_}, {"err", status}});
    if (metrics_.last_reload_successful) metrics_.last_reload_successful->Set(0);
    if (metrics_.reload_failures) metrics_.reload_failures->Inc();
    return status;
  }
  logger_.Info("Completed loading of configuration file",
               {{"file", path_}, {"totalDuration", clock_->SteadyNow() - start}});
  if (metrics_.last_reload_successful) metrics_.last_reload_successful->Set(1);
  if (metrics_.last_reload_success_timestamp_seconds) {
    metrics_.last_reload_success_timestamp_seconds->Set(static_cast<double>(clock_->NowMs()) / 1000);
  }
  if (metrics_.reload_successes) metrics_.reload_successes->Inc();
  return Status::Ok();
}

// Every subscriber runs even after one fails, so that components do not
// diverge further than the failing one.
Status ReloaderCore::Apply(const Snapshot& snapshot) {
  Status first_error;
  for (const Subscriber& subscriber : subscribers_) {
    Status s = subscriber(snapshot);
    if (!s.ok() && first_error.ok()) first_error = s;
  }
  return first_error.WithContext("applying the new configuration from " + path_);
}

ReloaderCore::Snapshot ReloaderCore::Current() const {
  std::lock_guard lock(current_mu_);
  return current_;
}

void ReloaderCore::Subscribe(Subscriber subscriber) {
  std::lock_guard lock(reload_mu_);
  subscribers_.push_back(std::move(subscriber));
}

}  // namespace ember::config
