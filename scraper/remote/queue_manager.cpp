#include "remote/queue_manager.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "ember/base/file_system.h"
#include "ember/base/strings.h"
#include "ember/http/client.h"
#include "ember/http/client_config.h"
#include "ember/wal/wal.h"
#include "ember/wire/remote_write.h"

namespace ember::scraper {

namespace {

using Clock = std::chrono::steady_clock;

// Series whose processed labels the append side remembers; past this the
// cache starts over (series churn must not grow it without end).
constexpr size_t kMaxCachedSeries = 2'000'000;

constexpr std::string_view kProgressFile = "progress";

std::vector<double> DurationBuckets() {
  // Upstream's sent_batch_duration_seconds buckets: the default ones
  // stretched to 60 s.
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 60, 120, 300};
}

// Seconds from a Retry-After header; upstream also takes none but numbers
// for remote write's purpose (an HTTP date falls back to the backoff).
std::optional<std::chrono::milliseconds> RetryAfter(std::string_view value) {
  value = TrimSpace(value);
  int64_t seconds = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec != std::errc() || ptr != value.data() + value.size() || seconds < 0) return std::nullopt;
  return std::chrono::seconds(seconds);
}

}  // namespace

RemoteWriteMetrics::RemoteWriteMetrics(MetricsRegistry& r)
    : samples_total(r.NewCounterFamily("prometheus_remote_storage_samples_total",
                                       "Total number of samples sent to remote storage.",
                                       {"remote_name", "url"})),
      samples_failed(r.NewCounterFamily(
          "prometheus_remote_storage_samples_failed_total",
          "Total number of samples which failed on send to remote storage, non-recoverable errors.",
          {"remote_name", "url"})),
      samples_retried(r.NewCounterFamily(
          "prometheus_remote_storage_samples_retried_total",
          "Total number of samples which failed on send to remote storage but were retried because the send "
          "error was recoverable.",
          {"remote_name", "url"})),
      samples_dropped(r.NewCounterFamily(
          "prometheus_remote_storage_samples_dropped_total",
          "Total number of samples which were dropped after being read from the WAL before being sent via "
          "remote write, either via relabelling, due to being too old or unintentionally because of an "
          "unknown reference ID.",
          {"remote_name", "url", "reason"})),
      samples_pending(r.NewGaugeFamily("prometheus_remote_storage_samples_pending",
                                       "The number of samples pending in the queues shards to be sent to the "
                                       "remote storage.",
                                       {"remote_name", "url"})),
      shards(r.NewGaugeFamily("prometheus_remote_storage_shards",
                              "The number of shards used for parallel sending to the remote storage.",
                              {"remote_name", "url"})),
      shards_min(r.NewGaugeFamily("prometheus_remote_storage_shards_min",
                                  "The minimum number of shards that the queue is allowed to run.",
                                  {"remote_name", "url"})),
      shards_max(r.NewGaugeFamily("prometheus_remote_storage_shards_max",
                                  "The maximum number of shards that the queue is allowed to run.",
                                  {"remote_name", "url"})),
      shards_desired(r.NewGaugeFamily("prometheus_remote_storage_shards_desired",
                                      "The number of shards that the queues shard calculation wants to run "
                                      "based on the rate of samples in vs. samples out.",
                                      {"remote_name", "url"})),
      sent_batch_duration(r.NewHistogramFamily("prometheus_remote_storage_sent_batch_duration_seconds",
                                               "Duration of send calls to the remote storage.",
                                               {"remote_name", "url"}, DurationBuckets())),
      bytes_total(
          r.NewCounterFamily("prometheus_remote_storage_bytes_total",
                             "The total number of bytes of data (not metadata) sent by the queue after "
                             "compression. Note that when exemplars over remote write is enabled the "
                             "exemplars included in a remote write request count towards this metric.",
                             {"remote_name", "url"})),
      highest_sent_timestamp(r.NewGaugeFamily(
          "prometheus_remote_storage_queue_highest_sent_timestamp_seconds",
          "Timestamp from a WAL sample, the highest timestamp successfully sent by this queue, in seconds "
          "since epoch. Initialized to 0 when no data has been sent yet.",
          {"remote_name", "url"})),
      disk_bytes(r.NewGaugeFamily("ember_remote_storage_queue_disk_bytes",
                                  "Bytes of the remote write queue's log on disk, sent or not.",
                                  {"remote_name", "url"})),
      metadata_total(r.NewCounterFamily("prometheus_remote_storage_metadata_total",
                                        "Total number of metadata entries sent to remote storage.",
                                        {"remote_name", "url"})),
      metadata_failed(r.NewCounterFamily(
          "prometheus_remote_storage_metadata_failed_total",
          "Total number of metadata entries which failed on send to remote storage, non-recoverable errors.",
          {"remote_name", "url"})),
      metadata_retried(r.NewCounterFamily(
          "prometheus_remote_storage_metadata_retried_total",
          "Total number of metadata entries which failed on send to remote storage but were retried because "
          "the send error was recoverable.",
          {"remote_name", "url"})),
      metadata_bytes(r.NewCounterFamily("prometheus_remote_storage_metadata_bytes_total",
                                        "The total number of bytes of metadata sent by the queue after "
                                        "compression.",
                                        {"remote_name", "url"})),
      highest_timestamp(
          r.NewGauge("prometheus_remote_storage_highest_timestamp_in_seconds",
                     "Highest timestamp that has come into the remote storage via the Appender "
                     "interface, in seconds since epoch. Initialized to 0 when no data has been "
                     "received yet.")),
      samples_in(r.NewCounter("prometheus_remote_storage_samples_in_total",
                              "Samples in to remote storage, compare to samples out for queue managers.")) {}

