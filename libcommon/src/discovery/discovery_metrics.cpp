#include "ember/discovery/discovery_metrics.h"

namespace ember::discovery {

DiscoveryMetrics::DiscoveryMetrics(MetricsRegistry& r)
    : file_read_errors(
          r.NewCounter("prometheus_sd_file_read_errors_total", "The number of File-SD read errors.")),
      file_scan_duration(r.NewHistogram("prometheus_sd_file_scan_duration_seconds",
                                        "The duration of the File-SD scan in seconds.", DefaultBuckets())),
      file_watcher_errors(r.NewCounter("prometheus_sd_file_watcher_errors_total",
                                       "The number of File-SD errors caused by filesystem watch failures.")),
      received_updates(r.NewCounterFamily("prometheus_sd_received_updates_total",
                                          "Total number of update events received from the SD providers.",
                                          {"name"})),
      updates(r.NewCounterFamily("prometheus_sd_updates_total",
                                 "Total number of update events sent to the SD consumers.", {"name"})),
      failed_configs(r.NewGaugeFamily(
          "prometheus_sd_failed_configs",
          "Current number of service discovery configurations that failed to load.", {"name"})),
      discovered_targets(r.NewGaugeFamily("prometheus_sd_discovered_targets",
                                          "Current number of discovered targets.", {"config", "name"})) {}

}  // namespace ember::discovery
