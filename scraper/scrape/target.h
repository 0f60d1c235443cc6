// Target: one endpoint a scrape pool scrapes, as Prometheus's scrape.Target,
// and PopulateLabels, which turns the labels service discovery found into a
// target's labels (or drops the target) exactly as upstream does.
//
// A Target's labels never change; its scrape status does. Thread-safe: the
// status and discovered labels are guarded by a mutex, the rest is immutable.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/scraper_config.h"
#include "ember/base/labels.h"
#include "ember/base/status.h"
#include "ember/discovery/target_group.h"
#include "ember/relabel/relabeler.h"

namespace ember::scraper {

enum class TargetHealth { kUnknown, kUp, kDown };

// "unknown", "up", "down", as the targets API writes them.
std::string_view TargetHealthName(TargetHealth health);

// What the last scrape of a target left behind.
struct TargetScrapeStatus {
  TargetHealth health = TargetHealth::kUnknown;
  std::string last_error;           // "" after a successful scrape
  int64_t last_scrape_ns = 0;       // wall time the last scrape started; 0: never scraped
  double last_scrape_duration = 0;  // seconds
};

class Target {
 public:
  // `labels`: the labels after relabeling, `__`-prefixed ones included
  // (empty for a dropped target); `discovered`: the labels before
  // relabeling; `params`: the config's `params`, which __param_<name>
  // labels override.
  Target(Labels labels, Labels discovered, const std::map<std::string, std::vector<std::string>>& params);

  // Every label, the `__` ones (__address__, __scheme__, ...) included.
  const Labels& labels() const { return labels_; }
  // The labels without those starting with `__`: what samples get.
  const Labels& public_labels() const { return public_labels_; }
  std::string_view Get(std::string_view name) const { return labels_.Get(name); }
  // The scrape URL: scheme://address/metrics_path?params (params sorted).
  const std::string& url() const { return url_; }
  // Identifies the target within its pool: labels and URL.
  uint64_t hash() const { return hash_; }

  // Time until the target's first scrape: spread over `interval` by the
  // target's hash and `offset_seed`, pinned to absolute wall time so that
  // restarts keep the phase. Units: nanoseconds.
  int64_t OffsetNs(int64_t interval_ns, uint64_t offset_seed, int64_t now_ns) const;

  Labels discovered_labels() const;
  void SetDiscoveredLabels(Labels discovered);

  void Report(int64_t start_ns, double duration_seconds, std::string error);
  TargetScrapeStatus status() const;

 private:
  const Labels labels_;
  const Labels public_labels_;
  const std::string url_;
  const uint64_t hash_;
  mutable std::mutex mu_;
  Labels discovered_;          // GUARDED_BY(mu_)
  TargetScrapeStatus status_;  // GUARDED_BY(mu_)
};

// The labels of a target before relabeling: the target's labels, the group's
// where the target has none, then job, __scrape_interval__,
// __scrape_timeout__, __metrics_path__, __scheme__ and __param_<name> where
// still unset.
Labels PopulateDiscoveredLabels(const ScrapeConfig& config, const Labels& target_labels,
                                const Labels& group_labels);

// The outcome of PopulateLabels.
struct PopulatedLabels {
  Labels labels;      // empty when the target was dropped by relabeling
  Labels discovered;  // PopulateDiscoveredLabels
};

// Builds a target's labels as upstream's PopulateLabels: discovered labels,
// `relabel_configs`, checks of __address__ and of the interval and timeout
// labels, `__meta_` labels removed, `instance` defaulting to __address__.
// Errors (InvalidArgument) with upstream's texts: "no address",
// `"x/y" is not a valid hostname`, "error parsing scrape interval: ...",
// "scrape interval cannot be 0", "scrape timeout cannot be greater than
// scrape interval (\"20s\" > \"10s\")", `invalid label value for "a": "\xff"`.
Result<PopulatedLabels> PopulateLabels(const ScrapeConfig& config,
                                       std::span<const relabel::CompiledRelabelConfig> relabel,
                                       const Labels& target_labels, const Labels& group_labels);

// Builds the targets of one group; kept and dropped targets both (dropped
// ones have empty labels). `failures` receives one message per target that
// could not be built: "instance 0 in group <source>: <error>".
std::vector<std::shared_ptr<Target>> TargetsFromGroup(const discovery::TargetGroup& group,
                                                      const ScrapeConfig& config,
                                                      std::span<const relabel::CompiledRelabelConfig> relabel,
                                                      std::vector<std::string>* failures);

// The scrape URL of a target with `labels` (query escaped as Go's url.Values.Encode).
std::string TargetUrl(const Labels& labels, const std::map<std::string, std::vector<std::string>>& params);

}  // namespace ember::scraper
