// MetadataStore: what the scraper knows about metric families -- type, help
// and unit -- for /api/v1/metadata and /api/v1/targets/metadata.
//
// Scrapes record the metadata of each target; remote write records what its
// senders attach. A metric family may carry several distinct entries (two
// targets disagreeing on the help text, say); each is listed once, in the
// order first seen, as Prometheus lists the union of its targets' caches.
// Entries of a source are replaced as a whole by its next report, so a
// target that stops exposing a family stops listing it.
//
// Thread-safe: any number of readers and writers at once.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace ember::scraper {

// One family's metadata, with the type as Prometheus names it: "counter",
// "gauge", "histogram", "gaugehistogram", "summary", "info", "stateset",
// "unknown".
struct MetricMetadata {
  std::string type;
  std::string help;
  std::string unit;
  friend bool operator==(const MetricMetadata&, const MetricMetadata&) = default;
};

// One family's metadata as a source reported it.
struct FamilyMetadata {
  std::string family;
  MetricMetadata metadata;
};

class MetadataStore {
 public:
  // Replaces everything `source` reported before (a target's scrape pool and
  // URL, or "remote_write") with `families`.
  void Replace(const std::string& source, std::vector<FamilyMetadata> families);
  // Adds to what `source` reported, replacing entries of the same family:
  // remote write senders send metadata for a few families at a time.
  void Merge(const std::string& source, const std::vector<FamilyMetadata>& families);
  // Forgets `source` (a target that went away).
  void Remove(const std::string& source);

  // The distinct entries per family, families sorted by name. `metric`, when
  // not empty, selects that family alone. At most `limit` families
  // (negative: no limit) and `limit_per_metric` entries per family
  // (negative: no limit), as the API's parameters.
  std::map<std::string, std::vector<MetricMetadata>> List(std::string_view metric, long limit,
                                                          long limit_per_metric) const;

  // What one source reported, in its order.
  std::vector<FamilyMetadata> Source(const std::string& source) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::vector<FamilyMetadata>> by_source_;
};

}  // namespace ember::scraper
