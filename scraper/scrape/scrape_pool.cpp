#include "scrape/scrape_pool.h"

#include <algorithm>

#include "ember/base/strings.h"
#include "ember/base/time.h"
#include "ember/textparse/content_type.h"
#include "scrape/pool_settings.h"

namespace ember::scraper {

std::string MetadataSource(std::string_view pool, std::string_view url) {
  std::string out(pool);
  out += ' ';
  out += url;
  return out;
}

Result<ScrapePool::Settings> ScrapePool::BuildSettings(std::shared_ptr<const ScrapeConfig> config,
                                                       const ScrapePoolDeps& deps) {
  Settings s;
  const ScrapeConfig& c = *config;
  s.validation = c.metric_name_validation_scheme == "legacy" ? relabel::NameValidation::kLegacy
                                                             : relabel::NameValidation::kUtf8;
  for (const relabel::RelabelConfig& r : c.relabel_configs) {
    EMBER_ASSIGN_OR_RETURN(relabel::CompiledRelabelConfig step,
                           relabel::CompiledRelabelConfig::Create(r, s.validation));
    s.relabel.push_back(std::move(step));
  }
  auto metric = std::make_shared<std::vector<relabel::CompiledRelabelConfig>>();
  for (const relabel::RelabelConfig& r : c.metric_relabel_configs) {
    EMBER_ASSIGN_OR_RETURN(relabel::CompiledRelabelConfig step,
                           relabel::CompiledRelabelConfig::Create(r, s.validation));
    metric->push_back(std::move(step));
  }
  s.metric_relabel = std::move(metric);
  std::string escaping = c.metric_name_escaping_scheme;
  if (escaping.empty())
    escaping = s.validation == relabel::NameValidation::kLegacy ? "underscores" : "allow-utf-8";
  EMBER_ASSIGN_OR_RETURN(s.accept_header, textparse::AcceptHeader(c.scrape_protocols, escaping));
  Result<http::ClientOptions> options = ScrapeClientOptions(c);
  if (!options.ok()) return options.status().WithContext("error creating HTTP client");
  options->user_agent = deps.user_agent;
  Result<std::shared_ptr<http::HttpClient>> client = deps.client_for(*options);
  if (!client.ok()) return client.status().WithContext("error creating HTTP client");
  s.client = std::move(client).value();
  s.authorize = ScrapeAuthorizer(c.http_client);
  s.config = std::move(config);
  return s;
}

Result<std::unique_ptr<ScrapePool>> ScrapePool::Create(std::shared_ptr<const ScrapeConfig> config,
                                                       ScrapePoolDeps deps) {
  EMBER_ASSIGN_OR_RETURN(Settings settings, BuildSettings(std::move(config), deps));
  return std::unique_ptr<ScrapePool>(new ScrapePool(std::move(settings), std::move(deps)));
}

ScrapePool::ScrapePool(Settings settings, ScrapePoolDeps deps)
    : deps_(std::move(deps)), name_(settings.config->job_name), settings_(std::move(settings)) {
  if (deps_.metrics != nullptr) {
    deps_.metrics->pool_target_limit.WithLabelValues({name_}).Set(
        static_cast<double>(settings_.config->target_limit));
  }
}

ScrapePool::~ScrapePool() { Stop(ScrapeLoop::StopMode::kHandOver); }

std::shared_ptr<ScrapeLoop> ScrapePool::NewLoop(const std::shared_ptr<Target>& target,
                                                std::shared_ptr<ScrapeCache> cache) {
  const ScrapeConfig& c = *settings_.config;
  ScrapeLoopOptions o;
  o.interval = c.scrape_interval;
  o.timeout = c.scrape_timeout;
  std::string forced;
  // The interval and timeout labels may have been relabeled per target.
  Result<Milliseconds> interval = ParseDuration(target->Get("__scrape_interval__"));
  Result<Milliseconds> timeout = ParseDuration(target->Get("__scrape_timeout__"));
  if (!interval.ok()) {
    forced = "error parsing interval label " + GoQuote(target->Get("__scrape_interval__")) + ": " +
             interval.status().message();
  } else if (!timeout.ok()) {
    forced = "error parsing timeout label " + GoQuote(target->Get("__scrape_timeout__")) + ": " +
             timeout.status().message();
  } else {
    o.interval = *interval;
    o.timeout = *timeout;
  }
  o.body_size_limit = c.body_size_limit;
  o.sample_limit = c.sample_limit;
  o.label_limit = c.label_limit;
  o.label_name_length_limit = c.label_name_length_limit;
  o.label_value_length_limit = c.label_value_length_limit;
  o.honor_labels = c.honor_labels;
  o.honor_timestamps = c.honor_timestamps;
  o.track_timestamps_staleness = c.track_timestamps_staleness;
  o.enable_compression = c.enable_compression;
  o.extra_metrics = deps_.extra_metrics;
  o.validation = settings_.validation;
  o.accept_header = settings_.accept_header;
  o.fallback_protocol = c.fallback_scrape_protocol;
  o.user_agent = deps_.user_agent;
  o.metric_relabel = settings_.metric_relabel;
  o.authorize = settings_.authorize;
  o.metadata_source = MetadataSource(name_, target->url());

  ScrapeLoopDeps d;
  d.db = deps_.db;
  d.metadata = deps_.metadata;
  d.metrics = deps_.metrics;
  d.scheduler = deps_.scheduler;
  d.client = settings_.client;
  d.stale_queue = deps_.stale_queue;
  d.clock = deps_.clock;
  d.logger = deps_.logger.With({{"scrape_pool", name_}, {"target", target->url()}});
  d.offset_seed = deps_.offset_seed;
  auto loop = std::make_shared<ScrapeLoop>(target, std::move(o), std::move(d), std::move(cache));
  if (!forced.empty()) loop->SetForcedError(forced);
  return loop;
}

std::string ScrapePool::TargetLimitError() {
  const int64_t limit = settings_.config->target_limit;
  if (limit <= 0 || static_cast<int64_t>(active_.size()) <= limit) return "";
  if (deps_.metrics != nullptr) deps_.metrics->exceeded_target_limit.Inc();
  return "target_limit exceeded (number of targets: " + std::to_string(active_.size()) +
         ", limit: " + std::to_string(limit) + ")";
}

void ScrapePool::Sync(const std::vector<discovery::TargetGroup>& groups) {
  std::lock_guard run(run_mu_);
  const auto start = std::chrono::steady_clock::now();
  std::shared_ptr<const ScrapeConfig> config;
  std::vector<relabel::CompiledRelabelConfig> relabel_steps;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    config = settings_.config;
    relabel_steps = settings_.relabel;
  }
  std::vector<std::shared_ptr<Target>> all;
  std::vector<std::shared_ptr<Target>> dropped;
  size_t dropped_count = 0;
  size_t failures_total = 0;
  for (const discovery::TargetGroup& group : groups) {
    std::vector<std::string> failures;
    for (std::shared_ptr<Target>& t : TargetsFromGroup(group, *config, relabel_steps, &failures)) {
      if (!t->public_labels().empty()) {
        all.push_back(std::move(t));
      } else {
        if (config->keep_dropped_targets == 0 ||
            static_cast<int64_t>(dropped.size()) < config->keep_dropped_targets) {
          dropped.push_back(std::move(t));
        }
        ++dropped_count;
      }
    }
    for (const std::string& f : failures) deps_.logger.Error("Creating target failed", {{"err", f}});
    failures_total += failures.size();
  }
  if (deps_.metrics != nullptr && failures_total > 0) {
    deps_.metrics->sync_failed.WithLabelValues({name_}).Inc(static_cast<double>(failures_total));
  }

