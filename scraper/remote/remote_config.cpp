#include "remote/remote_config.h"

#include <array>
#include <cinttypes>
#include <cstdio>

#include "ember/base/strings.h"
#include "ember/relabel/relabel_config_yaml.h"

namespace ember::scraper {
namespace {

// Request headers a configuration may not set (upstream's reservedHeaders;
// authorization has its own message).
constexpr std::array<std::string_view, 16> kReservedHeaders = {
    "host",
    "content-encoding",
    "content-length",
    "content-type",
    "user-agent",
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "www-authenticate",
    "accept-encoding",
    "x-prometheus-remote-write-version",
    "x-prometheus-remote-read-version",
    "x-amz-date",
    "x-amz-security-token",
    "x-amz-content-sha256",
};

Status CheckHeaders(const std::map<std::string, std::string>& headers) {
  for (const auto& [name, value] : headers) {
    const std::string lower = ToLower(name);
    if (lower == "authorization") {
      return Status::InvalidArgument(
          "authorization header must be changed via the basic_auth, authorization, oauth2, sigv4, azuread or "
          "google_iam parameter");
    }
    for (std::string_view reserved : kReservedHeaders) {
      if (lower == reserved) {
        return Status::InvalidArgument(name + " is a reserved header. It must not be changed");
      }
    }
  }
  return Status::Ok();
}

// Upstream takes any URL Go's url.Parse takes; requests can only go to
// http and https ones, so others are refused here rather than at send time.
Status CheckUrl(const std::string& url, std::string_view section) {
  const size_t colon = url.find("://");
  const std::string scheme = colon == std::string::npos ? "" : ToLower(url.substr(0, colon));
  if (scheme != "http" && scheme != "https") {
    return Status::InvalidArgument("unsupported scheme in url for " + std::string(section) + ": " +
                                   GoQuote(url) + " (want http or https)");
  }
  if (url.size() == colon + 3 || url[colon + 3] == '/') {
    return Status::InvalidArgument("url for " + std::string(section) + " has no host: " + GoQuote(url));
  }
  return Status::Ok();
}

void DecodeUrl(config::FieldReader& r, std::string* url) {
  r.Parse("url", [url](const std::string& text) -> Status {
    *url = text;
    return Status::Ok();
  });
}

void RefuseOtherAuth(config::FieldReader& r) {
  r.Unsupported("sigv4");
  r.Unsupported("azuread");
  r.Unsupported("google_iam");
}

void DecodeQueueConfig(config::FieldReader& r, RemoteQueueConfig& q) {
  r.Field("capacity", &q.capacity);
  r.Field("max_shards", &q.max_shards);
  r.Field("min_shards", &q.min_shards);
  r.Field("max_samples_per_send", &q.max_samples_per_send);
  r.Duration("batch_send_deadline", &q.batch_send_deadline);
  r.Duration("min_backoff", &q.min_backoff);
  r.Duration("max_backoff", &q.max_backoff);
  r.Field("retry_on_http_429", &q.retry_on_http_429);
  r.Duration("sample_age_limit", &q.sample_age_limit);
  // Upstream's zero values fall back to its defaults at run time; Ember
  // settles them here so the Options read as what runs.
  const RemoteQueueConfig defaults;
  if (q.capacity <= 0) q.capacity = defaults.capacity;
  if (q.max_shards <= 0) q.max_shards = defaults.max_shards;
  if (q.min_shards <= 0) q.min_shards = defaults.min_shards;
  if (q.max_samples_per_send <= 0) q.max_samples_per_send = defaults.max_samples_per_send;
  if (q.batch_send_deadline.count() <= 0) q.batch_send_deadline = defaults.batch_send_deadline;
  if (q.min_backoff.count() <= 0) q.min_backoff = defaults.min_backoff;
  if (q.max_backoff.count() <= 0) q.max_backoff = defaults.max_backoff;
  if (q.min_shards > q.max_shards) {
    r.Fail("queue_config: min_shards (" + std::to_string(q.min_shards) + ") must not exceed max_shards (" +
           std::to_string(q.max_shards) + ")");
  }
  if (q.min_backoff > q.max_backoff) r.Fail("queue_config: min_backoff must not exceed max_backoff");
}

void DecodeMetadataConfig(config::FieldReader& r, RemoteMetadataConfig& m) {
  r.Field("send", &m.send);
  r.Duration("send_interval", &m.send_interval);
  r.Field("max_samples_per_send", &m.max_samples_per_send);
  if (m.send_interval.count() <= 0) m.send_interval = RemoteMetadataConfig{}.send_interval;
  if (m.max_samples_per_send <= 0) m.max_samples_per_send = RemoteMetadataConfig{}.max_samples_per_send;
}

// FNV-1a over a canonical text of the settings: stable across releases and
// restarts, since the queue's directory is named after it.
class Hasher {
 public:
  void Add(std::string_view s) {
    for (unsigned char c : s) {
      h_ ^= c;
      h_ *= 0x100000001b3ULL;
    }
    h_ ^= 0xff;  // a separator no UTF-8 text contains
    h_ *= 0x100000001b3ULL;
  }
  void Add(int64_t n) { Add(std::to_string(n)); }
  std::string Hex() const {
    char buf[17];
    std::snprintf(buf, sizeof(buf), "%016" PRIx64, h_);
    return buf;
  }

