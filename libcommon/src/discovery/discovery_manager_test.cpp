// The manager with hand-driven providers: merging, debouncing (Flush with no
// sender thread, then a short interval), reloads keeping unchanged providers.
#include "ember/discovery/discovery_manager.h"

#include <catch2/catch.hpp>

#include <atomic>

#include "ember/discovery/discovery_metrics.h"
#include "ember/discovery/file_discovery.h"
#include "ember/discovery/static_provider.h"
#include "test_util.h"

namespace ember::discovery {
namespace {

TargetGroup Group(std::string source, std::vector<std::string> addresses) {
  TargetGroup g;
  g.source = std::move(source);
  for (std::string& a : addresses) g.targets.push_back(Labels{{"__address__", std::move(a)}});
  return g;
}

// A provider the test drives: it hands its sink to the test and waits for
// the stop request.
struct Manual {
  std::mutex mu;
  std::condition_variable cv;
  std::map<std::string, UpdateSink> sinks;  // by config id, the latest started
  std::atomic<int> stopped{0};

  UpdateSink WaitSink(const std::string& id) {
    std::unique_lock lock(mu);
    REQUIRE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return sinks.count(id) > 0; }));
    return sinks[id];
  }
};

class ManualProvider final : public Provider {
 public:
  ManualProvider(Manual* m, std::string id) : m_(m), id_(std::move(id)) {}
  void Run(std::stop_token stop, const UpdateSink& update) override {
    {
      std::lock_guard lock(m_->mu);
      m_->sinks[id_] = update;
    }
    m_->cv.notify_all();
    std::mutex mu;
    std::condition_variable_any cv;
    std::unique_lock lock(mu);
    cv.wait(lock, stop, [] { return false; });
    ++m_->stopped;
  }

 private:
  Manual* m_;
  std::string id_;
};

class ManualConfig final : public ProviderConfig {
 public:
  ManualConfig(Manual* m, std::string id) : m_(m), id_(std::move(id)) {}
  std::string_view Name() const override { return "manual"; }
  std::string Fingerprint() const override { return id_; }
  Result<std::unique_ptr<Provider>> NewProvider(const ProviderOptions&) const override {
    if (id_ == "broken") return Status::InvalidArgument("broken config");
    return std::unique_ptr<Provider>(std::make_unique<ManualProvider>(m_, id_));
  }

 private:
  Manual* m_;
  std::string id_;
};

struct Snapshots {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<TargetSnapshot> got;

  DiscoveryManager::Callback Callback() {
    return [this](const TargetSnapshot& s) {
      std::lock_guard lock(mu);
      got.push_back(s);
      cv.notify_all();
    };
  }
  bool WaitFor(const std::function<bool(const TargetSnapshot&)>& pred) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(10), [&] { return !got.empty() && pred(got.back()); });
  }
  size_t count() {
    std::lock_guard lock(mu);
    return got.size();
  }
  TargetSnapshot last() {
    std::lock_guard lock(mu);
    return got.back();
  }
};

Logger QuietLogger() { return Logger(std::make_shared<CapturingLogSink>(), LogLevel::kInfo); }

// Waits until the manager has taken in what the providers sent.
bool WaitState(DiscoveryManager& m, const std::function<bool(const TargetSnapshot&)>& pred) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred(m.Snapshot())) return true;
    std::this_thread::yield();
  }
  return false;
}

TEST_CASE("the manager merges providers per job and sends one snapshot per flush") {
  Manual manual;
  Snapshots snaps;
  MetricsRegistry registry;
  DiscoveryMetrics metrics(registry);
  DiscoveryManager m({"scrape", Milliseconds(0)}, QuietLogger(), &metrics, snaps.Callback());
  REQUIRE(m.ApplyConfig({{"a",
                          {std::make_shared<ManualConfig>(&manual, "1"),
                           std::make_shared<ManualConfig>(&manual, "2")}},
                         {"b", {}}})
              .ok());
  UpdateSink s0 = manual.WaitSink("1"), s1 = manual.WaitSink("2");
  // Updates are synchronous: once the sink returns, the manager holds them.
  s0({Group("x", {"h1:1"}), Group("y", {"h2:1"})});
  s1({Group("x", {"h3:1"})});  // same source, other provider: both kept
  s0({Group("y", {"h2:2"})});  // replaces y
  REQUIRE(m.Flush());
  CHECK_FALSE(m.Flush());  // nothing changed since
  REQUIRE(snaps.count() == 1);
  TargetSnapshot s = snaps.last();
  CHECK(s.size() == 2);
  CHECK(s["b"].empty());
  REQUIRE(s["a"].size() == 3);
  size_t targets = 0;
  for (const TargetGroup& g : s["a"]) targets += g.targets.size();
  CHECK(targets == 3);

  s0({Group("y", {"h2:2"})});  // unchanged: no new snapshot
  CHECK_FALSE(m.Flush());
  s0({Group("x", {})});  // an empty group drops its source
  REQUIRE(m.Flush());
  CHECK(snaps.last().at("a").size() == 2);
  CHECK(registry.Expose().find("prometheus_sd_discovered_targets{config=\"a\",name=\"scrape\"} 2") !=
        std::string::npos);
  CHECK(metrics.updates.WithLabelValues({"scrape"}).Value() == 2);
  CHECK(metrics.received_updates.WithLabelValues({"scrape"}).Value() == 5);
}

