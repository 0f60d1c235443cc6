#include "config/scraper_config.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ember::scraper {
namespace {

TEST_CASE("The embedded default configuration loads") {
  auto c = LoadScraperConfig("");
  REQUIRE(c.ok());
  CHECK(c->global.scrape_interval == std::chrono::seconds(15));
  CHECK(c->global.scrape_timeout == std::chrono::seconds(10));
}

TEST_CASE("global is decoded with Prometheus defaults") {
  auto c = ParseScraperConfig(R"(
global:
  scrape_interval: 5s
  external_labels:
    cluster: home
    replica: a
  body_size_limit: 10MB
rule_files: ["rules/*.yml"]
scrape_configs:
  - job_name: node
    static_configs: [{targets: ["localhost:9100"]}]
)",
                              "prometheus.yml");
  REQUIRE(c.ok());
  CHECK(c->global.scrape_interval == std::chrono::seconds(5));
  // An unset timeout follows a shorter interval down.
  CHECK(c->global.scrape_timeout == std::chrono::seconds(5));
  CHECK(c->global.evaluation_interval == std::chrono::minutes(1));
  CHECK(c->global.external_labels == Labels{{"cluster", "home"}, {"replica", "a"}});
  CHECK(c->global.body_size_limit == 10 << 20);
  CHECK(c->rule_files == std::vector<std::string>{"rules/*.yml"});
}

TEST_CASE("Unknown fields and bad values are rejected with their line and path") {
  auto c = ParseScraperConfig("global:\n  scrape_intervall: 5s\n", "prometheus.yml");
  REQUIRE_FALSE(c.ok());
  CHECK(c.status().message() ==
        "parsing YAML file prometheus.yml: line 2: field scrape_intervall not found in type global "
        "(path: global.scrape_intervall)");
  auto t = ParseScraperConfig("global:\n  scrape_interval: 5s\n  scrape_timeout: 10s\n", "p.yml");
  REQUIRE_FALSE(t.ok());
  CHECK(t.status().message().find("global scrape timeout greater than scrape interval") != std::string::npos);
  auto d = ParseScraperConfig("global:\n  scrape_interval: soon\n", "p.yml");
  REQUIRE_FALSE(d.ok());
  CHECK(d.status().message().find("line 2") != std::string::npos);
  auto top = ParseScraperConfig("scrape_configz: []\n", "p.yml");
  REQUIRE_FALSE(top.ok());
  CHECK(top.status().message().find("field scrape_configz not found") != std::string::npos);
}

TEST_CASE("scrape_configs take the global defaults and keep their own settings") {
  auto c = LoadScraperConfig(EMBER_SCRAPER_TESTDATA "/full.good.yml");
  REQUIRE(c.ok());
  REQUIRE(c->scrape_configs.size() == 2);
  const ScrapeConfig& node = c->scrape_configs[0];
  CHECK(node.job_name == "node");
  CHECK(node.scrape_interval == std::chrono::seconds(10));
  CHECK(node.scrape_timeout == std::chrono::seconds(10));  // the global 10s, within the interval
  CHECK(node.metrics_path == "/probe");
  CHECK(node.scheme == "https");
  CHECK(node.params.at("module") == std::vector<std::string>{"http_2xx"});
  CHECK(node.honor_labels);
  CHECK_FALSE(node.honor_timestamps);
  CHECK(node.sample_limit == 1000);  // from global
  REQUIRE(node.http_client.basic_auth.has_value());
  CHECK(node.http_client.basic_auth->username == "u");
  CHECK(node.http_client.tls_config.insecure_skip_verify);
  // Relative file names are relative to the configuration file.
  CHECK(node.http_client.tls_config.ca_file == EMBER_SCRAPER_TESTDATA "/ca.pem");
  CHECK(node.http_client.basic_auth->password_file == EMBER_SCRAPER_TESTDATA "/secret");
  REQUIRE(node.static_configs.size() == 1);
  CHECK(node.static_configs[0].source == "0");
  REQUIRE(node.static_configs[0].targets.size() == 1);
  CHECK(node.static_configs[0].targets[0].Get("__address__") == "a:1");
  CHECK(node.static_configs[0].labels == Labels{{"env", "prod"}});
  CHECK(node.relabel_configs.size() == 2);
  CHECK(node.metric_relabel_configs.size() == 1);
  CHECK(node.scrape_protocols == c->global.scrape_protocols);
  CHECK(node.metric_name_validation_scheme == "utf8");
  CHECK(node.metric_name_escaping_scheme == "allow-utf-8");
  const ScrapeConfig& other = c->scrape_configs[1];
  CHECK(other.scrape_interval == std::chrono::seconds(30));
  REQUIRE(other.http_client.authorization.has_value());
  CHECK(other.http_client.authorization->type == "Bearer");
  CHECK(other.http_client.authorization->credentials == "abc");
  CHECK(other.metrics_path == "/metrics");
  CHECK(other.honor_timestamps);
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST_CASE("kubernetes_sd_configs are decoded and their files joined to the config's directory") {
  auto c = ParseScraperConfig(R"(
scrape_configs:
  - job_name: pods
    kubernetes_sd_configs:
      - role: pod
        namespaces: {names: [default, monitoring]}
        selectors: [{role: pod, label: "app=web"}]
      - role: endpointslice
        api_server: "https://10.0.0.1:6443"
        bearer_token_file: token
)",
                              "prometheus.yml");
  REQUIRE(c.ok());
  REQUIRE(c->scrape_configs.size() == 1);
  const auto& k8s = c->scrape_configs[0].kubernetes_sd_configs;
  REQUIRE(k8s.size() == 2);
  CHECK(k8s[0].role == discovery::KubernetesRole::kPod);
  CHECK(k8s[1].role == discovery::KubernetesRole::kEndpointSlice);
  CHECK(k8s[1].api_server == "https://10.0.0.1:6443");
}

