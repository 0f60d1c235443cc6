// Parses Prometheus's own textparse test data in full (read in place from
// ../shared/reference; skipped with a message when it is absent).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "ember/textparse/openmetrics_parser.h"
#include "ember/textparse/prom_parser.h"

namespace ember::textparse {
namespace {

constexpr const char* kDir = EMBER_TEXTPARSE_TESTDATA;

// The file's bytes, or nullopt (with a warning) when the data set is absent.
std::optional<std::string> ReadTestdata(const std::string& name) {
  std::filesystem::path path = std::filesystem::path(kDir) / name;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    WARN("skipped: " << path.string() << " is absent (the reference test data is not checked out)");
    return std::nullopt;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Counts {
  std::map<Entry, int> entries;
  int exemplars = 0;
  int created = 0;
  std::string error;
};

Counts CountAll(Parser& p, bool with_ct = false) {
  Counts c;
  std::vector<LabelView> labels;
  ExemplarView ex;
  for (;;) {
    auto e = p.Next();
    if (!e.ok()) {
      c.error = e.status().message();
      return c;
    }
    if (*e == Entry::kEof) return c;
    c.entries[*e]++;
    if (*e == Entry::kSeries) {
      p.Labels(&labels);
      REQUIRE(labels[0].name == "__name__");
      REQUIRE_FALSE(labels[0].value.empty());
      for (size_t i = 1; i < labels.size(); ++i) REQUIRE(labels[i - 1].name < labels[i].name);
      c.exemplars += p.Exemplar(&ex);
      if (with_ct && p.CreatedTimestamp()) c.created++;
    }
  }
}

TEST_CASE("testdata: alltypes.237mfs.prom.txt", "[textparse]") {
  auto body = ReadTestdata("alltypes.237mfs.prom.txt");
  if (!body) return;
  PromParser p(*body);
  Counts c = CountAll(p);
  CHECK(c.error.empty());
  CHECK(c.entries[Entry::kSeries] == 1857);
  CHECK(c.entries[Entry::kHelp] == 237);
  CHECK(c.entries[Entry::kType] == 237);
  CHECK(c.entries[Entry::kComment] == 1);
}

TEST_CASE("testdata: alltypes.237mfs.nometa.prom.txt", "[textparse]") {
  auto body = ReadTestdata("alltypes.237mfs.nometa.prom.txt");
  if (!body) return;
  PromParser p(*body);
  Counts c = CountAll(p);
  CHECK(c.error.empty());
  CHECK(c.entries[Entry::kSeries] == 1857);
  CHECK(c.entries[Entry::kHelp] == 0);
  CHECK(c.entries[Entry::kType] == 0);
}

TEST_CASE("testdata: alltypes.5mfs.om.txt", "[textparse]") {
  auto body = ReadTestdata("alltypes.5mfs.om.txt");
  if (!body) return;
  {
    OpenMetricsParser p(*body);
    Counts c = CountAll(p, true);
    CHECK(c.error.empty());
    CHECK(c.entries[Entry::kSeries] == 53);
    CHECK(c.entries[Entry::kHelp] == 5);
    CHECK(c.entries[Entry::kType] == 5);
    CHECK(c.exemplars == 6);
    CHECK(c.created > 0);
  }
  {
    OpenMetricsParser p(*body, {.skip_created_series = true});
    Counts c = CountAll(p);
    CHECK(c.error.empty());
    CHECK(c.entries[Entry::kSeries] == 53 - 9);
    CHECK(c.exemplars == 6);
  }
  // Prometheus text has no exemplars.
  PromParser p(*body);
  CHECK(CountAll(p).error.find("expected timestamp or new record, got \"#\"") == 0);
}

TEST_CASE("testdata: 1histogram.om.txt", "[textparse]") {
  auto body = ReadTestdata("1histogram.om.txt");
  if (!body) return;
  OpenMetricsParser p(*body);
  Counts c = CountAll(p);
  CHECK(c.error.empty());
  CHECK(c.entries[Entry::kSeries] == 42);
  // Buckets are normalised: le="1.0" stays, "0.005" stays.
  OpenMetricsParser q(*body);
  REQUIRE(*q.Next() == Entry::kHelp);
  REQUIRE(*q.Next() == Entry::kType);
  REQUIRE(*q.Next() == Entry::kSeries);
  std::vector<LabelView> labels;
  q.Labels(&labels);
  CHECK(labels.back().name == "port");
  CHECK(labels[3].value == "0.005");
}

}  // namespace
}  // namespace ember::textparse
