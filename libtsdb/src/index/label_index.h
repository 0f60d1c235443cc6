// LabelIndex: the in-memory inverted index from label pairs to series.
//
// For every label name it keeps the sorted values seen and, per value, the
// postings of the series carrying that pair. Names and values are stored once
// however many series share them; a pair disappears with its last series.
// Labels with an empty value are not indexed: Prometheus treats them as
// absent, and so does Select.
//
// Thread-safe: writers (Add, Remove) take the lock exclusively, readers share
// it, so queries run concurrently with one another.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ember/base/labels.h"
#include "ember/tsdb/matcher.h"
#include "ember/tsdb/stats.h"
#include "postings.h"

namespace ember::tsdb {

class LabelIndex {
 public:
  LabelIndex() = default;
  LabelIndex(const LabelIndex&) = delete;
  LabelIndex& operator=(const LabelIndex&) = delete;

  // Indexes series `id` under each of its labels. Ids may come in any order;
  // increasing order is cheapest. Adding an id twice with the same labels is
  // harmless.
  void Add(SeriesId id, const Labels& labels);

  // Forgets series `id`, which must be passed the labels it was added with
  // (pairs it was not indexed under are ignored). Costs a shift of each of
  // its postings lists; to drop many series, the batch form is far cheaper.
  void Remove(SeriesId id, const Labels& labels);

  struct SeriesRef {
    SeriesId id = 0;
    const Labels* labels = nullptr;  // not null; read only during the call
  };
  // Forgets many series, rewriting each affected postings list once.
  void Remove(std::span<const SeriesRef> series);

  // The series whose labels satisfy every matcher, a missing label counting
  // as "" (Prometheus's PostingsForMatchers): `a=""`, `a!="x"` or `a=~".*"`
  // also select series without `a`. No matchers select every series.
  Postings Select(std::span<const Matcher> matchers) const;

  // Every indexed series.
  Postings All() const;
  size_t NumSeries() const;

  // Sorted names carried by at least one series of `within` (null: of any
  // series).
  std::vector<std::string> LabelNames(const Postings* within) const;
  // Sorted values of `name` carried by at least one series of `within` (null:
  // of any series).
  std::vector<std::string> LabelValues(std::string_view name, const Postings* within) const;

  // Cardinality as `/api/v1/status/tsdb` reports it, each list cut to `limit`.
  CardinalityStats Stats(size_t limit) const;

  // An estimate of the heap bytes the index holds, node overheads included.
  size_t MemoryBytes() const;

 private:
  using ValueMap = std::map<std::string, Postings, std::less<>>;
  using NameMap = std::map<std::string, ValueMap, std::less<>>;

  // Postings of the values of `m.name()` for which m.Matches(v) == `want`.
  // Points into the index: valid while the lock is held.
  std::vector<const Postings*> CollectPostings(const Matcher& m, bool want) const;

  mutable std::shared_mutex mu_;
  NameMap names_;  // GUARDED_BY(mu_)
  Postings all_;   // GUARDED_BY(mu_)
};

}  // namespace ember::tsdb
