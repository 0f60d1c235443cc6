#include "config/scraper_config.h"

#include <algorithm>
#include <array>

#include "ember/base/file_system.h"
#include "ember/base/strings.h"
#include "ember/config/field_reader.h"
#include "ember/config/yaml_file.h"
#include "ember/discovery/static_config.h"
#include "ember/relabel/relabel_config_yaml.h"

namespace ember::scraper {
namespace {

// What ember-scraper runs on without --config.file: itself as the one target.
constexpr std::string_view kDefaultConfig = R"(global:
  scrape_interval: 15s
  evaluation_interval: 15s
scrape_configs:
  - job_name: ember-scraper
    static_configs:
      - targets: ["localhost:9090"]
)";

// Prometheus's label-name rule for legacy names; UTF-8 names are allowed in
// Prometheus 3 but external labels must still be valid UTF-8 and non-empty.
Status CheckLabelName(const std::string& name) {
  if (name.empty()) return Status::InvalidArgument("empty label name in external_labels");
  return Status::Ok();
}

// The scrape protocols Prometheus knows, sorted as its error messages list them.
constexpr std::array<std::string_view, 5> kScrapeProtocols = {"OpenMetricsText0.0.1", "OpenMetricsText1.0.0",
                                                              "PrometheusProto", "PrometheusText0.0.4",
                                                              "PrometheusText1.0.0"};

Status CheckScrapeProtocol(std::string_view protocol) {
  for (std::string_view known : kScrapeProtocols) {
    if (known == protocol) return Status::Ok();
  }
  std::string supported;
  for (std::string_view known : kScrapeProtocols) {
    if (!supported.empty()) supported += ' ';
    supported += known;
  }
  return Status::InvalidArgument("unknown scrape protocol " + std::string(protocol) + ", supported: [" +
                                 supported + "]");
}

// Prometheus's validateAcceptScrapeProtocols.
Status CheckScrapeProtocols(const std::vector<std::string>& protocols) {
  if (protocols.empty()) return Status::InvalidArgument("scrape_protocols cannot be empty");
  std::vector<std::string> seen;
  for (const std::string& p : protocols) {
    std::string lower = ToLower(p);
    if (std::find(seen.begin(), seen.end(), lower) != seen.end()) {
      return Status::InvalidArgument("duplicated protocol in scrape_protocols, got [" + Join(protocols, " ") +
                                     "]");
    }
    if (Status st = CheckScrapeProtocol(p); !st.ok()) {
      return Status::InvalidArgument("scrape_protocols: " + st.message());
    }
    seen.push_back(std::move(lower));
  }
  return Status::Ok();
}

relabel::NameValidation NameScheme(const std::string& scheme) {
  return scheme == "legacy" ? relabel::NameValidation::kLegacy : relabel::NameValidation::kUtf8;
}

// One scrape config: its own keys, then the global defaults and Prometheus's
// checks (ScrapeConfig.UnmarshalYAML and Validate).
void DecodeScrapeConfig(config::FieldReader& r, ScrapeConfig& c, const GlobalConfig& g) {
  r.SetTypeName("config.ScrapeConfig");
  r.Field("job_name", &c.job_name);
  r.Field("honor_labels", &c.honor_labels);
  r.Field("honor_timestamps", &c.honor_timestamps);
  r.Field("track_timestamps_staleness", &c.track_timestamps_staleness);
  r.Field("params", &c.params);
  r.Duration("scrape_interval", &c.scrape_interval);
  r.Duration("scrape_timeout", &c.scrape_timeout);
  r.Field("scrape_protocols", &c.scrape_protocols);
  const bool protocols_set = r.Has("scrape_protocols");
  r.Field("fallback_scrape_protocol", &c.fallback_scrape_protocol);
  r.Field("metrics_path", &c.metrics_path);
  r.Field("scheme", &c.scheme);
  r.Field("enable_compression", &c.enable_compression);
  r.Parse("body_size_limit", [&](const std::string& text) -> Status {
    auto n = ParseBase2Bytes(text);
    if (!n) return Status::InvalidArgument("invalid body_size_limit \"" + text + "\"");
    c.body_size_limit = *n;
    return Status::Ok();
  });
  r.Field("sample_limit", &c.sample_limit);
  r.Field("target_limit", &c.target_limit);
  r.Field("label_limit", &c.label_limit);
  r.Field("label_name_length_limit", &c.label_name_length_limit);
  r.Field("label_value_length_limit", &c.label_value_length_limit);
  r.Field("keep_dropped_targets", &c.keep_dropped_targets);
  r.Field("metric_name_validation_scheme", &c.metric_name_validation_scheme);
  r.Field("metric_name_escaping_scheme", &c.metric_name_escaping_scheme);
  r.Field("scrape_failure_log_file", &c.scrape_failure_log_file);
  config::DecodeHttpClientConfigInline(r, c.http_client);
  const relabel::NameValidation names =
      NameScheme(c.metric_name_validation_scheme.empty() ? g.metric_name_validation_scheme
                                                         : c.metric_name_validation_scheme);
  r.List("relabel_configs", [&](config::FieldReader& item) {
    relabel::DecodeRelabelConfig(item, c.relabel_configs.emplace_back(), names);
  });
  r.List("metric_relabel_configs", [&](config::FieldReader& item) {
    relabel::DecodeRelabelConfig(item, c.metric_relabel_configs.emplace_back(), names);
  });
  // Native histograms are not stored; these only tune them.
  for (std::string_view key :
       {"scrape_native_histograms", "always_scrape_classic_histograms", "convert_classic_histograms_to_nhcb",
        "native_histogram_bucket_limit", "native_histogram_min_bucket_factor", "extra_scrape_metrics"}) {
    r.Skip(key);
  }
  discovery::DecodeStaticConfigs(r, "static_configs", &c.static_configs);
  r.List("file_sd_configs", [&](config::FieldReader& item) {
    discovery::DecodeFileSdConfig(item, c.file_sd_configs.emplace_back());
  });
  r.List("kubernetes_sd_configs", [&](config::FieldReader& item) {
    discovery::DecodeKubernetesSdConfig(item, c.kubernetes_sd_configs.emplace_back());
  });
  // The other service discovery blocks are read by the discovery that acts
  // on them, as it lands.
  for (std::string_view key :
       {"dns_sd_configs",         "http_sd_configs",         "consul_sd_configs",    "ec2_sd_configs",
        "azure_sd_configs",       "gce_sd_configs",          "openstack_sd_configs", "docker_sd_configs",
        "dockerswarm_sd_configs", "nomad_sd_configs",        "eureka_sd_configs",    "hetzner_sd_configs",
        "linode_sd_configs",      "digitalocean_sd_configs", "marathon_sd_configs",  "nerve_sd_configs",
        "serverset_sd_configs",   "triton_sd_configs",       "kuma_sd_configs",      "lightsail_sd_configs",
        "ionos_sd_configs",       "vultr_sd_configs",        "scaleway_sd_configs",  "uyuni_sd_configs",
        "puppetdb_sd_configs",    "ovhcloud_sd_configs",     "stackit_sd_configs"}) {
    r.Skip(key);
  }
  if (!r.ok()) return;

  if (c.job_name.empty()) return r.Fail("job_name is empty");
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
  const std::string job = GoQuote(c.job_name);
  if (c.scrape_interval.count() == 0) c.scrape_interval = g.scrape_interval;
  if (c.scrape_timeout > c.scrape_interval) {
    return r.Fail("scrape timeout greater than scrape interval for scrape config with job name " + job);
  }
  if (c.scrape_timeout.count() == 0) c.scrape_timeout = std::min(g.scrape_timeout, c.scrape_interval);
  auto inherit = [](int64_t& local, int64_t global) {
    if (local == 0) local = global;
  };
  inherit(c.body_size_limit, g.body_size_limit);
  inherit(c.sample_limit, g.sample_limit);
  inherit(c.target_limit, g.target_limit);
  inherit(c.label_limit, g.label_limit);
  inherit(c.label_name_length_limit, g.label_name_length_limit);
  inherit(c.label_value_length_limit, g.label_value_length_limit);
  inherit(c.keep_dropped_targets, g.keep_dropped_targets);
  if (c.scrape_failure_log_file.empty()) c.scrape_failure_log_file = g.scrape_failure_log_file;
  if (!protocols_set) c.scrape_protocols = g.scrape_protocols;
  if (Status st = CheckScrapeProtocols(c.scrape_protocols); !st.ok()) {
    return r.Fail(st.message() + " for scrape config with job name " + job);
  }
  if (!c.fallback_scrape_protocol.empty()) {
    if (Status st = CheckScrapeProtocol(c.fallback_scrape_protocol); !st.ok()) {
      return r.Fail("invalid fallback_scrape_protocol for scrape config with job name " + job + ": " +
                    st.message());
    }
  }
  const bool validation_unset = c.metric_name_validation_scheme.empty();
  if (validation_unset) {
    c.metric_name_validation_scheme = g.metric_name_validation_scheme;
  } else if (c.metric_name_validation_scheme != "utf8" && c.metric_name_validation_scheme != "legacy") {
    return r.Fail(
        "unknown scrape config name validation method specified, must be either '', 'legacy' or "
        "'utf8', got " +
        c.metric_name_validation_scheme);
  }
  if (c.metric_name_escaping_scheme.empty()) {
    c.metric_name_escaping_scheme =
        c.metric_name_validation_scheme == "legacy" ? "underscores" : "allow-utf-8";
  }
  const std::string& escaping = c.metric_name_escaping_scheme;
  if (escaping == "allow-utf-8") {
    if (c.metric_name_validation_scheme != "utf8") {
      return r.Fail("utf8 metric names requested but validation scheme is not set to UTF8");
    }
  } else if (escaping != "underscores" && escaping != "dots" && escaping != "values") {
    return r.Fail(
        "unknown scrape config name escaping method specified, must be one of 'allow-utf-8', "
        "'underscores', 'dots', or 'values', got " +
        GoQuote(escaping));
  }
}

void DecodeGlobal(config::FieldReader& r, GlobalConfig& g) {
  r.SetTypeName("global");
  r.Duration("scrape_interval", &g.scrape_interval);
  bool timeout_set = r.Has("scrape_timeout");
  r.Duration("scrape_timeout", &g.scrape_timeout);
  r.Duration("evaluation_interval", &g.evaluation_interval);
  r.Duration("rule_query_offset", &g.rule_query_offset);
  r.Field("scrape_protocols", &g.scrape_protocols);
  std::map<std::string, std::string> external;
  r.Field("external_labels", &external);
  std::vector<Label> labels;
  for (auto& [name, value] : external) {
    r.Check(CheckLabelName(name));
    labels.push_back({name, value});
  }
  g.external_labels = Labels::FromUnsorted(std::move(labels));
  r.Field("query_log_file", &g.query_log_file);
  r.Field("scrape_failure_log_file", &g.scrape_failure_log_file);
  r.Parse("body_size_limit", [&](const std::string& text) -> Status {
    auto n = ParseBase2Bytes(text);
    if (!n) return Status::InvalidArgument("invalid body_size_limit \"" + text + "\"");
    g.body_size_limit = *n;
    return Status::Ok();
  });
  r.Field("sample_limit", &g.sample_limit);
  r.Field("label_limit", &g.label_limit);
  r.Field("label_name_length_limit", &g.label_name_length_limit);
  r.Field("label_value_length_limit", &g.label_value_length_limit);
  r.Field("target_limit", &g.target_limit);
  r.Field("keep_dropped_targets", &g.keep_dropped_targets);
  r.Field("metric_name_validation_scheme", &g.metric_name_validation_scheme);
  if (g.metric_name_validation_scheme != "utf8" && g.metric_name_validation_scheme != "legacy") {
    r.Fail("unknown global name validation method specified, must be either '', 'legacy' or 'utf8', got " +
           g.metric_name_validation_scheme);
  }
  if (Status st = CheckScrapeProtocols(g.scrape_protocols); !st.ok()) {
    r.Fail(st.message() + " for global config");
  }
  // As Prometheus: an unset timeout follows a shorter interval down.
  if (!timeout_set && g.scrape_timeout > g.scrape_interval) g.scrape_timeout = g.scrape_interval;
  if (g.scrape_timeout > g.scrape_interval) {
    r.Fail("global scrape timeout greater than scrape interval");
  }
}

void DecodeConfig(config::FieldReader& r, ScraperConfig& c) {
  r.Struct("global", [&](config::FieldReader& g) { DecodeGlobal(g, c.global); });
  r.Field("rule_files", &c.rule_files);
  r.Field("scrape_config_files", &c.scrape_config_files);
  r.Struct("storage", [&](config::FieldReader& st) {
    st.Struct("tsdb", [&](config::FieldReader& t) {
      t.Duration("out_of_order_time_window", &c.storage.out_of_order_time_window);
      if (c.storage.out_of_order_time_window.count() < 0) {
        t.Fail("tsdb.out_of_order_time_window must not be negative");
      }
    });
    st.Skip("exemplars");
  });
  // Scrape configs take the global defaults, so they are read after it,
  // wherever they stand in the file.
  r.List("scrape_configs", [&](config::FieldReader& item) {
    DecodeScrapeConfig(item, c.scrape_configs.emplace_back(), c.global);
    if (!item.ok()) return;
    const std::string& job = c.scrape_configs.back().job_name;
    for (size_t i = 0; i + 1 < c.scrape_configs.size(); ++i) {
      if (c.scrape_configs[i].job_name == job) {
        return item.Fail("found multiple scrape configs with job name " + GoQuote(job));
      }
    }
  });
  r.List("remote_write", [&](config::FieldReader& item) {
    DecodeRemoteWriteConfig(item, c.remote_write_configs.emplace_back(),
                            NameScheme(c.global.metric_name_validation_scheme));
  });
  r.Check(CheckRemoteWriteNames(c.remote_write_configs));
  r.List("remote_read", [&](config::FieldReader& item) {
    DecodeRemoteReadConfig(item, c.remote_read_configs.emplace_back());
  });
  r.Check(CheckRemoteReadNames(c.remote_read_configs));
  r.Struct("alerting", [&](config::FieldReader& a) {
    notifier::DecodeAlertingConfig(a, c.alerting, NameScheme(c.global.metric_name_validation_scheme));
  });
  for (std::string_view later : {"tracing", "otlp", "runtime"}) {
    r.Skip(later);
  }
}

}  // namespace