struct QueueManager::Series {
  Labels labels;  // external labels added, relabelled
  bool keep = true;
  uint64_t generation = 0;  // the Append that last put it in record_series_
  uint32_t index = 0;       // its index there
};

struct QueueManager::Record {
  uint64_t seq = 0;
  LogPosition end;
  QueueBatch batch;
  size_t remaining = 0;  // samples not yet acknowledged
};

struct QueueManager::Entry {
  const Labels* labels;  // owned by the Record, which outlives the entry
  uint64_t hash;
  uint64_t seq;
  int64_t t;
  double v;
};

// Exponentially weighted rates, ticked every reshard_interval (upstream's
// ewmaRate with weight 0.2).
struct QueueManager::Rates {
  struct Ewma {
    double rate = 0;
    bool init = false;
    void Tick(double count, double seconds) {
      const double instant = count / seconds;
      if (init) {
        rate += 0.2 * (instant - rate);
      } else {
        rate = instant;
        init = true;
      }
    }
  };
  Ewma in, out, out_duration;
  int64_t last_in = 0, last_out = 0, last_duration_ns = 0;
  Clock::time_point last_tick = Clock::now();
};

struct QueueManager::Shard {
  std::mutex mu;
  bool exit = false;                  // GUARDED_BY(mu): leave once the queue is empty (resharding)
  std::condition_variable has_work;   // the shard waits for samples
  std::condition_variable has_space;  // the reader waits for room
  std::deque<Entry> queue;            // GUARDED_BY(mu)
  Clock::time_point first_queued;     // GUARDED_BY(mu): when the oldest waiting sample came
  std::thread thread;
};

QueueManager::QueueManager(Options options, Logger logger, RemoteWriteMetrics* metrics)
    : options_(std::move(options)),
      logger_(std::move(logger)),
      metrics_(metrics),
      url_label_(options_.config.url) {}

Result<std::unique_ptr<QueueManager>> QueueManager::Start(Options options, Logger logger,
                                                          RemoteWriteMetrics* metrics) {
  std::unique_ptr<QueueManager> q(new QueueManager(std::move(options), std::move(logger), metrics));
  EMBER_RETURN_IF_ERROR(q->Init());
  return q;
}

