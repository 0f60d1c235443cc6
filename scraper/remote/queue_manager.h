// QueueManager: one `remote_write` entry's queue and senders, as
// Prometheus's storage/remote QueueManager, with a log of its own on disk.
//
//   commit observer -> Append: series labels + external labels, then
//                      write_relabel_configs; the kept samples of the commit
//                      become one record of the queue's WAL (before the
//                      commit is acknowledged)
//   reader thread   -> follows the WAL from the acknowledged position, hands
//                      samples to shards by series hash (per-series order)
//   shard threads   -> batch max_samples_per_send samples (or what waited
//                      batch_send_deadline) into a snappy WriteRequest, send
//                      it with retries, acknowledge it
//
// The position before which every sample is acknowledged (sent or given up)
// is saved in `<dir>/progress` about once a second and on Stop, and the
// segments before it are removed. A restart, even after `kill -9`, resumes
// there: nothing acknowledged by the local store is lost, and what was sent
// after the last save is sent again (as upstream after a crash). While the
// receiver is down the samples wait on disk, up to max_disk_bytes; past it
// new samples are dropped and counted (reason "queue_full").
//
// Retries: network errors and 5xx with exponential backoff from min_backoff
// to max_backoff, without end; 429 likewise when retry_on_http_429 (waiting
// Retry-After when given), else dropped; other 4xx dropped. Dropped samples
// count in prometheus_remote_storage_samples_failed_total.
//
// Shards: the queue starts with min_shards and, every reshard_interval,
// computes the shards it needs from the rates of samples in and out, the time
// sends take and the backlog, as upstream's calculateDesiredShards (30%
// tolerance, clamped to min_shards..max_shards, never while sends fail). To
// keep each series in order, the reader stops handing out samples until
// every shard's samples are acknowledged, then the shards are replaced.
//
// Thread-safe: Append may be called from any number of committing threads.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "ember/base/labels.h"
#include "ember/base/status.h"
#include "ember/obs/logger.h"
#include "ember/obs/metrics.h"
#include "ember/relabel/relabeler.h"
#include "ember/tsdb/db.h"
#include "ember/wire/remote_write.h"
#include "remote/queue_log_reader.h"
#include "remote/queue_record.h"
#include "remote/remote_config.h"

namespace ember::http {
class HttpClient;
struct ClientRequest;
}  // namespace ember::http
namespace ember::wal {
class Wal;
}

namespace ember::scraper {

// The self-metrics of every queue of a program, registered once per
// registry with upstream's names and labels (remote_name, url).
struct RemoteWriteMetrics {
  explicit RemoteWriteMetrics(MetricsRegistry& registry);

  Family<Counter>& samples_total;
  Family<Counter>& samples_failed;
  Family<Counter>& samples_retried;
  Family<Counter>& samples_dropped;  // plus `reason`
  Family<Gauge>& samples_pending;
  Family<Gauge>& shards;
  Family<Gauge>& shards_min;
  Family<Gauge>& shards_max;
  Family<Gauge>& shards_desired;
  Family<Histogram>& sent_batch_duration;
  Family<Counter>& bytes_total;
  Family<Gauge>& highest_sent_timestamp;
  Family<Gauge>& disk_bytes;  // ember_remote_storage_queue_disk_bytes
  Family<Counter>& metadata_total;
  Family<Counter>& metadata_failed;
  Family<Counter>& metadata_retried;
  Family<Counter>& metadata_bytes;
  Gauge& highest_timestamp;  // prometheus_remote_storage_highest_timestamp_in_seconds
  Counter& samples_in;       // prometheus_remote_storage_samples_in_total
};

class QueueManager {
 public:
  struct Options {
    RemoteWriteConfig config;  // validated by DecodeRemoteWriteConfig
    std::string name;          // RemoteWriteName(config)
    Labels external_labels;    // added to series that lack them, before relabelling
    std::string dir;           // the queue's own directory; created when missing
    // Bound of the queue's segments on disk. Unit: bytes. Default: 2 GiB.
    uint64_t max_disk_bytes = uint64_t{2} << 30;
    // Segment size of the queue's WAL. Unit: bytes. Default: 16 MiB.
    uint64_t segment_bytes = uint64_t{16} << 20;
    // How often the acknowledged position is saved. Default: 1s.
    std::chrono::milliseconds progress_interval{1000};
    // How often the number of shards is recomputed (upstream's
    // shardUpdateDuration). Default: 10s.
    std::chrono::milliseconds reshard_interval{10000};
    std::string user_agent = "Prometheus/ember";
    // The metric metadata to send every metadata_config.send_interval (when
    // metadata_config.send), in requests of at most max_samples_per_send
    // entries, retried as samples are. Empty: none is sent.
    std::function<std::vector<wire::WireMetadata>()> metadata;
  };

  // Opens (or creates) the queue in options.dir and starts its threads.
  // Errors: InvalidArgument for settings the client cannot honour (inline
  // TLS PEM, unreadable credential files, a bad relabel regex); IOError when
  // the directory cannot be used.
  static Result<std::unique_ptr<QueueManager>> Start(Options options, Logger logger,
                                                     RemoteWriteMetrics* metrics);

  // Stop()s.
  ~QueueManager();
  QueueManager(const QueueManager&) = delete;
  QueueManager& operator=(const QueueManager&) = delete;

