// DiscoveryManager: runs the providers of every named config (a job, an
// Alertmanager set), merges their groups and delivers whole snapshots to one
// consumer, at most once per updates_interval, as Prometheus's
// discovery.Manager does.
//
//   DiscoveryManager m(opts, logger, &metrics, [&](const TargetSnapshot& s) { scrape.Sync(s); });
//   Status s = m.ApplyConfig({{"node", {std::make_shared<FileProviderConfig>(fc)}}});
//
// Thread-safe: ApplyConfig, Flush, Snapshot and Stop may be called from any
// thread. The callback runs on the manager's sender thread (or the thread
// calling Flush), never two at once, and must not call back into the manager.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ember/base/time.h"
#include "ember/discovery/provider.h"
#include "ember/obs/logger.h"

namespace ember::discovery {

struct DiscoveryMetrics;

// Config name (job) -> the provider configs feeding it.
using JobConfigs = std::map<std::string, std::vector<std::shared_ptr<const ProviderConfig>>>;
// Config name (job) -> every non-empty group known for it. Every configured
// name is present, with an empty list when it has no targets, so consumers
// drop targets of names whose providers went quiet.
using TargetSnapshot = std::map<std::string, std::vector<TargetGroup>>;

struct DiscoveryManagerOptions {
  // The `name` label of the manager's metrics ("scrape", "notify").
  // Default: "scrape". Fixed at construction.
  std::string name = "scrape";
  // The least time between two snapshots: changes arriving within it are sent
  // together. Zero starts no sender thread: snapshots go out only on Flush()
  // (for tests). Default: 5s, as upstream. Fixed at construction.
  Milliseconds updates_interval = std::chrono::seconds(5);
};

class DiscoveryManager {
 public:
  using Callback = std::function<void(const TargetSnapshot& snapshot)>;

  // `metrics` may be null; it outlives the manager.
  DiscoveryManager(DiscoveryManagerOptions options, Logger logger, DiscoveryMetrics* metrics,
                   Callback on_update);
  // Stops every provider and the sender.
  ~DiscoveryManager();
  DiscoveryManager(const DiscoveryManager&) = delete;
  DiscoveryManager& operator=(const DiscoveryManager&) = delete;

  // Replaces the configs: providers whose (job, mechanism, fingerprint) is
  // unchanged keep running with their groups; others are stopped (their
  // targets leave the next snapshot) or started. A snapshot follows within
  // updates_interval even if nothing changed. A provider config that fails to
  // build is logged and counted (prometheus_sd_failed_configs) and the rest
  // are applied; the first such error is returned.
  Status ApplyConfig(const JobConfigs& configs);

  // Sends a snapshot now when anything changed since the last one; returns
  // whether it did.
  bool Flush();

  // The current merged state (what the next snapshot would hold).
  TargetSnapshot Snapshot() const;

  // Stops providers and the sender; later updates are ignored. Idempotent.
  void Stop();

  // How many providers were started so far (reloads keep unchanged ones).
  uint64_t providers_started() const;

 private:
  struct State;
  struct Running;
  void SenderLoop(std::stop_token stop);
  void OnUpdate(State& state, std::vector<TargetGroup> groups);
  TargetSnapshot SnapshotLocked() const;

  const DiscoveryManagerOptions options_;
  Logger logger_;
  DiscoveryMetrics* metrics_;
  Callback on_update_;

  mutable std::mutex mu_;
  std::condition_variable_any cv_;
  std::map<std::string, std::unique_ptr<Running>> running_;  // GUARDED_BY(mu_); key: job, name, fingerprint
  std::vector<std::string> jobs_;                            // GUARDED_BY(mu_)
  bool dirty_ = false;                                       // GUARDED_BY(mu_)
  bool stopped_ = false;                                     // GUARDED_BY(mu_)
  uint64_t providers_started_ = 0;                           // GUARDED_BY(mu_)
  std::mutex send_mu_;                                       // serialises callbacks
  std::jthread sender_;
};

}  // namespace ember::discovery
