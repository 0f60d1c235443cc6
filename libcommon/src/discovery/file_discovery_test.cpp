// File SD on a real temporary directory: reading, and following changes
// through inotify (refresh_interval is an hour, so only events drive it).
#include "ember/discovery/file_discovery.h"

#include <catch2/catch.hpp>

#include <thread>

#include "ember/discovery/discovery_metrics.h"
#include "test_util.h"

namespace ember::discovery {
namespace {

using testing::Recorder;
using testing::TempDir;
using State = std::map<std::string, TargetGroup>;

std::vector<std::string> Addresses(const State& s, const std::string& source) {
  std::vector<std::string> out;
  auto it = s.find(source);
  if (it == s.end()) return out;
  for (const Labels& t : it->second.targets) out.emplace_back(t.Get("__address__"));
  return out;
}

TEST_CASE("ReadTargetFile reads JSON and YAML and names the file") {
  TempDir dir;
  std::string json = dir.Write("a.json", R"([{"targets":["a:1"],"labels":{"env":"x"}},{"targets":["b:2"]}])");
  std::string yaml = dir.Write("b.YML", "- targets: ['c:3']\n");
  auto j = ReadTargetFile(json);
  REQUIRE(j.ok());
  REQUIRE(j->size() == 2);
  CHECK((*j)[0].source == json + ":0");
  CHECK((*j)[1].source == json + ":1");
  CHECK((*j)[0].labels == Labels{{"__meta_filepath", json}, {"env", "x"}});
  CHECK((*j)[1].labels == Labels{{"__meta_filepath", json}});
  auto y = ReadTargetFile(yaml);
  REQUIRE(y.ok());
  CHECK((*y)[0].source == yaml + ":0");
  CHECK(ReadTargetFile(dir.Join("missing.json")).status().code() == StatusCode::kNotFound);
  CHECK(ReadTargetFile(dir.Write("c.txt", "[]")).status().message() == "unhandled file extension \".txt\"");
}

TEST_CASE("Refresh keeps a broken file's groups and drops vanished sources") {
  TempDir dir;
  MetricsRegistry registry;
  DiscoveryMetrics metrics(registry);
  FileDiscovery d({{dir.Join("*.json")}},
                  {Logger(std::make_shared<CapturingLogSink>(), LogLevel::kInfo), &metrics});
  Recorder rec;
  UpdateSink sink = [&](std::vector<TargetGroup> g) { rec.Update(std::move(g)); };
  std::string a = dir.Write("a.json", R"([{"targets":["a:1"]},{"targets":["a:2"]}])");
  std::string b = dir.Write("b.json", R"([{"targets":["b:1"]}])");
  d.Refresh(sink);
  CHECK(rec.state().size() == 3);

  dir.Write("a.json", "[{");  // broken: a's groups stay
  d.Refresh(sink);
  CHECK(Addresses(rec.state(), a + ":1") == std::vector<std::string>{"a:2"});
  CHECK(metrics.file_read_errors.Value() == 1);
  CHECK(metrics.file_scan_duration.Count() == 2);

  dir.Write("a.json", R"([{"targets":["a:9"]}])");  // shrunk: a:1 dropped
  std::filesystem::remove(b);                       // deleted: b:0 dropped
  d.Refresh(sink);
  State s = rec.state();
  CHECK(s.size() == 1);
  CHECK(Addresses(s, a + ":0") == std::vector<std::string>{"a:9"});
}

TEST_CASE("FileDiscovery follows writes, renames and deletes") {
  TempDir dir;
  FileSdConfig config{{dir.Join("*.json"), dir.Join("*.yml")}, std::chrono::hours(1)};
  FileDiscovery d(config, {Logger(std::make_shared<CapturingLogSink>(), LogLevel::kInfo), nullptr});
  std::string a = dir.Write("a.json", R"([{"targets":["a:1"]}])");
  Recorder rec;
  std::jthread runner([&](std::stop_token stop) {
    d.Run(stop, [&](std::vector<TargetGroup> g) { rec.Update(std::move(g)); });
  });
  REQUIRE(
      rec.WaitFor([&](const State& s) { return Addresses(s, a + ":0") == std::vector<std::string>{"a:1"}; }));

  SECTION("a changed file is re-read") {
    dir.Write("a.json", R"([{"targets":["a:2","a:3"]}])");
    CHECK(rec.WaitFor([&](const State& s) {
      return Addresses(s, a + ":0") == std::vector<std::string>{"a:2", "a:3"};
    }));
  }
  SECTION("a new YAML file is picked up") {
    std::string b = dir.Write("b.yml", "- targets: [b:1]\n");
    CHECK(rec.WaitFor(
        [&](const State& s) { return Addresses(s, b + ":0") == std::vector<std::string>{"b:1"}; }));
  }
  SECTION("a file renamed away is dropped, renamed in is read") {
    std::filesystem::rename(a, dir.Join("a.json.bak"));
    CHECK(rec.WaitFor([&](const State& s) { return s.empty(); }));
    std::filesystem::rename(dir.Join("a.json.bak"), dir.Join("c.json"));
    CHECK(rec.WaitFor([&](const State& s) {
      return Addresses(s, dir.Join("c.json") + ":0") == std::vector<std::string>{"a:1"};
    }));
  }
  SECTION("a deleted file's targets are dropped") {
    std::filesystem::remove(a);
    CHECK(rec.WaitFor([&](const State& s) { return s.empty(); }));
  }
  runner.request_stop();
  runner.join();
}

TEST_CASE("FileDiscovery refreshes periodically without events") {
  // A directory that does not exist yet has no watch; the periodic refresh
  // finds the file once it appears.
  TempDir dir;
  std::string sub = dir.Join("later");
  FileDiscovery d({{sub + "/*.json"}, std::chrono::milliseconds(20)},
                  {Logger(std::make_shared<CapturingLogSink>(), LogLevel::kInfo), nullptr});
  Recorder rec;
  std::jthread runner([&](std::stop_token stop) {
    d.Run(stop, [&](std::vector<TargetGroup> g) { rec.Update(std::move(g)); });
  });
  std::filesystem::create_directory(sub);
  dir.Write("later/x.json", R"([{"targets":["x:1"]}])");
  CHECK(rec.WaitFor([&](const State& s) { return s.size() == 1; }));
}

}  // namespace
}  // namespace ember::discovery
