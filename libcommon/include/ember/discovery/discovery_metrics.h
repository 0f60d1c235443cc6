// The self-metrics of service discovery, declared once per registry and
// shared by every manager and provider of the process (upstream names).
#pragma once

#include "ember/obs/metrics.h"

namespace ember::discovery {

struct DiscoveryMetrics {
  // Registers every metric below in `registry`; construct once per registry.
  explicit DiscoveryMetrics(MetricsRegistry& registry);

  // File SD.
  Counter& file_read_errors;      // prometheus_sd_file_read_errors_total
  Histogram& file_scan_duration;  // prometheus_sd_file_scan_duration_seconds
  Counter& file_watcher_errors;   // prometheus_sd_file_watcher_errors_total
  // Manager, labelled by the manager's name ("scrape", "notify").
  Family<Counter>& received_updates;  // prometheus_sd_received_updates_total{name}
  Family<Counter>& updates;           // prometheus_sd_updates_total{name}
  Family<Gauge>& failed_configs;      // prometheus_sd_failed_configs{name}
  Family<Gauge>& discovered_targets;  // prometheus_sd_discovered_targets{config,name}
};

}  // namespace ember::discovery
