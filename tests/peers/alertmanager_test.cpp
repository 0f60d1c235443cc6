// ember-scraper evaluates an alerting rule and sends its alert to Debian's
// real Alertmanager 0.25, which notifies a webhook receiver run by the test.
// `amtool alert query` must show the alert with its templated labels and
// annotations and the external labels; when the condition clears, the
// Alertmanager must see the alert resolved (it leaves amtool's list and the
// webhook gets a "resolved" notification).
//
// Needs /usr/bin/prometheus-alertmanager and /usr/bin/amtool
// (scripts/install-deps.sh --with-test-peers); without them the test says so
// and passes.
#include <catch2/catch.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ember/http/router.h"
#include "ember/http/server.h"
#include "ember/obs/logger.h"
#include "ember/obs/metrics.h"
#include "peer_harness.h"
#include "test_support.h"

namespace ember::peers {
namespace {

constexpr char kAlertmanagerPath[] = "/usr/bin/prometheus-alertmanager";
constexpr char kAmtoolPath[] = "/usr/bin/amtool";

// Receives the Alertmanager's webhook notifications and keeps their bodies.
class WebhookSink {
 public:
  WebhookSink() {
    http::Router router;
    router.Post("/hook", [this](http::Request& req) {
      std::lock_guard lock(mu_);
      auto body = nlohmann::json::parse(req.body, nullptr, false);
      if (!body.is_discarded()) bodies_.push_back(std::move(body));
      return http::Response{};
    });
    http::ServerOptions options;
    options.worker_threads = 1;
    options.io_threads = 1;
    server_ = std::make_unique<http::Server>(options, std::move(router),
                                             Logger(std::make_shared<CapturingLogSink>(), LogLevel::kError),
                                             registry_);
    REQUIRE(server_->Start().ok());
  }
  ~WebhookSink() { (void)server_->Shutdown(std::chrono::milliseconds(100)); }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()) + "/hook"; }
  // The first notification whose status is `status` and whose alerts include
  // one named `alertname`.
  std::optional<nlohmann::json> Find(const std::string& status, const std::string& alertname) const {
    std::lock_guard lock(mu_);
    for (const nlohmann::json& b : bodies_) {
      if (b.value("status", "") != status) continue;
      for (const nlohmann::json& a : b["alerts"]) {
        if (a["labels"].value("alertname", "") == alertname) return b;
      }
    }
    return std::nullopt;
  }

 private:
  MetricsRegistry registry_;
  std::unique_ptr<http::Server> server_;
  mutable std::mutex mu_;
  std::vector<nlohmann::json> bodies_;
};

std::string AlertmanagerConfig(const std::string& hook_url) {
  return "route:\n"
         "  receiver: hook\n"
         "  group_by: [alertname]\n"
         "  group_wait: 1s\n"
         "  group_interval: 1s\n"
         "  repeat_interval: 1h\n"
         "receivers:\n"
         "  - name: hook\n"
         "    webhook_configs:\n"
         "      - url: " +
         hook_url +
         "\n"
         "        send_resolved: true\n";
}

constexpr char kRules[] = R"(groups:
  - name: peer
    rules:
      - record: job:peer_temperature:max
        expr: max by (job) (peer_temperature)
      - alert: PeerTooHot
        expr: job:peer_temperature:max > 50
        for: 1s
        labels:
          severity: page
          team: '{{ $labels.job }}-team'
        annotations:
          summary: '{{ $labels.job }} is at {{ $value | humanize }} degrees'
          description: 'exactly {{ printf "%.1f" $value }} in {{ $externalLabels.cluster }}'
)";

std::string EmberConfig(uint16_t alertmanager_port) {
  return "global:\n"
         "  evaluation_interval: 1s\n"
         "  external_labels: {cluster: peers}\n"
         "rule_files: [rules.yml]\n"
         "alerting:\n"
         "  alertmanagers:\n"
         "    - static_configs: [{targets: ['127.0.0.1:" +
         std::to_string(alertmanager_port) +
         "']}]\n"
         "scrape_configs: []\n";
}

// `amtool alert query -o json` against the Alertmanager: its alerts, or an
// error with amtool's output.
Result<nlohmann::json> AmtoolAlerts(const testing::TempDir& dir, uint16_t port) {
  const std::string log = dir.Join("amtool-" + std::to_string(NowMs()) + ".log");
  EMBER_ASSIGN_OR_RETURN(
      testing::Process amtool,
      testing::Process::Start(
          kAmtoolPath,
          {"alert", "query", "-o", "json", "--alertmanager.url=http://127.0.0.1:" + std::to_string(port)},
          log));
  std::optional<int> code = amtool.WaitExit(std::chrono::seconds(30));
  if (code != 0) return Status::Internal("amtool failed: " + amtool.Log());
  auto out = nlohmann::json::parse(amtool.Log(), nullptr, false);
  if (out.is_discarded()) return Status::Internal("amtool printed no JSON: " + amtool.Log());
  return out;
}

// The alert named `alertname` in amtool's list, or null.
nlohmann::json FindAlert(const nlohmann::json& alerts, const std::string& alertname) {
  for (const nlohmann::json& a : alerts) {
    if (a["labels"].value("alertname", "") == alertname) return a;
  }
  return nullptr;
}

