#include "scrape/scrape_metrics.h"

namespace ember::scraper {

ScrapeMetrics::ScrapeMetrics(MetricsRegistry& r)
    : scrape_pools(r.NewCounter("prometheus_target_scrape_pools_total",
                                "Total number of scrape pool creation attempts.")),
      scrape_pools_failed(r.NewCounter("prometheus_target_scrape_pools_failed_total",
                                       "Total number of scrape pool creations that failed.")),
      pool_reloads(r.NewCounter("prometheus_target_scrape_pool_reloads_total",
                                "Total number of scrape pool reloads.")),
      pool_reloads_failed(r.NewCounter("prometheus_target_scrape_pool_reloads_failed_total",
                                       "Total number of failed scrape pool reloads.")),
      exceeded_target_limit(r.NewCounter(
          "prometheus_target_scrape_pool_exceeded_target_limit_total",
          "Total number of times scrape pools hit the target limit, during sync or config reload.")),
      pool_targets(r.NewGaugeFamily("prometheus_target_scrape_pool_targets",
                                    "Current number of targets in this scrape pool.", {"scrape_job"})),
      pool_target_limit(r.NewGaugeFamily("prometheus_target_scrape_pool_target_limit",
                                         "Maximum number of targets allowed in this scrape pool.",
                                         {"scrape_job"})),
      pool_syncs(r.NewCounterFamily("prometheus_target_scrape_pool_sync_total",
                                    "Total number of syncs that were executed on a scrape pool.",
                                    {"scrape_job"})),
      sync_failed(r.NewCounterFamily("prometheus_target_sync_failed_total",
                                     "Total number of target sync failures.", {"scrape_job"})),
      sync_length(r.NewHistogramFamily("prometheus_target_sync_length_seconds",
                                       "Actual interval to sync the scrape pool.", {"scrape_job"},
                                       ExponentialBuckets(0.0001, 4, 10))),
      interval_length(r.NewHistogramFamily("prometheus_target_interval_length_seconds",
                                           "Actual intervals between scrapes.", {"interval"},
                                           {1, 5, 10, 15, 20, 30, 45, 60, 90, 120, 300, 600})),
      exceeded_body_size_limit(r.NewCounter("prometheus_target_scrapes_exceeded_body_size_limit_total",
                                            "Total number of scrapes that hit the body size limit")),
      exceeded_sample_limit(
          r.NewCounter("prometheus_target_scrapes_exceeded_sample_limit_total",
                       "Total number of scrapes that hit the sample limit and were rejected.")),
      sample_duplicate(
          r.NewCounter("prometheus_target_scrapes_sample_duplicate_timestamp_total",
                       "Total number of samples rejected due to duplicate timestamps but different "
                       "values.")),
      sample_out_of_order(
          r.NewCounter("prometheus_target_scrapes_sample_out_of_order_total",
                       "Total number of samples rejected due to not being out of the expected "
                       "order.")),
      sample_out_of_bounds(
          r.NewCounter("prometheus_target_scrapes_sample_out_of_bounds_total",
                       "Total number of samples rejected due to timestamp falling outside of the "
                       "time bounds.")),
      exceeded_label_limits(
          r.NewCounter("prometheus_target_scrape_pool_exceeded_label_limits_total",
                       "Total number of times scrape pools hit the label limits, during sync or "
                       "config reload.")),
      cache_flush_forced(
          r.NewCounter("prometheus_target_scrapes_cache_flush_forced_total",
                       "How many times a scrape cache was flushed due to getting big while scrapes "
                       "are failing.")) {}

}  // namespace ember::scraper