Status QueueManager::Init() {
  const RemoteWriteConfig& c = options_.config;
  for (const relabel::RelabelConfig& rc : c.write_relabel_configs) {
    EMBER_ASSIGN_OR_RETURN(relabel::CompiledRelabelConfig step, relabel::CompiledRelabelConfig::Create(rc));
    relabel_.push_back(std::move(step));
  }
  EMBER_ASSIGN_OR_RETURN(authorization_, http::AuthorizationFromConfig(c.http_client));
  EMBER_ASSIGN_OR_RETURN(http::ClientOptions client_options,
                         http::ClientOptionsFromConfig(c.http_client, c.remote_timeout, options_.user_agent,
                                                       "by the remote write client"));
  EMBER_ASSIGN_OR_RETURN(client_, http::HttpClient::Create(std::move(client_options)));

  const std::vector<std::string> labels = {options_.name, url_label_};
  samples_total_ = &metrics_->samples_total.WithLabelValues(labels);
  samples_failed_ = &metrics_->samples_failed.WithLabelValues(labels);
  samples_retried_ = &metrics_->samples_retried.WithLabelValues(labels);
  dropped_series_ = &metrics_->samples_dropped.WithLabelValues({options_.name, url_label_, "dropped_series"});
  dropped_too_old_ = &metrics_->samples_dropped.WithLabelValues({options_.name, url_label_, "too_old"});
  dropped_queue_full_ = &metrics_->samples_dropped.WithLabelValues({options_.name, url_label_, "queue_full"});
  dropped_unknown_ = &metrics_->samples_dropped.WithLabelValues(
      {options_.name, url_label_, "unintentionally_dropped_series"});
  pending_ = &metrics_->samples_pending.WithLabelValues(labels);
  duration_ = &metrics_->sent_batch_duration.WithLabelValues(labels);
  bytes_ = &metrics_->bytes_total.WithLabelValues(labels);
  highest_sent_ = &metrics_->highest_sent_timestamp.WithLabelValues(labels);
  disk_gauge_ = &metrics_->disk_bytes.WithLabelValues(labels);
  metadata_total_ = &metrics_->metadata_total.WithLabelValues(labels);
  metadata_failed_ = &metrics_->metadata_failed.WithLabelValues(labels);
  metadata_retried_ = &metrics_->metadata_retried.WithLabelValues(labels);
  metadata_bytes_ = &metrics_->metadata_bytes.WithLabelValues(labels);
  pending_->Set(0);

  // The saved position; a missing or unreadable file starts at the oldest
  // segment (sending again rather than losing).
  if (auto text = FileSystem::Real().ReadFile(options_.dir + "/" + std::string(kProgressFile)); text.ok()) {
    unsigned long long segment = 0, offset = 0;
    if (std::sscanf(text->c_str(), "%llu %llu", &segment, &offset) == 2) {
      saved_ = {static_cast<uint32_t>(segment), offset};
    }
  }
  wal::WalOptions wo;
  wo.dir = options_.dir;
  wo.segment_size_bytes = options_.segment_bytes;
  wo.sync = wal::SyncMode::kNever;
  EMBER_ASSIGN_OR_RETURN(wal_, wal::Wal::Open(FileSystem::Real(), wo, logger_));
  // A tail cut by Open (after a machine crash) may end before the saved
  // position; appends resume at the cut, so reading must too.
  if (saved_.segment == wal_->CurrentSegment()) {
    char name[16];
    std::snprintf(name, sizeof(name), "%08u", saved_.segment);
    std::error_code ec;
    const uint64_t size = std::filesystem::file_size(options_.dir + "/" + name, ec);
    if (!ec && size < saved_.offset) saved_.offset = size;
  }
  acknowledged_ = saved_;
  if (saved_.segment > 1 && saved_.segment <= wal_->CurrentSegment()) {
    if (Status st = wal_->TruncateBefore(saved_.segment); !st.ok()) {
      logger_.Warn("Removing sent remote write queue segments failed", {{"err", st}});
    }
  }
  SaveProgress(true);
  last_save_ = Clock::now();

  const int64_t n = std::max<int64_t>(1, c.queue_config.min_shards);
  shards_gauge_ = &metrics_->shards.WithLabelValues(labels);
  desired_gauge_ = &metrics_->shards_desired.WithLabelValues(labels);
  metrics_->shards_min.WithLabelValues(labels).Set(static_cast<double>(c.queue_config.min_shards));
  metrics_->shards_max.WithLabelValues(labels).Set(static_cast<double>(c.queue_config.max_shards));
  desired_gauge_->Set(static_cast<double>(n));
  rates_ = std::make_unique<Rates>();
  {
    std::lock_guard lock(shards_mu_);
    StartShards(static_cast<size_t>(n));
  }
  reader_ = std::thread([this] { ReadLoop(); });
  if (c.metadata_config.send && options_.metadata) metadata_thread_ = std::thread([this] { MetadataLoop(); });
  return Status::Ok();
}

