// The `remote_write` and `remote_read` sections of prometheus.yml, as plain
// Options, with Prometheus's defaults and checks (config.RemoteWriteConfig,
// QueueConfig, MetadataConfig and RemoteReadConfig).
//
// What Ember does not implement is refused when present rather than ignored:
// sigv4, azuread, google_iam and oauth2 authentication, and the remote write
// 2.0 message (protobuf_message: io.prometheus.write.v2.Request).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ember/base/labels.h"
#include "ember/base/time.h"
#include "ember/config/field_reader.h"
#include "ember/config/http_client_config.h"
#include "ember/relabel/relabel_config.h"

namespace ember::scraper {

// How a remote write queue buffers and sends (`queue_config`).
struct RemoteQueueConfig {
  // Samples buffered in memory per shard before reading from the on-disk
  // queue pauses. Default: 10000.
  int64_t capacity = 10000;
  // Bounds of the number of concurrent senders. Default: 50 and 1.
  int64_t max_shards = 50;
  int64_t min_shards = 1;
  // Samples per request at most. Default: 2000.
  int64_t max_samples_per_send = 2000;
  // A shard sends what it holds once its oldest sample waited this long.
  // Default: 5s.
  Milliseconds batch_send_deadline = std::chrono::seconds(5);
  // Exponential backoff between retries of a failed request. Defaults: 30ms, 5s.
  Milliseconds min_backoff{30};
  Milliseconds max_backoff = std::chrono::seconds(5);
  // Retry requests answered 429 (after Retry-After when given) instead of
  // dropping them. Default: false, as Prometheus.
  bool retry_on_http_429 = false;
  // Samples older than this when they would be sent are dropped. 0 keeps all.
  // Default: 0.
  Milliseconds sample_age_limit{0};
};

// Whether and how metric metadata is sent (`metadata_config`).
struct RemoteMetadataConfig {
  bool send = true;                                      // Default: true.
  Milliseconds send_interval = std::chrono::minutes(1);  // Default: 1m.
  int64_t max_samples_per_send = 2000;                   // metadata entries per request; Default: 2000.
};

// One entry of `remote_write`.
struct RemoteWriteConfig {
  std::string url;  // http:// or https://; required
  // Names the queue in metrics (remote_name) and on disk. "" in the file
  // gets a name derived from the entry's settings (see RemoteWriteName).
  std::string name;
  Milliseconds remote_timeout = std::chrono::seconds(30);  // per request; Default: 30s
  std::map<std::string, std::string> headers;              // extra request headers
  std::vector<relabel::RelabelConfig> write_relabel_configs;
  bool send_exemplars = false;          // accepted; exemplars are not stored, so none are sent
  bool send_native_histograms = false;  // accepted; native histograms are not stored
  bool round_robin_dns = false;         // accepted; connections go to the first address
  // Only "prometheus.WriteRequest" (remote write 1.0).
  std::string protobuf_message = "prometheus.WriteRequest";
  // follow_redirects true and enable_http2 false by default, as upstream's
  // remote write client.
  config::HttpClientConfig http_client = [] {
    config::HttpClientConfig c;
    c.enable_http2 = false;
    return c;
  }();
  RemoteQueueConfig queue_config;
  RemoteMetadataConfig metadata_config;
};

// One entry of `remote_read`. Decoded and validated; Ember does not query
// remote read endpoints.
struct RemoteReadConfig {
  std::string url;
  std::string name;
  Milliseconds remote_timeout = std::chrono::minutes(1);  // Default: 1m
  uint64_t chunked_read_limit = 50'000'000;               // bytes per frame; Default: 50 MB
  std::map<std::string, std::string> headers;
  bool read_recent = false;
  std::map<std::string, std::string> required_matchers;  // equality matchers a query must carry
  bool filter_external_labels = true;
  config::HttpClientConfig http_client;
};

// Decode one list item each; checks follow upstream's UnmarshalYAML, with its
// messages ("url for remote_write is empty", "<h> is a reserved header. It
// must not be changed", ...). `names` validates the relabel configs.
void DecodeRemoteWriteConfig(config::FieldReader& r, RemoteWriteConfig& c, relabel::NameValidation names);
void DecodeRemoteReadConfig(config::FieldReader& r, RemoteReadConfig& c);

// The checks across the list: "found multiple remote write configs with job
// name %q" for a name given twice ("" names are not compared).
Status CheckRemoteWriteNames(const std::vector<RemoteWriteConfig>& configs);
Status CheckRemoteReadNames(const std::vector<RemoteReadConfig>& configs);

// The identity of an entry: a hash of every setting that shapes what is sent
// and where. Two entries with equal hashes behave alike, so a reload keeps a
// queue whose hash did not change.
std::string RemoteWriteHash(const RemoteWriteConfig& c);
// The name the entry's metrics and queue directory go by: `name`, or the
// first 6 hex digits of its hash when unnamed, as Prometheus does (so
// changing an unnamed entry starts a new queue).
std::string RemoteWriteName(const RemoteWriteConfig& c);

// Joins relative file names (TLS files, credentials) to `dir`.
void JoinDirectory(RemoteWriteConfig& c, const std::string& dir);
void JoinDirectory(RemoteReadConfig& c, const std::string& dir);

}  // namespace ember::scraper
