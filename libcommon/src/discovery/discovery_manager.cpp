#include "ember/discovery/discovery_manager.h"

#include <set>

#include "ember/discovery/discovery_metrics.h"

namespace ember::discovery {

// What a provider's sink writes to. Shared with the sink, so that a sink
// called after its provider was removed finds it retired instead of freed.
struct DiscoveryManager::State {
  std::string job;
  bool retired = false;                       // GUARDED_BY(mu_): removed; updates are ignored
  std::map<std::string, TargetGroup> groups;  // GUARDED_BY(mu_): non-empty groups by source
};

// One running provider for one job.
struct DiscoveryManager::Running {
  std::shared_ptr<State> state;
  std::unique_ptr<Provider> provider;
  // Last, so that it is destroyed (stopped and joined) before the rest.
  std::jthread thread;
};

DiscoveryManager::DiscoveryManager(DiscoveryManagerOptions options, Logger logger, DiscoveryMetrics* metrics,
                                   Callback on_update)
    : options_(std::move(options)),
      logger_(std::move(logger)),
      metrics_(metrics),
      on_update_(std::move(on_update)) {
  if (options_.updates_interval > Milliseconds(0)) {
    sender_ = std::jthread([this](std::stop_token stop) { SenderLoop(stop); });
  }
}

DiscoveryManager::~DiscoveryManager() { Stop(); }

void DiscoveryManager::Stop() {
  std::map<std::string, std::unique_ptr<Running>> old;
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
    for (auto& [key, r] : running_) r->state->retired = true;
    old.swap(running_);
  }
  sender_.request_stop();
  cv_.notify_all();
  if (sender_.joinable()) sender_.join();
  old.clear();  // stops and joins the providers, outside mu_: their sinks lock it
}

Status DiscoveryManager::ApplyConfig(const JobConfigs& configs) {
  Status first_error;
  int failed = 0;
  std::map<std::string, std::unique_ptr<Running>> removed;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return Status::FailedPrecondition("discovery manager stopped");
    std::map<std::string, std::unique_ptr<Running>> next;
    jobs_.clear();
    for (const auto& [job, list] : configs) {
      jobs_.push_back(job);
      for (const std::shared_ptr<const ProviderConfig>& cfg : list) {
        if (cfg == nullptr) continue;
        std::string mechanism(cfg->Name());
        std::string key = job + '\0' + mechanism + '\0' + cfg->Fingerprint();
        if (next.count(key)) continue;  // the same config twice in a job serves once
        if (auto it = running_.find(key); it != running_.end()) {
          next[key] = std::move(it->second);
          running_.erase(it);
          continue;
        }
        ProviderOptions popts{logger_.With({{"discovery", mechanism}, {"config", job}}), metrics_};
        Result<std::unique_ptr<Provider>> provider = cfg->NewProvider(popts);
        if (!provider.ok()) {
          ++failed;
          logger_.Error("Cannot create service discovery",
                        {{"err", provider.status()}, {"type", mechanism}, {"config", job}});
          if (first_error.ok()) first_error = provider.status();
          continue;
        }
        auto r = std::make_unique<Running>();
        r->state = std::make_shared<State>();
        r->state->job = job;
        r->provider = *std::move(provider);
        // The thread may call OnUpdate at once; it blocks on mu_ until this
        // ApplyConfig is done.
        r->thread =
            std::jthread([this, provider = r->provider.get(), state = r->state](std::stop_token stop) {
              provider->Run(stop, [this, state](std::vector<TargetGroup> groups) {
                OnUpdate(*state, std::move(groups));
              });
            });
        ++providers_started_;
        next[key] = std::move(r);
      }
    }
    for (auto& [key, r] : running_) r->state->retired = true;
    removed.swap(running_);
    running_ = std::move(next);
    dirty_ = true;
  }
  if (metrics_ != nullptr) metrics_->failed_configs.WithLabelValues({options_.name}).Set(failed);
  cv_.notify_all();
  removed.clear();  // stop and join outside mu_
  return first_error;
}

void DiscoveryManager::OnUpdate(State& state, std::vector<TargetGroup> groups) {
  if (metrics_ != nullptr) metrics_->received_updates.WithLabelValues({options_.name}).Inc();
  std::lock_guard lock(mu_);
  if (state.retired) return;
  bool changed = false;
  for (TargetGroup& g : groups) {
    auto it = state.groups.find(g.source);
    if (g.targets.empty()) {
      // An empty group drops its source, so that it does not linger.
      if (it != state.groups.end()) {
        state.groups.erase(it);
        changed = true;
      }
    } else if (it == state.groups.end() || !(it->second == g)) {
      std::string source = g.source;
      state.groups[source] = std::move(g);
      changed = true;
    }
  }
  if (changed && !dirty_) {
    dirty_ = true;
    cv_.notify_all();
  }
}

TargetSnapshot DiscoveryManager::SnapshotLocked() const {
  TargetSnapshot out;
  for (const std::string& job : jobs_) out[job];
  for (const auto& [key, r] : running_) {
    std::vector<TargetGroup>& list = out[r->state->job];
    for (const auto& [source, g] : r->state->groups) list.push_back(g);
  }
  return out;
}

TargetSnapshot DiscoveryManager::Snapshot() const {
  std::lock_guard lock(mu_);
  return SnapshotLocked();
}

bool DiscoveryManager::Flush() {
  std::lock_guard send_lock(send_mu_);
  TargetSnapshot snapshot;
  {
    std::lock_guard lock(mu_);
    if (!dirty_ || stopped_) return false;
    dirty_ = false;
    snapshot = SnapshotLocked();
  }
  if (metrics_ != nullptr) {
    metrics_->updates.WithLabelValues({options_.name}).Inc();
    for (const auto& [job, groups] : snapshot) {
      size_t n = 0;
      for (const TargetGroup& g : groups) n += g.targets.size();
      metrics_->discovered_targets.WithLabelValues({job, options_.name}).Set(static_cast<double>(n));
    }
  }
  if (on_update_) on_update_(snapshot);
  return true;
}

void DiscoveryManager::SenderLoop(std::stop_token stop) {
  while (!stop.stop_requested()) {
    {
      std::unique_lock lock(mu_);
      // Wait for a change, then let the interval pass so that changes arriving
      // meanwhile go out together.
      if (!cv_.wait(lock, stop, [&] { return dirty_; })) return;
    }
    Flush();
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, stop, options_.updates_interval, [] { return false; });
  }
}

uint64_t DiscoveryManager::providers_started() const {
  std::lock_guard lock(mu_);
  return providers_started_;
}

}  // namespace ember::discovery