QueueManager::~QueueManager() { Stop(); }

LogPosition QueueManager::acknowledged() const {
  std::lock_guard lock(ack_mu_);
  return acknowledged_;
}

QueueManager::Series* QueueManager::CachedSeries(const tsdb::Db& db, tsdb::SeriesRef ref) {
  auto [it, inserted] = series_.try_emplace(ref.id);
  if (!inserted) return it->second.get();
  Result<Labels> labels = db.SeriesLabels(ref);
  if (!labels.ok()) {
    series_.erase(it);
    return nullptr;
  }
  auto s = std::make_unique<Series>();
  // External labels go on series that lack them; the series' own win.
  std::vector<Label> merged(labels->begin(), labels->end());
  for (const Label& l : options_.external_labels) {
    if (labels->Get(l.name).empty()) merged.push_back(l);
  }
  std::sort(merged.begin(), merged.end(), [](const Label& a, const Label& b) { return a.name < b.name; });
  s->keep = relabel::Process(merged, relabel_);
  if (s->keep) {
    std::erase_if(merged, [](const Label& l) { return l.value.empty(); });
    s->keep = !merged.empty();
  }
  if (s->keep) s->labels = Labels::FromUnsorted(std::move(merged));
  it->second = std::move(s);
  return it->second.get();
}

void QueueManager::Append(const tsdb::Db& db, std::span<const tsdb::CommittedSample> samples) {
  if (stop_.load(std::memory_order_relaxed)) return;
  std::lock_guard lock(append_mu_);
  if (series_.size() > kMaxCachedSeries) series_.clear();
  ++generation_;
  record_series_.clear();
  record_samples_.clear();
  uint64_t dropped = 0, unknown = 0;
  for (const tsdb::CommittedSample& sample : samples) {
    Series* s = CachedSeries(db, sample.ref);
    if (s == nullptr) {
      ++unknown;
      continue;
    }
    if (!s->keep) {
      ++dropped;
      continue;
    }
    if (s->generation != generation_) {
      s->generation = generation_;
      s->index = static_cast<uint32_t>(record_series_.size());
      record_series_.push_back(&s->labels);
    }
    record_samples_.push_back({s->index, sample.t, sample.v});
  }
  if (dropped > 0) dropped_series_->Inc(static_cast<double>(dropped));
  if (unknown > 0) dropped_unknown_->Inc(static_cast<double>(unknown));
  if (record_samples_.empty()) return;
  samples_in_.fetch_add(static_cast<int64_t>(record_samples_.size()), std::memory_order_relaxed);
  int64_t max_t = record_samples_.front().t;
  for (const QueueSample& s : record_samples_) max_t = std::max(max_t, s.t);
  int64_t cur = highest_in_ms_.load(std::memory_order_relaxed);
  while (max_t > cur && !highest_in_ms_.compare_exchange_weak(cur, max_t, std::memory_order_relaxed)) {
  }
  if (disk_bytes_.load(std::memory_order_relaxed) >= options_.max_disk_bytes) {
    dropped_queue_full_->Inc(static_cast<double>(record_samples_.size()));
    return;
  }
  EncodeQueueRecord(record_series_, record_samples_, &record_);
  if (Status st = wal_->Append(record_); !st.ok()) {
    logger_.Error("Writing to the remote write queue failed", {{"err", st}});
    dropped_queue_full_->Inc(static_cast<double>(record_samples_.size()));
    return;
  }
  disk_bytes_.fetch_add(record_.size() + 8, std::memory_order_relaxed);
  {
    std::lock_guard wake(wake_mu_);
    appended_ = true;
  }
  wake_cv_.notify_one();
}

