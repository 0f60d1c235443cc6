#include "ember/config/reloader.h"

#include <thread>

#include <catch2/catch.hpp>

#include "ember/config/yaml_file.h"

namespace ember::config {
namespace {

struct Config {
  Milliseconds scrape_interval{60000};
};

void DecodeConfig(FieldReader& r, Config& c) { r.Duration("scrape_interval", &c.scrape_interval); }

struct Fixture {
  std::unique_ptr<FileSystem> fs = NewMemFileSystem();
  std::shared_ptr<CapturingLogSink> sink = std::make_shared<CapturingLogSink>();
  ManualClock clock{1795564417123};
  Logger logger{sink, LogLevel::kInfo, &clock};
  MetricsRegistry registry;
  ReloadMetrics metrics{&registry.NewGauge("cfg_last_reload_successful", ""),
                        &registry.NewGauge("cfg_last_reload_success_timestamp_seconds", ""),
                        &registry.NewCounter("cfg_reload_success_total", ""),
                        &registry.NewCounter("cfg_reload_fail_total", "")};
  Reloader<Config> reloader{
      "/etc/prometheus.yml",
      [this](const std::string& path) { return LoadYamlFile(*fs, path, "config", &DecodeConfig); }, logger,
      metrics, &clock};

  void Write(std::string_view text) { REQUIRE(fs->WriteFileAtomically("/etc/prometheus.yml", text).ok()); }
};

TEST_CASE("The first load makes a snapshot current and logs it") {
  Fixture f;
  CHECK(f.reloader.Current() == nullptr);
  f.Write("scrape_interval: 15s\n");
  REQUIRE(f.reloader.Reload().ok());
  REQUIRE(f.reloader.Current() != nullptr);
  CHECK(f.reloader.Current()->scrape_interval == Milliseconds(15000));
  CHECK(f.sink->Contains({"level=info", "msg=\"Completed loading of configuration file\"",
                          "file=/etc/prometheus.yml", "totalDuration=0s"}));
  CHECK(f.metrics.last_reload_successful->Value() == 1);
  CHECK(f.metrics.last_reload_success_timestamp_seconds->Value() == Approx(1795564417.123));
  CHECK(f.metrics.reload_successes->Value() == 1);
}

TEST_CASE("A bad file keeps the old snapshot") {
  Fixture f;
  f.Write("scrape_interval: 15s\n");
  REQUIRE(f.reloader.Reload().ok());
  std::shared_ptr<const Config> before = f.reloader.Current();

  f.Write("scrape_interval: 15s\nscrape_intervall: 1m\n");
  Status s = f.reloader.Reload();
  CHECK(s.message() ==
        "parsing YAML file /etc/prometheus.yml: line 2: field scrape_intervall not found in type config "
        "(path: scrape_intervall)");
  CHECK(f.reloader.Current() == before);
  CHECK(
      f.sink->Lines().back() ==
      "ts=2026-11-24T23:53:37.123Z level=error msg=\"Error reloading config\" file=/etc/prometheus.yml "
      "err=\"parsing YAML file /etc/prometheus.yml: line 2: field scrape_intervall not found in type config "
      "(path: scrape_intervall)\"");
  CHECK(f.metrics.last_reload_successful->Value() == 0);
  CHECK(f.metrics.reload_failures->Value() == 1);

  REQUIRE(f.fs->RemoveFile("/etc/prometheus.yml").ok());
  CHECK(f.reloader.Reload().code() == StatusCode::kNotFound);
  CHECK(f.reloader.Current() == before);
}

TEST_CASE("A good file switches the snapshot and notifies subscribers") {
  Fixture f;
  f.Write("scrape_interval: 15s\n");
  REQUIRE(f.reloader.Reload().ok());
  std::shared_ptr<const Config> old = f.reloader.Current();
  std::vector<Milliseconds> seen;
  f.reloader.Subscribe([&](const std::shared_ptr<const Config>& c) {
    seen.push_back(c->scrape_interval);
    return Status::Ok();
  });
  f.Write("scrape_interval: 30s\n");
  REQUIRE(f.reloader.Reload().ok());
  CHECK(seen == std::vector<Milliseconds>{Milliseconds(30000)});
  CHECK(f.reloader.Current()->scrape_interval == Milliseconds(30000));
  CHECK(old->scrape_interval == Milliseconds(15000));  // holders of the old snapshot keep it
}

TEST_CASE("A failing subscriber is reported but the snapshot is applied") {
  Fixture f;
  int calls = 0;
  f.reloader.Subscribe([&](const std::shared_ptr<const Config>&) {
    ++calls;
    return Status::InvalidArgument("cannot open rule file");
  });
  f.reloader.Subscribe([&](const std::shared_ptr<const Config>&) {
    ++calls;
    return Status::Ok();
  });
  f.Write("scrape_interval: 20s\n");
  Status s = f.reloader.Reload();
  CHECK(s.message() == "applying the new configuration from /etc/prometheus.yml: cannot open rule file");
  CHECK(calls == 2);
  CHECK(f.reloader.Current()->scrape_interval == Milliseconds(20000));
  CHECK(f.sink->Contains({"level=error", "msg=\"Error reloading config\"", "cannot open rule file"}));
}

TEST_CASE("Concurrent reloads and reads are safe") {
  Fixture f;
  f.Write("scrape_interval: 15s\n");
  REQUIRE(f.reloader.Reload().ok());
  std::atomic<int> applied{0};
  f.reloader.Subscribe([&](const std::shared_ptr<const Config>&) {
    ++applied;
    return Status::Ok();
  });
  std::atomic<int> failures{0};  // Catch2 assertions are not thread-safe
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        if (!f.reloader.Reload().ok()) ++failures;
        if (f.reloader.Current()->scrape_interval != Milliseconds(15000)) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
  CHECK(applied == 200);
}

}  // namespace
}  // namespace ember::config
