// Differential test: the same data set is written to Prometheus 2.42 (by
// remote write) and to Ember's series store, then every query in queries.txt
// runs against both, as instant queries at several times and as a range
// query, and the results must agree (allowlist.txt names the accepted
// exceptions). Needs /usr/bin/prometheus (scripts/install-deps.sh
// --with-test-peers); without it the test reports that and passes.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "compat_dataset.h"
#include "ember/promql/engine.h"
#include "ember/promql/queryable.h"
#include "ember/tsdb/db.h"
#include "prometheus_peer.h"
#include "query_result.h"
#include "test_support.h"

namespace ember::compat {
namespace {

std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    lines.push_back(line);
  }
  return lines;
}

// query -> reason
std::map<std::string, std::string> ReadAllowList(const std::string& path) {
  std::map<std::string, std::string> out;
  for (const std::string& line : ReadLines(path)) {
    auto sep = line.find(" ## ");
    if (sep == std::string::npos) continue;
    out[line.substr(0, sep)] = line.substr(sep + 4);
  }
  return out;
}

bool Sorts(const std::string& query) { return query.rfind("sort", 0) == 0; }

}  // namespace

TEST_CASE("PromQL results agree with Prometheus 2.42") {
  if (::access(kPrometheusPath, X_OK) != 0) {
    WARN("prometheus is not installed (scripts/install-deps.sh --with-test-peers); skipping");
    return;
  }
  testing::TempDir dir;
  auto peer = PrometheusPeer::Start(dir);
  REQUIRE(peer.ok());

  DatasetOptions data;
  auto series = GenerateDataset(data);
  auto batches = SplitByTime(series, data.start_ms, 10 * 60 * 1000);

  tsdb::DbOptions db_options;
  db_options.dir = dir.Join("ember");
  db_options.maintenance_interval_ms = 0;
  db_options.retention_ms = 0;
  auto db = tsdb::Db::Open(db_options, Logger());
  REQUIRE(db.ok());
  for (const auto& batch : batches) {
    auto written = peer->Write(batch);
    INFO(written.ToString());
    REQUIRE(written.ok());
    auto app = (*db)->NewAppender();
    for (const auto& s : batch) {
      for (const auto& sample : s.samples) {
        if (auto added = app.Add(s.labels, sample.t, sample.v); !added.ok()) {
          FAIL(s.labels.ToString() << " t=" << sample.t << ": " << added.status().ToString());
        }
      }
    }
    REQUIRE(app.Commit().ok());
  }

  auto queryable = promql::NewTsdbQueryable(**db);
  promql::Engine engine(promql::EngineOptions{});
  const auto queries = ReadLines(std::string(EMBER_COMPAT_DIR) + "/queries.txt");
  const auto allowed = ReadAllowList(std::string(EMBER_COMPAT_DIR) + "/allowlist.txt");
  REQUIRE(queries.size() >= 200);

  // Evaluation times are 7 s past a multiple of 15 s, so that no subquery
  // step (a multiple of 15 s) puts an inner evaluation on the subquery's left
  // boundary, which 2.x includes and 3.x excludes.
  const int64_t minute = 60 * 1000;
  const int64_t skew = 7000;
  const std::vector<int64_t> instants = {
      data.start_ms + 30 * minute + skew, data.start_ms + 77 * minute + skew,
      data.start_ms + 120 * minute + skew, data.start_ms + 179 * minute + skew};
  const int64_t range_start = data.start_ms + 15 * minute + skew;
  const int64_t range_end = data.start_ms + 175 * minute;
  const int64_t range_step = minute;

  std::ostringstream report;
  int differences = 0;
  int allowed_differences = 0;
  int comparisons = 0;
  std::set<std::string> allowed_seen;
  auto record = [&](const std::string& query, const std::string& when,
                    const std::optional<std::string>& diff) {
    ++comparisons;
    if (!diff) return;
    auto it = allowed.find(query);
    if (it != allowed.end()) {
      ++allowed_differences;
      allowed_seen.insert(query);
      return;
    }
    ++differences;
    report << "- `" << query << "` " << when << ": " << *diff << "\n";
  };

  for (const std::string& query : queries) {
    for (int64_t t : instants) {
      auto want = peer->Instant(query, t);
      REQUIRE(want.ok());
      auto got = FromEngine(engine.InstantQuery(*queryable, query, t));
      record(query, "instant @" + FormatSeconds(t), FirstDifference(*want, got, Sorts(query)));
    }
    auto want = peer->Range(query, range_start, range_end, range_step);
    REQUIRE(want.ok());
    auto got = FromEngine(engine.RangeQuery(*queryable, query, range_start, range_end, range_step));
    record(query,
           "range " + FormatSeconds(range_start) + ".." + FormatSeconds(range_end) + " step " +
               FormatSeconds(range_step),
           FirstDifference(*want, got, false));
  }
  for (const auto& [query, reason] : allowed) {
    if (!allowed_seen.count(query)) report << "- allow-list entry no longer needed: `" << query << "`\n";
  }
  if (const char* path = std::getenv("EMBER_COMPAT_REPORT")) {
    std::ofstream(path) << report.str();
  }
  INFO(comparisons << " comparisons over " << queries.size() << " queries; " << differences
                   << " unexpected differences, " << allowed_differences << " allowed:\n"
                   << report.str());
  CHECK(differences == 0);
}

}  // namespace ember::compat