void QueueManager::ReadLoop() {
  QueueLogReader reader(options_.dir, saved_, logger_);
  {
    std::lock_guard lock(ack_mu_);
    acknowledged_ = reader.position();
  }
  const size_t capacity = static_cast<size_t>(std::max<int64_t>(1, options_.config.queue_config.capacity));
  const size_t per_send = static_cast<size_t>(options_.config.queue_config.max_samples_per_send);
  std::string data;
  std::vector<uint64_t> hashes;
  while (!stop_.load()) {
    SaveProgress(false);
    MaybeReshard();
    LogPosition next;
    if (reader.Next(&data, &next) == QueueLogReader::Outcome::kEnd) {
      std::unique_lock lock(wake_mu_);
      wake_cv_.wait_for(lock, options_.progress_interval, [this] { return appended_ || stop_.load(); });
      appended_ = false;
      continue;
    }
    auto record = std::make_unique<Record>();
    if (Status st = DecodeQueueRecord(data, &record->batch); !st.ok()) {
      logger_.Warn("Skipping a bad remote write queue record",
                   {{"segment", static_cast<int64_t>(next.segment)}, {"err", st}});
      record->batch = {};
    }
    record->end = next;
    record->remaining = record->batch.samples.size();
    Record* r = record.get();
    {
      std::lock_guard lock(ack_mu_);
      r->seq = first_seq_ + records_.size();
      outstanding_ += static_cast<int64_t>(r->remaining);
      records_.push_back(std::move(record));
      AdvanceLocked();
    }
    if (r->batch.samples.empty()) continue;
    pending_->Add(static_cast<double>(r->batch.samples.size()));
    hashes.clear();
    for (const Labels& l : r->batch.series) hashes.push_back(l.Hash());
    // Entries are taken from `r` before it can be acknowledged: a record is
    // released only once all its samples are, and the last ones are pushed here.
    const uint64_t seq = r->seq;
    const size_t num_samples = r->batch.samples.size();
    for (size_t i = 0; i < num_samples && !stop_.load(); ++i) {
      const QueueSample& s = r->batch.samples[i];
      Entry e{&r->batch.series[s.series], hashes[s.series], seq, s.t, s.v};
      Shard& shard = *shards_[e.hash % shards_.size()];
      std::unique_lock lock(shard.mu);
      while (shard.queue.size() >= capacity && !stop_.load()) {
        if (!shard.has_space.wait_for(lock, options_.progress_interval,
                                      [&] { return shard.queue.size() < capacity || stop_.load(); })) {
          lock.unlock();
          SaveProgress(false);
          lock.lock();
        }
      }
      if (stop_.load()) break;
      const bool was_empty = shard.queue.empty();
      if (was_empty) shard.first_queued = Clock::now();
      shard.queue.push_back(e);
      if (was_empty || shard.queue.size() == per_send) shard.has_work.notify_one();
    }
  }
}

void QueueManager::ShardLoop(Shard& shard) {
  const RemoteQueueConfig& q = options_.config.queue_config;
  const size_t per_send = static_cast<size_t>(q.max_samples_per_send);
  std::vector<Entry> batch;
  for (;;) {
    {
      std::unique_lock lock(shard.mu);
      for (;;) {
        if (stop_.load()) return;
        if (shard.queue.size() >= per_send) break;
        if (shard.queue.empty() && shard.exit) return;
        if (shard.queue.empty()) {
          shard.has_work.wait(lock);
          continue;
        }
        const Clock::time_point deadline = shard.first_queued + q.batch_send_deadline;
        if (Clock::now() >= deadline) break;
        shard.has_work.wait_until(lock, deadline);
      }
      const size_t n = std::min(per_send, shard.queue.size());
      batch.assign(shard.queue.begin(), shard.queue.begin() + static_cast<ptrdiff_t>(n));
      shard.queue.erase(shard.queue.begin(), shard.queue.begin() + static_cast<ptrdiff_t>(n));
      if (!shard.queue.empty()) shard.first_queued = Clock::now();
    }
    shard.has_space.notify_one();
    const Clock::time_point start = Clock::now();
    const SendOutcome outcome = Send(batch);
    if (outcome == SendOutcome::kAborted) return;
    const Clock::time_point end = Clock::now();
    samples_out_.fetch_add(static_cast<int64_t>(batch.size()), std::memory_order_relaxed);
    out_duration_ns_.fetch_add(std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count(),
                               std::memory_order_relaxed);
    last_send_ns_.store(end.time_since_epoch().count(), std::memory_order_relaxed);
    Acknowledge(batch);
  }
}

