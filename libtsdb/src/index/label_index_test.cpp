#include "label_index.h"

#include <algorithm>
#include <atomic>
#include <iterator>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

namespace ember::tsdb {
namespace {

Matcher M(std::string name, MatchType type, std::string value) {
  auto m = Matcher::Create(type, std::move(name), std::move(value));
  REQUIRE(m.ok());
  return *std::move(m);
}

constexpr MatchType kEq = MatchType::kEqual;
constexpr MatchType kNe = MatchType::kNotEqual;
constexpr MatchType kRe = MatchType::kRegexMatch;
constexpr MatchType kNre = MatchType::kRegexNoMatch;

// 1: up{job="api", instance="a"}       2: up{job="api", instance="b"}
// 3: up{job="web", instance="a"}       4: errors{job="api", code="500"}
// 5: errors{job="web", code="404", instance="a\nb"}
struct Fixture {
  LabelIndex index;
  Fixture() {
    index.Add(1, {{"__name__", "up"}, {"job", "api"}, {"instance", "a"}});
    index.Add(2, {{"__name__", "up"}, {"job", "api"}, {"instance", "b"}});
    index.Add(3, {{"__name__", "up"}, {"job", "web"}, {"instance", "a"}});
    index.Add(4, {{"__name__", "errors"}, {"job", "api"}, {"code", "500"}});
    index.Add(5, {{"__name__", "errors"}, {"job", "web"}, {"code", "404"}, {"instance", "a\nb"}});
  }
  Postings Select(std::vector<Matcher> ms) const { return index.Select(ms); }
};

TEST_CASE("Select with equality and regex matchers") {
  const Fixture f;
  CHECK(f.Select({}) == Postings{1, 2, 3, 4, 5});
  CHECK(f.Select({M("__name__", kEq, "up")}) == Postings{1, 2, 3});
  CHECK(f.Select({M("__name__", kEq, "up"), M("job", kEq, "api")}) == Postings{1, 2});
  CHECK(f.Select({M("__name__", kEq, "nope")}).empty());
  CHECK(f.Select({M("nolabel", kEq, "x")}).empty());
  CHECK(f.Select({M("job", kRe, "api|web"), M("instance", kEq, "a")}) == Postings{1, 3});
  CHECK(f.Select({M("code", kRe, "5..")}) == Postings{4});
  CHECK(f.Select({M("code", kRe, "4.*")}) == Postings{5});
  CHECK(f.Select({M("job", kRe, "a")}).empty());   // anchored: not a substring search
  CHECK(f.Select({M("job", kRe, "pi")}).empty());  // nor a suffix
  CHECK(f.Select({M("instance", kRe, "a.b")}) == Postings{5});
  CHECK(f.Select({M("instance", kRe, ".+")}) == Postings{1, 2, 3, 5});
}

TEST_CASE("Matchers that match the empty string also select series without the label") {
  const Fixture f;
  CHECK(f.Select({M("code", kEq, "")}) == Postings{1, 2, 3});
  CHECK(f.Select({M("code", kNe, "500")}) == Postings{1, 2, 3, 5});
  CHECK(f.Select({M("code", kRe, "500|")}) == Postings{1, 2, 3, 4});
  CHECK(f.Select({M("code", kRe, ".*")}) == Postings{1, 2, 3, 4, 5});
  CHECK(f.Select({M("code", kNre, "5.*")}) == Postings{1, 2, 3, 5});
  CHECK(f.Select({M("code", kNre, ".+")}) == Postings{1, 2, 3});
  CHECK(f.Select({M("nolabel", kEq, "")}) == Postings{1, 2, 3, 4, 5});
  CHECK(f.Select({M("__name__", kEq, "errors"), M("instance", kEq, "")}) == Postings{4});
  CHECK(f.Select({M("__name__", kEq, "up"), M("job", kNe, "api")}) == Postings{3});
}

TEST_CASE("Negative matchers that reject the empty string require the label") {
  const Fixture f;
  CHECK(f.Select({M("code", kNe, "")}) == Postings{4, 5});
  CHECK(f.Select({M("code", kNre, "")}) == Postings{4, 5});
  CHECK(f.Select({M("code", kNre, "|404")}) == Postings{4});
  CHECK(f.Select({M("code", kNre, ".*")}).empty());
  CHECK(f.Select({M("job", kEq, "api"), M("code", kNe, "")}) == Postings{4});
}

TEST_CASE("Remove forgets series and empty pairs") {
  Fixture f;
  f.index.Remove(4, {{"__name__", "errors"}, {"job", "api"}, {"code", "500"}});
  CHECK(f.index.All() == Postings{1, 2, 3, 5});
  CHECK(f.index.NumSeries() == 4);
  CHECK(f.index.LabelValues("code", nullptr) == std::vector<std::string>{"404"});
  f.index.Remove(5, {{"__name__", "errors"}, {"job", "web"}, {"code", "404"}, {"instance", "a\nb"}});
  CHECK(f.index.LabelNames(nullptr) == std::vector<std::string>{"__name__", "instance", "job"});
  CHECK(f.Select({M("__name__", kEq, "errors")}).empty());
  // Removing again, or with labels it never had, is harmless.
  f.index.Remove(5, {{"__name__", "errors"}, {"zzz", "1"}});
  CHECK(f.index.NumSeries() == 3);
}

TEST_CASE("Batch Remove matches single removes") {
  Fixture f;
  const Labels l1{{"__name__", "up"}, {"job", "api"}, {"instance", "a"}};
  const Labels l3{{"__name__", "up"}, {"job", "web"}, {"instance", "a"}};
  const std::vector<LabelIndex::SeriesRef> refs{{3, &l3}, {1, &l1}};
  f.index.Remove(refs);
  CHECK(f.index.All() == Postings{2, 4, 5});
  CHECK(f.Select({M("instance", kEq, "a")}).empty());
  CHECK(f.index.LabelValues("instance", nullptr) == std::vector<std::string>{"a\nb", "b"});
}

TEST_CASE("Ids may arrive in any order") {
  LabelIndex index;
  for (SeriesId id : {9, 3, 7, 1, 3}) index.Add(id, {{"a", "x"}});
  CHECK(index.All() == Postings{1, 3, 7, 9});
  CHECK(index.Select(std::vector<Matcher>{M("a", kEq, "x")}) == Postings{1, 3, 7, 9});
}

TEST_CASE("Empty label values are not indexed") {
  LabelIndex index;
  index.Add(1, Labels::FromUnsorted({{"a", ""}, {"b", "1"}}));
  CHECK(index.LabelNames(nullptr) == std::vector<std::string>{"b"});
  CHECK(index.Select(std::vector<Matcher>{M("a", kEq, "")}) == Postings{1});
  CHECK(index.Select(std::vector<Matcher>{M("a", kNe, "")}).empty());
}

TEST_CASE("LabelNames and LabelValues within a set of series") {
  const Fixture f;
  CHECK(f.index.LabelNames(nullptr) == std::vector<std::string>{"__name__", "code", "instance", "job"});
  const Postings ups{1, 2, 3};
  CHECK(f.index.LabelNames(&ups) == std::vector<std::string>{"__name__", "instance", "job"});
  const Postings none;
  CHECK(f.index.LabelNames(&none).empty());
  CHECK(f.index.LabelValues("job", nullptr) == std::vector<std::string>{"api", "web"});
  const Postings four{4};
  CHECK(f.index.LabelValues("job", &four) == std::vector<std::string>{"api"});
  CHECK(f.index.LabelValues("instance", &four).empty());
  CHECK(f.index.LabelValues("missing", nullptr).empty());
}

TEST_CASE("Stats reports cardinality as the TSDB status page does") {
  const Fixture f;
  const CardinalityStats s = f.index.Stats(10);
  CHECK(s.num_series == 5);
  // __name__: up, errors; job: api, web; instance: a, b, a\nb; code: 500, 404.
  CHECK(s.num_label_pairs == 9);
  CHECK(s.series_count_by_metric_name == std::vector<StatEntry>{{"up", 3}, {"errors", 2}});
  CHECK(s.label_value_count_by_label_name ==
        std::vector<StatEntry>{{"instance", 3}, {"__name__", 2}, {"code", 2}, {"job", 2}});
  // __name__: 3*2 + 2*6 = 18; job: 3*3 + 2*3 = 15; instance: 2*1 + 1*1 + 1*3 = 6; code: 3 + 3 = 6.
  CHECK(s.memory_in_bytes_by_label_name ==
        std::vector<StatEntry>{{"__name__", 18}, {"job", 15}, {"code", 6}, {"instance", 6}});
  CHECK(s.series_count_by_label_value_pair.size() == 9);
  CHECK(s.series_count_by_label_value_pair[0] == StatEntry{"__name__=up", 3});
  CHECK(s.series_count_by_label_value_pair[1] == StatEntry{"job=api", 3});
  CHECK(s.series_count_by_label_value_pair[2] == StatEntry{"__name__=errors", 2});
  CHECK(s.series_count_by_label_value_pair[3] == StatEntry{"instance=a", 2});
  CHECK(s.series_count_by_label_value_pair[4] == StatEntry{"job=web", 2});
  CHECK(s.series_count_by_label_value_pair[5] == StatEntry{"code=404", 1});

  const CardinalityStats top = f.index.Stats(1);
  CHECK(top.series_count_by_metric_name == std::vector<StatEntry>{{"up", 3}});
  CHECK(top.label_value_count_by_label_name == std::vector<StatEntry>{{"instance", 3}});
  CHECK(top.memory_in_bytes_by_label_name == std::vector<StatEntry>{{"__name__", 18}});
  CHECK(top.series_count_by_label_value_pair == std::vector<StatEntry>{{"__name__=up", 3}});
  CHECK(top.num_label_pairs == 9);
}

TEST_CASE("MemoryBytes grows with the index and shrinks back") {
  LabelIndex index;
  const size_t empty = index.MemoryBytes();
  for (SeriesId id = 0; id < 1000; ++id) {
    index.Add(id, {{"__name__", "http_requests_total"},
                   {"job", "api"},
                   {"instance", "host-" + std::to_string(id % 50) + ":9100"},
                   {"path", "/api/v1/items/" + std::to_string(id)}});
  }
  const size_t full = index.MemoryBytes();
  CHECK(full > empty + 1000 * 8 * 4);
  // One unique value per series dominates; it should stay far under 1 KiB.
  CHECK(full / 1000 < 400);
  std::vector<Labels> labels;
  for (SeriesId id = 0; id < 1000; ++id) {
    labels.push_back({{"__name__", "http_requests_total"},
                      {"job", "api"},
                      {"instance", "host-" + std::to_string(id % 50) + ":9100"},
                      {"path", "/api/v1/items/" + std::to_string(id)}});
  }
  std::vector<LabelIndex::SeriesRef> refs;
  for (SeriesId id = 0; id < 1000; ++id) refs.push_back({id, &labels[id]});
  index.Remove(refs);
  CHECK(index.NumSeries() == 0);
  CHECK(index.MemoryBytes() == empty);
}

// Random series, random adds and removes, random matchers: Select must equal
// a brute-force MatchesAll over every live series.
TEST_CASE("Select agrees with brute force on random data") {
  std::mt19937 rng(1234);
  const std::vector<std::string> names = {"__name__", "a", "b", "c", "d"};
  const std::vector<std::string> values = {"x", "y", "ab", "b", "xy", "a\nb", "x.y", "é", "foo1", "foo22"};
  const std::vector<std::string> regexes = {".*",     ".+",       "x|y",   "x|",    "b",    "a.b",
                                            "foo.*",  "foo[0-9]", "x\\.y", "(x|y)", "é|ab", "",
                                            "[a-z]+", "f.*2",     "a|ab",  "x.*|"};
  const auto pick = [&](const std::vector<std::string>& from) { return from[rng() % from.size()]; };

  LabelIndex index;
  std::map<SeriesId, Labels> live;
  SeriesId next_id = 1;
  for (int round = 0; round < 300; ++round) {
    const int op = static_cast<int>(rng() % 10);
    if (op < 6 || live.empty()) {
      std::vector<Label> ls;
      for (const std::string& n : names) {
        if (rng() % 3 != 0) ls.push_back({n, pick(values)});
      }
      const Labels labels = Labels::FromUnsorted(std::move(ls));
      // Mostly increasing ids, sometimes one from the past.
      SeriesId id = next_id++;
      if (rng() % 5 == 0) id = 100000 + rng() % 1000;
      if (live.count(id) != 0) continue;
      index.Add(id, labels);
      live.emplace(id, labels);
    } else if (op < 8) {
      auto it = live.begin();
      std::advance(it, static_cast<long>(rng() % live.size()));
      index.Remove(it->first, it->second);
      live.erase(it);
    } else {
      std::vector<LabelIndex::SeriesRef> refs;
      std::vector<SeriesId> gone;
      for (const auto& [id, labels] : live) {
        if (rng() % 8 == 0) {
          refs.push_back({id, &labels});
          gone.push_back(id);
        }
      }
      index.Remove(refs);
      for (SeriesId id : gone) live.erase(id);
    }

    REQUIRE(index.NumSeries() == live.size());
    for (int q = 0; q < 20; ++q) {
      std::vector<Matcher> ms;
      const int n = static_cast<int>(rng() % 4);
      for (int i = 0; i < n; ++i) {
        const auto type = static_cast<MatchType>(rng() % 4);
        const bool regex = type == kRe || type == kNre;
        std::string value = regex ? pick(regexes) : (rng() % 4 == 0 ? "" : pick(values));
        ms.push_back(M(pick(names), type, std::move(value)));
      }
      Postings want;
      for (const auto& [id, labels] : live) {
        if (MatchesAll(ms, labels)) want.push_back(id);
      }
      std::string desc;
      for (const Matcher& m : ms) desc += m.ToString() + " ";
      INFO("matchers: " << desc);
      REQUIRE(index.Select(ms) == want);

      // Label names and values within the selection.
      std::set<std::string> want_names;
      std::set<std::string> want_a;
      for (SeriesId id : want) {
        for (const Label& l : live.at(id)) want_names.insert(l.name);
        if (auto v = live.at(id).Get("a"); !v.empty()) want_a.insert(std::string(v));
      }
      REQUIRE(index.LabelNames(&want) == std::vector<std::string>(want_names.begin(), want_names.end()));
      REQUIRE(index.LabelValues("a", &want) == std::vector<std::string>(want_a.begin(), want_a.end()));
    }
  }
}

TEST_CASE("Readers and a writer can run at once") {
  LabelIndex index;
  std::atomic<bool> stop = false;
  std::atomic<bool> unsorted = false;  // Catch2 assertions are not thread-safe
  const std::vector<Matcher> ms = {M("job", kRe, "api|web"), M("i", kNe, "3")};
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        const Postings p = index.Select(ms);
        if (!std::is_sorted(p.begin(), p.end())) unsorted = true;
        (void)index.LabelValues("i", &p);
        (void)index.Stats(3);
      }
    });
  }
  for (SeriesId id = 0; id < 2000; ++id) {
    const Labels labels{{"job", id % 2 == 0 ? "api" : "web"}, {"i", std::to_string(id % 10)}};
    index.Add(id, labels);
    if (id % 3 == 0) index.Remove(id, labels);
  }
  stop = true;
  for (std::thread& t : readers) t.join();
  CHECK_FALSE(unsorted.load());
  CHECK(index.NumSeries() == 2000 - 667);
}

}  // namespace
}  // namespace ember::tsdb
