#include "scrape/pool_settings.h"

#include <fstream>
#include <sstream>

#include "ember/base/strings.h"
#include "ember/http/client_message.h"

namespace ember::scraper {
namespace {

// Appends `s` with its length, so that no two field sequences print alike.
void Put(std::string& out, std::string_view s) {
  out += std::to_string(s.size());
  out += ':';
  out += s;
  out += ';';
}
void Put(std::string& out, int64_t v) { Put(out, std::to_string(v)); }
void Put(std::string& out, bool v) { Put(out, std::string_view(v ? "t" : "f")); }

void PutLabels(std::string& out, const Labels& labels) {
  Put(out, static_cast<int64_t>(labels.size()));
  for (const Label& l : labels) {
    Put(out, l.name);
    Put(out, l.value);
  }
}

void PutRelabel(std::string& out, const std::vector<relabel::RelabelConfig>& configs) {
  Put(out, static_cast<int64_t>(configs.size()));
  for (const relabel::RelabelConfig& c : configs) {
    Put(out, static_cast<int64_t>(c.source_labels.size()));
    for (const std::string& s : c.source_labels) Put(out, s);
    Put(out, c.source_labels_given);
    Put(out, c.separator);
    Put(out, c.regex.has_value());
    Put(out, c.regex.value_or(""));
    Put(out, static_cast<int64_t>(c.modulus));
    Put(out, c.target_label);
    Put(out, c.replacement);
    Put(out, relabel::ActionName(c.action));
  }
}

void PutHttp(std::string& out, const config::HttpClientConfig& c) {
  Put(out, c.basic_auth.has_value());
  if (c.basic_auth) {
    Put(out, c.basic_auth->username);
    Put(out, c.basic_auth->username_file);
    Put(out, c.basic_auth->password);
    Put(out, c.basic_auth->password_file);
  }
  Put(out, c.authorization.has_value());
  if (c.authorization) {
    Put(out, c.authorization->type);
    Put(out, c.authorization->credentials);
    Put(out, c.authorization->credentials_file);
  }
  const config::TlsClientConfig& t = c.tls_config;
  for (const std::string* s : {&t.ca, &t.ca_file, &t.cert, &t.cert_file, &t.key, &t.key_file, &t.server_name,
                               &t.min_version, &t.max_version}) {
    Put(out, *s);
  }
  Put(out, t.insecure_skip_verify);
  Put(out, c.follow_redirects);
  Put(out, c.enable_http2);
}

Result<std::string> ReadSecret(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument("unable to read file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return std::string(TrimSpace(ss.str()));
}

}  // namespace

std::string ScrapeConfigFingerprint(const ScrapeConfig& c, bool for_cache) {
  std::string out;
  Put(out, c.job_name);
  Put(out, c.honor_labels);
  Put(out, c.honor_timestamps);
  Put(out, c.track_timestamps_staleness);
  Put(out, static_cast<int64_t>(c.params.size()));
  for (const auto& [k, values] : c.params) {
    Put(out, k);
    Put(out, static_cast<int64_t>(values.size()));
    for (const std::string& v : values) Put(out, v);
  }
  if (!for_cache) {
    Put(out, static_cast<int64_t>(c.scrape_interval.count()));
    Put(out, static_cast<int64_t>(c.scrape_timeout.count()));
    Put(out, c.sample_limit);
    PutHttp(out, c.http_client);
  }
  Put(out, static_cast<int64_t>(c.scrape_protocols.size()));
  for (const std::string& p : c.scrape_protocols) Put(out, p);
  Put(out, c.fallback_scrape_protocol);
  Put(out, c.metrics_path);
  Put(out, c.scheme);
  Put(out, c.enable_compression);
  Put(out, c.body_size_limit);
  Put(out, c.target_limit);
  Put(out, c.label_limit);
  Put(out, c.label_name_length_limit);
  Put(out, c.label_value_length_limit);
  Put(out, c.keep_dropped_targets);
  Put(out, c.metric_name_validation_scheme);
  Put(out, c.metric_name_escaping_scheme);
  Put(out, c.scrape_failure_log_file);
  PutRelabel(out, c.relabel_configs);
  PutRelabel(out, c.metric_relabel_configs);
  Put(out, static_cast<int64_t>(c.static_configs.size()));
  for (const discovery::TargetGroup& g : c.static_configs) {
    Put(out, g.source);
    PutLabels(out, g.labels);
    Put(out, static_cast<int64_t>(g.targets.size()));
    for (const Labels& t : g.targets) PutLabels(out, t);
  }
  Put(out, static_cast<int64_t>(c.file_sd_configs.size()));
  for (const discovery::FileSdConfig& f : c.file_sd_configs) {
    Put(out, static_cast<int64_t>(f.files.size()));
    for (const std::string& file : f.files) Put(out, file);
    Put(out, static_cast<int64_t>(f.refresh_interval.count()));
  }
  Put(out, static_cast<int64_t>(c.kubernetes_sd_configs.size()));
  for (const discovery::KubernetesSdConfig& k : c.kubernetes_sd_configs) {
    Put(out, discovery::KubernetesSdConfigFingerprint(k));
  }
  return out;
}

Result<http::ClientOptions> ScrapeClientOptions(const ScrapeConfig& c) {
  const config::TlsClientConfig& t = c.http_client.tls_config;
  if (!t.ca.empty() || !t.cert.empty() || !t.key.empty()) {
    return Status::InvalidArgument(
        "tls_config: inline ca, cert and key are not supported for scraping; use ca_file, cert_file and "
        "key_file");
  }
  http::ClientOptions o;
  o.tls.ca_file = t.ca_file;
  o.tls.cert_file = t.cert_file;
  o.tls.key_file = t.key_file;
  o.tls.server_name = t.server_name;
  o.tls.insecure_skip_verify = t.insecure_skip_verify;
  if (!t.min_version.empty()) o.tls.min_version = t.min_version;
  o.follow_redirects = c.http_client.follow_redirects;
  // body_size_limit 0 means no limit, as the client's 0 does.
  o.max_response_body_bytes = static_cast<uint64_t>(c.body_size_limit);
  o.request_timeout = std::chrono::milliseconds(0);
  o.io_threads = 1;
  return o;
}

std::string ClientOptionsKey(const http::ClientOptions& o) {
  std::string out;
  Put(out, static_cast<int64_t>(o.connect_timeout.count()));
  Put(out, static_cast<int64_t>(o.request_timeout.count()));
  Put(out, static_cast<int64_t>(o.idle_timeout.count()));
  Put(out, static_cast<int64_t>(o.max_idle_connections_per_host));
  Put(out, static_cast<int64_t>(o.max_response_body_bytes));
  Put(out, o.follow_redirects);
  Put(out, static_cast<int64_t>(o.max_redirects));
  Put(out, o.user_agent);
  Put(out, o.tls.ca_file);
  Put(out, o.tls.cert_file);
  Put(out, o.tls.key_file);
  Put(out, o.tls.server_name);
  Put(out, o.tls.insecure_skip_verify);
  Put(out, o.tls.min_version);
  Put(out, static_cast<int64_t>(o.io_threads));
  return out;
}

std::function<Status(http::Headers&)> ScrapeAuthorizer(const config::HttpClientConfig& c) {
  if (c.basic_auth) {
    config::BasicAuthConfig b = *c.basic_auth;
    return [b](http::Headers& h) -> Status {
      std::string user = b.username;
      std::string password = b.password;
      if (!b.username_file.empty()) {
        Result<std::string> r = ReadSecret(b.username_file);
        if (!r.ok()) return r.status();
        user = *r;
      }
      if (!b.password_file.empty()) {
        Result<std::string> r = ReadSecret(b.password_file);
        if (!r.ok()) return r.status();
        password = *r;
      }
      h.Set("Authorization", http::BasicAuthorization(user, password));
      return Status();
    };
  }
  if (c.authorization) {
    config::AuthorizationConfig a = *c.authorization;
    return [a](http::Headers& h) -> Status {
      std::string credentials = a.credentials;
      if (!a.credentials_file.empty()) {
        Result<std::string> r = ReadSecret(a.credentials_file);
        if (!r.ok()) return r.status();
        credentials = *r;
      }
      h.Set("Authorization", a.type + " " + credentials);
      return Status();
    };
  }
  return nullptr;
}

}  // namespace ember::scraper