QueueManager::SendOutcome QueueManager::Send(std::vector<Entry>& batch) {
  const RemoteQueueConfig& q = options_.config.queue_config;
  // Samples too old to be worth sending are dropped here, as upstream does
  // at send time.
  std::vector<const Entry*> live;
  live.reserve(batch.size());
  if (q.sample_age_limit.count() > 0) {
    const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    for (const Entry& e : batch) {
      if (now_ms - e.t > q.sample_age_limit.count()) {
        dropped_too_old_->Inc();
      } else {
        live.push_back(&e);
      }
    }
  } else {
    for (const Entry& e : batch) live.push_back(&e);
  }
  if (live.empty()) return SendOutcome::kDropped;

  // One timeseries per series in the batch, its samples in queue order.
  std::vector<wire::WriteSeries> series;
  std::unordered_map<uint64_t, size_t> by_hash;
  int64_t max_t = tsdb::kMinTime;
  for (const Entry* e : live) {
    size_t index;
    auto it = by_hash.find(e->hash);
    if (it != by_hash.end() && series[it->second].labels == *e->labels) {
      index = it->second;
    } else {
      // New, or a hash collision (the later series then goes unmerged).
      index = series.size();
      series.push_back({*e->labels, {}});
      if (it == by_hash.end()) by_hash.emplace(e->hash, index);
    }
    series[index].samples.push_back({e->t, e->v});
    max_t = std::max(max_t, e->t);
  }
  Result<std::string> body = wire::EncodeWriteRequest(series);
  if (!body.ok()) {
    logger_.Error("Encoding a remote write request failed", {{"err", body.status()}});
    samples_failed_->Inc(static_cast<double>(live.size()));
    return SendOutcome::kDropped;
  }
  const SendOutcome outcome =
      SendWithRetries(NewRequest(std::move(body).value()), static_cast<double>(live.size()), samples_total_,
                      samples_failed_, samples_retried_, bytes_, duration_);
  if (outcome == SendOutcome::kSent) {
    int64_t cur = highest_sent_ms_.load(std::memory_order_relaxed);
    while (max_t > cur && !highest_sent_ms_.compare_exchange_weak(cur, max_t, std::memory_order_relaxed)) {
    }
    highest_sent_->Set(static_cast<double>(highest_sent_ms_.load(std::memory_order_relaxed)) / 1000.0);
  }
  return outcome;
}

http::ClientRequest QueueManager::NewRequest(std::string body) const {
  http::ClientRequest request;
  request.method = "POST";
  request.url = options_.config.url;
  for (const auto& [name, value] : options_.config.headers) request.headers.Set(name, value);
  request.headers.Set("Content-Encoding", "snappy");
  request.headers.Set("Content-Type", "application/x-protobuf");
  request.headers.Set("X-Prometheus-Remote-Write-Version", "0.1.0");
  request.headers.Set("User-Agent", options_.user_agent);
  if (!authorization_.empty()) request.headers.Set("Authorization", authorization_);
  request.body = std::move(body);
  request.timeout = options_.config.remote_timeout;
  return request;
}

QueueManager::SendOutcome QueueManager::SendWithRetries(const http::ClientRequest& request, double count,
                                                        Counter* total, Counter* failed, Counter* retried,
                                                        Counter* bytes, Histogram* duration) {
  const RemoteQueueConfig& q = options_.config.queue_config;
  std::chrono::milliseconds backoff = q.min_backoff;
  for (;;) {
    if (stop_.load()) return SendOutcome::kAborted;
    total->Inc(count);
    bytes->Inc(static_cast<double>(request.body.size()));
    const Clock::time_point start = Clock::now();
    Result<http::ClientResponse> response = client_->Do(request);
    if (duration != nullptr) duration->Observe(std::chrono::duration<double>(Clock::now() - start).count());
    if (stop_.load()) return SendOutcome::kAborted;
    std::chrono::milliseconds wait = backoff;
    if (response.ok()) {
      const int status = response->status;
      if (status / 100 == 2) return SendOutcome::kSent;
      const bool rate_limited = status == 429;
      if ((status / 100 == 4 && !rate_limited) || (rate_limited && !q.retry_on_http_429)) {
        logger_.Error("non-recoverable error",
                      {{"count", static_cast<int64_t>(count)},
                       {"err", "server returned HTTP status " + std::to_string(status) + ": " +
                                   response->body.substr(0, 256)}});
        failed->Inc(count);
        return SendOutcome::kDropped;
      }
      if (rate_limited) {
        if (auto after = RetryAfter(response->headers.Get("Retry-After"))) wait = *after;
      }
      logger_.Debug("Retrying a remote write request", {{"status", static_cast<int64_t>(status)}});
    } else {
      logger_.Debug("Retrying a remote write request", {{"err", response.status()}});
    }
    retried->Inc(count);
    if (WaitStop(wait)) return SendOutcome::kAborted;
    backoff = std::min<std::chrono::milliseconds>(backoff * 2, q.max_backoff);
  }
}

