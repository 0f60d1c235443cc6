// ScrapePool: the targets of one scrape config (job) and their loops, as
// Prometheus's scrapePool. Sync turns discovered groups into targets and
// starts, keeps or stops loops; Reload restarts every loop with a new config
// of the same job, handing the series caches over when only the interval,
// timeout, sample_limit or HTTP client settings changed.
//
// Thread-safe: Sync, Reload and Stop are serialised; the accessors may be
// called concurrently with them.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "config/scraper_config.h"
#include "ember/discovery/target_group.h"
#include "ember/http/client.h"
#include "scrape/scrape_loop.h"
#include "scrape/target.h"

namespace ember::scraper {

// What every pool of a manager shares; all outlive the pools.
struct ScrapePoolDeps {
  tsdb::Db* db = nullptr;
  MetadataStore* metadata = nullptr;  // may be null
  ScrapeMetrics* metrics = nullptr;   // may be null
  Scheduler* scheduler = nullptr;
  StaleMarkerQueue* stale_queue = nullptr;  // may be null
  const Clock* clock = &Clock::Real();
  Logger logger;
  uint64_t offset_seed = 0;
  std::string user_agent = "ember-scraper";
  bool extra_metrics = false;
  // Gives the (shared) HTTP client for a set of options.
  std::function<Result<std::shared_ptr<http::HttpClient>>(const http::ClientOptions&)> client_for;
};

// The MetadataStore source of a target: "<pool> <url>".
std::string MetadataSource(std::string_view pool, std::string_view url);

class ScrapePool {
 public:
  // Fails (InvalidArgument) when the config's relabel rules, protocols or
  // HTTP client settings cannot be used.
  static Result<std::unique_ptr<ScrapePool>> Create(std::shared_ptr<const ScrapeConfig> config,
                                                    ScrapePoolDeps deps);
  ~ScrapePool();

  // Replaces the pool's targets with those of `groups` (every group of the
  // job): new targets start scraping, vanished ones stop and get stale
  // markers two intervals later, unchanged ones keep their loop and cache.
  void Sync(const std::vector<discovery::TargetGroup>& groups);

  // Restarts every loop with `config` (same job). The targets stay until the
  // next Sync. Error: the new config cannot be used (the old one stays).
  Status Reload(std::shared_ptr<const ScrapeConfig> config);

  // Stops every loop; `mode` says what becomes of their series.
  void Stop(ScrapeLoop::StopMode mode);

  std::shared_ptr<const ScrapeConfig> config() const;
  std::vector<std::shared_ptr<Target>> ActiveTargets() const;   // sorted by URL
  std::vector<std::shared_ptr<Target>> DroppedTargets() const;  // at most keep_dropped_targets (0: all)
  size_t DroppedTargetsCount() const;
  // The loop of an active target (tests); null when none.
  std::shared_ptr<ScrapeLoop> Loop(const Target& target) const;

 private:
  struct Settings {
    std::shared_ptr<const ScrapeConfig> config;
    std::vector<relabel::CompiledRelabelConfig> relabel;
    std::shared_ptr<const std::vector<relabel::CompiledRelabelConfig>> metric_relabel;
    std::shared_ptr<http::HttpClient> client;
    std::string accept_header;
    relabel::NameValidation validation = relabel::NameValidation::kUtf8;
    std::function<Status(http::Headers&)> authorize;
  };
  ScrapePool(Settings settings, ScrapePoolDeps deps);
  static Result<Settings> BuildSettings(std::shared_ptr<const ScrapeConfig> config,
                                        const ScrapePoolDeps& deps);
  std::shared_ptr<ScrapeLoop> NewLoop(const std::shared_ptr<Target>& target,
                                      std::shared_ptr<ScrapeCache> cache);
  // Upstream's target_limit error, or "" (counts the excess in the metric).
  std::string TargetLimitError();

  const ScrapePoolDeps deps_;
  const std::string name_;
  std::mutex run_mu_;  // serialises Sync, Reload and Stop

  mutable std::mutex mu_;
  Settings settings_;                                      // GUARDED_BY(mu_)
  std::map<uint64_t, std::shared_ptr<Target>> active_;     // GUARDED_BY(mu_)
  std::map<uint64_t, std::shared_ptr<ScrapeLoop>> loops_;  // GUARDED_BY(mu_)
  std::vector<std::shared_ptr<Target>> dropped_;           // GUARDED_BY(mu_)
  size_t dropped_count_ = 0;                               // GUARDED_BY(mu_)
  bool stopped_ = false;                                   // GUARDED_BY(mu_)
};

}  // namespace ember::scraper
