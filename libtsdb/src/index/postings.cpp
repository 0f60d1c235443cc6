#include "postings.h"

#include <algorithm>
#include <bit>
#include <cstddef>
#include <functional>
#include <iterator>
#include <queue>
#include <tuple>

namespace ember::tsdb {
namespace {

using Iter = Postings::const_iterator;

// When one list is this many times longer than the other, walking the short
// one and galloping through the long one beats a linear merge.
constexpr size_t kGallopRatio = 8;

// Up to this many lists a heap merge is cheap whatever the ids.
constexpr size_t kHeapMaxLists = 4;

// The first position in [first, last) holding a value >= target. Probes at
// doubling distances before a binary search, so the cost grows with the log
// of the distance skipped rather than of the whole range.
Iter Gallop(Iter first, Iter last, SeriesId target) {
  if (first == last || *first >= target) return first;
  ptrdiff_t step = 1;
  Iter lo = first;  // *lo < target throughout
  while (true) {
    if (last - lo <= step) return std::lower_bound(lo + 1, last, target);
    const Iter probe = lo + step;
    if (*probe >= target) return std::lower_bound(lo + 1, probe, target);
    lo = probe;
    step *= 2;
  }
}

}  // namespace

Postings Intersect(const Postings& a, const Postings& b) {
  const Postings& small = a.size() <= b.size() ? a : b;
  const Postings& large = a.size() <= b.size() ? b : a;
  Postings out;
  if (small.empty()) return out;
  if (large.size() / kGallopRatio < small.size()) {
    std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out;
  }
  Iter cursor = large.begin();
  for (SeriesId id : small) {
    cursor = Gallop(cursor, large.end(), id);
    if (cursor == large.end()) break;
    if (*cursor == id) out.push_back(id);
  }
  return out;
}

bool Intersects(const Postings& a, const Postings& b) {
  const Postings& small = a.size() <= b.size() ? a : b;
  const Postings& large = a.size() <= b.size() ? b : a;
  if (small.empty() || small.back() < large.front() || large.back() < small.front()) return false;
  Iter cursor = large.begin();
  for (SeriesId id : small) {
    cursor = Gallop(cursor, large.end(), id);
    if (cursor == large.end()) return false;
    if (*cursor == id) return true;
  }
  return false;
}

Postings Union(std::span<const Postings* const> lists) {
  size_t total = 0;
  size_t non_empty = 0;
  const Postings* last_non_empty = nullptr;
  for (const Postings* p : lists) {
    total += p->size();
    if (!p->empty()) {
      ++non_empty;
      last_non_empty = p;
    }
  }
  if (non_empty == 0) return {};
  if (non_empty == 1) return *last_non_empty;

  Postings out;
  out.reserve(total);
  if (lists.size() == 2) {
    std::set_union(lists[0]->begin(), lists[0]->end(), lists[1]->begin(), lists[1]->end(),
                   std::back_inserter(out));
    return out;
  }

  // Series ids are handed out densely, so a regex over many values usually
  // unions many lists spread over a narrow range: a bitmap no larger than the
  // output merges them in linear time, where the heap pays log(k) per id.
  SeriesId lo = ~SeriesId{0};
  SeriesId hi = 0;
  for (const Postings* p : lists) {
    if (p->empty()) continue;
    lo = std::min(lo, p->front());
    hi = std::max(hi, p->back());
  }
  if (lists.size() > kHeapMaxLists && (hi - lo) / 64 < total) {
    std::vector<uint64_t> bits((hi - lo) / 64 + 1);
    for (const Postings* p : lists) {
      for (SeriesId id : *p) bits[(id - lo) / 64] |= uint64_t{1} << ((id - lo) % 64);
    }
    for (size_t w = 0; w < bits.size(); ++w) {
      for (uint64_t word = bits[w]; word != 0; word &= word - 1) {
        out.push_back(lo + w * 64 + static_cast<SeriesId>(std::countr_zero(word)));
      }
    }
    return out;
  }

  // Min-heap of each list's next id: (id, list, position).
  using Head = std::tuple<SeriesId, size_t, size_t>;
  std::priority_queue<Head, std::vector<Head>, std::greater<>> heap;
  for (size_t i = 0; i < lists.size(); ++i) {
    if (!lists[i]->empty()) heap.emplace(lists[i]->front(), i, 0);
  }
  while (!heap.empty()) {
    const auto [id, list, pos] = heap.top();
    heap.pop();
    if (out.empty() || out.back() != id) out.push_back(id);
    if (pos + 1 < lists[list]->size()) heap.emplace((*lists[list])[pos + 1], list, pos + 1);
  }
  return out;
}

Postings Subtract(const Postings& a, const Postings& b) {
  Postings out;
  if (b.empty() || a.empty() || b.back() < a.front() || a.back() < b.front()) return a;
  if (b.size() <= a.size()) {
    // Copy the runs of `a` between the ids to drop.
    out.reserve(a.size());
    Iter from = a.begin();
    for (SeriesId id : b) {
      const Iter at = Gallop(from, a.end(), id);
      out.insert(out.end(), from, at);
      from = at;
      if (from == a.end()) break;
      if (*from == id) ++from;
    }
    out.insert(out.end(), from, a.end());
    return out;
  }
  Iter cursor = b.begin();
  for (SeriesId id : a) {
    cursor = Gallop(cursor, b.end(), id);
    if (cursor == b.end() || *cursor != id) out.push_back(id);
  }
  return out;
}

void SubtractInPlace(Postings* list, const Postings& remove) {
  if (remove.empty() || list->empty()) return;
  auto write = std::lower_bound(list->begin(), list->end(), remove.front());
  Iter cursor = remove.begin();
  for (auto read = write; read != list->end(); ++read) {
    cursor = Gallop(cursor, remove.end(), *read);
    if (cursor != remove.end() && *cursor == *read) continue;
    *write++ = *read;
  }
  list->erase(write, list->end());
  // Lists shrink a lot when old series go; give back memory that would
  // otherwise stay reserved for good.
  if (list->capacity() > 4 * list->size() + 4) list->shrink_to_fit();
}

void InsertSorted(Postings* list, SeriesId id) {
  if (list->empty() || list->back() < id) {
    list->push_back(id);
    return;
  }
  const auto it = std::lower_bound(list->begin(), list->end(), id);
  if (*it != id) list->insert(it, id);
}

void EraseSorted(Postings* list, SeriesId id) {
  const auto it = std::lower_bound(list->begin(), list->end(), id);
  if (it != list->end() && *it == id) list->erase(it);
}

}  // namespace ember::tsdb
