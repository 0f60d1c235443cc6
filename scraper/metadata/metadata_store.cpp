#include "metadata/metadata_store.h"

#include <algorithm>
#include <utility>

namespace ember::scraper {

void MetadataStore::Replace(const std::string& source, std::vector<FamilyMetadata> families) {
  std::lock_guard lock(mu_);
  if (families.empty()) {
    by_source_.erase(source);
    return;
  }
  by_source_[source] = std::move(families);
}

void MetadataStore::Merge(const std::string& source, const std::vector<FamilyMetadata>& families) {
  if (families.empty()) return;
  std::lock_guard lock(mu_);
  std::vector<FamilyMetadata>& known = by_source_[source];
  for (const FamilyMetadata& f : families) {
    auto it = std::find_if(known.begin(), known.end(),
                           [&](const FamilyMetadata& k) { return k.family == f.family; });
    if (it == known.end()) {
      known.push_back(f);
    } else {
      it->metadata = f.metadata;
    }
  }
}

void MetadataStore::Remove(const std::string& source) {
  std::lock_guard lock(mu_);
  by_source_.erase(source);
}

std::map<std::string, std::vector<MetricMetadata>> MetadataStore::List(std::string_view metric, long limit,
                                                                       long limit_per_metric) const {
  std::map<std::string, std::vector<MetricMetadata>> out;
  std::lock_guard lock(mu_);
  for (const auto& [source, families] : by_source_) {
    for (const FamilyMetadata& f : families) {
      if (!metric.empty() && f.family != metric) continue;
      std::vector<MetricMetadata>& entries = out[f.family];
      if (std::find(entries.begin(), entries.end(), f.metadata) != entries.end()) continue;
      if (limit_per_metric >= 0 && static_cast<long>(entries.size()) >= limit_per_metric) continue;
      entries.push_back(f.metadata);
    }
  }
  // A family kept only by the per-family limit of 0 is not listed.
  std::erase_if(out, [](const auto& entry) { return entry.second.empty(); });
  if (limit >= 0) {
    while (static_cast<long>(out.size()) > limit) out.erase(std::prev(out.end()));
  }
  return out;
}

std::vector<FamilyMetadata> MetadataStore::Source(const std::string& source) const {
  std::lock_guard lock(mu_);
  auto it = by_source_.find(source);
  return it == by_source_.end() ? std::vector<FamilyMetadata>{} : it->second;
}

}  // namespace ember::scraper