  std::vector<std::shared_ptr<ScrapeLoop>> started, stopped;
  std::map<uint64_t, bool> unique;
  {
    std::lock_guard lock(mu_);
    dropped_ = std::move(dropped);
    dropped_count_ = dropped_count;
    for (const std::shared_ptr<Target>& t : all) {
      const uint64_t hash = t->hash();
      auto it = active_.find(hash);
      if (it == active_.end()) {
        std::shared_ptr<ScrapeLoop> loop = NewLoop(t, nullptr);
        active_.emplace(hash, t);
        loops_.emplace(hash, loop);
        started.push_back(loop);
        unique[hash] = true;
      } else {
        unique.emplace(hash, false);
        it->second->SetDiscoveredLabels(t->discovered_labels());
      }
    }
    for (auto it = active_.begin(); it != active_.end();) {
      if (unique.count(it->first) == 0) {
        stopped.push_back(loops_[it->first]);
        loops_.erase(it->first);
        it = active_.erase(it);
      } else {
        ++it;
      }
    }
    const std::string forced = TargetLimitError();
    for (auto& [hash, loop] : loops_) loop->SetForcedError(forced);
    if (deps_.metrics != nullptr) {
      deps_.metrics->pool_targets.WithLabelValues({name_}).Set(static_cast<double>(unique.size()));
    }
  }
  for (const std::shared_ptr<ScrapeLoop>& loop : started) loop->Start();
  for (const std::shared_ptr<ScrapeLoop>& loop : stopped) loop->Stop(ScrapeLoop::StopMode::kStaleLater);
  if (deps_.metrics != nullptr) {
    deps_.metrics->sync_length.WithLabelValues({name_}).Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    deps_.metrics->pool_syncs.WithLabelValues({name_}).Inc();
  }
}