 private:
  uint64_t h_ = 0xcbf29ce484222325ULL;
};

void AddClient(Hasher& h, const config::HttpClientConfig& c) {
  if (c.basic_auth) {
    h.Add("basic_auth");
    h.Add(c.basic_auth->username);
    h.Add(c.basic_auth->username_file);
    h.Add(c.basic_auth->password);
    h.Add(c.basic_auth->password_file);
  }
  if (c.authorization) {
    h.Add("authorization");
    h.Add(c.authorization->type);
    h.Add(c.authorization->credentials);
    h.Add(c.authorization->credentials_file);
  }
  const config::TlsClientConfig& t = c.tls_config;
  for (const std::string* s : {&t.ca, &t.ca_file, &t.cert, &t.cert_file, &t.key, &t.key_file, &t.server_name,
                               &t.min_version, &t.max_version}) {
    h.Add(*s);
  }
  h.Add(t.insecure_skip_verify ? 1 : 0);
  h.Add(c.follow_redirects ? 1 : 0);
  h.Add(c.enable_http2 ? 1 : 0);
}

}  // namespace

void DecodeRemoteWriteConfig(config::FieldReader& r, RemoteWriteConfig& c, relabel::NameValidation names) {
  r.SetTypeName("config.RemoteWriteConfig");
  const bool has_url = r.Has("url");
  DecodeUrl(r, &c.url);
  r.Field("name", &c.name);
  r.Duration("remote_timeout", &c.remote_timeout);
  r.Field("headers", &c.headers);
  r.List("write_relabel_configs", [&](config::FieldReader& item) {
    relabel::DecodeRelabelConfig(item, c.write_relabel_configs.emplace_back(), names);
  });
  r.Field("send_exemplars", &c.send_exemplars);
  r.Field("send_native_histograms", &c.send_native_histograms);
  r.Field("round_robin_dns", &c.round_robin_dns);
  r.Field("protobuf_message", &c.protobuf_message);
  config::DecodeHttpClientConfigInline(r, c.http_client);
  r.Struct("queue_config", [&](config::FieldReader& q) { DecodeQueueConfig(q, c.queue_config); });
  r.Struct("metadata_config", [&](config::FieldReader& m) { DecodeMetadataConfig(m, c.metadata_config); });
  RefuseOtherAuth(r);
  if (!r.ok()) return;

  if (!has_url || c.url.empty()) return r.Fail("url for remote_write is empty");
  r.Check(CheckUrl(c.url, "remote_write"));
  r.Check(CheckHeaders(c.headers));
  if (c.protobuf_message == "io.prometheus.write.v2.Request") {
    return r.Fail(
        "invalid protobuf_message value: io.prometheus.write.v2.Request is not supported by Ember's remote "
        "write client; use prometheus.WriteRequest");
  }
  if (c.protobuf_message != "prometheus.WriteRequest") {
    return r.Fail("invalid protobuf_message value: unknown remote write protobuf message " +
                  c.protobuf_message +
                  ", supported: prometheus.WriteRequest, io.prometheus.write.v2.Request");
  }
  if (c.remote_timeout.count() <= 0) c.remote_timeout = RemoteWriteConfig{}.remote_timeout;
}

void DecodeRemoteReadConfig(config::FieldReader& r, RemoteReadConfig& c) {
  r.SetTypeName("config.RemoteReadConfig");
  const bool has_url = r.Has("url");
  DecodeUrl(r, &c.url);
  r.Field("name", &c.name);
  r.Duration("remote_timeout", &c.remote_timeout);
  r.Field("chunked_read_limit", &c.chunked_read_limit);
  r.Field("headers", &c.headers);
  r.Field("read_recent", &c.read_recent);
  r.Field("required_matchers", &c.required_matchers);
  r.Field("filter_external_labels", &c.filter_external_labels);
  config::DecodeHttpClientConfigInline(r, c.http_client);
  if (!r.ok()) return;

  if (!has_url || c.url.empty()) return r.Fail("url for remote_read is empty");
  r.Check(CheckUrl(c.url, "remote_read"));
  r.Check(CheckHeaders(c.headers));
  if (c.remote_timeout.count() <= 0) c.remote_timeout = RemoteReadConfig{}.remote_timeout;
}

Status CheckRemoteWriteNames(const std::vector<RemoteWriteConfig>& configs) {
  for (size_t i = 0; i < configs.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (!configs[i].name.empty() && configs[i].name == configs[j].name) {
        return Status::InvalidArgument("found multiple remote write configs with job name " +
                                       GoQuote(configs[i].name));
      }
    }
  }
  // Two identical entries would share a queue.
  for (size_t i = 0; i < configs.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (RemoteWriteHash(configs[i]) == RemoteWriteHash(configs[j])) {
        return Status::InvalidArgument(
            "duplicate remote write configs are not allowed, found duplicate for URL: " + configs[i].url);
      }
    }
  }
  return Status::Ok();
}

