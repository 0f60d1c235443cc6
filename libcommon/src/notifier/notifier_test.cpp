#include "ember/notifier/notifier.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "ember/http/router.h"
#include "ember/http/server.h"

namespace ember::notifier {
namespace {

using namespace std::chrono_literals;

struct Received {
  std::string path;
  std::string body;
  std::string content_type;
  std::string authorization;
  std::string user_agent;
};

// An Alertmanager stand-in on 127.0.0.1: records each POST, answers with a
// settable status and can hold requests until released.
class FakeAlertmanager {
 public:
  explicit FakeAlertmanager(std::string path_prefix = "") {
    http::Router router;
    router.Post(path_prefix + "/api/v2/alerts", [this](http::Request& req) {
      std::unique_lock lock(mu_);
      received_.push_back({req.path, req.body, std::string(req.headers.Get("Content-Type")),
                           std::string(req.headers.Get("Authorization")),
                           std::string(req.headers.Get("User-Agent"))});
      cv_.notify_all();
      cv_.wait(lock, [&] { return !hold_; });
      return http::Response::Json(status_, "");
    });
    http::ServerOptions options;
    options.worker_threads = 4;
    server_ = std::make_unique<http::Server>(
        options, std::move(router), Logger(std::make_shared<CapturingLogSink>(), LogLevel::kInfo), metrics_);
    REQUIRE(server_->Start().ok());
  }
  ~FakeAlertmanager() {
    Release();
    (void)server_->Shutdown(2s);
  }

  std::string address() const { return "127.0.0.1:" + std::to_string(server_->port()); }
  void SetStatus(int status) {
    std::lock_guard lock(mu_);
    status_ = status;
  }
  // Requests arriving from now on wait until Release.
  void Hold() {
    std::lock_guard lock(mu_);
    hold_ = true;
  }
  void Release() {
    std::lock_guard lock(mu_);
    hold_ = false;
    cv_.notify_all();
  }
  // Waits up to 10s for `n` requests in all; returns what arrived.
  std::vector<Received> WaitFor(size_t n) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, 10s, [&] { return received_.size() >= n; });
    return received_;
  }
  std::vector<Received> received() {
    std::lock_guard lock(mu_);
    return received_;
  }

 private:
  MetricsRegistry metrics_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Received> received_;
  int status_ = 200;
  bool hold_ = false;
  std::unique_ptr<http::Server> server_;
};

// Polls `cond` until it holds or 10s pass.
bool Eventually(const std::function<bool()>& cond) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return cond();
}

// The value of the sample line starting with `series` in the exposition, or -1.
double Sample(const MetricsRegistry& r, const std::string& series) {
  std::istringstream in(r.Expose());
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return -1;
}

AlertmanagerConfig Static(const std::vector<std::string>& addresses) {
  AlertmanagerConfig c;
  discovery::TargetGroup g;
  for (const std::string& a : addresses) g.targets.push_back(Labels{{"__address__", a}});
  g.source = "0";
  c.static_configs.push_back(std::move(g));
  return c;
}

Alert MakeAlert(const std::string& name, Labels extra = {}) {
  LabelsBuilder b(extra);
  b.Set("alertname", name);
  Alert a;
  a.labels = b.Build();
  a.starts_at_ms = 1700000000000;
  return a;
}

struct Fixture {
  explicit Fixture(ManagerOptions options = {}) {
    options.metrics = &registry;
    options.discovery_updates_interval = 0ms;
    manager = std::make_unique<Manager>(std::move(options));
  }
  // Applies `config` and the discovery it starts.
  void Apply(const AlertingConfig& config, const Labels& external = {}) {
    REQUIRE(manager->ApplyConfig(config, external).ok());
  }
  // Flushes discovery until `n` Alertmanagers are active.
  bool WaitForAlertmanagers(size_t n) {
    return Eventually([&] {
      manager->FlushDiscovery();
      return manager->Alertmanagers().size() == n;
    });
  }

  MetricsRegistry registry;
  std::unique_ptr<Manager> manager;
};