Status ScrapePool::Reload(std::shared_ptr<const ScrapeConfig> config) {
  std::lock_guard run(run_mu_);
  if (deps_.metrics != nullptr) deps_.metrics->pool_reloads.Inc();
  Result<Settings> settings = BuildSettings(config, deps_);
  if (!settings.ok()) {
    if (deps_.metrics != nullptr) deps_.metrics->pool_reloads_failed.Inc();
    return settings.status();
  }
  std::vector<std::pair<std::shared_ptr<ScrapeLoop>, std::shared_ptr<ScrapeLoop>>> swaps;
  bool reuse = false;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return Status();
    reuse = ScrapeConfigFingerprint(*settings_.config, true) == ScrapeConfigFingerprint(*config, true);
    settings_ = std::move(settings).value();
    if (deps_.metrics != nullptr) {
      deps_.metrics->pool_target_limit.WithLabelValues({name_}).Set(
          static_cast<double>(config->target_limit));
    }
    const std::string forced = TargetLimitError();
    for (auto& [hash, old_loop] : loops_) {
      std::shared_ptr<ScrapeLoop> loop = NewLoop(active_[hash], reuse ? old_loop->cache() : nullptr);
      if (!forced.empty()) loop->SetForcedError(forced);
      swaps.emplace_back(old_loop, loop);
      old_loop = loop;
    }
  }
  for (auto& [old_loop, loop] : swaps) {
    // The old loop is done before the new one may touch the cache it hands over.
    old_loop->Stop(reuse ? ScrapeLoop::StopMode::kHandOver : ScrapeLoop::StopMode::kStaleLater);
    loop->Start();
  }
  return Status();
}

void ScrapePool::Stop(ScrapeLoop::StopMode mode) {
  std::lock_guard run(run_mu_);
  std::map<uint64_t, std::shared_ptr<ScrapeLoop>> loops;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    loops.swap(loops_);
    active_.clear();
  }
  for (auto& [hash, loop] : loops) loop->Stop(mode);
  if (deps_.metrics != nullptr) deps_.metrics->pool_targets.WithLabelValues({name_}).Set(0);
}

std::shared_ptr<const ScrapeConfig> ScrapePool::config() const {
  std::lock_guard lock(mu_);
  return settings_.config;
}

std::vector<std::shared_ptr<Target>> ScrapePool::ActiveTargets() const {
  std::vector<std::shared_ptr<Target>> out;
  {
    std::lock_guard lock(mu_);
    out.reserve(active_.size());
    for (const auto& [hash, t] : active_) out.push_back(t);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a->url() != b->url() ? a->url() < b->url() : a->labels() < b->labels();
  });
  return out;
}

std::vector<std::shared_ptr<Target>> ScrapePool::DroppedTargets() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

size_t ScrapePool::DroppedTargetsCount() const {
  std::lock_guard lock(mu_);
  return dropped_count_;
}

std::shared_ptr<ScrapeLoop> ScrapePool::Loop(const Target& target) const {
  std::lock_guard lock(mu_);
  auto it = loops_.find(target.hash());
  return it == loops_.end() ? nullptr : it->second;
}

}  // namespace ember::scraper
