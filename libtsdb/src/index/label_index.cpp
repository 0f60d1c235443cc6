#include "label_index.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace ember::tsdb {
namespace {

// Bytes the heap holds for a string beyond the object itself: nothing while it
// fits the small-string buffer (whose size an empty string's capacity tells).
size_t StringHeapBytes(const std::string& s) {
  static const size_t kInlineCapacity = std::string().capacity();
  return s.capacity() > kInlineCapacity ? s.capacity() + 1 : 0;
}

// A red-black tree node's links and colour, ahead of the stored pair.
constexpr size_t kMapNodeOverhead = 32;

// Sorts largest first, ties by name, and keeps the first `limit`.
void SortAndCut(std::vector<StatEntry>* entries, size_t limit) {
  const auto by_value = [](const StatEntry& a, const StatEntry& b) {
    return a.value != b.value ? a.value > b.value : a.name < b.name;
  };
  if (entries->size() > limit) {
    std::partial_sort(entries->begin(), entries->begin() + static_cast<ptrdiff_t>(limit), entries->end(),
                      by_value);
    entries->resize(limit);
  } else {
    std::sort(entries->begin(), entries->end(), by_value);
  }
}

// A label pair and its series count, before its `name=value` text is built:
// the text is only needed for the few that make the cut.
struct PairCount {
  uint64_t count;
  const std::string* name;
  const std::string* value;
};

// Orders `a.name=a.value` against `b.name=b.value` without joining them.
bool JoinedLess(const PairCount& a, const PairCount& b) {
  const auto at = [](const PairCount& p, size_t i) -> unsigned char {
    if (i < p.name->size()) return static_cast<unsigned char>((*p.name)[i]);
    if (i == p.name->size()) return '=';
    return static_cast<unsigned char>((*p.value)[i - p.name->size() - 1]);
  };
  const size_t a_len = a.name->size() + 1 + a.value->size();
  const size_t b_len = b.name->size() + 1 + b.value->size();
  for (size_t i = 0; i < a_len && i < b_len; ++i) {
    const unsigned char ca = at(a, i);
    const unsigned char cb = at(b, i);
    if (ca != cb) return ca < cb;
  }
  return a_len < b_len;
}

}  // namespace

void LabelIndex::Add(SeriesId id, const Labels& labels) {
  std::unique_lock lock(mu_);
  for (const Label& l : labels) {
    if (l.value.empty()) continue;
    auto name_it = names_.find(l.name);
    if (name_it == names_.end()) name_it = names_.emplace(l.name, ValueMap()).first;
    ValueMap& values = name_it->second;
    auto value_it = values.find(l.value);
    if (value_it == values.end()) value_it = values.emplace(l.value, Postings()).first;
    InsertSorted(&value_it->second, id);
  }
  InsertSorted(&all_, id);
}

void LabelIndex::Remove(SeriesId id, const Labels& labels) {
  std::unique_lock lock(mu_);
  for (const Label& l : labels) {
    const auto name_it = names_.find(l.name);
    if (name_it == names_.end()) continue;
    ValueMap& values = name_it->second;
    const auto value_it = values.find(l.value);
    if (value_it == values.end()) continue;
    EraseSorted(&value_it->second, id);
    if (value_it->second.empty()) values.erase(value_it);
    if (values.empty()) names_.erase(name_it);
  }
  EraseSorted(&all_, id);
}

