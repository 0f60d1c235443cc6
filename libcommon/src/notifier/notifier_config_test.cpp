#include <catch2/catch.hpp>

#include "ember/notifier/notifier_config.h"

namespace ember::notifier {
namespace {

Result<AlertingConfig> Parse(std::string_view yaml) {
  AlertingConfig c;
  Status s =
      config::DecodeYaml(yaml, "alerting", [&](config::FieldReader& r) { DecodeAlertingConfig(r, c); });
  if (!s.ok()) return s;
  return c;
}

TEST_CASE("alertmanagers take upstream's defaults") {
  auto c = Parse(R"(
alert_relabel_configs:
  - action: labeldrop
    regex: replica
alertmanagers:
  - static_configs: [{targets: ["127.0.0.1:9093"]}]
  - scheme: https
    path_prefix: /am
    timeout: 3s
    api_version: v2
    basic_auth: {username: u, password: p}
    tls_config: {ca_file: ca.pem}
    file_sd_configs: [{files: [am/*.json]}]
    kubernetes_sd_configs: [{role: pod}]
    relabel_configs: [{source_labels: [__meta_kubernetes_pod_name], regex: am-.*, action: keep}]
    alert_relabel_configs: [{target_label: team, replacement: ops}]
    dns_sd_configs: [{names: [am.example]}]
)");
  REQUIRE(c.ok());
  REQUIRE(c->alert_relabel_configs.size() == 1);
  REQUIRE(c->alertmanagers.size() == 2);
  const AlertmanagerConfig& a = c->alertmanagers[0];
  CHECK(a.api_version == "v2");
  CHECK(a.scheme == "http");
  CHECK(a.path_prefix.empty());
  CHECK(a.timeout == std::chrono::seconds(10));
  CHECK(a.http_client.follow_redirects);
  REQUIRE(a.static_configs.size() == 1);
  CHECK(a.static_configs[0].targets[0].Get("__address__") == "127.0.0.1:9093");
  const AlertmanagerConfig& b = c->alertmanagers[1];
  CHECK(b.scheme == "https");
  CHECK(b.path_prefix == "/am");
  CHECK(b.timeout == std::chrono::seconds(3));
  REQUIRE(b.http_client.basic_auth.has_value());
  CHECK(b.http_client.basic_auth->username == "u");
  CHECK(b.file_sd_configs.size() == 1);
  CHECK(b.kubernetes_sd_configs.size() == 1);
  CHECK(b.relabel_configs.size() == 1);
  CHECK(b.alert_relabel_configs.size() == 1);

  CHECK(AlertmanagerConfigFingerprint(a) != AlertmanagerConfigFingerprint(b));
  CHECK(AlertmanagerConfigFingerprint(a) == AlertmanagerConfigFingerprint(AlertmanagerConfig(a)));

  AlertingConfig joined = *c;
  JoinDirectory(joined, "/etc/prometheus");
  CHECK(joined.alertmanagers[1].file_sd_configs[0].files[0] == "/etc/prometheus/am/*.json");
  CHECK(joined.alertmanagers[1].http_client.tls_config.ca_file == "/etc/prometheus/ca.pem");
}

TEST_CASE("bad alerting sections fail with upstream's messages") {
  struct Case {
    std::string yaml;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"foo: 1\n", "line 1: field foo not found in type config.plain"},
      {"alertmanagers:\n  - bar: 2\n", "line 2: field bar not found in type config.AlertmanagerConfig"},
      {"alertmanagers:\n  - api_version: v1\n",
       "expected Alertmanager api version to be one of [v2] but got v1"},
      {"alertmanagers:\n  - static_configs: [{targets: [\"http://a:9093\"]}]\n",
       "\"http://a:9093\" is not a valid hostname"},
      {"alertmanagers:\n  - timeout: 5x\n", "not a valid duration string: \"5x\""},
      {"alert_relabel_configs:\n  - source_labels: [a]\n",
       "relabel configuration for replace action requires 'target_label' value"},
      {"alertmanagers:\n  - basic_auth: {username: a, password: b}\n    bearer_token: x\n",
       "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured"},
      {"alertmanagers:\n  - file_sd_configs: [{files: [x.txt]}]\n",
       "path name \"x.txt\" is not valid for file discovery"},
      {"alertmanagers:\n  - sigv4: {region: eu}\n", "field sigv4 is not supported"},
  };
  for (const Case& c : cases) {
    INFO(c.yaml);
    auto r = Parse(c.yaml);
    REQUIRE_FALSE(r.ok());
    INFO(r.status().message());
    CHECK(r.status().message().find(c.want) != std::string::npos);
  }
}

TEST_CASE("a relabeled URL target is left to relabeling") {
  auto c = Parse(R"y(
alertmanagers:
  - static_configs: [{targets: ["http://a:9093"]}]
    relabel_configs: [{source_labels: [__address__], regex: "http://(.*)", target_label: __address__}]
)y");
  CHECK(c.ok());
}

}  // namespace
}  // namespace ember::notifier
