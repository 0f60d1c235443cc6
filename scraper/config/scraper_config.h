// ScraperConfig: the parts of a Prometheus configuration file (prometheus.yml)
// that ember-scraper reads, as plain Options.
//
// `global`, `scrape_configs`, `remote_write` and `remote_read` are decoded
// with Prometheus's defaults and checks: a scrape config's unset intervals and
// limits take the global ones, and its HTTP client settings, relabel configs,
// static_configs, file_sd_configs and kubernetes_sd_configs are validated.
// `alerting` is decoded and checked as upstream (notifier_config.h).
// Other service discovery blocks and the sections ember-scraper does not act
// on (tracing, otlp, runtime, storage.exemplars) are accepted without being
// read, so that an existing prometheus.yml loads.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ember/base/labels.h"
#include "ember/base/status.h"
#include "ember/base/time.h"
#include "ember/config/http_client_config.h"
#include "ember/discovery/file_sd_config.h"
#include "ember/discovery/kubernetes_sd_config.h"
#include "ember/discovery/target_group.h"
#include "ember/notifier/notifier_config.h"
#include "ember/relabel/relabel_config.h"
#include "remote/remote_config.h"

namespace ember::scraper {

struct GlobalConfig {
  Milliseconds scrape_interval = std::chrono::minutes(1);      // how often to scrape targets
  Milliseconds scrape_timeout = std::chrono::seconds(10);      // per scrape; at most scrape_interval
  Milliseconds evaluation_interval = std::chrono::minutes(1);  // how often to evaluate rules
  Milliseconds rule_query_offset{0};                           // rule evaluation lags now by this
  std::vector<std::string> scrape_protocols = {"OpenMetricsText1.0.0", "OpenMetricsText0.0.1",
                                               "PrometheusText1.0.0", "PrometheusText0.0.4"};
  Labels external_labels;      // added to alerts and remote writes
  std::string query_log_file;  // "" = no query log
  std::string scrape_failure_log_file;
  int64_t body_size_limit = 0;  // bytes; 0 = no limit
  int64_t sample_limit = 0;     // per scrape; 0 = no limit
  int64_t label_limit = 0;
  int64_t label_name_length_limit = 0;
  int64_t label_value_length_limit = 0;
  int64_t target_limit = 0;
  int64_t keep_dropped_targets = 0;
  std::string metric_name_validation_scheme = "utf8";  // utf8 | legacy
};

// One entry of `scrape_configs`, with the global defaults applied.
struct ScrapeConfig {
  std::string job_name;
  bool honor_labels = false;
  bool honor_timestamps = true;
  bool track_timestamps_staleness = false;
  // Query parameters sent with every scrape (`params: {module: [http_2xx]}`).
  std::map<std::string, std::vector<std::string>> params;
  Milliseconds scrape_interval{0};            // the global one when unset
  Milliseconds scrape_timeout{0};             // the global one, at most the interval, when unset
  std::vector<std::string> scrape_protocols;  // the global ones when unset
  std::string fallback_scrape_protocol;       // "" = none
  std::string metrics_path = "/metrics";
  std::string scheme = "http";
  bool enable_compression = true;
  // Limits; 0 = the global one (itself 0 = no limit).
  int64_t body_size_limit = 0;
  int64_t sample_limit = 0;
  int64_t target_limit = 0;
  int64_t label_limit = 0;
  int64_t label_name_length_limit = 0;
  int64_t label_value_length_limit = 0;
  int64_t keep_dropped_targets = 0;
  std::string metric_name_validation_scheme;  // utf8 | legacy; the global one when unset
  std::string metric_name_escaping_scheme;    // allow-utf-8 | underscores | dots | values
  std::string scrape_failure_log_file;
  config::HttpClientConfig http_client;
  std::vector<relabel::RelabelConfig> relabel_configs;
  std::vector<relabel::RelabelConfig> metric_relabel_configs;
  // Targets given in the file (sources "0", "1", ...), and target files.
  std::vector<discovery::TargetGroup> static_configs;
  std::vector<discovery::FileSdConfig> file_sd_configs;
  std::vector<discovery::KubernetesSdConfig> kubernetes_sd_configs;
};

// The `storage` section: what the series store takes from the file.
struct StorageConfig {
  // storage.tsdb.out_of_order_time_window: how late a sample may arrive. 0 rejects late samples.
  Milliseconds out_of_order_time_window{0};
};

struct ScraperConfig {
  GlobalConfig global;
  StorageConfig storage;
  std::vector<std::string> rule_files;  // globs of rule files
  std::vector<ScrapeConfig> scrape_configs;
  std::vector<std::string> scrape_config_files;
  std::vector<RemoteWriteConfig> remote_write_configs;  // `remote_write`, in file order
  std::vector<RemoteReadConfig> remote_read_configs;    // `remote_read`; decoded, not queried
  // `alerting`: where alerts go; relative file names joined to the file's directory.
  notifier::AlertingConfig alerting;
  // The text the configuration was read from, for /api/v1/status/config.
  std::string source_yaml;
};

// Reads prometheus.yml at `path`; "" gives the embedded default configuration.
// Errors: the file cannot be read; InvalidArgument "parsing YAML file <path>:
// line N: ..." for unknown fields, wrong types and failed checks.
Result<ScraperConfig> LoadScraperConfig(const std::string& path);

// Parses the text of a configuration file (for tests and the embedded default).
Result<ScraperConfig> ParseScraperConfig(std::string_view yaml, const std::string& source_name);

}  // namespace ember::scraper
