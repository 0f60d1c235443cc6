// promtool (from Prometheus 2.42) queries ember-scraper as it would query a
// Prometheus server: `promtool query instant|range|series|labels` must exit 0
// and print the samples we wrote by remote write, in promtool's own format
// (prometheus/common model's String forms: `metric => value @[seconds]`).
//
// Needs /usr/bin/promtool (scripts/install-deps.sh --with-test-peers);
// without it the test says so and passes, as tests/compat does.
#include <algorithm>
#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "peer_harness.h"
#include "test_support.h"

namespace ember::peers {
namespace {

struct PromtoolRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

PromtoolRun RunPromtool(const testing::TempDir& dir, const std::string& name,
                        const std::vector<std::string>& args) {
  const std::string log = dir.Join("promtool-" + name + ".out");
  auto process = testing::Process::Start(kPromtoolPath, args, log);
  INFO((process.ok() ? "" : process.status().ToString()));
  REQUIRE(process.ok());
  auto code = process->WaitExit(std::chrono::seconds(30));
  return {code.value_or(-1), process->Log()};
}

std::vector<std::string> SortedLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

// Seconds as promtool prints a model.Time: whole seconds without a fraction.
std::string Seconds(int64_t ms) { return std::to_string(ms / 1000); }

}  // namespace

TEST_CASE("promtool queries ember-scraper") {
  if (std::string missing = MissingPeer({kPromtoolPath}); !missing.empty()) {
    WARN(missing << " is not installed (scripts/install-deps.sh --with-test-peers); skipping");
    return;
  }
  testing::TempDir dir;
  auto ember = StartEmber(dir);
  INFO((ember.ok() ? "" : ember.status().ToString()));
  REQUIRE(ember.ok());
  const std::string& url = ember->base_url;

  // Whole seconds, so that promtool's timestamps print without a fraction.
  const int64_t t0 = (NowMs() / 1000 - 30) * 1000;
  const int64_t t1 = t0 - 10000;
  const int64_t t2 = t0 - 20000;
  std::vector<wire::WriteSeries> series = {
      {Labels{{"__name__", "up"}, {"job", "node"}, {"instance", "n1:9100"}}, {{t2, 1}, {t1, 0}, {t0, 1}}},
      {Labels{{"__name__", "up"}, {"job", "other"}, {"instance", "o1:9100"}}, {{t2, 1}, {t1, 1}, {t0, 0}}},
      {Labels{{"__name__", "down"}, {"job", "third"}, {"instance", "d1:9100"}}, {{t0, 5}}},
  };
  auto written = RemoteWrite(url, series);
  INFO(written.ToString());
  REQUIRE(written.ok());

  const std::string node = R"(up{instance="n1:9100", job="node"})";
  const std::string other = R"(up{instance="o1:9100", job="other"})";

  SECTION("query instant") {
    auto run = RunPromtool(dir, "instant", {"query", "instant", "--time=" + Seconds(t0), url, "up"});
    INFO(run.output << LogTail("ember-scraper", ember->process));
    CHECK(run.exit_code == 0);
    CHECK(SortedLines(run.output) == std::vector<std::string>{node + " => 1 @[" + Seconds(t0) + "]",
                                                              other + " => 0 @[" + Seconds(t0) + "]"});
  }

  SECTION("query range") {
    auto run = RunPromtool(
        dir, "range",
        {"query", "range", "--start=" + Seconds(t2), "--end=" + Seconds(t0), "--step=10s", url, "up"});
    INFO(run.output << LogTail("ember-scraper", ember->process));
    CHECK(run.exit_code == 0);
    // A range query's series come sorted by labels, so the text is fixed.
    CHECK(run.output == node + " =>\n1 @[" + Seconds(t2) + "]\n0 @[" + Seconds(t1) + "]\n1 @[" + Seconds(t0) +
                            "]\n" + other + " =>\n1 @[" + Seconds(t2) + "]\n1 @[" + Seconds(t1) + "]\n0 @[" +
                            Seconds(t0) + "]\n");
  }

  SECTION("query series") {
    auto run = RunPromtool(dir, "series", {"query", "series", "--match=up", url});
    INFO(run.output << LogTail("ember-scraper", ember->process));
    CHECK(run.exit_code == 0);
    CHECK(SortedLines(run.output) ==
          std::vector<std::string>{R"({__name__="up", instance="n1:9100", job="node"})",
                                   R"({__name__="up", instance="o1:9100", job="other"})"});
  }

  SECTION("query labels") {
    auto run = RunPromtool(dir, "labels", {"query", "labels", url, "job"});
    INFO(run.output << LogTail("ember-scraper", ember->process));
    CHECK(run.exit_code == 0);
    CHECK(run.output == "node\nother\nthird\n");
  }

  SECTION("a query ember rejects makes promtool fail") {
    auto run = RunPromtool(dir, "bad", {"query", "instant", url, "sum(up"});
    INFO(run.output);
    CHECK(run.exit_code != 0);
    CHECK(run.output.find("bad_data") != std::string::npos);
  }
}

}  // namespace ember::peers
