// Ember's side of the storage benchmark: a SeriesGenerator's data appended
// into tsdb::Db as a scraper appends it, the store restarted after a crash,
// persisted, reopened and read back in full.
//
// Each phase that touches the store runs in a process forked for it, so
// that resident memory starts from a known base and a crash is a real one:
// the appending process ends with _exit, without Db::Close, leaving the WAL
// as a killed server would; the next process opens the store and replays it.
// The calling process itself never opens a Db, and must have no other
// threads when this is called (a forked child gets only the calling thread).
#pragma once

#include <cstdint>
#include <string>

#include "ember/base/status.h"
#include "resource_usage.h"
#include "series_generator.h"

namespace ember::bench {

// The files of a store by kind.
struct StoreFiles {
  DirUsage all;
  DirUsage wal;          // Ember's WAL: wal/
  DirUsage tables;       // RocksDB tables: index/*.sst
  DirUsage rocksdb_wal;  // RocksDB's own log: index/*.log
  DirUsage info_logs;    // RocksDB's text logs: index/LOG*

  // The data once Ember's WAL is no longer needed: everything but wal/ and
  // the text logs. RocksDB's own log counts: Close does not flush it into
  // tables, so until the next open does, it holds data.
  uint64_t persisted() const { return all.total - wal.total - info_logs.total; }
};

StoreFiles MeasureStoreFiles(const std::string& dir);

struct EmberStoreFigures {
  uint64_t series = 0;
  uint64_t samples = 0;

  // Appending every scrape in slot order, one Appender and Commit per
  // scrape, the first scrape of a target by labels, later ones by SeriesRef.
  double append_wall_seconds = 0;
  double append_cpu_seconds = 0;  // of the whole process, background threads included
  uint64_t rejected_samples = 0;  // Add errors; the data set has none, so any is a bug
  // VmRSS before Db::Open and after the last Commit.
  uint64_t rss_before_open = 0;
  uint64_t rss_after_append = 0;
  // RocksDB's write buffers and block cache at that point: memory bounded by
  // the store's options, not growing with the number of series.
  uint64_t rocksdb_buffers_after_append = 0;
  uint64_t heap_before_open = 0;
  uint64_t heap_after_append = 0;
  // The store's own account of its memory after the append (Db::Memory).
  uint64_t index_bytes = 0;
  uint64_t series_bytes = 0;
  uint64_t chunk_bytes = 0;
  uint64_t head_series_after_append = 0;
  uint64_t head_chunks_after_append = 0;

  // Opening the store the crash left: WAL replay and index load.
  double replay_seconds = 0;
  uint64_t rss_before_replay = 0;
  uint64_t rss_after_replay = 0;

  // RunMaintenance(true) persists every open chunk; then Close.
  double maintenance_seconds = 0;
  double close_seconds = 0;
  uint64_t disk_bytes_reported = 0;  // Db::DiskBytes after maintenance
  StoreFiles after_close;

  // Opening the closed store again: nothing left to replay.
  double reopen_seconds = 0;

  // Select({__name__=~".+"}) over all time, reading every sample.
  double scan_wall_seconds = 0;
  double scan_cpu_seconds = 0;  // of the reading thread
  uint64_t scan_series = 0;
  uint64_t scan_samples = 0;
  // Whether the samples read back are exactly those appended (an
  // order-independent digest of labels, timestamps and value bits).
  bool scan_matches = false;

  // After the reopened store was read and closed again.
  StoreFiles at_end;
};

// Runs the phases above on `gen`'s data set in `dir` (created; must not hold a
// store). Rewinds `gen`.
Result<EmberStoreFigures> MeasureEmberStore(SeriesGenerator& gen, const std::string& dir);

}  // namespace ember::bench
