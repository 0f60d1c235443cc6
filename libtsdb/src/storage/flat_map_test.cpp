#include "flat_map.h"

#include <catch2/catch.hpp>
#include <random>
#include <unordered_map>

namespace ember::tsdb {
namespace {

HeadSeries* Fake(uint64_t n) { return reinterpret_cast<HeadSeries*>(uintptr_t{16} * (n + 1)); }

TEST_CASE("FlatMap: random inserts, updates and erases agree with a node map") {
  std::mt19937_64 rng(GENERATE(1, 2, 3));
  FlatMap map;
  std::unordered_map<uint64_t, HeadSeries*> model;
  for (int i = 0; i < 200000; ++i) {
    // Small keys collide often; 0 and all-ones are ordinary keys too.
    uint64_t key = rng() % 3 == 0 ? rng() : rng() % 5000;
    if (i % 1000 == 0) key = i % 2000 == 0 ? 0 : ~uint64_t{0};
    switch (rng() % 3) {
      case 0:
      case 1: {
        HeadSeries* v = Fake(rng() % 1000);
        map.Upsert(key, v);
        model[key] = v;
        break;
      }
      default:
        map.Erase(key);
        model.erase(key);
    }
    REQUIRE(map.Find(key) == (model.count(key) ? model[key] : nullptr));
  }
  REQUIRE(map.size() == model.size());
  size_t seen = 0;
  map.ForEach([&](uint64_t k, HeadSeries* v) {
    REQUIRE(model.at(k) == v);
    ++seen;
  });
  CHECK(seen == model.size());
  for (auto& [k, v] : model) CHECK(map.Find(k) == v);
}

}  // namespace
}  // namespace ember::tsdb
