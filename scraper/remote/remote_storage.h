// RemoteStorage: the `remote_write` queues of ember-scraper, fed by the
// store's commits (scrapes, rules and the remote write receiver alike, as
// Prometheus forwards everything its TSDB takes in).
//
//   scraper::RemoteStorage remote(*db, {.dir = tsdb_path + "/remote_write"}, logger, registry);
//   EMBER_RETURN_IF_ERROR(remote.ApplyConfig(*config));   // at start and on each reload
//   ...
//   remote.Stop();                                        // before db->Close()
//
// Each queue lives in `<dir>/<name>/` (see QueueManager). A reload keeps a
// queue whose settings (RemoteWriteHash) and external labels are unchanged,
// stops the removed ones and starts the new ones; a changed one restarts on
// the same directory, so what it had not sent yet is sent. Directories of
// queues no longer configured are removed, as upstream forgets a removed
// queue's backlog.
//
// The store calls OnCommit only while at least one queue runs.
//
// Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "config/scraper_config.h"
#include "ember/obs/logger.h"
#include "ember/obs/metrics.h"
#include "ember/tsdb/db.h"
#include "metadata/metadata_store.h"
#include "remote/queue_manager.h"

namespace ember::scraper {

class RemoteStorage final : public tsdb::CommitObserver {
 public:
  struct Options {
    // Parent of the queues' directories. Default: none, required.
    std::string dir;
    // Disk bound of each queue (QueueManager::Options::max_disk_bytes).
    // Unit: bytes. Default: 2 GiB.
    uint64_t max_disk_bytes_per_queue = uint64_t{2} << 30;
    // Segment size of each queue's log. Unit: bytes. Default: 16 MiB.
    uint64_t segment_bytes = uint64_t{16} << 20;
    // How often queues save their acknowledged position. Default: 1s.
    std::chrono::milliseconds progress_interval{1000};
    // How often queues recompute their number of shards. Default: 10s.
    std::chrono::milliseconds reshard_interval{10000};
    // Where the metric metadata queues send comes from (scrapes and the
    // receiver fill it); null sends none. Must outlive this object.
    const MetadataStore* metadata = nullptr;
  };

  // `db` and `registry` must outlive this object. Registers the metrics.
  RemoteStorage(tsdb::Db& db, Options options, Logger logger, MetricsRegistry& registry);
  ~RemoteStorage() override;
  RemoteStorage(const RemoteStorage&) = delete;
  RemoteStorage& operator=(const RemoteStorage&) = delete;

  // Makes the running queues match config.remote_write_configs (with
  // config.global.external_labels). Every entry that can start does; the
  // error names the first that could not.
  Status ApplyConfig(const ScraperConfig& config);

  // Stops every queue, saving their positions. Later commits are not queued.
  void Stop();

  // The names of the running queues, in configuration order.
  std::vector<std::string> QueueNames() const;

  void OnCommit(const tsdb::Db& db, std::span<const tsdb::CommittedSample> samples) override;

 private:
  struct Running {
    std::string key;  // settings hash + external labels
    std::unique_ptr<QueueManager> queue;
  };
  void SetObserving(bool on);

  tsdb::Db& db_;
  const Options options_;
  const Logger logger_;
  RemoteWriteMetrics metrics_;

  std::mutex apply_mu_;     // serialises ApplyConfig and Stop
  bool observing_ = false;  // GUARDED_BY(apply_mu_)
  mutable std::shared_mutex mu_;
  std::vector<Running> queues_;  // GUARDED_BY(mu_)
  std::atomic<int64_t> highest_t_{tsdb::kMinTime};
};

}  // namespace ember::scraper
