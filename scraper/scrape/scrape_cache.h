// ScrapeCache: what a scrape loop remembers about its target between scrapes,
// as Prometheus's scrapeCache: the text of each series as exposed -> its
// store handle and final labels (so a steady scrape does no label work),
// the series that metric relabeling dropped, which series each scrape saw
// (for stale markers), and the synthetic series' handles.
//
// Used by one loop at a time; a reload may hand it to the target's next loop.
#pragma once

#include <xxhash.h>
#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "ember/base/labels.h"
#include "ember/tsdb/db.h"

namespace ember::scraper {

struct CacheEntry {
  tsdb::SeriesRef ref;
  Labels labels;              // after target labels and metric relabeling
  uint64_t hash = 0;          // of the labels as exposed
  uint64_t last_iter = 0;     // the last scrape that exposed it
  uint64_t tracked_iter = 0;  // the last scrape that counts it for staleness
  bool dropped = false;       // metric relabeling dropped it
};

// The synthetic series, in the order they are written.
enum class ReportSeries : uint8_t {
  kUp,
  kDuration,
  kSamplesScraped,
  kSamplesPostRelabeling,
  kSeriesAdded,
  kTimeout,
  kSampleLimit,
  kBodySizeBytes,
};
inline constexpr size_t kNumReportSeries = 8;

class ScrapeCache {
 public:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return XXH3_64bits(s.data(), s.size()); }
  };

  // The entry for `series` (its text), marking it seen by this scrape;
  // `already_seen` tells whether this scrape had seen it before. Null when
  // unknown.
  CacheEntry* Get(std::string_view series, bool* already_seen) {
    auto it = series_.find(series);
    if (it == series_.end()) return nullptr;
    *already_seen = it->second.last_iter == iter_;
    it->second.last_iter = iter_;
    return &it->second;
  }
  // The entry for `series` without marking it seen; null when unknown.
  const CacheEntry* Find(std::string_view series) const {
    auto it = series_.find(series);
    return it == series_.end() ? nullptr : &it->second;
  }
  CacheEntry& Add(std::string_view series) {
    CacheEntry& e = series_[std::string(series)];
    e.last_iter = iter_;
    return e;
  }
  void Track(CacheEntry& e) { e.tracked_iter = iter_; }

  // Calls `f` for every series the previous scrape counted and this one did not.
  template <class F>
  void ForEachStale(F&& f) {
    for (auto& [text, e] : series_) {
      if (!e.dropped && e.tracked_iter + 1 == iter_) f(e);
    }
  }

  // Ends a scrape. `flush` (after a successful scrape) forgets the series it
  // did not see; the cache is flushed anyway when failed scrapes made it
  // grow past twice its last good size plus 1000. Returns whether a forced
  // flush happened.
  bool IterDone(bool flush) {
    bool forced = false;
    if (flush) {
      successful_count_ = series_.size();
    } else if (series_.size() > successful_count_ * 2 + 1000) {
      flush = forced = true;
    }
    if (flush) std::erase_if(series_, [this](const auto& kv) { return kv.second.last_iter != iter_; });
    ++iter_;
    return forced;
  }

  uint64_t iter() const { return iter_; }
  size_t size() const { return series_.size(); }

  struct ReportEntry {
    tsdb::SeriesRef ref;
    Labels labels;  // empty until first written
  };
  ReportEntry& report(ReportSeries s) { return report_[static_cast<size_t>(s)]; }

 private:
  std::unordered_map<std::string, CacheEntry, StringHash, std::equal_to<>> series_;
  uint64_t iter_ = 2;  // tracked_iter 0 (never tracked) is never the previous scrape
  size_t successful_count_ = 0;
  std::array<ReportEntry, kNumReportSeries> report_;
};

}  // namespace ember::scraper
