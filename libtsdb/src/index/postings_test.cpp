#include "postings.h"

#include <algorithm>
#include <iterator>
#include <random>
#include <set>
#include <vector>

#include <catch2/catch.hpp>

namespace ember::tsdb {
namespace {

Postings RandomPostings(std::mt19937_64& rng, size_t max_size, SeriesId max_id) {
  std::set<SeriesId> ids;
  const size_t n = rng() % (max_size + 1);
  for (size_t i = 0; i < n; ++i) ids.insert(rng() % (max_id + 1));
  return Postings(ids.begin(), ids.end());
}

TEST_CASE("Intersect keeps common ids") {
  CHECK(Intersect({1, 3, 5, 7}, {2, 3, 4, 7, 9}) == Postings{3, 7});
  CHECK(Intersect({}, {1, 2}).empty());
  CHECK(Intersect({1, 2}, {}).empty());
  CHECK(Intersect({1, 2}, {3, 4}).empty());
  CHECK_FALSE(Intersects({1, 2}, {3, 4}));
  CHECK(Intersects({1, 4}, {3, 4}));
  CHECK_FALSE(Intersects({}, {3, 4}));
}

TEST_CASE("Intersect gallops through a much longer list") {
  Postings large;
  for (SeriesId i = 0; i < 100000; i += 2) large.push_back(i);
  CHECK(Intersect({1, 4, 99998, 100001}, large) == Postings{4, 99998});
  CHECK(Intersect(large, {0, 3, 50000}) == Postings{0, 50000});
  CHECK(Intersects(large, {7, 9, 50000}));
  CHECK_FALSE(Intersects({7, 9, 100001}, large));
}

TEST_CASE("Union merges any number of lists") {
  const Postings a{1, 4, 9};
  const Postings b{2, 4, 10};
  const Postings c{0, 9, 11};
  const Postings empty;
  const std::vector<const Postings*> none;
  CHECK(Union(none).empty());
  const std::vector<const Postings*> one{&a};
  CHECK(Union(one) == a);
  const std::vector<const Postings*> two{&a, &b};
  CHECK(Union(two) == Postings{1, 2, 4, 9, 10});
  const std::vector<const Postings*> three{&a, &empty, &b, &c};
  CHECK(Union(three) == Postings{0, 1, 2, 4, 9, 10, 11});
  const std::vector<const Postings*> with_empty{&empty, &b, &empty};
  CHECK(Union(with_empty) == b);
}

TEST_CASE("Subtract drops ids of the second list") {
  CHECK(Subtract({1, 2, 3, 4}, {2, 4, 6}) == Postings{1, 3});
  CHECK(Subtract({1, 2, 3}, {}) == Postings{1, 2, 3});
  CHECK(Subtract({}, {1}).empty());
  CHECK(Subtract({5, 6}, {1, 2}) == Postings{5, 6});
  Postings list{1, 2, 3, 4, 5};
  SubtractInPlace(&list, {0, 2, 5, 9});
  CHECK(list == Postings{1, 3, 4});
}

TEST_CASE("InsertSorted and EraseSorted keep the list sorted and unique") {
  Postings list;
  for (SeriesId id : {5, 1, 9, 5, 3, 10, 1}) InsertSorted(&list, id);
  CHECK(list == Postings{1, 3, 5, 9, 10});
  EraseSorted(&list, 4);
  EraseSorted(&list, 1);
  EraseSorted(&list, 10);
  CHECK(list == Postings{3, 5, 9});
  EraseSorted(&list, 3);
  EraseSorted(&list, 5);
  EraseSorted(&list, 9);
  CHECK(list.empty());
  EraseSorted(&list, 9);
  CHECK(list.empty());
}

TEST_CASE("Set operations agree with std algorithms on random lists") {
  std::mt19937_64 rng(7);
  for (int iter = 0; iter < 2000; ++iter) {
    // Mixed sizes so both the merging and the galloping paths run.
    const size_t max_a = iter % 3 == 0 ? 2000 : 40;
    const size_t max_b = iter % 5 == 0 ? 3 : 60;
    const SeriesId max_id = iter % 2 == 0 ? 100 : 5000;
    const Postings a = RandomPostings(rng, max_a, max_id);
    const Postings b = RandomPostings(rng, max_b, max_id);
    const Postings c = RandomPostings(rng, 30, max_id);

    Postings want;
    std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(want));
    REQUIRE(Intersect(a, b) == want);
    REQUIRE(Intersect(b, a) == want);
    REQUIRE(Intersects(a, b) == !want.empty());

    want.clear();
    std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(want));
    REQUIRE(Subtract(a, b) == want);
    Postings in_place = a;
    SubtractInPlace(&in_place, b);
    REQUIRE(in_place == want);
    want.clear();
    std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(want));
    REQUIRE(Subtract(b, a) == want);

    std::set<SeriesId> all(a.begin(), a.end());
    all.insert(b.begin(), b.end());
    all.insert(c.begin(), c.end());
    const std::vector<const Postings*> lists{&a, &b, &c};
    REQUIRE(Union(lists) == Postings(all.begin(), all.end()));

    // Many lists: dense ids take the bitmap path, sparse ones the heap.
    std::vector<Postings> many(rng() % 20);
    std::vector<const Postings*> many_ptrs;
    std::set<SeriesId> many_want;
    for (Postings& p : many) {
      p = RandomPostings(rng, 50, iter % 2 == 0 ? 300 : SeriesId{1} << 40);
      many_ptrs.push_back(&p);
      many_want.insert(p.begin(), p.end());
    }
    REQUIRE(Union(many_ptrs) == Postings(many_want.begin(), many_want.end()));

    Postings built;
    std::vector<SeriesId> order(a.begin(), a.end());
    std::shuffle(order.begin(), order.end(), rng);
    for (SeriesId id : order) InsertSorted(&built, id);
    REQUIRE(built == a);
    for (SeriesId id : b) EraseSorted(&built, id);
    REQUIRE(built == Subtract(a, b));
  }
}

}  // namespace
}  // namespace ember::tsdb