TEST_CASE("alerting is decoded with upstream's defaults and its files joined to the config's directory") {
  auto c = LoadScraperConfig(EMBER_SCRAPER_TESTDATA "/alerting.good.yml");
  REQUIRE(c.ok());
  const notifier::AlertingConfig& a = c->alerting;
  REQUIRE(a.alert_relabel_configs.size() == 1);
  CHECK(a.alert_relabel_configs[0].action == relabel::Action::kLabelDrop);
  REQUIRE(a.alertmanagers.size() == 2);
  const notifier::AlertmanagerConfig& first = a.alertmanagers[0];
  CHECK(first.api_version == "v2");
  CHECK(first.scheme == "http");
  CHECK(first.path_prefix.empty());
  CHECK(first.timeout == std::chrono::seconds(10));
  REQUIRE(first.static_configs.size() == 1);
  CHECK(first.static_configs[0].targets[0].Get("__address__") == "127.0.0.1:9093");
  const notifier::AlertmanagerConfig& second = a.alertmanagers[1];
  CHECK(second.scheme == "https");
  CHECK(second.path_prefix == "/am");
  CHECK(second.timeout == std::chrono::seconds(5));
  REQUIRE(second.http_client.basic_auth.has_value());
  CHECK(second.http_client.basic_auth->password_file == EMBER_SCRAPER_TESTDATA "/am_password");
  CHECK(second.http_client.tls_config.ca_file == EMBER_SCRAPER_TESTDATA "/am_ca.pem");
  REQUIRE(second.file_sd_configs.size() == 1);
  CHECK(second.file_sd_configs[0].files[0] == EMBER_SCRAPER_TESTDATA "/alertmanagers/*.json");
  CHECK(second.relabel_configs.size() == 1);
  CHECK(second.alert_relabel_configs.size() == 1);

  auto none = ParseScraperConfig("global: {scrape_interval: 5s}\n", "p.yml");
  REQUIRE(none.ok());
  CHECK(none->alerting.alertmanagers.empty());
}

// Each testdata/*.bad.yml fails with the message in the .err beside it: the
// text `promtool check config` (Prometheus 2.42) prints for it, or upstream
// 3.x's where 2.42 lacks the feature; ours adds the line and path.
TEST_CASE("bad scrape configs fail with upstream's messages") {
  size_t checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(EMBER_SCRAPER_TESTDATA)) {
    const std::string path = entry.path().string();
    if (path.size() < 8 || path.substr(path.size() - 8) != ".bad.yml") continue;
    std::string want = ReadText(path + ".err");
    while (!want.empty() && want.back() == '\n') want.pop_back();
    auto c = LoadScraperConfig(path);
    INFO(path);
    REQUIRE_FALSE(c.ok());
    INFO(c.status().message());
    CHECK(c.status().message().find(want) != std::string::npos);
    ++checked;
  }
  CHECK(checked >= 38);
}

}  // namespace
}  // namespace ember::scraper