Result<ScraperConfig> ParseScraperConfig(std::string_view yaml, const std::string& source_name) {
  ScraperConfig c;
  Status s = config::DecodeYaml(yaml, "config", [&](config::FieldReader& r) { DecodeConfig(r, c); });
  if (!s.ok()) return s.WithContext("parsing YAML file " + source_name);
  c.source_yaml = std::string(yaml);
  return c;
}

Result<ScraperConfig> LoadScraperConfig(const std::string& path) {
  EMBER_ASSIGN_OR_RETURN(
      ScraperConfig c, config::LoadYamlFileOrDefault<ScraperConfig>(FileSystem::Real(), path, kDefaultConfig,
                                                                    "config", DecodeConfig));
  if (path.empty()) {
    c.source_yaml = std::string(kDefaultConfig);
    return c;
  }
  if (auto text = FileSystem::Real().ReadFile(path); text.ok()) c.source_yaml = std::move(text).value();
  // Relative file names in the configuration are relative to its directory.
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "" : path.substr(0, slash);
  if (!dir.empty()) {
    auto join = [&](std::string& p) {
      if (!p.empty() && p.front() != '/') p = dir + "/" + p;
    };
    for (std::string& rule_file : c.rule_files) join(rule_file);
    for (std::string& file : c.scrape_config_files) join(file);
    for (ScrapeConfig& sc : c.scrape_configs) {
      config::JoinDirectory(sc.http_client, dir);
      join(sc.scrape_failure_log_file);
      for (discovery::FileSdConfig& fsd : sc.file_sd_configs) {
        for (std::string& file : fsd.files) join(file);
      }
      for (discovery::KubernetesSdConfig& k : sc.kubernetes_sd_configs) discovery::JoinDirectory(k, dir);
    }
    for (RemoteWriteConfig& rw : c.remote_write_configs) JoinDirectory(rw, dir);
    for (RemoteReadConfig& rr : c.remote_read_configs) JoinDirectory(rr, dir);
    notifier::JoinDirectory(c.alerting, dir);
  }
  return c;
}

}  // namespace ember::scraper