void QueueManager::MetadataLoop() {
  const RemoteMetadataConfig& m = options_.config.metadata_config;
  const auto per_send = static_cast<size_t>(std::max<int64_t>(1, m.max_samples_per_send));
  while (!WaitStop(m.send_interval)) {
    const std::vector<wire::WireMetadata> all = options_.metadata();
    for (size_t i = 0; i < all.size() && !stop_.load(); i += per_send) {
      const std::span<const wire::WireMetadata> part(all.data() + i, std::min(per_send, all.size() - i));
      Result<std::string> body = wire::EncodeWriteRequest({}, part);
      if (!body.ok()) {
        metadata_failed_->Inc(static_cast<double>(part.size()));
        continue;
      }
      (void)SendWithRetries(NewRequest(std::move(body).value()), static_cast<double>(part.size()),
                            metadata_total_, metadata_failed_, metadata_retried_, metadata_bytes_, nullptr);
    }
  }
}

bool QueueManager::WaitStop(std::chrono::milliseconds d) {
  std::unique_lock lock(stop_mu_);
  return stop_cv_.wait_for(lock, d, [this] { return stop_.load(); });
}

void QueueManager::Acknowledge(const std::vector<Entry>& batch) {
  std::lock_guard lock(ack_mu_);
  for (const Entry& e : batch) --records_[e.seq - first_seq_]->remaining;
  pending_->Add(-static_cast<double>(batch.size()));
  outstanding_ -= static_cast<int64_t>(batch.size());
  if (outstanding_ == 0) drained_.notify_all();
  AdvanceLocked();
}

void QueueManager::AdvanceLocked() {
  while (!records_.empty() && records_.front()->remaining == 0) {
    acknowledged_ = records_.front()->end;
    records_.pop_front();
    ++first_seq_;
  }
}

void QueueManager::StartShards(size_t n) {
  for (size_t i = 0; i < n; ++i) shards_.push_back(std::make_unique<Shard>());
  for (auto& shard : shards_) shard->thread = std::thread([this, s = shard.get()] { ShardLoop(*s); });
  shards_gauge_->Set(static_cast<double>(n));
}

void QueueManager::StopShards() {
  for (auto& shard : shards_) {
    {
      std::lock_guard lock(shard->mu);
      shard->exit = true;
    }
    shard->has_work.notify_all();
    shard->has_space.notify_all();
  }
  for (auto& shard : shards_) {
    if (shard->thread.joinable()) shard->thread.join();
  }
  shards_.clear();
}

size_t QueueManager::DesiredShards() {
  const RemoteQueueConfig& q = options_.config.queue_config;
  Rates& r = *rates_;
  const Clock::time_point now = Clock::now();
  const double seconds = std::chrono::duration<double>(now - r.last_tick).count();
  r.last_tick = now;
  const int64_t in = samples_in_.load(), out = samples_out_.load(), duration = out_duration_ns_.load();
  r.in.Tick(static_cast<double>(in - r.last_in), seconds);
  r.out.Tick(static_cast<double>(out - r.last_out), seconds);
  r.out_duration.Tick(static_cast<double>(duration - r.last_duration_ns) / 1e9, seconds);
  r.last_in = in;
  r.last_out = out;
  r.last_duration_ns = duration;

  const size_t current = shards_.size();
  if (r.out.rate <= 0) return current;
  // The backlog: samples between the newest appended and the newest sent.
  const double delay_s =
      std::max<double>(0, static_cast<double>(highest_in_ms_.load() - highest_sent_ms_.load()) / 1000.0);
  const double pending = delay_s * r.in.rate;
  const double time_per_sample = r.out_duration.rate / r.out.rate;
  const double desired = time_per_sample * (r.in.rate + 0.05 * pending);
  const double lower = static_cast<double>(current) * 0.7, upper = static_cast<double>(current) * 1.3;
  if (lower <= desired && desired <= upper) return current;
  const auto wanted = static_cast<int64_t>(std::ceil(desired));
  return static_cast<size_t>(std::clamp<int64_t>(wanted, std::max<int64_t>(1, q.min_shards), q.max_shards));
}