std::string Url(const FakeAlertmanager& am, const std::string& prefix = "") {
  return "http://" + am.address() + prefix + "/api/v2/alerts";
}

TEST_CASE("alerts reach a static Alertmanager as upstream's JSON, listed by Alertmanagers()") {
  FakeAlertmanager am;
  Fixture f;
  AlertingConfig config;
  config.alertmanagers.push_back(Static({am.address()}));
  f.Apply(config);
  REQUIRE(f.WaitForAlertmanagers(1));
  CHECK(f.manager->Alertmanagers() == std::vector<std::string>{Url(am)});
  CHECK(f.manager->DroppedAlertmanagers().empty());
  CHECK(Sample(f.registry, "prometheus_notifications_alertmanagers_discovered") == 1);
  CHECK(Sample(f.registry, "prometheus_notifications_queue_capacity") == 10000);

  std::vector<Alert> alerts = {MakeAlert("A"), MakeAlert("B")};
  f.manager->Send(alerts);
  auto got = am.WaitFor(1);
  REQUIRE(got.size() == 1);
  CHECK(got[0].path == "/api/v2/alerts");
  CHECK(got[0].content_type == "application/json");
  CHECK(got[0].user_agent == "Ember");
  CHECK(got[0].authorization.empty());
  CHECK(got[0].body == EncodeAlertsV2(alerts));
  const std::string series = "prometheus_notifications_sent_total{alertmanager=\"" + Url(am) + "\"}";
  REQUIRE(Eventually([&] { return Sample(f.registry, series) == 2; }));
  CHECK(Sample(f.registry, "prometheus_notifications_errors_total{alertmanager=\"" + Url(am) + "\"}") == 0);
  CHECK(Sample(f.registry, "prometheus_notifications_dropped_total") == 0);
}

TEST_CASE("the queue is sent in batches of at most max_batch_size") {
  FakeAlertmanager am;
  ManagerOptions options;
  options.max_batch_size = 2;
  Fixture f(options);
  AlertingConfig config;
  config.alertmanagers.push_back(Static({am.address()}));
  f.Apply(config);
  REQUIRE(f.WaitForAlertmanagers(1));
  std::vector<Alert> alerts;
  for (int i = 0; i < 5; ++i) alerts.push_back(MakeAlert("A" + std::to_string(i)));
  f.manager->Send(alerts);
  auto got = am.WaitFor(3);
  REQUIRE(got.size() == 3);
  CHECK(got[0].body == EncodeAlertsV2(std::vector<Alert>(alerts.begin(), alerts.begin() + 2)));
  CHECK(got[1].body == EncodeAlertsV2(std::vector<Alert>(alerts.begin() + 2, alerts.begin() + 4)));
  CHECK(got[2].body == EncodeAlertsV2(std::vector<Alert>(alerts.begin() + 4, alerts.end())));
}

