// The `alerting` section of a Prometheus configuration file: which
// Alertmanagers receive alerts and how (config.AlertingConfig and
// config.AlertmanagerConfig upstream), with upstream's defaults and checks.
// Plain data; notifier.h turns it into running discovery and senders.
#pragma once

#include <string>
#include <vector>

#include "ember/base/status.h"
#include "ember/base/time.h"
#include "ember/config/field_reader.h"
#include "ember/config/http_client_config.h"
#include "ember/discovery/file_sd_config.h"
#include "ember/discovery/kubernetes_sd_config.h"
#include "ember/discovery/target_group.h"
#include "ember/relabel/relabel_config.h"

namespace ember::notifier {

// The only Alertmanager API version Prometheus 3.x speaks; "v1" is refused.
inline constexpr std::string_view kAlertmanagerApiV2 = "v2";

// One item of `alerting.alertmanagers`: a set of Alertmanagers found by the
// same discovery and reached the same way.
struct AlertmanagerConfig {
  // "v2" only. Default: "v2".
  std::string api_version = std::string(kAlertmanagerApiV2);
  // Put before "/api/v2/alerts" in every Alertmanager's URL ("/am" gives
  // "/am/api/v2/alerts"). Default: "".
  std::string path_prefix;
  // The scheme of the Alertmanagers' URLs (the __scheme__ label before
  // relabeling). Default: "http".
  std::string scheme = "http";
  // Time allowed for one POST to one Alertmanager. Default: 10s.
  Milliseconds timeout = std::chrono::seconds(10);
  // Authentication, TLS and redirects of the POSTs.
  config::HttpClientConfig http_client;
  // Alertmanagers written in the file (sources "0", "1", ...), target files
  // and Kubernetes discovery.
  std::vector<discovery::TargetGroup> static_configs;
  std::vector<discovery::FileSdConfig> file_sd_configs;
  std::vector<discovery::KubernetesSdConfig> kubernetes_sd_configs;
  // Run over each discovered Alertmanager's labels (__address__, __scheme__,
  // __alerts_path__ and the discovery's __meta_* labels); one dropped here
  // is listed among the dropped Alertmanagers.
  std::vector<relabel::RelabelConfig> relabel_configs;
  // Run over each alert's labels before it is sent to this set only; an
  // alert dropped here is not sent to it.
  std::vector<relabel::RelabelConfig> alert_relabel_configs;
};

struct AlertingConfig {
  // Run over each alert's labels (after the external labels were added)
  // when it is queued; an alert dropped here is never sent.
  std::vector<relabel::RelabelConfig> alert_relabel_configs;
  // In file order; the notifier names them "config-0", "config-1", ...
  std::vector<AlertmanagerConfig> alertmanagers;
};

// Decodes the `alerting` mapping (alert_relabel_configs, alertmanagers) into
// `c`, relabel label names checked with `names`. Errors are recorded in `r`
// with upstream's messages, e.g. "expected Alertmanager api version to be one
// of [v2] but got v1", `"http://a:9093" is not a valid hostname`, the HTTP
// client's and the discovery configs' own. Service discovery mechanisms other
// than static, file and kubernetes are accepted and ignored, as in scrape
// configs; `sigv4` is refused as not supported.
void DecodeAlertingConfig(config::FieldReader& r, AlertingConfig& c,
                          relabel::NameValidation names = relabel::NameValidation::kUtf8);

// Decodes one item of `alertmanagers` (upstream's defaults apply to absent
// keys) and validates it.
void DecodeAlertmanagerConfig(config::FieldReader& r, AlertmanagerConfig& c,
                              relabel::NameValidation names = relabel::NameValidation::kUtf8);

// Joins the relative file names (target files, CA, certificate, key,
// password and credentials files) to `dir`, the config file's directory.
void JoinDirectory(AlertingConfig& c, const std::string& dir);

// A canonical text of `c`, equal for equal configs: a reload keeps the
// Alertmanagers already discovered for an unchanged config.
std::string AlertmanagerConfigFingerprint(const AlertmanagerConfig& c);

}  // namespace ember::notifier