  // Queues the samples of one commit (see tsdb::CommitObserver).
  void Append(const tsdb::Db& db, std::span<const tsdb::CommittedSample> samples);

  // Stops the threads (abandoning requests in flight, whose samples stay
  // queued), saves the acknowledged position and closes the WAL. Idempotent.
  void Stop();

  const std::string& name() const { return options_.name; }
  // Every sample before this position is acknowledged.
  LogPosition acknowledged() const;
  // Bytes of the queue's segments on disk (an estimate between saves).
  uint64_t disk_bytes() const { return disk_bytes_.load(); }

 private:
  struct Series;
  struct Record;
  struct Entry;
  struct Shard;
  struct Rates;
  enum class SendOutcome { kSent, kDropped, kAborted };

  QueueManager(Options options, Logger logger, RemoteWriteMetrics* metrics);
  Status Init();
  void ReadLoop();
  void MetadataLoop();
  // Sends `request` until it succeeds, fails for good or the queue stops.
  // `count` is what it carries, for the counters given.
  SendOutcome SendWithRetries(const http::ClientRequest& request, double count, Counter* total,
                              Counter* failed, Counter* retried, Counter* bytes, Histogram* duration);
  http::ClientRequest NewRequest(std::string body) const;
  void ShardLoop(Shard& shard);
  SendOutcome Send(std::vector<Entry>& batch);
  void Acknowledge(const std::vector<Entry>& batch);
  void AdvanceLocked();
  void SaveProgress(bool force);
  void StartShards(size_t n);
  void StopShards();
  void MaybeReshard();
  size_t DesiredShards();
  bool WaitStop(std::chrono::milliseconds d);
  Series* CachedSeries(const tsdb::Db& db, tsdb::SeriesRef ref);

  const Options options_;
  const Logger logger_;
  RemoteWriteMetrics* const metrics_;
  const std::string url_label_;

  std::vector<relabel::CompiledRelabelConfig> relabel_;
  std::unique_ptr<http::HttpClient> client_;
  std::string authorization_;  // the Authorization header, "" for none
  std::unique_ptr<wal::Wal> wal_;

  // The per-queue children of the metric families.
  Counter* samples_total_ = nullptr;
  Counter* samples_failed_ = nullptr;
  Counter* samples_retried_ = nullptr;
  Counter* dropped_series_ = nullptr;
  Counter* dropped_too_old_ = nullptr;
  Counter* dropped_queue_full_ = nullptr;
  Counter* dropped_unknown_ = nullptr;
  Gauge* pending_ = nullptr;
  Histogram* duration_ = nullptr;
  Counter* bytes_ = nullptr;
  Gauge* highest_sent_ = nullptr;
  Gauge* disk_gauge_ = nullptr;
  Gauge* shards_gauge_ = nullptr;
  Gauge* desired_gauge_ = nullptr;

  // What resharding measures. Counters only grow; the reader turns them
  // into rates every reshard_interval.
  std::atomic<int64_t> samples_in_{0};       // samples appended
  std::atomic<int64_t> samples_out_{0};      // samples whose send finished, however
  std::atomic<int64_t> out_duration_ns_{0};  // time those sends took, retries included
  std::atomic<int64_t> last_send_ns_{0};     // steady clock of the last finished send
  std::atomic<int64_t> highest_in_ms_{0};    // newest sample appended
  std::atomic<int64_t> highest_sent_ms_{0};  // newest sample sent
  std::unique_ptr<Rates> rates_;             // reader thread only

  // Append side.
  std::mutex append_mu_;
  std::unordered_map<uint64_t, std::unique_ptr<Series>> series_;  // GUARDED_BY(append_mu_)
  uint64_t generation_ = 0;                                       // GUARDED_BY(append_mu_)
  std::vector<const Labels*> record_series_;                      // GUARDED_BY(append_mu_)
  std::vector<QueueSample> record_samples_;                       // GUARDED_BY(append_mu_)
  std::string record_;                                            // GUARDED_BY(append_mu_)
  std::atomic<uint64_t> disk_bytes_{0};

  // Reader wake-ups and stopping.
  std::mutex wake_mu_;
  std::condition_variable wake_cv_;
  bool appended_ = false;  // GUARDED_BY(wake_mu_)
  std::atomic<bool> stop_{false};
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;  // backoff waits end early on Stop
  std::atomic<bool> stopped_{false};

  // Records read but not yet wholly acknowledged, oldest first.
  mutable std::mutex ack_mu_;
  std::deque<std::unique_ptr<Record>> records_;  // GUARDED_BY(ack_mu_)
  int64_t outstanding_ = 0;                      // GUARDED_BY(ack_mu_): handed to shards, not acknowledged
  std::condition_variable drained_;              // outstanding_ reached 0
  uint64_t first_seq_ = 0;                       // GUARDED_BY(ack_mu_): seq of records_.front()
  LogPosition acknowledged_;                     // GUARDED_BY(ack_mu_)
  LogPosition saved_;                            // touched by the reader thread and Stop only
  std::chrono::steady_clock::time_point last_save_;

  // Replaced only by the reader thread, under shards_mu_ (which Stop takes
  // to wake them).
  std::mutex shards_mu_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::thread reader_;
  std::thread metadata_thread_;
  Counter* metadata_total_ = nullptr;
  Counter* metadata_failed_ = nullptr;
  Counter* metadata_retried_ = nullptr;
  Counter* metadata_bytes_ = nullptr;
};

}  // namespace ember::scraper