TEST_CASE("external labels fill in missing labels; alert relabeling applies globally and per set") {
  FakeAlertmanager plain;
  FakeAlertmanager relabeled;
  Fixture f;
  AlertingConfig config;
  relabel::RelabelConfig drop;
  drop.source_labels = {"severity"};
  drop.regex = "none";
  drop.action = relabel::Action::kDrop;
  config.alert_relabel_configs.push_back(drop);
  config.alertmanagers.push_back(Static({plain.address()}));
  AlertmanagerConfig second = Static({relabeled.address()});
  relabel::RelabelConfig team;
  team.target_label = "team";
  team.replacement = "ops";
  relabel::RelabelConfig only_a;
  only_a.source_labels = {"alertname"};
  only_a.regex = "A";
  only_a.action = relabel::Action::kKeep;
  second.alert_relabel_configs = {team, only_a};
  config.alertmanagers.push_back(second);
  f.Apply(config, Labels{{"cluster", "eu"}, {"replica", "r1"}});
  REQUIRE(f.WaitForAlertmanagers(2));

  f.manager->Send({MakeAlert("A", Labels{{"cluster", "own"}}), MakeAlert("B"),
                   MakeAlert("C", Labels{{"severity", "none"}})});
  auto got_plain = plain.WaitFor(1);
  auto got_relabeled = relabeled.WaitFor(1);
  REQUIRE(got_plain.size() == 1);
  REQUIRE(got_relabeled.size() == 1);
  Alert a = MakeAlert("A", Labels{{"cluster", "own"}, {"replica", "r1"}});
  Alert b = MakeAlert("B", Labels{{"cluster", "eu"}, {"replica", "r1"}});
  CHECK(got_plain[0].body == EncodeAlertsV2(std::vector<Alert>{a, b}));
  Alert a_team = MakeAlert("A", Labels{{"cluster", "own"}, {"replica", "r1"}, {"team", "ops"}});
  CHECK(got_relabeled[0].body == EncodeAlertsV2(std::vector<Alert>{a_team}));
  REQUIRE(Eventually([&] {
    return Sample(f.registry,
                  "prometheus_notifications_sent_total{alertmanager=\"" + Url(relabeled) + "\"}") == 1;
  }));
  CHECK(Sample(f.registry, "prometheus_notifications_dropped_total") == 0);
}

TEST_CASE("a full queue drops its oldest alerts and counts them") {
  FakeAlertmanager am;
  am.Hold();
  ManagerOptions options;
  options.queue_capacity = 3;
  Fixture f(options);
  AlertingConfig config;
  config.alertmanagers.push_back(Static({am.address()}));
  f.Apply(config);
  REQUIRE(f.WaitForAlertmanagers(1));
  f.manager->Send({MakeAlert("first")});
  REQUIRE(am.WaitFor(1).size() == 1);  // the sender now waits on the held request
  std::vector<Alert> more;
  for (int i = 0; i < 5; ++i) more.push_back(MakeAlert("m" + std::to_string(i)));
  f.manager->Send({more[0], more[1]});
  f.manager->Send({more[2], more[3], more[4]});
  CHECK(f.manager->QueueLength() == 3);
  CHECK(Sample(f.registry, "prometheus_notifications_queue_length") == 3);
  CHECK(Sample(f.registry, "prometheus_notifications_dropped_total") == 2);
  // A batch larger than the whole queue keeps its newest alerts.
  std::vector<Alert> big;
  for (int i = 0; i < 5; ++i) big.push_back(MakeAlert("big" + std::to_string(i)));
  f.manager->Send(big);
  CHECK(Sample(f.registry, "prometheus_notifications_dropped_total") == 2 + 2 + 3);
  am.Release();
  auto got = am.WaitFor(2);
  REQUIRE(got.size() == 2);
  CHECK(got[1].body == EncodeAlertsV2(std::vector<Alert>(big.begin() + 2, big.end())));
}

TEST_CASE("a batch counts as sent when one Alertmanager of the set took it") {
  FakeAlertmanager good;
  FakeAlertmanager bad;
  bad.SetStatus(500);
  Fixture f;
  AlertingConfig config;
  config.alertmanagers.push_back(Static({good.address(), bad.address()}));
  f.Apply(config);
  REQUIRE(f.WaitForAlertmanagers(2));
  f.manager->Send({MakeAlert("A"), MakeAlert("B")});
  const std::string bad_errors = "prometheus_notifications_errors_total{alertmanager=\"" + Url(bad) + "\"}";
  const std::string bad_sent = "prometheus_notifications_sent_total{alertmanager=\"" + Url(bad) + "\"}";
  const std::string good_sent = "prometheus_notifications_sent_total{alertmanager=\"" + Url(good) + "\"}";
  // Upstream counts attempts in sent_total, after errors_total: wait for both.
  REQUIRE(Eventually([&] {
    return Sample(f.registry, bad_errors) == 2 && Sample(f.registry, bad_sent) == 2 &&
           Sample(f.registry, good_sent) == 2;
  }));
  CHECK(Sample(f.registry, "prometheus_notifications_errors_total{alertmanager=\"" + Url(good) + "\"}") == 0);
  CHECK(Sample(f.registry, "prometheus_notifications_dropped_total") == 0);

  // With no Alertmanager of the set taking it, the batch is dropped.
  good.SetStatus(503);
  f.manager->Send({MakeAlert("C")});
  REQUIRE(Eventually([&] { return Sample(f.registry, "prometheus_notifications_dropped_total") == 1; }));
  CHECK(Sample(f.registry, bad_errors) == 3);
}

