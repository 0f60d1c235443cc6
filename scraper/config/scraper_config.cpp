#include "config/scraper_config.h"

#include "ember/base/file_system.h"
#include "ember/base/strings.h"
#include "ember/config/field_reader.h"
#include "ember/config/yaml_file.h"

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
  for (std::string_view later :
       {"scrape_configs", "alerting", "remote_write", "remote_read", "tracing", "otlp", "runtime"}) {
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
  } else if (auto text = FileSystem::Real().ReadFile(path); text.ok()) {
    c.source_yaml = std::move(text).value();
  }
  return c;
}

}  // namespace ember::scraper