TEST_CASE("the sender debounces bursts into few snapshots") {
  Manual manual;
  Snapshots snaps;
  DiscoveryManager m({"scrape", Milliseconds(50)}, QuietLogger(), nullptr, snaps.Callback());
  REQUIRE(m.ApplyConfig({{"a", {std::make_shared<ManualConfig>(&manual, "1")}}}).ok());
  UpdateSink sink = manual.WaitSink("1");
  for (int i = 0; i < 200; ++i) sink({Group("x", {"h:" + std::to_string(i)})});
  CHECK(snaps.WaitFor([](const TargetSnapshot& s) {
    return s.at("a").size() == 1 && s.at("a")[0].targets[0].Get("__address__") == "h:199";
  }));
  // 200 updates in a burst; each snapshot is at least 50 ms after the
  // previous one, so a handful at most arrive while the burst lasts.
  CHECK(snaps.count() < 200);
}

TEST_CASE("reload keeps unchanged providers and stops the others") {
  Manual manual;
  Snapshots snaps;
  DiscoveryManager m({"scrape", Milliseconds(0)}, QuietLogger(), nullptr, snaps.Callback());
  auto c1 = std::make_shared<ManualConfig>(&manual, "1");
  REQUIRE(m.ApplyConfig({{"a", {c1}}, {"b", {std::make_shared<ManualConfig>(&manual, "2")}}}).ok());
  UpdateSink a = manual.WaitSink("1"), b = manual.WaitSink("2");
  a({Group("x", {"a:1"})});
  b({Group("x", {"b:1"})});
  REQUIRE(m.Flush());
  CHECK(m.providers_started() == 2);

  // Job a keeps an equal config (a new object), job b goes, job c comes.
  REQUIRE(m.ApplyConfig({{"a", {std::make_shared<ManualConfig>(&manual, "1")}},
                         {"c", {std::make_shared<ManualConfig>(&manual, "3")}}})
              .ok());
  CHECK(m.providers_started() == 3);
  CHECK(manual.stopped == 1);
  b({Group("y", {"late"})});  // a stopped provider's late update is ignored
  REQUIRE(m.Flush());         // a reload always leads to a snapshot
  TargetSnapshot s = snaps.last();
  CHECK(s.size() == 2);
  REQUIRE(s.at("a").size() == 1);
  CHECK(s.at("a")[0].targets[0].Get("__address__") == "a:1");  // kept with its groups
  CHECK(s.at("c").empty());

  // A config that fails to build is reported; the others still apply.
  Status st = m.ApplyConfig({{"a", {std::make_shared<ManualConfig>(&manual, "broken"), c1}}});
  CHECK(st.message() == "broken config");
  CHECK(m.Snapshot().at("a").size() == 1);
  CHECK(manual.stopped == 2);  // job c's provider
  m.Stop();
  CHECK(manual.stopped == 3);
}

TEST_CASE("static and file providers through the manager") {
  testing::TempDir dir;
  std::string f = dir.Write("t.json", R"([{"targets":["f:1"]}])");
  Snapshots snaps;
  DiscoveryManager m({"scrape", Milliseconds(1)}, QuietLogger(), nullptr, snaps.Callback());
  TargetGroup st = Group("0", {"s:1"});
  REQUIRE(m.ApplyConfig({{"job",
                          {std::make_shared<StaticProviderConfig>(std::vector<TargetGroup>{st}),
                           std::make_shared<FileProviderConfig>(FileSdConfig{{dir.Join("*.json")}})}}})
              .ok());
  CHECK(snaps.WaitFor([](const TargetSnapshot& s) { return s.at("job").size() == 2; }));
  dir.Write("t.json", R"([{"targets":["f:2"]}])");
  CHECK(snaps.WaitFor([](const TargetSnapshot& s) {
    for (const TargetGroup& g : s.at("job")) {
      if (g.targets[0].Get("__address__") == "f:2") return true;
    }
    return false;
  }));
  CHECK(WaitState(m, [](const TargetSnapshot& s) { return s.at("job").size() == 2; }));
}

}  // namespace
}  // namespace ember::discovery