void QueueManager::MaybeReshard() {
  if (Clock::now() - rates_->last_tick < options_.reshard_interval) return;
  const size_t desired = DesiredShards();
  desired_gauge_->Set(static_cast<double>(desired));
  if (desired == shards_.size()) return;
  // Not while sends fail or nothing is sent: the rates say nothing then.
  const Clock::time_point last_send{Clock::duration(last_send_ns_.load())};
  if (Clock::now() - last_send > 2 * options_.config.queue_config.batch_send_deadline) return;
  {
    std::unique_lock lock(ack_mu_);
    while (outstanding_ > 0 && !stop_.load()) {
      if (!drained_.wait_for(lock, options_.progress_interval,
                             [this] { return outstanding_ == 0 || stop_.load(); })) {
        lock.unlock();
        SaveProgress(false);
        lock.lock();
      }
    }
  }
  if (stop_.load()) return;
  logger_.Info("Remote storage resharding",
               {{"from", static_cast<int64_t>(shards_.size())}, {"to", static_cast<int64_t>(desired)}});
  std::lock_guard lock(shards_mu_);
  StopShards();
  StartShards(desired);
}

void QueueManager::SaveProgress(bool force) {
  const Clock::time_point now = Clock::now();
  if (!force && now - last_save_ < options_.progress_interval) return;
  last_save_ = now;
  const LogPosition pos = acknowledged();
  if (force || pos != saved_) {
    const std::string text = std::to_string(pos.segment) + " " + std::to_string(pos.offset) + "\n";
    if (Status st =
            FileSystem::Real().WriteFileAtomically(options_.dir + "/" + std::string(kProgressFile), text);
        !st.ok()) {
      logger_.Error("Saving the remote write queue position failed", {{"err", st}});
      return;
    }
    if (pos.segment > saved_.segment || force) {
      if (pos.segment > 1 && pos.segment <= wal_->CurrentSegment()) {
        if (Status st = wal_->TruncateBefore(pos.segment); !st.ok()) {
          logger_.Warn("Removing sent remote write queue segments failed", {{"err", st}});
        }
      }
    }
    saved_ = pos;
  }
  // What is on disk, recounted: segments removed and records appended since.
  uint64_t bytes = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(options_.dir, ec)) {
    std::error_code size_ec;
    const uint64_t size = entry.file_size(size_ec);
    if (!size_ec) bytes += size;
  }
  disk_bytes_.store(bytes);
  disk_gauge_->Set(static_cast<double>(bytes));
}

void QueueManager::Stop() {
  if (stopped_.exchange(true)) return;
  stop_.store(true);
  { std::lock_guard lock(wake_mu_); }
  wake_cv_.notify_all();
  { std::lock_guard lock(stop_mu_); }
  stop_cv_.notify_all();
  { std::lock_guard lock(ack_mu_); }
  drained_.notify_all();
  {
    std::lock_guard shards_lock(shards_mu_);
    for (auto& shard : shards_) {
      { std::lock_guard lock(shard->mu); }
      shard->has_work.notify_all();
      shard->has_space.notify_all();
    }
  }
  if (client_) client_->Shutdown();
  if (reader_.joinable()) reader_.join();
  if (metadata_thread_.joinable()) metadata_thread_.join();
  for (auto& shard : shards_) {
    if (shard->thread.joinable()) shard->thread.join();
  }
  if (wal_) {
    {
      std::lock_guard lock(append_mu_);
      SaveProgress(true);
      if (Status st = wal_->Close(); !st.ok())
        logger_.Warn("Closing the remote write queue failed", {{"err", st}});
    }
  }
  if (pending_ != nullptr) pending_->Set(0);
}

}  // namespace ember::scraper
