#include "ember/notifier/notifier_config.h"

#include "ember/base/strings.h"
#include "ember/discovery/static_config.h"
#include "ember/relabel/relabel_config_yaml.h"

namespace ember::notifier {
namespace {

// Service discovery blocks of upstream's that Ember does not run; accepted so
// that an existing prometheus.yml loads, as in scrape configs.
constexpr std::string_view kOtherSdConfigs[] = {
    "dns_sd_configs",         "http_sd_configs",         "consul_sd_configs",    "ec2_sd_configs",
    "azure_sd_configs",       "gce_sd_configs",          "openstack_sd_configs", "docker_sd_configs",
    "dockerswarm_sd_configs", "nomad_sd_configs",        "eureka_sd_configs",    "hetzner_sd_configs",
    "linode_sd_configs",      "digitalocean_sd_configs", "marathon_sd_configs",  "nerve_sd_configs",
    "serverset_sd_configs",   "triton_sd_configs",       "kuma_sd_configs",      "lightsail_sd_configs",
    "ionos_sd_configs",       "vultr_sd_configs",        "scaleway_sd_configs",  "uyuni_sd_configs",
    "puppetdb_sd_configs",    "ovhcloud_sd_configs",     "stackit_sd_configs"};

void Put(std::string& out, std::string_view s) {
  out += std::to_string(s.size());
  out += ':';
  out += s;
}

void PutRelabel(std::string& out, const std::vector<relabel::RelabelConfig>& configs) {
  Put(out, std::to_string(configs.size()));
  for (const relabel::RelabelConfig& c : configs) {
    Put(out, std::to_string(c.source_labels.size()));
    for (const std::string& l : c.source_labels) Put(out, l);
    Put(out, c.separator);
    Put(out, c.regex ? "1" + *c.regex : "0");
    Put(out, std::to_string(c.modulus));
    Put(out, c.target_label);
    Put(out, c.replacement);
    Put(out, relabel::ActionName(c.action));
  }
}

void PutHttpClient(std::string& out, const config::HttpClientConfig& h) {
  if (h.basic_auth) {
    Put(out, "basic");
    Put(out, h.basic_auth->username);
    Put(out, h.basic_auth->username_file);
    Put(out, h.basic_auth->password);
    Put(out, h.basic_auth->password_file);
  }
  if (h.authorization) {
    Put(out, "authorization");
    Put(out, h.authorization->type);
    Put(out, h.authorization->credentials);
    Put(out, h.authorization->credentials_file);
  }
  const config::TlsClientConfig& t = h.tls_config;
  for (const std::string* s : {&t.ca, &t.ca_file, &t.cert, &t.cert_file, &t.key, &t.key_file, &t.server_name,
                               &t.min_version, &t.max_version}) {
    Put(out, *s);
  }
  Put(out, t.insecure_skip_verify ? "1" : "0");
  Put(out, h.follow_redirects ? "1" : "0");
  Put(out, h.enable_http2 ? "1" : "0");
}

}  // namespace

void DecodeAlertmanagerConfig(config::FieldReader& r, AlertmanagerConfig& c, relabel::NameValidation names) {
  r.SetTypeName("config.AlertmanagerConfig");
  r.Parse("api_version", [&](const std::string& text) -> Status {
    if (text != kAlertmanagerApiV2) {
      return Status::InvalidArgument("expected Alertmanager api version to be one of [v2] but got " + text);
    }
    c.api_version = text;
    return Status::Ok();
  });
  r.Field("path_prefix", &c.path_prefix);
  r.Field("scheme", &c.scheme);
  r.Duration("timeout", &c.timeout);
  config::DecodeHttpClientConfigInline(r, c.http_client);
  r.Unsupported("sigv4");
  discovery::DecodeStaticConfigs(r, "static_configs", &c.static_configs);
  r.List("file_sd_configs", [&](config::FieldReader& item) {
    discovery::DecodeFileSdConfig(item, c.file_sd_configs.emplace_back());
  });
  r.List("kubernetes_sd_configs", [&](config::FieldReader& item) {
    discovery::DecodeKubernetesSdConfig(item, c.kubernetes_sd_configs.emplace_back());
  });
  for (std::string_view key : kOtherSdConfigs) r.Skip(key);
  r.List("relabel_configs", [&](config::FieldReader& item) {
    relabel::DecodeRelabelConfig(item, c.relabel_configs.emplace_back(), names);
  });
  r.List("alert_relabel_configs", [&](config::FieldReader& item) {
    relabel::DecodeRelabelConfig(item, c.alert_relabel_configs.emplace_back(), names);
  });
  if (!r.ok()) return;
  // A URL where a host:port belongs is a common mistake; relabeling may still
  // turn it into an address, so only unrelabeled targets are checked.
  if (c.relabel_configs.empty()) {
    for (const discovery::TargetGroup& group : c.static_configs) {
      for (const Labels& target : group.targets) {
        const std::string_view address = target.Get(discovery::kAddressLabel);
        if (address.find('/') != std::string_view::npos) {
          return r.Fail(GoQuote(address) + " is not a valid hostname");
        }
      }
    }
  }
}

void DecodeAlertingConfig(config::FieldReader& r, AlertingConfig& c, relabel::NameValidation names) {
  // yaml.v2 names the type after the local alias upstream decodes through.
  r.SetTypeName("config.plain");
  r.List("alert_relabel_configs", [&](config::FieldReader& item) {
    relabel::DecodeRelabelConfig(item, c.alert_relabel_configs.emplace_back(), names);
  });
  r.List("alertmanagers", [&](config::FieldReader& item) {
    DecodeAlertmanagerConfig(item, c.alertmanagers.emplace_back(), names);
  });
}

void JoinDirectory(AlertingConfig& c, const std::string& dir) {
  if (dir.empty()) return;
  for (AlertmanagerConfig& am : c.alertmanagers) {
    config::JoinDirectory(am.http_client, dir);
    for (discovery::FileSdConfig& f : am.file_sd_configs) {
      for (std::string& file : f.files) {
        if (!file.empty() && file.front() != '/') file = dir + "/" + file;
      }
    }
    for (discovery::KubernetesSdConfig& k : am.kubernetes_sd_configs) discovery::JoinDirectory(k, dir);
  }
}

std::string AlertmanagerConfigFingerprint(const AlertmanagerConfig& c) {
  std::string out;
  Put(out, c.api_version);
  Put(out, c.path_prefix);
  Put(out, c.scheme);
  Put(out, std::to_string(c.timeout.count()));
  PutHttpClient(out, c.http_client);
  Put(out, std::to_string(c.static_configs.size()));
  for (const discovery::TargetGroup& g : c.static_configs) {
    Put(out, g.source);
    Put(out, g.labels.ToString());
    Put(out, std::to_string(g.targets.size()));
    for (const Labels& t : g.targets) Put(out, t.ToString());
  }
  Put(out, std::to_string(c.file_sd_configs.size()));
  for (const discovery::FileSdConfig& f : c.file_sd_configs) {
    Put(out, std::to_string(f.refresh_interval.count()));
    Put(out, std::to_string(f.files.size()));
    for (const std::string& file : f.files) Put(out, file);
  }
  Put(out, std::to_string(c.kubernetes_sd_configs.size()));
  for (const discovery::KubernetesSdConfig& k : c.kubernetes_sd_configs) {
    Put(out, discovery::KubernetesSdConfigFingerprint(k));
  }
  PutRelabel(out, c.relabel_configs);
  PutRelabel(out, c.alert_relabel_configs);
  return out;
}

}  // namespace ember::notifier
