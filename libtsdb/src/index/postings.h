// Postings: the ids of the series carrying one label pair, and the set
// operations that combine them when selecting series.
//
// A Postings is always sorted ascending without duplicates; every function
// here relies on that and keeps it. The functions are pure (or touch only the
// list passed in) and so are safe to call from any thread on lists no one is
// modifying.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace ember::tsdb {

using SeriesId = uint64_t;
using Postings = std::vector<SeriesId>;

// Ids in both lists.
Postings Intersect(const Postings& a, const Postings& b);
// Whether the lists share an id, without building the intersection.
bool Intersects(const Postings& a, const Postings& b);
// Ids in any of the lists. Null pointers are not allowed.
Postings Union(std::span<const Postings* const> lists);
// Ids in `a` but not in `b`.
Postings Subtract(const Postings& a, const Postings& b);
// Removes the ids of `remove` from `*list` in one pass.
void SubtractInPlace(Postings* list, const Postings& remove);

// Adds `id` unless present. Appending the largest id so far, the usual case
// as ids are handed out in increasing order, costs no search.
void InsertSorted(Postings* list, SeriesId id);
// Removes `id` if present.
void EraseSorted(Postings* list, SeriesId id);

}  // namespace ember::tsdb