void WriteTemperature(const std::string& base_url, double value) {
  wire::WriteSeries s;
  s.labels = Labels::FromUnsorted({{"__name__", "peer_temperature"}, {"job", "oven"}, {"instance", "a"}});
  s.samples.push_back({NowMs(), value});
  REQUIRE(RemoteWrite(base_url, std::span(&s, 1)).ok());
}

TEST_CASE("ember-scraper's alerts reach Alertmanager 0.25, fire and resolve", "[peers][alertmanager]") {
  if (std::string missing = MissingPeer({kAlertmanagerPath, kAmtoolPath}); !missing.empty()) {
    WARN("skipped: " << missing << " is not installed (scripts/install-deps.sh --with-test-peers)");
    return;
  }
  testing::TempDir dir;
  WebhookSink sink;

  const uint16_t am_port = testing::FreePort();
  auto alertmanager =
      StartServer(kAlertmanagerPath,
                  {"--config.file=" + dir.WriteFile("alertmanager.yml", AlertmanagerConfig(sink.url())),
                   "--storage.path=" + dir.Join("alertmanager"),
                   "--web.listen-address=127.0.0.1:" + std::to_string(am_port), "--cluster.listen-address="},
                  am_port, dir.Join("alertmanager.log"), "/-/ready");
  REQUIRE(alertmanager.ok());

  dir.WriteFile("rules.yml", kRules);
  auto ember = StartEmber(dir, {"--config.file=" + dir.WriteFile("ember.yml", EmberConfig(am_port)),
                                "--web.enable-remote-write-receiver",
                                // Alerts that fire before discovery has found the Alertmanager
                                // (within its first 5 s) are sent again after this delay.
                                "--rules.alert.resend-delay=2s"});
  REQUIRE(ember.ok());
  testing::Process* watched[] = {&alertmanager->process, &ember->process};
  auto logs = [&] {
    return LogTail("ember-scraper", ember->process) + LogTail("alertmanager", alertmanager->process);
  };

  WriteTemperature(ember->base_url, 80);

  nlohmann::json firing;
  bool seen = PollUntil(
      [&] {
        auto alerts = AmtoolAlerts(dir, am_port);
        if (!alerts.ok()) return false;
        firing = FindAlert(*alerts, "PeerTooHot");
        return !firing.is_null();
      },
      std::chrono::seconds(60), watched, std::chrono::milliseconds(500));
  INFO(logs());
  REQUIRE(seen);
  CHECK(firing["labels"] == nlohmann::json{{"alertname", "PeerTooHot"},
                                           {"job", "oven"},
                                           {"severity", "page"},
                                           {"team", "oven-team"},
                                           {"cluster", "peers"}});
  CHECK(firing["annotations"] ==
        nlohmann::json{{"summary", "oven is at 80 degrees"}, {"description", "exactly 80.0 in peers"}});
  CHECK(firing["status"]["state"] == "active");
  CHECK(firing["generatorURL"].get<std::string>().find("/graph?g0.expr=") != std::string::npos);

  // ember's own view of the same alert and of the Alertmanager.
  auto alerts = ApiGet(ember->base_url, "/api/v1/alerts");
  REQUIRE(alerts.ok());
  REQUIRE((*alerts)["alerts"].size() == 1);
  CHECK((*alerts)["alerts"][0]["state"] == "firing");
  CHECK((*alerts)["alerts"][0]["labels"]["team"] == "oven-team");
  auto rules = ApiGet(ember->base_url, "/api/v1/rules");
  REQUIRE(rules.ok());
  REQUIRE((*rules)["groups"].size() == 1);
  for (const nlohmann::json& rule : (*rules)["groups"][0]["rules"]) CHECK(rule["health"] == "ok");
  auto managers = ApiGet(ember->base_url, "/api/v1/alertmanagers");
  REQUIRE(managers.ok());
  REQUIRE((*managers)["activeAlertmanagers"].size() == 1);
  CHECK((*managers)["activeAlertmanagers"][0]["url"] ==
        "http://127.0.0.1:" + std::to_string(am_port) + "/api/v2/alerts");

  REQUIRE(PollUntil([&] { return sink.Find("firing", "PeerTooHot").has_value(); }, std::chrono::seconds(30),
                    watched));
  nlohmann::json notified = *sink.Find("firing", "PeerTooHot");
  CHECK(notified["commonAnnotations"]["summary"] == "oven is at 80 degrees");

  // The condition clears: the next evaluation resolves the alert.
  WriteTemperature(ember->base_url, 20);
  bool gone = PollUntil(
      [&] {
        auto now = AmtoolAlerts(dir, am_port);
        return now.ok() && FindAlert(*now, "PeerTooHot").is_null();
      },
      std::chrono::seconds(60), watched, std::chrono::milliseconds(500));
  CHECK(gone);
  REQUIRE(PollUntil([&] { return sink.Find("resolved", "PeerTooHot").has_value(); }, std::chrono::seconds(30),
                    watched));
  nlohmann::json resolved = *sink.Find("resolved", "PeerTooHot");
  CHECK(resolved["alerts"][0]["labels"]["team"] == "oven-team");
  CHECK(resolved["alerts"][0]["endsAt"] != "0001-01-01T00:00:00Z");

  auto after = ApiGet(ember->base_url, "/api/v1/alerts");
  REQUIRE(after.ok());
  CHECK((*after)["alerts"].empty());
}

}  // namespace
}  // namespace ember::peers
