// ScrapeLoop: scrapes one target every interval, as Prometheus's scrapeLoop.
//
// Each scrape is an asynchronous HTTP GET on a shared HttpClient; its answer
// is parsed and appended on a Scheduler worker, in one commit with the
// synthetic series (up, scrape_duration_seconds, scrape_samples_scraped,
// scrape_samples_post_metric_relabeling, scrape_series_added). Series seen by
// the previous scrape and missing from this one (or all of them, when the
// scrape failed) get a stale marker. A loop has at most one scrape in flight.
//
// Thread-safe: Start, Stop and SetForcedError may be called from any thread
// but a Scheduler worker; ScrapeOnce only while the loop is not started.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ember/base/clock.h"
#include "ember/base/status.h"
#include "ember/http/client.h"
#include "ember/obs/logger.h"
#include "ember/relabel/relabeler.h"
#include "ember/tsdb/db.h"
#include "metadata/metadata_store.h"
#include "scrape/scheduler.h"
#include "scrape/scrape_cache.h"
#include "scrape/scrape_metrics.h"
#include "scrape/target.h"

namespace ember::scraper {

class StaleMarkerQueue;

// A loop's settings, fixed for its life: a reload makes new loops.
struct ScrapeLoopOptions {
  Milliseconds interval{std::chrono::minutes(1)};
  Milliseconds timeout{std::chrono::seconds(10)};
  // Limits; 0 = none. A scrape over one fails as a whole (up = 0).
  int64_t body_size_limit = 0;  // bytes, uncompressed
  int64_t sample_limit = 0;     // samples after metric relabeling
  int64_t label_limit = 0;
  int64_t label_name_length_limit = 0;
  int64_t label_value_length_limit = 0;
  bool honor_labels = false;
  bool honor_timestamps = true;
  bool track_timestamps_staleness = false;
  bool enable_compression = true;
  // Also write scrape_timeout_seconds, scrape_sample_limit and
  // scrape_body_size_bytes (upstream's extra-scrape-metrics).
  bool extra_metrics = false;
  relabel::NameValidation validation = relabel::NameValidation::kUtf8;
  std::string accept_header;      // from scrape_protocols
  std::string fallback_protocol;  // "" = none
  std::string user_agent = "ember-scraper";
  std::shared_ptr<const std::vector<relabel::CompiledRelabelConfig>> metric_relabel;
  // Adds authentication headers to each request (may be empty). An error
  // fails the scrape with its message.
  std::function<Status(http::Headers&)> authorize;
  // Where the target's HELP/TYPE/UNIT go in the MetadataStore ("" = nowhere).
  std::string metadata_source;
};

// What a loop works with; all outlive it.
struct ScrapeLoopDeps {
  tsdb::Db* db = nullptr;
  MetadataStore* metadata = nullptr;  // may be null
  ScrapeMetrics* metrics = nullptr;   // may be null
  Scheduler* scheduler = nullptr;
  std::shared_ptr<http::HttpClient> client;
  StaleMarkerQueue* stale_queue = nullptr;  // may be null: stale markers are then written at Stop
  const Clock* clock = &Clock::Real();
  Logger logger;
  uint64_t offset_seed = 0;
};

// What appending one scrape's body gave.
struct AppendResult {
  int64_t total = 0;         // samples in the body
  int64_t added = 0;         // after metric relabeling
  int64_t series_added = 0;  // series new to the cache
  std::string error;         // "" on success
};

class ScrapeLoop : public std::enable_shared_from_this<ScrapeLoop> {
 public:
  // `cache` continues a previous loop's (reload); null starts afresh.
  ScrapeLoop(std::shared_ptr<Target> target, ScrapeLoopOptions options, ScrapeLoopDeps deps,
             std::shared_ptr<ScrapeCache> cache = nullptr);
  ~ScrapeLoop();

  // Schedules the first scrape at the target's offset within the interval.
  void Start();

  enum class StopMode {
    kHandOver,    // no stale markers: the cache goes on with a new loop
    kStaleLater,  // stale markers after two missed intervals, as upstream's end of run
    kStaleNow,    // stale markers now (shutdown)
  };
  // Stops scraping, waiting for a scrape in flight to finish.
  void Stop(StopMode mode);

