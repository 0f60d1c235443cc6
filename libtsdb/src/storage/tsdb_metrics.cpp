#include "tsdb_metrics.h"

namespace ember::tsdb {

TsdbMetrics::TsdbMetrics(MetricsRegistry& r)
    : series_created(r.NewCounter("prometheus_tsdb_head_series_created_total",
                                  "Total number of series created in the head")),
      series_removed(r.NewCounter("prometheus_tsdb_head_series_removed_total",
                                  "Total number of series removed in the head")),
      samples_appended(r.NewCounterFamily("prometheus_tsdb_head_samples_appended_total",
                                          "Total number of appended samples.", {"type"})
                           .WithLabelValues({"float"})),
      out_of_order_samples(r.NewCounterFamily("prometheus_tsdb_out_of_order_samples_total",
                                              "Total number of out of order samples ingestion failed "
                                              "attempts due to out of order being disabled.",
                                              {"type"})
                               .WithLabelValues({"float"})),
      out_of_bound_samples(r.NewCounterFamily("prometheus_tsdb_out_of_bound_samples_total",
                                              "Total number of out of bound samples ingestion failed "
                                              "attempts with out of order support disabled.",
                                              {"type"})
                               .WithLabelValues({"float"})),
      too_old_samples(r.NewCounterFamily("prometheus_tsdb_too_old_samples_total",
                                         "Total number of out of order samples ingestion failed attempts "
                                         "with out of support enabled, but sample outside of time window.",
                                         {"type"})
                          .WithLabelValues({"float"})),
      duplicate_samples(
          r.NewCounter("ember_tsdb_duplicate_samples_total",
                       "Samples rejected because another value exists for their series and timestamp.")),
      ooo_samples_appended(r.NewCounterFamily("prometheus_tsdb_head_out_of_order_samples_appended_total",
                                              "Total number of appended out of order samples.", {"type"})
                               .WithLabelValues({"float"})),
      chunks_created(r.NewCounter("prometheus_tsdb_head_chunks_created_total",
                                  "Total number of chunks created in the head")),
      chunks_persisted(
          r.NewCounter("ember_tsdb_chunks_persisted_total", "Chunks written to the persistent store.")),
      chunk_write_failures(r.NewCounter(
          "ember_tsdb_chunk_write_failures_total",
          "Failed writes of chunks to the persistent store; the WAL still holds their samples.")),
      wal_truncations(r.NewCounter("prometheus_tsdb_wal_truncations_total",
                                   "Total number of write log truncations attempted.")),
      wal_truncations_failed(r.NewCounter("prometheus_tsdb_wal_truncations_failed_total",
                                          "Total number of write log truncations that failed.")),
      wal_writes_failed(r.NewCounter("prometheus_tsdb_wal_writes_failed_total",
                                     "Total number of write log writes that failed.")),
      wal_records_replayed(
          r.NewCounter("ember_tsdb_wal_records_replayed_total", "WAL records replayed at start.")),
      wal_unknown_series_samples(
          r.NewCounter("ember_tsdb_wal_unknown_series_samples_total",
                       "Samples in the WAL whose series record was missing; they are skipped.")),
      checkpoint_creations(r.NewCounter("prometheus_tsdb_checkpoint_creations_total",
                                        "Total number of checkpoint creations attempted.")),
      checkpoint_creations_failed(r.NewCounter("prometheus_tsdb_checkpoint_creations_failed_total",
                                               "Total number of checkpoint creations that failed.")),
      time_retentions(r.NewCounter(
          "prometheus_tsdb_time_retentions_total",
          "The number of times that blocks were deleted because the maximum time limit was exceeded.")),
      size_retentions(r.NewCounter(
          "prometheus_tsdb_size_retentions_total",
          "The number of times that blocks were deleted because the maximum number of bytes was exceeded.")),
      head_truncations(r.NewCounter("prometheus_tsdb_head_truncations_total",
                                    "Total number of head truncations attempted.")),
      data_replay_duration_seconds(r.NewGauge("prometheus_tsdb_data_replay_duration_seconds",
                                              "Time taken to replay the data on disk.")),
      retention_limit_seconds(
          r.NewGauge("prometheus_tsdb_retention_limit_seconds", "How long to retain samples in storage.")),
      retention_limit_bytes(
          r.NewGauge("prometheus_tsdb_retention_limit_bytes",
                     "Max number of bytes to be retained in the tsdb blocks, configured 0 means disabled")),
      head_series(r.NewGauge("prometheus_tsdb_head_series", "Total number of series in the head block.")),
      head_chunks(r.NewGauge("prometheus_tsdb_head_chunks", "Total number of chunks in the head block.")),
      head_min_time(r.NewGauge("prometheus_tsdb_head_min_time", "Minimum time bound of the head block.")),
      head_max_time(r.NewGauge("prometheus_tsdb_head_max_time", "Maximum timestamp of the head block.")),
      lowest_timestamp(
          r.NewGauge("prometheus_tsdb_lowest_timestamp", "Lowest timestamp value stored in the database.")),
      storage_bytes(
          r.NewGauge("prometheus_tsdb_storage_blocks_bytes",
                     "The number of bytes that are currently used for local storage by all blocks.")),
      wal_segment_current(r.NewGauge("prometheus_tsdb_wal_segment_current",
                                     "Write log segment index that TSDB is currently writing to.")),
      wal_storage_size_bytes(
          r.NewGauge("prometheus_tsdb_wal_storage_size_bytes", "Size of the write log directory.")),
      checkpoint_duration(
          r.NewHistogram("ember_tsdb_checkpoint_duration_seconds",
                         "Duration of checkpoints: persisting open chunks and truncating the WAL.",
                         {1, 2, 4, 8, 16, 32, 64, 128, 256, 512})) {}

}  // namespace ember::tsdb