Status CheckRemoteReadNames(const std::vector<RemoteReadConfig>& configs) {
  for (size_t i = 0; i < configs.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (!configs[i].name.empty() && configs[i].name == configs[j].name) {
        return Status::InvalidArgument("found multiple remote read configs with job name " +
                                       GoQuote(configs[i].name));
      }
    }
  }
  return Status::Ok();
}

std::string RemoteWriteHash(const RemoteWriteConfig& c) {
  Hasher h;
  h.Add(c.url);
  h.Add(c.name);
  h.Add(c.remote_timeout.count());
  for (const auto& [k, v] : c.headers) {
    h.Add(k);
    h.Add(v);
  }
  h.Add("relabel");
  for (const relabel::RelabelConfig& rc : c.write_relabel_configs) {
    for (const std::string& s : rc.source_labels) h.Add(s);
    h.Add(rc.separator);
    h.Add(rc.RegexText());
    h.Add(static_cast<int64_t>(rc.modulus));
    h.Add(rc.target_label);
    h.Add(rc.replacement);
    h.Add(static_cast<int64_t>(rc.action));
  }
  h.Add(c.send_exemplars ? 1 : 0);
  h.Add(c.send_native_histograms ? 1 : 0);
  h.Add(c.protobuf_message);
  AddClient(h, c.http_client);
  const RemoteQueueConfig& q = c.queue_config;
  for (int64_t n : {q.capacity, q.max_shards, q.min_shards, q.max_samples_per_send,
                    q.batch_send_deadline.count(), q.min_backoff.count(), q.max_backoff.count(),
                    int64_t{q.retry_on_http_429}, q.sample_age_limit.count()}) {
    h.Add(n);
  }
  const RemoteMetadataConfig& m = c.metadata_config;
  for (int64_t n : {int64_t{m.send}, m.send_interval.count(), m.max_samples_per_send}) h.Add(n);
  return h.Hex();
}

std::string RemoteWriteName(const RemoteWriteConfig& c) {
  return c.name.empty() ? RemoteWriteHash(c).substr(0, 6) : c.name;
}

void JoinDirectory(RemoteWriteConfig& c, const std::string& dir) {
  config::JoinDirectory(c.http_client, dir);
}
void JoinDirectory(RemoteReadConfig& c, const std::string& dir) { config::JoinDirectory(c.http_client, dir); }

}  // namespace ember::scraper