void LabelIndex::Remove(std::span<const SeriesRef> series) {
  // (name, value, id), grouped by pair so each list is rewritten once.
  std::vector<std::tuple<std::string_view, std::string_view, SeriesId>> pairs;
  Postings ids;
  ids.reserve(series.size());
  for (const SeriesRef& s : series) {
    ids.push_back(s.id);
    for (const Label& l : *s.labels) {
      if (!l.value.empty()) pairs.emplace_back(l.name, l.value, s.id);
    }
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::sort(pairs.begin(), pairs.end());

  std::unique_lock lock(mu_);
  Postings remove;
  for (size_t i = 0; i < pairs.size();) {
    const std::string_view name = std::get<0>(pairs[i]);
    const std::string_view value = std::get<1>(pairs[i]);
    remove.clear();
    for (; i < pairs.size() && std::get<0>(pairs[i]) == name && std::get<1>(pairs[i]) == value; ++i) {
      if (remove.empty() || remove.back() != std::get<2>(pairs[i])) remove.push_back(std::get<2>(pairs[i]));
    }
    const auto name_it = names_.find(name);
    if (name_it == names_.end()) continue;
    ValueMap& values = name_it->second;
    const auto value_it = values.find(value);
    if (value_it == values.end()) continue;
    SubtractInPlace(&value_it->second, remove);
    if (value_it->second.empty()) values.erase(value_it);
    if (values.empty()) names_.erase(name_it);
  }
  SubtractInPlace(&all_, ids);
}

std::vector<const Postings*> LabelIndex::CollectPostings(const Matcher& m, bool want) const {
  std::vector<const Postings*> out;
  const auto name_it = names_.find(m.name());
  if (name_it == names_.end()) return out;
  const ValueMap& values = name_it->second;

  const auto lookup = [&](std::string_view v) {
    if (const auto it = values.find(v); it != values.end()) out.push_back(&it->second);
  };
  const MatchType type = m.type();
  const bool regex = type == MatchType::kRegexMatch || type == MatchType::kRegexNoMatch;
  // Whether `want` asks for the values the literal or regex itself matches
  // (true for `=` and `=~` wanting matches, and for `!=` and `!~` wanting
  // misses); only then do the literals and the prefix narrow the search.
  const bool wants_own_matches = want == (type == MatchType::kEqual || type == MatchType::kRegexMatch);

  if (wants_own_matches && !regex) {
    lookup(m.value());
    return out;
  }
  if (wants_own_matches && !m.SetMatches().empty()) {
    for (const std::string& v : m.SetMatches()) lookup(v);
    return out;
  }
  if (wants_own_matches && !m.Prefix().empty()) {
    const std::string& prefix = m.Prefix();
    for (auto it = values.lower_bound(prefix); it != values.end() && it->first.starts_with(prefix); ++it) {
      if (m.Matches(it->first) == want) out.push_back(&it->second);
    }
    return out;
  }
  for (const auto& [v, postings] : values) {
    if (m.Matches(v) == want) out.push_back(&postings);
  }
  return out;
}

Postings LabelIndex::Select(std::span<const Matcher> matchers) const {
  std::shared_lock lock(mu_);
  // Matchers that reject "" narrow the result to series having a matching
  // value (intersected); matchers that accept "" keep everything except the
  // series whose value they reject (subtracted), so series lacking the label
  // stay in.
  std::deque<Postings> owned;  // unions built here; a deque keeps pointers stable
  std::vector<const Postings*> intersect;
  std::vector<const Postings*> subtract;
  for (const Matcher& m : matchers) {
    if (m.type() == MatchType::kRegexMatch && m.value() == ".*") continue;
    const bool keep_matching = !m.MatchesEmpty();
    std::vector<const Postings*> lists = CollectPostings(m, keep_matching);
    if (keep_matching) {
      if (lists.empty()) return {};
      if (lists.size() == 1) {
        intersect.push_back(lists.front());
      } else {
        intersect.push_back(&owned.emplace_back(Union(lists)));
      }
    } else {
      subtract.insert(subtract.end(), lists.begin(), lists.end());
    }
  }

  Postings result;
  if (intersect.empty()) {
    result = all_;
  } else {
    std::sort(intersect.begin(), intersect.end(),
              [](const Postings* a, const Postings* b) { return a->size() < b->size(); });
    result = *intersect.front();
    for (size_t i = 1; i < intersect.size() && !result.empty(); ++i) {
      result = Intersect(result, *intersect[i]);
    }
  }
  if (!subtract.empty() && !result.empty()) result = Subtract(result, Union(subtract));
  return result;
}

Postings LabelIndex::All() const {
  std::shared_lock lock(mu_);
  return all_;
}

size_t LabelIndex::NumSeries() const {
  std::shared_lock lock(mu_);
  return all_.size();
}

std::vector<std::string> LabelIndex::LabelNames(const Postings* within) const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  if (within != nullptr && within->empty()) return out;
  for (const auto& [name, values] : names_) {
    if (within == nullptr) {
      out.push_back(name);
      continue;
    }
    for (const auto& [value, postings] : values) {
      if (Intersects(postings, *within)) {
        out.push_back(name);
        break;
      }
    }
  }
  return out;
}

std::vector<std::string> LabelIndex::LabelValues(std::string_view name, const Postings* within) const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  const auto name_it = names_.find(name);
  if (name_it == names_.end() || (within != nullptr && within->empty())) return out;
  for (const auto& [value, postings] : name_it->second) {
    if (within == nullptr || Intersects(postings, *within)) out.push_back(value);
  }
  return out;
}

CardinalityStats LabelIndex::Stats(size_t limit) const {
  std::shared_lock lock(mu_);
  CardinalityStats stats;
  stats.num_series = all_.size();
  std::vector<PairCount> pairs;
  for (const auto& [name, values] : names_) {
    stats.num_label_pairs += values.size();
    stats.label_value_count_by_label_name.push_back({name, values.size()});
    uint64_t bytes = 0;
    const bool metric_name = name == kMetricNameLabel;
    for (const auto& [value, postings] : values) {
      bytes += value.size() * postings.size();
      pairs.push_back({postings.size(), &name, &value});
      if (metric_name) stats.series_count_by_metric_name.push_back({value, postings.size()});
    }
    stats.memory_in_bytes_by_label_name.push_back({name, bytes});
  }
  SortAndCut(&stats.series_count_by_metric_name, limit);
  SortAndCut(&stats.label_value_count_by_label_name, limit);
  SortAndCut(&stats.memory_in_bytes_by_label_name, limit);

  const auto by_count = [](const PairCount& a, const PairCount& b) {
    return a.count != b.count ? a.count > b.count : JoinedLess(a, b);
  };
  const size_t keep = std::min(limit, pairs.size());
  std::partial_sort(pairs.begin(), pairs.begin() + static_cast<ptrdiff_t>(keep), pairs.end(), by_count);
  for (size_t i = 0; i < keep; ++i) {
    stats.series_count_by_label_value_pair.push_back(
        {*pairs[i].name + "=" + *pairs[i].value, pairs[i].count});
  }
  return stats;
}

size_t LabelIndex::MemoryBytes() const {
  std::shared_lock lock(mu_);
  size_t bytes = sizeof(*this) + all_.capacity() * sizeof(SeriesId);
  for (const auto& [name, values] : names_) {
    bytes += kMapNodeOverhead + sizeof(std::string) + sizeof(ValueMap) + StringHeapBytes(name);
    for (const auto& [value, postings] : values) {
      bytes += kMapNodeOverhead + sizeof(std::string) + sizeof(Postings) + StringHeapBytes(value) +
               postings.capacity() * sizeof(SeriesId);
    }
  }
  return bytes;
}

}  // namespace ember::tsdb
