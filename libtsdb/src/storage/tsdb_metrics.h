// The store's self-metrics, declared in one place, with Prometheus's names
// where they mean the same.
#pragma once

#include "ember/obs/metrics.h"

namespace ember::tsdb {

struct TsdbMetrics {
  explicit TsdbMetrics(MetricsRegistry& r);

  Counter& series_created;
  Counter& series_removed;
  Counter& samples_appended;
  Counter& out_of_order_samples;
  Counter& out_of_bound_samples;
  Counter& too_old_samples;
  Counter& duplicate_samples;
  Counter& ooo_samples_appended;
  Counter& chunks_created;
  Counter& chunks_persisted;
  Counter& chunk_write_failures;
  Counter& wal_truncations;
  Counter& wal_truncations_failed;
  Counter& wal_writes_failed;
  Counter& wal_records_replayed;
  Counter& wal_unknown_series_samples;
  Counter& checkpoint_creations;
  Counter& checkpoint_creations_failed;
  Counter& time_retentions;
  Counter& size_retentions;
  Counter& head_truncations;
  Gauge& data_replay_duration_seconds;
  Gauge& retention_limit_seconds;
  Gauge& retention_limit_bytes;
  Gauge& head_series;
  Gauge& head_chunks;
  Gauge& head_min_time;
  Gauge& head_max_time;
  Gauge& lowest_timestamp;
  Gauge& storage_bytes;
  Gauge& wal_segment_current;
  Gauge& wal_storage_size_bytes;
  Histogram& checkpoint_duration;
};

}  // namespace ember::tsdb
