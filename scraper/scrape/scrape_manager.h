// ScrapeManager: every scrape pool of the server, as Prometheus's
// scrape.Manager. It takes the scrape configs (ApplyConfig, on start and on
// every reload) and the discovered targets (Sync, from a DiscoveryManager's
// snapshots), and answers the targets API.
//
//   ScrapeManager scrape(options, db, &metadata, logger, &registry);
//   scrape.ApplyConfig(config);
//   DiscoveryManager discovery(..., [&](const TargetSnapshot& s) { scrape.Sync(s); });
//   discovery.ApplyConfig(ScrapeDiscoveryConfigs(config.scrape_configs));
//   ...
//   discovery.Stop();
//   scrape.Stop();   // stale markers written; then close the Db
//
// All loops share one Scheduler (a timer thread and `worker_threads`
// workers) and one HttpClient per distinct set of client options.
//
// Thread-safe: every method may be called from any thread.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "config/scraper_config.h"
#include "ember/base/clock.h"
#include "ember/discovery/discovery_manager.h"
#include "ember/obs/logger.h"
#include "ember/obs/metrics.h"
#include "ember/tsdb/db.h"
#include "metadata/metadata_store.h"
#include "scrape/scrape_pool.h"

namespace ember::scraper {

struct ScrapeManagerOptions {
  // Threads that start scrapes and parse and append their answers.
  // Default: 2. Fixed at construction.
  int worker_threads = 2;
  // The User-Agent of scrape requests. Default: "ember-scraper".
  std::string user_agent = "ember-scraper";
  // Also write scrape_timeout_seconds, scrape_sample_limit and
  // scrape_body_size_bytes per target (upstream's extra-scrape-metrics
  // feature). Default: false. Fixed at construction.
  bool extra_metrics = false;
  // Mixed with the external labels into the seed that places each target's
  // scrapes within its interval, so that two servers scraping the same
  // targets spread apart. Default: "" (main passes the host name).
  std::string hostname;
  // Whether Stop writes stale markers for every target's series (and those
  // of targets that went away shortly before). Prometheus does not; a query
  // then sees the series until the lookback delta passes, so that a restart
  // leaves no gap in graphs. Default: false, as Prometheus.
  bool stale_markers_on_stop = false;
};

class ScrapeManager {
 public:
  // `metadata` and `registry` may be null; everything given outlives the manager.
  ScrapeManager(ScrapeManagerOptions options, tsdb::Db& db, MetadataStore* metadata, Logger logger,
                MetricsRegistry* registry, const Clock& clock = Clock::Real());
  // Stops (see Stop).
  ~ScrapeManager();
  ScrapeManager(const ScrapeManager&) = delete;
  ScrapeManager& operator=(const ScrapeManager&) = delete;

  // Applies the scrape configs of `config`: pools of removed jobs stop (their
  // series get stale markers), pools whose config changed restart their
  // loops (keeping the series caches where upstream does), unchanged pools
  // are left alone. Pools of new jobs start with the next Sync. Returns
  // "failed to apply the new configuration" when a pool could not be
  // reloaded (it keeps its old config), after applying the rest.
  Status ApplyConfig(const ScraperConfig& config);

  // Hands the discovered target groups of every job to its pool, creating
  // pools of configured jobs on first sight. Jobs missing from `snapshot`
  // keep their targets.
  void Sync(const discovery::TargetSnapshot& snapshot);

  // Stops every pool and waits for scrapes in flight; writes stale markers
  // when options.stale_markers_on_stop. Later calls do nothing. Call before
  // the Db closes.
  void Stop();

  // The names of the pools, sorted.
  std::vector<std::string> ScrapePools() const;
  // Pool name -> its targets (active: sorted by URL).
  std::map<std::string, std::vector<std::shared_ptr<Target>>> TargetsActive() const;
  std::map<std::string, std::vector<std::shared_ptr<Target>>> TargetsDropped() const;
  std::map<std::string, size_t> TargetsDroppedCounts() const;
  // The metadata a target's scrapes recorded, in the order first seen.
  std::vector<FamilyMetadata> TargetMetadata(std::string_view pool, const Target& target) const;

  // The pool of `job`, for tests; null when none. Valid until the next
  // ApplyConfig or Stop.
  ScrapePool* pool(const std::string& job) const;

 private:
  Result<std::shared_ptr<http::HttpClient>> ClientFor(const http::ClientOptions& options);
  ScrapePoolDeps PoolDeps() const;

  const ScrapeManagerOptions options_;
  tsdb::Db& db_;
  MetadataStore* metadata_;
  Logger logger_;
  const Clock& clock_;
  std::unique_ptr<MetricsRegistry> own_registry_;  // when none was given
  std::unique_ptr<ScrapeMetrics> metrics_;
  Scheduler scheduler_;
  StaleMarkerQueue stale_queue_;

  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const ScrapeConfig>> configs_;  // GUARDED_BY(mu_)
  std::map<std::string, std::unique_ptr<ScrapePool>> pools_;            // GUARDED_BY(mu_)
  uint64_t offset_seed_ = 0;                                            // GUARDED_BY(mu_)
  bool stopped_ = false;                                                // GUARDED_BY(mu_)
  std::mutex apply_mu_;  // serialises ApplyConfig, Sync and Stop

  std::mutex clients_mu_;
  std::map<std::string, std::shared_ptr<http::HttpClient>> clients_;  // GUARDED_BY(clients_mu_)
};

}  // namespace ember::scraper