TEST_CASE("a request outliving the set's timeout fails and the batch is dropped") {
  FakeAlertmanager am;
  am.Hold();
  Fixture f;
  AlertingConfig config;
  AlertmanagerConfig c = Static({am.address()});
  c.timeout = 200ms;
  config.alertmanagers.push_back(c);
  f.Apply(config);
  REQUIRE(f.WaitForAlertmanagers(1));
  const auto start = std::chrono::steady_clock::now();
  f.manager->Send({MakeAlert("A")});
  const std::string errors = "prometheus_notifications_errors_total{alertmanager=\"" + Url(am) + "\"}";
  REQUIRE(Eventually([&] { return Sample(f.registry, "prometheus_notifications_dropped_total") == 1; }));
  CHECK(Sample(f.registry, errors) == 1);
  CHECK(std::chrono::steady_clock::now() - start < 5s);
  am.Release();
}

TEST_CASE("basic auth and authorization credentials are sent, read from files where given") {
  FakeAlertmanager basic;
  FakeAlertmanager bearer;
  char dir_template[] = "/tmp/ember-notifier-XXXXXX";
  REQUIRE(mkdtemp(dir_template) != nullptr);
  const std::string dir = dir_template;
  std::ofstream(dir + "/token") << "s3cret\n";
  Fixture f;
  AlertingConfig config;
  AlertmanagerConfig b = Static({basic.address()});
  b.http_client.basic_auth = config::BasicAuthConfig{"user", "", "pass", ""};
  config.alertmanagers.push_back(b);
  AlertmanagerConfig t = Static({bearer.address()});
  config::AuthorizationConfig auth;
  auth.credentials_file = dir + "/token";
  t.http_client.authorization = auth;
  config.alertmanagers.push_back(t);
  f.Apply(config);
  REQUIRE(f.WaitForAlertmanagers(2));
  f.manager->Send({MakeAlert("A")});
  auto got_basic = basic.WaitFor(1);
  auto got_bearer = bearer.WaitFor(1);
  REQUIRE(got_basic.size() == 1);
  REQUIRE(got_bearer.size() == 1);
  CHECK(got_basic[0].authorization == "Basic dXNlcjpwYXNz");
  CHECK(got_bearer[0].authorization == "Bearer s3cret");
  std::filesystem::remove_all(dir);
}

TEST_CASE("path_prefix goes before /api/v2/alerts") {
  FakeAlertmanager am("/am");
  Fixture f;
  AlertingConfig config;
  AlertmanagerConfig c = Static({am.address()});
  c.path_prefix = "am/";
  config.alertmanagers.push_back(c);
  f.Apply(config);
  REQUIRE(f.WaitForAlertmanagers(1));
  CHECK(f.manager->Alertmanagers()[0] == Url(am, "/am"));
  f.manager->Send({MakeAlert("A")});
  auto got = am.WaitFor(1);
  REQUIRE(got.size() == 1);
  CHECK(got[0].path == "/am/api/v2/alerts");
}

TEST_CASE("relabel_configs drop Alertmanagers, which are listed as dropped and get nothing") {
  FakeAlertmanager kept;
  FakeAlertmanager dropped;
  Fixture f;
  AlertingConfig config;
  AlertmanagerConfig c = Static({kept.address(), dropped.address()});
  relabel::RelabelConfig drop;
  drop.source_labels = {"__address__"};
  drop.regex = dropped.address();
  drop.action = relabel::Action::kDrop;
  c.relabel_configs.push_back(drop);
  config.alertmanagers.push_back(c);
  f.Apply(config);
  REQUIRE(f.WaitForAlertmanagers(1));
  CHECK(f.manager->Alertmanagers() == std::vector<std::string>{Url(kept)});
  CHECK(f.manager->DroppedAlertmanagers() == std::vector<std::string>{Url(dropped)});
  f.manager->Send({MakeAlert("A")});
  REQUIRE(kept.WaitFor(1).size() == 1);
  CHECK(dropped.received().empty());
}

