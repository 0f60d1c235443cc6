#include "scrape/scrape_manager.h"

#include "ember/base/strings.h"
#include "scrape/pool_settings.h"

namespace ember::scraper {
namespace {

uint64_t Fnv64a(std::string_view s) {
  uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace

ScrapeManager::ScrapeManager(ScrapeManagerOptions options, tsdb::Db& db, MetadataStore* metadata,
                             Logger logger, MetricsRegistry* registry, const Clock& clock)
    : options_(std::move(options)),
      db_(db),
      metadata_(metadata),
      logger_(std::move(logger)),
      clock_(clock),
      own_registry_(registry == nullptr ? std::make_unique<MetricsRegistry>() : nullptr),
      metrics_(std::make_unique<ScrapeMetrics>(registry != nullptr ? *registry : *own_registry_)),
      scheduler_(options_.worker_threads),
      stale_queue_(scheduler_) {}

ScrapeManager::~ScrapeManager() { Stop(); }

ScrapePoolDeps ScrapeManager::PoolDeps() const {
  ScrapePoolDeps d;
  d.db = &db_;
  d.metadata = metadata_;
  d.metrics = metrics_.get();
  d.scheduler = const_cast<Scheduler*>(&scheduler_);
  d.stale_queue = const_cast<StaleMarkerQueue*>(&stale_queue_);
  d.clock = &clock_;
  d.logger = logger_;
  d.offset_seed = offset_seed_;
  d.user_agent = options_.user_agent;
  d.extra_metrics = options_.extra_metrics;
  d.client_for = [this](const http::ClientOptions& o) {
    return const_cast<ScrapeManager*>(this)->ClientFor(o);
  };
  return d;
}

Result<std::shared_ptr<http::HttpClient>> ScrapeManager::ClientFor(const http::ClientOptions& options) {
  const std::string key = ClientOptionsKey(options);
  std::lock_guard lock(clients_mu_);
  auto it = clients_.find(key);
  if (it != clients_.end()) return it->second;
  EMBER_ASSIGN_OR_RETURN(std::unique_ptr<http::HttpClient> client, http::HttpClient::Create(options));
  std::shared_ptr<http::HttpClient> shared(std::move(client));
  clients_.emplace(key, shared);
  return shared;
}

Status ScrapeManager::ApplyConfig(const ScraperConfig& config) {
  std::lock_guard apply(apply_mu_);
  std::map<std::string, std::shared_ptr<const ScrapeConfig>> configs;
  for (const ScrapeConfig& c : config.scrape_configs) configs[c.job_name] = std::make_shared<ScrapeConfig>(c);

  std::vector<std::unique_ptr<ScrapePool>> removed;
  std::vector<std::pair<std::string, ScrapePool*>> changed;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return Status();
    configs_ = configs;
    offset_seed_ = Fnv64a(options_.hostname + config.global.external_labels.ToString());
    for (auto it = pools_.begin(); it != pools_.end();) {
      auto c = configs.find(it->first);
      if (c == configs.end()) {
        removed.push_back(std::move(it->second));
        it = pools_.erase(it);
        continue;
      }
      if (ScrapeConfigFingerprint(*it->second->config()) != ScrapeConfigFingerprint(*c->second)) {
        changed.emplace_back(it->first, it->second.get());
      }
      ++it;
    }
  }
  for (auto& pool : removed) pool->Stop(ScrapeLoop::StopMode::kStaleLater);
  bool failed = false;
  for (auto& [name, pool] : changed) {
    if (Status st = pool->Reload(configs[name]); !st.ok()) {
      logger_.Error("error reloading scrape pool", {{"err", st}, {"scrape_pool", name}});
      failed = true;
    }
  }
  removed.clear();
  {
    // Clients no pool uses any more.
    std::lock_guard lock(clients_mu_);
    std::erase_if(clients_, [](const auto& kv) { return kv.second.use_count() == 1; });
  }
  if (failed) return Status::Internal("failed to apply the new configuration");
  return Status();
}

void ScrapeManager::Sync(const discovery::TargetSnapshot& snapshot) {
  std::lock_guard apply(apply_mu_);
  std::vector<std::pair<ScrapePool*, const std::vector<discovery::TargetGroup>*>> work;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    for (const auto& [name, groups] : snapshot) {
      auto it = pools_.find(name);
      if (it == pools_.end()) {
        auto c = configs_.find(name);
        if (c == configs_.end()) {
          logger_.Error("error reloading target set", {{"err", "invalid config id:" + name}});
          continue;
        }
        metrics_->scrape_pools.Inc();
        Result<std::unique_ptr<ScrapePool>> pool = ScrapePool::Create(c->second, [&] {
          ScrapePoolDeps d = PoolDeps();
          d.logger = logger_.With({{"scrape_pool", name}});
          return d;
        }());
        if (!pool.ok()) {
          metrics_->scrape_pools_failed.Inc();
          logger_.Error("error creating new scrape pool", {{"err", pool.status()}, {"scrape_pool", name}});
          continue;
        }
        it = pools_.emplace(name, std::move(pool).value()).first;
      }
      work.emplace_back(it->second.get(), &groups);
    }
  }
  // Pools are only removed under apply_mu_, which this holds.
  for (auto& [pool, groups] : work) pool->Sync(*groups);
}

void ScrapeManager::Stop() {
  std::lock_guard apply(apply_mu_);
  std::map<std::string, std::unique_ptr<ScrapePool>> pools;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    pools.swap(pools_);
  }
  const auto mode =
      options_.stale_markers_on_stop ? ScrapeLoop::StopMode::kStaleNow : ScrapeLoop::StopMode::kHandOver;
  for (auto& [name, pool] : pools) pool->Stop(mode);
  if (options_.stale_markers_on_stop) stale_queue_.Flush();
  scheduler_.Stop();
  pools.clear();
  std::lock_guard lock(clients_mu_);
  clients_.clear();
}

std::vector<std::string> ScrapeManager::ScrapePools() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> names;
  for (const auto& [name, pool] : pools_) names.push_back(name);
  return names;
}

std::map<std::string, std::vector<std::shared_ptr<Target>>> ScrapeManager::TargetsActive() const {
  std::lock_guard lock(mu_);
  std::map<std::string, std::vector<std::shared_ptr<Target>>> out;
  for (const auto& [name, pool] : pools_) out[name] = pool->ActiveTargets();
  return out;
}

std::map<std::string, std::vector<std::shared_ptr<Target>>> ScrapeManager::TargetsDropped() const {
  std::lock_guard lock(mu_);
  std::map<std::string, std::vector<std::shared_ptr<Target>>> out;
  for (const auto& [name, pool] : pools_) out[name] = pool->DroppedTargets();
  return out;
}

std::map<std::string, size_t> ScrapeManager::TargetsDroppedCounts() const {
  std::lock_guard lock(mu_);
  std::map<std::string, size_t> out;
  for (const auto& [name, pool] : pools_) out[name] = pool->DroppedTargetsCount();
  return out;
}

std::vector<FamilyMetadata> ScrapeManager::TargetMetadata(std::string_view pool, const Target& target) const {
  if (metadata_ == nullptr) return {};
  return metadata_->Source(MetadataSource(pool, target.url()));
}

ScrapePool* ScrapeManager::pool(const std::string& job) const {
  std::lock_guard lock(mu_);
  auto it = pools_.find(job);
  return it == pools_.end() ? nullptr : it->second.get();
}

}  // namespace ember::scraper
