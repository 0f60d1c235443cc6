#include "scrape/scrape_loop.h"

#include <algorithm>
#include <cmath>

#include "ember/base/strings.h"
#include "ember/base/time.h"
#include "ember/textparse/content_type.h"
#include "ember/tsdb/sample.h"

namespace ember::scraper {
namespace {

constexpr int64_t kMaxAheadMs = 10 * 60 * 1000;
// Scrape timestamps within this much of the ideal tick are written as the
// tick, so that samples compress better; at most 1% of the interval.
constexpr int64_t kTimestampToleranceNs = 2'000'000;

constexpr std::string_view kReportNames[kNumReportSeries] = {
    "up",
    "scrape_duration_seconds",
    "scrape_samples_scraped",
    "scrape_samples_post_metric_relabeling",
    "scrape_series_added",
    "scrape_timeout_seconds",
    "scrape_sample_limit",
    "scrape_body_size_bytes",
};

int64_t NowNs(const Clock& clock) {
  return std::chrono::duration_cast<Nanoseconds>(clock.Now().time_since_epoch()).count();
}

// Go's %.Ns: at most `n` runes of `s`.
std::string_view TruncateRunes(std::string_view s, size_t n) {
  size_t i = 0;
  for (size_t runes = 0; i < s.size() && runes < n; ++runes)
    i += std::max<size_t>(1, Utf8SequenceLength(s, i));
  return s.substr(0, std::min(i, s.size()));
}

bool IsLegacyMetricName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
                    (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool ValidLabels(const Labels& labels, relabel::NameValidation scheme) {
  for (const Label& l : labels) {
    if (l.name == kMetricNameLabel) {
      if (scheme == relabel::NameValidation::kLegacy ? !IsLegacyMetricName(l.value)
                                                     : (l.value.empty() || !IsValidUtf8(l.value))) {
        return false;
      }
    }
    if (!relabel::IsValidLabelName(l.name, scheme) || !IsValidUtf8(l.value)) return false;
  }
  return true;
}

std::string CheckLabelLimits(const Labels& labels, const ScrapeLoopOptions& o) {
  const std::string_view metric = labels.MetricName();
  if (o.label_limit > 0 && static_cast<int64_t>(labels.size()) > o.label_limit) {
    return "label_limit exceeded (metric: " + std::string(TruncateRunes(metric, 50)) +
           ", number of labels: " + std::to_string(labels.size()) +
           ", limit: " + std::to_string(o.label_limit) + ")";
  }
  if (o.label_name_length_limit <= 0 && o.label_value_length_limit <= 0) return "";
  for (const Label& l : labels) {
    if (o.label_name_length_limit > 0 && static_cast<int64_t>(l.name.size()) > o.label_name_length_limit) {
      return "label_name_length_limit exceeded (metric: " + std::string(TruncateRunes(metric, 50)) +
             ", label name: " + std::string(TruncateRunes(l.name, 50)) +
             ", length: " + std::to_string(l.name.size()) +
             ", limit: " + std::to_string(o.label_name_length_limit) + ")";
    }
    if (o.label_value_length_limit > 0 && static_cast<int64_t>(l.value.size()) > o.label_value_length_limit) {
      return "label_value_length_limit exceeded (metric: " + std::string(TruncateRunes(metric, 50)) +
             ", label name: " + std::string(TruncateRunes(l.name, 50)) +
             ", value: " + GoQuote(TruncateRunes(l.value, 50)) +
             ", length: " + std::to_string(l.value.size()) +
             ", limit: " + std::to_string(o.label_value_length_limit) + ")";
    }
  }
  return "";
}

// The target's labels on a scraped series, as upstream's mutateSampleLabels;
// then metric relabeling. Empty when dropped.
Labels MutateSampleLabels(const Labels& exposed, const Target& target, const ScrapeLoopOptions& o) {
  LabelsBuilder b(exposed);
  if (o.honor_labels) {
    for (const Label& l : target.public_labels()) {
      if (!exposed.Has(l.name)) b.Set(l.name, l.value);
    }
  } else {
    std::vector<Label> conflicts;
    for (const Label& l : target.public_labels()) {
      std::string_view existing = exposed.Get(l.name);
      if (!existing.empty()) conflicts.push_back({l.name, std::string(existing)});
      b.Set(l.name, l.value);
    }
    std::stable_sort(conflicts.begin(), conflicts.end(),
                     [](const Label& a, const Label& c) { return a.name.size() < c.name.size(); });
    for (const Label& c : conflicts) {
      std::string name = c.name;
      while (true) {
        name = "exported_" + name;
        if (b.Get(name).empty()) {
          b.Set(name, c.value);
          break;
        }
      }
    }
  }
  Labels result = b.Build();
  if (o.metric_relabel && !o.metric_relabel->empty()) {
    Labels out;
    if (!relabel::Process(result, *o.metric_relabel, &out)) return Labels();
    return out;
  }
  return result;
}

uint64_t HashBytes(uint64_t h, std::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  h ^= 0xff;
  h *= 1099511628211ULL;
  return h;
}

bool IsStorageError(const Status& st, std::string_view text) {
  return st.code() == StatusCode::kInvalidArgument && st.message() == text;
}

}  // namespace

std::string HttpStatusText(int status) {
  std::string_view reason;
  switch (status) {
    case 200:
      reason = "OK";
      break;
    case 201:
      reason = "Created";
      break;
    case 202:
      reason = "Accepted";
      break;
    case 204:
      reason = "No Content";
      break;
    case 301:
      reason = "Moved Permanently";
      break;
    case 302:
      reason = "Found";
      break;
    case 304:
      reason = "Not Modified";
      break;
    case 307:
      reason = "Temporary Redirect";
      break;
    case 308:
      reason = "Permanent Redirect";
      break;
    case 400:
      reason = "Bad Request";
      break;
    case 401:
      reason = "Unauthorized";
      break;
    case 403:
      reason = "Forbidden";
      break;
    case 404:
      reason = "Not Found";
      break;
    case 405:
      reason = "Method Not Allowed";
      break;
    case 406:
      reason = "Not Acceptable";
      break;
    case 408:
      reason = "Request Timeout";
      break;
    case 409:
      reason = "Conflict";
      break;
    case 410:
      reason = "Gone";
      break;
    case 413:
      reason = "Request Entity Too Large";
      break;
    case 429:
      reason = "Too Many Requests";
      break;
    case 500:
      reason = "Internal Server Error";
      break;
    case 501:
      reason = "Not Implemented";
      break;
    case 502:
      reason = "Bad Gateway";
      break;
    case 503:
      reason = "Service Unavailable";
      break;
    case 504:
      reason = "Gateway Timeout";
      break;
    default:
      break;
  }
  std::string out = std::to_string(status);
  if (!reason.empty()) {
    out += ' ';
    out += reason;
  }
  return out;
}

ScrapeLoop::ScrapeLoop(std::shared_ptr<Target> target, ScrapeLoopOptions options, ScrapeLoopDeps deps,
                       std::shared_ptr<ScrapeCache> cache)
    : target_(std::move(target)),
      options_(std::move(options)),
      deps_(std::move(deps)),
      cache_(cache ? std::move(cache) : std::make_shared<ScrapeCache>()) {
  if (deps_.metrics != nullptr) {
    interval_length_ = &deps_.metrics->interval_length.WithLabelValues({FormatGoDuration(options_.interval)});
  }
}

ScrapeLoop::~ScrapeLoop() = default;

void ScrapeLoop::Start() {
  const int64_t interval_ns = std::chrono::duration_cast<Nanoseconds>(options_.interval).count();
  const int64_t offset = target_->OffsetNs(interval_ns, deps_.offset_seed, NowNs(*deps_.clock));
  std::lock_guard lock(mu_);
  if (started_ || stopping_) return;
  started_ = true;
  next_tick_ = std::chrono::steady_clock::now() + Nanoseconds(offset);
  timer_ = deps_.scheduler->At(next_tick_, [self = shared_from_this()] { self->Tick(); });
}

void ScrapeLoop::SetForcedError(std::string error) {
  std::lock_guard lock(mu_);
  forced_error_ = std::move(error);
}

int64_t ScrapeLoop::AlignedTimestamp(int64_t now_ns) {
  const int64_t interval_ns = std::chrono::duration_cast<Nanoseconds>(options_.interval).count();
  if (aligned_ns_ == 0) aligned_ns_ = now_ns;
  const int64_t tolerance = std::min(interval_ns / 100, kTimestampToleranceNs);
  if (interval_ns > 0) {
    while (now_ns - aligned_ns_ >= interval_ns) aligned_ns_ += interval_ns;
  }
  return now_ns - aligned_ns_ <= tolerance ? aligned_ns_ : now_ns;
}

http::ClientRequest ScrapeLoop::BuildRequest(std::string* error) const {
  http::ClientRequest req;
  req.url = target_->url();
  req.headers.Set("Accept", options_.accept_header);
  if (options_.enable_compression) {
    req.accept_gzip = true;
  } else {
    req.headers.Set("Accept-Encoding", "identity");
  }
  req.headers.Set("User-Agent", options_.user_agent);
  req.headers.Set("X-Prometheus-Scrape-Timeout-Seconds",
                  FormatFloat(std::chrono::duration<double>(options_.timeout).count()));
  req.timeout = options_.timeout;
  if (options_.authorize) {
    if (Status st = options_.authorize(req.headers); !st.ok()) *error = st.message();
  }
  return req;
}

ScrapeLoop::Fetched ScrapeLoop::ToFetched(Result<http::ClientResponse> response) const {
  Fetched f;
  if (!response.ok()) {
    const Status& st = response.status();
    f.error = st.message();
    // Go prints the system's error texts in lower case ("connect: connection refused").
    if (size_t at = f.error.find(": Connection refused"); at != std::string::npos) f.error[at + 2] = 'c';
    if (st.code() == StatusCode::kDeadlineExceeded) {
      // Go's client says only "context deadline exceeded".
      if (size_t at = f.error.find(": context deadline exceeded (timeout"); at != std::string::npos) {
        f.error.resize(at + std::string_view(": context deadline exceeded").size());
      }
    } else if (st.code() == StatusCode::kResourceExhausted &&
               f.error.find("response body exceeds the limit") != std::string::npos) {
      f.error = "body size limit exceeded";
      f.bytes = -1;
      if (deps_.metrics != nullptr) deps_.metrics->exceeded_body_size_limit.Inc();
    }
    return f;
  }
  if (response->status != 200) {
    f.error = "server returned HTTP status " + HttpStatusText(response->status);
    return f;
  }
  if (options_.body_size_limit > 0 &&
      static_cast<int64_t>(response->body.size()) >= options_.body_size_limit) {
    f.error = "body size limit exceeded";
    f.bytes = -1;
    if (deps_.metrics != nullptr) deps_.metrics->exceeded_body_size_limit.Inc();
    return f;
  }
  f.content_type = std::string(response->headers.Get("Content-Type"));
  f.body = std::move(response->body);
  f.bytes = static_cast<int64_t>(f.body.size());
  return f;
}

void ScrapeLoop::Tick() {
  std::string forced;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    in_flight_ = true;
    timer_ = 0;
    forced = forced_error_;
  }
  const auto started = std::chrono::steady_clock::now();
  const int64_t start_ns = AlignedTimestamp(NowNs(*deps_.clock));
  const int64_t ts_ms = start_ns / 1'000'000;
  if (!forced.empty()) {
    Fetched f;
    f.error = std::move(forced);
    Complete(std::move(f), start_ns, ts_ms, started);
    ScheduleNext();
    return;
  }
  std::string error;
  http::ClientRequest req = BuildRequest(&error);
  if (!error.empty()) {
    Fetched f;
    f.error = std::move(error);
    Complete(std::move(f), start_ns, ts_ms, started);
    ScheduleNext();
    return;
  }
  deps_.client->AsyncDo(std::move(req), [self = shared_from_this(), start_ns, ts_ms,
                                         started](Result<http::ClientResponse> response) mutable {
    Fetched f = self->ToFetched(std::move(response));
    Scheduler* scheduler = self->deps_.scheduler;
    scheduler->Post([self = std::move(self), f = std::move(f), start_ns, ts_ms, started]() mutable {
      self->Complete(std::move(f), start_ns, ts_ms, started);
      self->ScheduleNext();
    });
  });
}

void ScrapeLoop::ScheduleNext() {
  std::lock_guard lock(mu_);
  in_flight_ = false;
  if (!stopping_) {
    const auto now = std::chrono::steady_clock::now();
    // Missed ticks are skipped, as a Go ticker drops them for a slow reader.
    while (next_tick_ <= now) next_tick_ += options_.interval;
    timer_ = deps_.scheduler->At(next_tick_, [self = shared_from_this()] { self->Tick(); });
  }
  cv_.notify_all();
}

std::string ScrapeLoop::ScrapeOnce(int64_t ts_ms) {
  const auto started = std::chrono::steady_clock::now();
  std::string error;
  http::ClientRequest req = BuildRequest(&error);
  Fetched f;
  if (error.empty()) {
    f = ToFetched(deps_.client->Do(std::move(req)));
  } else {
    f.error = std::move(error);
  }
  Complete(std::move(f), ts_ms * 1'000'000, ts_ms, started);
  return target_->status().last_error;
}

void ScrapeLoop::Complete(Fetched fetched, int64_t start_ns, int64_t ts_ms,
                          std::chrono::steady_clock::time_point started) {
  if (last_start_ns_ != 0 && interval_length_ != nullptr) {
    interval_length_->Observe(static_cast<double>(start_ns - last_start_ns_) / 1e9);
  }
  last_start_ns_ = start_ns;
  last_ts_ms_ = ts_ms;

  tsdb::Appender app = deps_.db->NewAppender();
  AppendResult result;
  std::string error = std::move(fetched.error);
  auto append_empty = [&] {
    AppendStaleMarkers(app, ts_ms);
    cache_->IterDone(false);
  };
  if (error.empty()) {
    result = AppendBody(app, fetched.body, fetched.content_type, ts_ms);
    if (!result.error.empty()) {
      deps_.logger.Debug("Append failed", {{"err", result.error}});
      app.Rollback();
      append_empty();
      error = result.error;
    }
  } else {
    deps_.logger.Debug("Scrape failed", {{"err", error}});
    append_empty();
  }

  const double duration = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  target_->Report(start_ns, duration, error);
  Status st;
  auto report = [&](ReportSeries which, double v) {
    if (st.ok()) st = AddReport(app, which, ts_ms, v);
  };
  report(ReportSeries::kUp, error.empty() ? 1 : 0);
  report(ReportSeries::kDuration, duration);
  report(ReportSeries::kSamplesScraped, static_cast<double>(result.total));
  report(ReportSeries::kSamplesPostRelabeling, static_cast<double>(result.added));
  report(ReportSeries::kSeriesAdded, static_cast<double>(result.series_added));
  if (options_.extra_metrics) {
    report(ReportSeries::kTimeout, std::chrono::duration<double>(options_.timeout).count());
    report(ReportSeries::kSampleLimit, static_cast<double>(options_.sample_limit));
    report(ReportSeries::kBodySizeBytes, static_cast<double>(fetched.bytes));
  }
  if (!st.ok()) deps_.logger.Warn("Appending scrape report failed", {{"err", st}});
  if (Status c = app.Commit(); !c.ok()) deps_.logger.Error("Scrape commit failed", {{"err", c}});
  if (error.empty()) UpdateMetadata(fetched.body, fetched.content_type, metadata_hash_);
}

AppendResult ScrapeLoop::AppendBody(tsdb::Appender& app, std::string_view body, std::string_view content_type,
                                    int64_t ts_ms) {
  AppendResult r;
  if (body.empty()) {
    AppendStaleMarkers(app, ts_ms);
    cache_->IterDone(false);
    return r;
  }
  std::string warning;
  Result<std::unique_ptr<textparse::Parser>> parsed =
      textparse::NewParser(body, content_type, options_.fallback_protocol, {}, &warning);
  if (!parsed.ok()) {
    deps_.logger.Error("Failed to determine correct type of scrape target.",
                       {{"content_type", std::string(content_type)},
                        {"fallback_media_type", options_.fallback_protocol},
                        {"err", parsed.status()}});
    r.error = parsed.status().message();
    return r;
  }
  if (!warning.empty()) {
    deps_.logger.Debug("Invalid content type on scrape, using fallback setting.",
                       {{"content_type", std::string(content_type)},
                        {"fallback_media_type", options_.fallback_protocol},
                        {"err", warning}});
  }
  textparse::Parser& p = **parsed;
  const int64_t max_time = deps_.clock->NowMs() + kMaxAheadMs;
  int64_t limited = 0;
  bool sample_limit_hit = false;
  int64_t out_of_order = 0, duplicates = 0, out_of_bounds = 0;
  uint64_t meta_hash = 14695981039346656037ULL;
  std::vector<textparse::LabelView> views;
  std::vector<Label> exposed_vec;

  while (true) {
    Result<textparse::Entry> entry = p.Next();
    if (!entry.ok()) {
      r.error = entry.status().message();
      break;
    }
    if (*entry == textparse::Entry::kEof) break;
    switch (*entry) {
      case textparse::Entry::kType:
        meta_hash = HashBytes(HashBytes(meta_hash, p.MetricFamily()), textparse::MetricTypeName(p.Type()));
        continue;
      case textparse::Entry::kHelp:
        meta_hash = HashBytes(HashBytes(HashBytes(meta_hash, "h"), p.MetricFamily()), p.Help());
        continue;
      case textparse::Entry::kUnit:
        meta_hash = HashBytes(HashBytes(HashBytes(meta_hash, "u"), p.MetricFamily()), p.Unit());
        continue;
      case textparse::Entry::kComment:
        continue;
      default:
        break;
    }
    ++r.total;
    int64_t t = ts_ms;
    std::optional<int64_t> parsed_ts = options_.honor_timestamps ? p.Timestamp() : std::nullopt;
    if (parsed_ts) t = *parsed_ts;
    const double v = p.Value();
    const std::string_view text = p.Series();

    bool seen_before = false;
    CacheEntry* ce = cache_->Get(text, &seen_before);
    if (ce != nullptr && ce->dropped) continue;
    Labels fresh;
    uint64_t hash = 0;
    if (ce == nullptr) {
      p.Labels(&views);
      exposed_vec.clear();
      for (const textparse::LabelView& lv : views) {
        if (!lv.value.empty()) exposed_vec.push_back({std::string(lv.name), std::string(lv.value)});
      }
      Labels exposed = Labels::FromSorted(std::move(exposed_vec));
      exposed_vec = {};
      hash = exposed.Hash();
      fresh = MutateSampleLabels(exposed, *target_, options_);
      if (fresh.empty()) {
        cache_->Add(text).dropped = true;
        continue;
      }
      if (!fresh.Has(kMetricNameLabel)) {
        r.error = "missing metric name (__name__ label)";
        break;
      }
      if (!ValidLabels(fresh, options_.validation)) {
        r.error = "invalid metric name or label names: " + fresh.ToString();
        break;
      }
      if (std::string limit_error = CheckLabelLimits(fresh, options_); !limit_error.empty()) {
        if (deps_.metrics != nullptr) deps_.metrics->exceeded_label_limits.Inc();
        r.error = std::move(limit_error);
        break;
      }
    }
    const Labels& labels = ce != nullptr ? ce->labels : fresh;

    bool sample_added = false;
    Result<tsdb::SeriesRef> ref = tsdb::SeriesRef{};
    Status add_error;
    if (seen_before && !parsed_ts) {
      add_error = Status::InvalidArgument(std::string(tsdb::kErrDuplicateSampleForTimestamp));
    } else if (options_.sample_limit > 0 && !tsdb::IsStaleNaN(v) && ++limited > options_.sample_limit) {
      sample_limit_hit = true;
    } else if (t > max_time) {
      add_error = Status::InvalidArgument(std::string(tsdb::kErrOutOfBounds));
    } else {
      if (ce != nullptr && ce->ref.id != 0) {
        ref = app.Add(ce->ref, t, v);
        if (!ref.ok() && ref.status().code() == StatusCode::kNotFound) ref = app.Add(labels, t, v);
      } else {
        ref = app.Add(labels, t, v);
      }
      if (ref.ok()) {
        sample_added = true;
      } else {
        add_error = ref.status();
      }
    }
    if (!add_error.ok()) {
      if (IsStorageError(add_error, tsdb::kErrOutOfOrderSample)) {
        ++out_of_order;
        if (deps_.metrics != nullptr) deps_.metrics->sample_out_of_order.Inc();
      } else if (IsStorageError(add_error, tsdb::kErrDuplicateSampleForTimestamp)) {
        ++duplicates;
        if (deps_.metrics != nullptr) deps_.metrics->sample_duplicate.Inc();
      } else if (IsStorageError(add_error, tsdb::kErrOutOfBounds) ||
                 IsStorageError(add_error, tsdb::kErrTooOldSample)) {
        ++out_of_bounds;
        if (deps_.metrics != nullptr) deps_.metrics->sample_out_of_bounds.Inc();
      } else {
        r.error = add_error.message();
        break;
      }
    }
    const bool track = !parsed_ts || options_.track_timestamps_staleness;
    if (ce != nullptr) {
      if (sample_added) {
        ce->ref = *ref;
        if (track) cache_->Track(*ce);
      }
    } else if (sample_added) {
      CacheEntry& e = cache_->Add(text);
      e.ref = *ref;
      e.labels = std::move(fresh);
      e.hash = hash;
      if (track) cache_->Track(e);
      if (!sample_limit_hit) ++r.series_added;
    }
    ++r.added;
  }
  if (sample_limit_hit) {
    if (r.error.empty()) r.error = "sample limit exceeded";
    if (deps_.metrics != nullptr) deps_.metrics->exceeded_sample_limit.Inc();
  }
  if (out_of_order > 0) {
    deps_.logger.Warn("Error on ingesting out-of-order samples", {{"num_dropped", out_of_order}});
  }
  if (duplicates > 0) {
    deps_.logger.Warn("Error on ingesting samples with different value but same timestamp",
                      {{"num_dropped", duplicates}});
  }
  if (out_of_bounds > 0) {
    deps_.logger.Warn("Error on ingesting samples that are too old or are too far into the future",
                      {{"num_dropped", out_of_bounds}});
  }
  if (r.error.empty()) {
    AppendStaleMarkers(app, ts_ms);
    if (cache_->IterDone(true) && deps_.metrics != nullptr) deps_.metrics->cache_flush_forced.Inc();
    metadata_hash_ = meta_hash;
  }
  return r;
}

void ScrapeLoop::AppendStaleMarkers(tsdb::Appender& app, int64_t ts_ms) {
  const double stale = tsdb::StaleNaN();
  cache_->ForEachStale([&](CacheEntry& e) {
    Result<tsdb::SeriesRef> r =
        e.ref.id != 0 ? app.Add(e.ref, ts_ms, stale) : app.Add(e.labels, ts_ms, stale);
    if (!r.ok() && r.status().code() == StatusCode::kNotFound) r = app.Add(e.labels, ts_ms, stale);
    if (!r.ok() && !IsStorageError(r.status(), tsdb::kErrOutOfOrderSample) &&
        !IsStorageError(r.status(), tsdb::kErrDuplicateSampleForTimestamp)) {
      deps_.logger.Warn("Appending stale marker failed",
                        {{"series", e.labels.ToString()}, {"err", r.status()}});
    }
  });
}

Status ScrapeLoop::AddReport(tsdb::Appender& app, ReportSeries which, int64_t ts_ms, double v) {
  ScrapeCache::ReportEntry& e = cache_->report(which);
  if (e.labels.empty()) {
    // The target's labels win; a clashing one from the name is kept as exported_.
    LabelsBuilder b;
    b.Set(kMetricNameLabel, kReportNames[static_cast<size_t>(which)]);
    Labels base = b.Build();
    for (const Label& l : target_->public_labels()) {
      b.Set("exported_" + l.name, base.Get(l.name));
      b.Set(l.name, l.value);
    }
    e.labels = b.Build();
    e.ref = {};
  }
  Result<tsdb::SeriesRef> r = e.ref.id != 0 ? app.Add(e.ref, ts_ms, v) : app.Add(e.labels, ts_ms, v);
  if (!r.ok() && r.status().code() == StatusCode::kNotFound) r = app.Add(e.labels, ts_ms, v);
  if (r.ok()) {
    e.ref = *r;
    return Status();
  }
  if (IsStorageError(r.status(), tsdb::kErrOutOfOrderSample) ||
      IsStorageError(r.status(), tsdb::kErrDuplicateSampleForTimestamp)) {
    return Status();
  }
  return r.status();
}

void ScrapeLoop::WriteEndOfRunStaleMarkers(int64_t ts_ms) {
  tsdb::Appender app = deps_.db->NewAppender();
  AppendStaleMarkers(app, ts_ms);
  const double stale = tsdb::StaleNaN();
  Status st;
  for (size_t i = 0; i < kNumReportSeries && st.ok(); ++i) {
    if (!cache_->report(static_cast<ReportSeries>(i)).labels.empty()) {
      st = AddReport(app, static_cast<ReportSeries>(i), ts_ms, stale);
    }
  }
  if (!st.ok()) deps_.logger.Warn("Stale report failed", {{"err", st}});
  if (Status c = app.Commit(); !c.ok()) deps_.logger.Warn("Stale commit failed", {{"err", c}});
}

void ScrapeLoop::UpdateMetadata(std::string_view body, std::string_view content_type, uint64_t hash) {
  if (deps_.metadata == nullptr || options_.metadata_source.empty()) return;
  if (metadata_reported_ && hash == metadata_hash_reported_) return;
  auto parsed = textparse::NewParser(body, content_type, options_.fallback_protocol);
  if (!parsed.ok()) return;
  std::vector<FamilyMetadata> families;
  std::unordered_map<std::string, size_t> index;
  auto family = [&](std::string_view name) -> MetricMetadata& {
    auto [it, inserted] = index.try_emplace(std::string(name), families.size());
    if (inserted) families.push_back({std::string(name), MetricMetadata{"unknown", "", ""}});
    return families[it->second].metadata;
  };
  while (true) {
    Result<textparse::Entry> entry = (*parsed)->Next();
    if (!entry.ok() || *entry == textparse::Entry::kEof) break;
    textparse::Parser& p = **parsed;
    switch (*entry) {
      case textparse::Entry::kType:
        family(p.MetricFamily()).type = std::string(textparse::MetricTypeName(p.Type()));
        break;
      case textparse::Entry::kHelp:
        family(p.MetricFamily()).help = std::string(p.Help());
        break;
      case textparse::Entry::kUnit:
        family(p.MetricFamily()).unit = std::string(p.Unit());
        break;
      default:
        break;
    }
  }
  deps_.metadata->Replace(options_.metadata_source, std::move(families));
  metadata_reported_ = true;
  metadata_hash_reported_ = hash;
}

void ScrapeLoop::Stop(StopMode mode) {
  std::chrono::steady_clock::time_point next_tick;
  {
    std::unique_lock lock(mu_);
    if (stopping_) return;
    stopping_ = true;
    if (timer_ != 0) {
      deps_.scheduler->Cancel(timer_);
      timer_ = 0;
    }
    cv_.wait(lock, [this] { return !in_flight_; });
    next_tick = next_tick_;
  }
  if (mode == StopMode::kHandOver) return;
  if (deps_.metadata != nullptr && !options_.metadata_source.empty()) {
    deps_.metadata->Remove(options_.metadata_source);
  }
  if (last_ts_ms_ == 0) return;  // never scraped: nothing to mark
  if (mode == StopMode::kStaleLater && deps_.stale_queue != nullptr) {
    // Upstream waits for the next tick (the markers' timestamp), one more
    // tick, and a tenth of the interval.
    const auto now = std::chrono::steady_clock::now();
    while (next_tick <= now) next_tick += options_.interval;
    const int64_t ts_ms =
        deps_.clock->NowMs() + std::chrono::duration_cast<Milliseconds>(next_tick - now).count();
    deps_.stale_queue->Add(shared_from_this(), next_tick + options_.interval + options_.interval / 10, ts_ms);
    return;
  }
  WriteEndOfRunStaleMarkers(deps_.clock->NowMs());
}

void StaleMarkerQueue::Add(std::shared_ptr<ScrapeLoop> loop, std::chrono::steady_clock::time_point when,
                           int64_t ts_ms) {
  std::lock_guard lock(mu_);
  const uint64_t key = next_key_++;
  const uint64_t timer = scheduler_.At(when, [this, key] { Run(key); });
  pending_.emplace(key, std::make_pair(timer, Pending{std::move(loop), ts_ms}));
}

void StaleMarkerQueue::Run(uint64_t key) {
  Pending p;
  {
    std::lock_guard lock(mu_);
    auto it = pending_.find(key);
    if (it == pending_.end()) return;
    p = std::move(it->second.second);
    pending_.erase(it);
  }
  p.loop->WriteEndOfRunStaleMarkers(p.ts_ms);
}

void StaleMarkerQueue::Flush() {
  std::map<uint64_t, std::pair<uint64_t, Pending>> pending;
  {
    std::lock_guard lock(mu_);
    pending.swap(pending_);
  }
  for (auto& [key, entry] : pending) {
    scheduler_.Cancel(entry.first);
    // Not later than now: a restarted server must be able to write again at once.
    entry.second.loop->WriteEndOfRunStaleMarkers(std::min(entry.second.ts_ms, Clock::Real().NowMs()));
  }
}

size_t StaleMarkerQueue::pending() const {
  std::lock_guard lock(mu_);
  return pending_.size();
}

}  // namespace ember::scraper