TEST_CASE("a target file update changes the Alertmanagers; an unchanged reload keeps them") {
  FakeAlertmanager first;
  FakeAlertmanager second;
  char dir_template[] = "/tmp/ember-notifier-XXXXXX";
  REQUIRE(mkdtemp(dir_template) != nullptr);
  const std::string dir = dir_template;
  auto write = [&](const std::string& address) {
    std::ofstream(dir + "/am.json.tmp") << "[{\"targets\": [\"" << address << "\"]}]";
    std::filesystem::rename(dir + "/am.json.tmp", dir + "/am.json");
  };
  write(first.address());
  Fixture f;
  AlertingConfig config;
  AlertmanagerConfig c;
  discovery::FileSdConfig files;
  files.files = {dir + "/*.json"};
  c.file_sd_configs.push_back(files);
  config.alertmanagers.push_back(c);
  f.Apply(config);
  REQUIRE(Eventually([&] {
    f.manager->FlushDiscovery();
    return f.manager->Alertmanagers() == std::vector<std::string>{Url(first)};
  }));
  write(second.address());
  REQUIRE(Eventually([&] {
    f.manager->FlushDiscovery();
    return f.manager->Alertmanagers() == std::vector<std::string>{Url(second)};
  }));
  // The same config again keeps what was discovered, before any flush.
  REQUIRE(f.manager->ApplyConfig(config, {}).ok());
  CHECK(f.manager->Alertmanagers() == std::vector<std::string>{Url(second)});
  f.manager->Send({MakeAlert("A")});
  REQUIRE(second.WaitFor(1).size() == 1);
  CHECK(first.received().empty());
  // Without alertmanagers, nothing is listed.
  REQUIRE(f.manager->ApplyConfig(AlertingConfig{}, {}).ok());
  CHECK(f.manager->Alertmanagers().empty());
  f.manager.reset();
  std::filesystem::remove_all(dir);
}

TEST_CASE("Stop drains the queue, or drops and counts it when draining is off") {
  for (bool drain : {true, false}) {
    INFO("drain " << drain);
    FakeAlertmanager am;
    am.Hold();
    ManagerOptions options;
    options.drain_on_shutdown = drain;
    options.max_batch_size = 10;
    auto sink = std::make_shared<CapturingLogSink>();
    options.logger = Logger(sink, LogLevel::kInfo);
    Fixture f(options);
    AlertingConfig config;
    config.alertmanagers.push_back(Static({am.address()}));
    f.Apply(config);
    REQUIRE(f.WaitForAlertmanagers(1));
    f.manager->Send({MakeAlert("first")});
    REQUIRE(am.WaitFor(1).size() == 1);
    f.manager->Send({MakeAlert("a"), MakeAlert("b"), MakeAlert("c")});
    std::thread stopper([&] { f.manager->Stop(); });
    // Stop waits for the held request; let it go only once Stop began.
    REQUIRE(Eventually([&] { return sink->Contains({"Stopping notification manager"}); }));
    f.manager->Send({MakeAlert("late")});  // ignored once stopping
    CHECK(f.manager->QueueLength() == 3);
    am.Release();
    stopper.join();
    if (drain) {
      CHECK(am.received().size() == 2);
      CHECK(Sample(f.registry, "prometheus_notifications_dropped_total") == 0);
    } else {
      CHECK(am.received().size() == 1);
      CHECK(Sample(f.registry, "prometheus_notifications_dropped_total") == 3);
    }
  }
}

}  // namespace
}  // namespace ember::notifier