  // Makes every scrape fail with `error` (target_limit); "" clears it.
  void SetForcedError(std::string error);

  // One scrape now, on the calling thread (tests, tools): `ts_ms` is the
  // samples' timestamp. Returns the scrape's error ("" = up).
  std::string ScrapeOnce(int64_t ts_ms);

  // Appends `body` (with `content_type`) at `ts_ms` into `app`, updating the
  // cache, without the synthetic series. On error the caller rolls back.
  AppendResult AppendBody(tsdb::Appender& app, std::string_view body, std::string_view content_type,
                          int64_t ts_ms);

  // Writes stale markers for every series of the last scrape, synthetic ones
  // included, at `ts_ms` (a target that went away).
  void WriteEndOfRunStaleMarkers(int64_t ts_ms);

  const std::shared_ptr<Target>& target() const { return target_; }
  std::shared_ptr<ScrapeCache> cache() const { return cache_; }
  const ScrapeLoopOptions& options() const { return options_; }

 private:
  struct Fetched {
    std::string body;
    std::string content_type;
    std::string error;
    int64_t bytes = 0;  // -1 when body_size_limit was hit
  };
  void Tick();
  http::ClientRequest BuildRequest(std::string* error) const;
  Fetched ToFetched(Result<http::ClientResponse> response) const;
  void Complete(Fetched fetched, int64_t start_ns, int64_t ts_ms,
                std::chrono::steady_clock::time_point started);
  void ScheduleNext();
  int64_t AlignedTimestamp(int64_t now_ns);
  void AppendStaleMarkers(tsdb::Appender& app, int64_t ts_ms);
  Status AddReport(tsdb::Appender& app, ReportSeries which, int64_t ts_ms, double v);
  void UpdateMetadata(std::string_view body, std::string_view content_type, uint64_t hash);

  const std::shared_ptr<Target> target_;
  const ScrapeLoopOptions options_;
  const ScrapeLoopDeps deps_;
  Histogram* interval_length_ = nullptr;
  std::shared_ptr<ScrapeCache> cache_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool started_ = false;                             // GUARDED_BY(mu_)
  bool stopping_ = false;                            // GUARDED_BY(mu_)
  bool in_flight_ = false;                           // GUARDED_BY(mu_)
  uint64_t timer_ = 0;                               // GUARDED_BY(mu_)
  std::string forced_error_;                         // GUARDED_BY(mu_)
  std::chrono::steady_clock::time_point next_tick_;  // GUARDED_BY(mu_)

  // Touched only by the scrape in flight.
  int64_t aligned_ns_ = 0;
  int64_t last_start_ns_ = 0;            // 0: never scraped
  int64_t last_ts_ms_ = 0;               // timestamp of the last scrape; 0: never scraped
  uint64_t metadata_hash_ = 0;           // of the last good scrape's HELP/TYPE/UNIT lines
  uint64_t metadata_hash_reported_ = 0;  // of what the MetadataStore holds
  bool metadata_reported_ = false;
};

// Stale markers of stopped loops waiting for their time (two intervals after
// the target went away); Flush writes them all at once (shutdown).
// Thread-safe.
class StaleMarkerQueue {
 public:
  explicit StaleMarkerQueue(Scheduler& scheduler) : scheduler_(scheduler) {}
  // At `when`, calls loop->WriteEndOfRunStaleMarkers(ts_ms) on a worker.
  void Add(std::shared_ptr<ScrapeLoop> loop, std::chrono::steady_clock::time_point when, int64_t ts_ms);
  // Writes every pending marker now, on the calling thread.
  void Flush();
  size_t pending() const;

 private:
  struct Pending {
    std::shared_ptr<ScrapeLoop> loop;
    int64_t ts_ms;
  };
  void Run(uint64_t key);

  Scheduler& scheduler_;
  mutable std::mutex mu_;
  uint64_t next_key_ = 1;                                     // GUARDED_BY(mu_)
  std::map<uint64_t, std::pair<uint64_t, Pending>> pending_;  // key -> (timer, marker); GUARDED_BY(mu_)
};

// Upstream's "server returned HTTP status 404 Not Found" status text.
std::string HttpStatusText(int status);

}  // namespace ember::scraper
