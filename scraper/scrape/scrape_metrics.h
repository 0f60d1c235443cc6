// The scraper's self-metrics, with upstream's names, declared once per
// registry and shared by the manager, its pools and loops.
#pragma once

#include "ember/obs/metrics.h"

namespace ember::scraper {

struct ScrapeMetrics {
  explicit ScrapeMetrics(MetricsRegistry& registry);

  Counter& scrape_pools;             // prometheus_target_scrape_pools_total
  Counter& scrape_pools_failed;      // prometheus_target_scrape_pools_failed_total
  Counter& pool_reloads;             // prometheus_target_scrape_pool_reloads_total
  Counter& pool_reloads_failed;      // prometheus_target_scrape_pool_reloads_failed_total
  Counter& exceeded_target_limit;    // prometheus_target_scrape_pool_exceeded_target_limit_total
  Family<Gauge>& pool_targets;       // prometheus_target_scrape_pool_targets{scrape_job}
  Family<Gauge>& pool_target_limit;  // prometheus_target_scrape_pool_target_limit{scrape_job}
  Family<Counter>& pool_syncs;       // prometheus_target_scrape_pool_sync_total{scrape_job}
  Family<Counter>& sync_failed;      // prometheus_target_sync_failed_total{scrape_job}
  // Upstream's summaries, as histograms: the _sum and _count series match.
  Family<Histogram>& sync_length;      // prometheus_target_sync_length_seconds{scrape_job}
  Family<Histogram>& interval_length;  // prometheus_target_interval_length_seconds{interval}
  Counter& exceeded_body_size_limit;   // prometheus_target_scrapes_exceeded_body_size_limit_total
  Counter& exceeded_sample_limit;      // prometheus_target_scrapes_exceeded_sample_limit_total
  Counter& sample_duplicate;           // prometheus_target_scrapes_sample_duplicate_timestamp_total
  Counter& sample_out_of_order;        // prometheus_target_scrapes_sample_out_of_order_total
  Counter& sample_out_of_bounds;       // prometheus_target_scrapes_sample_out_of_bounds_total
  Counter& exceeded_label_limits;      // prometheus_target_scrape_pool_exceeded_label_limits_total
  Counter& cache_flush_forced;         // prometheus_target_scrapes_cache_flush_forced_total
};

}  // namespace ember::scraper
