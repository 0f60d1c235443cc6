#include "remote/remote_config.h"

#include <catch2/catch.hpp>

#include "config/scraper_config.h"

namespace ember::scraper {
namespace {

std::string ErrorOf(const std::string& yaml) {
  auto c = ParseScraperConfig(yaml, "p.yml");
  REQUIRE_FALSE(c.ok());
  return c.status().message();
}

TEST_CASE("remote_write entries take upstream's defaults") {
  auto c = ParseScraperConfig(R"(
remote_write:
  - url: http://127.0.0.1:9201/api/v1/write
)",
                              "p.yml");
  REQUIRE(c.ok());
  REQUIRE(c->remote_write_configs.size() == 1);
  const RemoteWriteConfig& rw = c->remote_write_configs[0];
  CHECK(rw.url == "http://127.0.0.1:9201/api/v1/write");
  CHECK(rw.name.empty());
  CHECK(rw.remote_timeout == std::chrono::seconds(30));
  CHECK(rw.protobuf_message == "prometheus.WriteRequest");
  CHECK(rw.http_client.follow_redirects);
  CHECK_FALSE(rw.http_client.enable_http2);
  CHECK(rw.queue_config.capacity == 10000);
  CHECK(rw.queue_config.max_shards == 50);
  CHECK(rw.queue_config.min_shards == 1);
  CHECK(rw.queue_config.max_samples_per_send == 2000);
  CHECK(rw.queue_config.batch_send_deadline == std::chrono::seconds(5));
  CHECK(rw.queue_config.min_backoff == std::chrono::milliseconds(30));
  CHECK(rw.queue_config.max_backoff == std::chrono::seconds(5));
  CHECK_FALSE(rw.queue_config.retry_on_http_429);
  CHECK(rw.queue_config.sample_age_limit.count() == 0);
  CHECK(rw.metadata_config.send);
  CHECK(rw.metadata_config.send_interval == std::chrono::minutes(1));
  CHECK(rw.metadata_config.max_samples_per_send == 2000);
  // Unnamed: six hex digits of the settings' hash, stable.
  const std::string name = RemoteWriteName(rw);
  CHECK(name.size() == 6);
  CHECK(name.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(RemoteWriteName(rw) == name);
}

TEST_CASE("remote_write entries keep every setting given") {
  auto c = ParseScraperConfig(R"(
global:
  external_labels: {cluster: a}
remote_write:
  - url: https://metrics.example/api/v1/push
    name: central
    remote_timeout: 10s
    headers: {X-Scope-OrgID: tenant-1}
    write_relabel_configs:
      - source_labels: [__name__]
        regex: "go_.*"
        action: drop
    send_exemplars: true
    send_native_histograms: true
    protobuf_message: prometheus.WriteRequest
    bearer_token: s3cret
    tls_config: {insecure_skip_verify: true}
    queue_config:
      capacity: 500
      max_shards: 4
      min_shards: 2
      max_samples_per_send: 100
      batch_send_deadline: 1s
      min_backoff: 10ms
      max_backoff: 1s
      retry_on_http_429: true
      sample_age_limit: 1h
    metadata_config: {send: false, send_interval: 2m, max_samples_per_send: 50}
remote_read:
  - url: http://reader.example/api/v1/read
    name: archive
    read_recent: true
    required_matchers: {job: node}
    filter_external_labels: false
    basic_auth: {username: u, password: p}
)",
                              "p.yml");
  REQUIRE(c.ok());
  const RemoteWriteConfig& rw = c->remote_write_configs.at(0);
  CHECK(RemoteWriteName(rw) == "central");
  CHECK(rw.remote_timeout == std::chrono::seconds(10));
  CHECK(rw.headers.at("X-Scope-OrgID") == "tenant-1");
  REQUIRE(rw.write_relabel_configs.size() == 1);
  CHECK(rw.write_relabel_configs[0].action == relabel::Action::kDrop);
  CHECK(rw.send_exemplars);
  REQUIRE(rw.http_client.authorization.has_value());
  CHECK(rw.http_client.authorization->credentials == "s3cret");
  CHECK(rw.http_client.tls_config.insecure_skip_verify);
  CHECK(rw.queue_config.capacity == 500);
  CHECK(rw.queue_config.max_shards == 4);
  CHECK(rw.queue_config.min_shards == 2);
  CHECK(rw.queue_config.max_samples_per_send == 100);
  CHECK(rw.queue_config.batch_send_deadline == std::chrono::seconds(1));
  CHECK(rw.queue_config.min_backoff == std::chrono::milliseconds(10));
  CHECK(rw.queue_config.retry_on_http_429);
  CHECK(rw.queue_config.sample_age_limit == std::chrono::hours(1));
  CHECK_FALSE(rw.metadata_config.send);
  CHECK(rw.metadata_config.send_interval == std::chrono::minutes(2));
  CHECK(rw.metadata_config.max_samples_per_send == 50);
  const RemoteReadConfig& rr = c->remote_read_configs.at(0);
  CHECK(rr.name == "archive");
  CHECK(rr.remote_timeout == std::chrono::minutes(1));
  CHECK(rr.read_recent);
  CHECK(rr.required_matchers.at("job") == "node");
  CHECK_FALSE(rr.filter_external_labels);
  CHECK(rr.http_client.basic_auth.has_value());
}

TEST_CASE("The hash of a remote_write entry follows its settings") {
  RemoteWriteConfig a;
  a.url = "http://a/api/v1/write";
  RemoteWriteConfig b = a;
  CHECK(RemoteWriteHash(a) == RemoteWriteHash(b));
  b.queue_config.max_samples_per_send = 10;
  CHECK(RemoteWriteHash(a) != RemoteWriteHash(b));
  b = a;
  b.url = "http://b/api/v1/write";
  CHECK(RemoteWriteName(a) != RemoteWriteName(b));
}

TEST_CASE("remote_write and remote_read errors carry upstream's messages") {
  CHECK_THAT(ErrorOf("remote_write:\n  - name: x\n"), Catch::Contains("url for remote_write is empty"));
  CHECK_THAT(ErrorOf("remote_read:\n  - name: x\n"), Catch::Contains("url for remote_read is empty"));
  CHECK_THAT(ErrorOf("remote_write:\n  - url: http://a/w\n    name: x\n  - url: http://b/w\n    name: x\n"),
             Catch::Contains("found multiple remote write configs with job name \"x\""));
  CHECK_THAT(ErrorOf("remote_read:\n  - url: http://a/r\n    name: x\n  - url: http://b/r\n    name: x\n"),
             Catch::Contains("found multiple remote read configs with job name \"x\""));
  CHECK_THAT(
      ErrorOf("remote_write:\n  - url: http://a/w\n  - url: http://a/w\n"),
      Catch::Contains("duplicate remote write configs are not allowed, found duplicate for URL: http://a/w"));
  CHECK_THAT(
      ErrorOf("remote_write:\n  - url: http://a/w\n    headers: {Authorization: x}\n"),
      Catch::Contains("authorization header must be changed via the basic_auth, authorization, oauth2, "
                      "sigv4, azuread or google_iam parameter"));
  CHECK_THAT(ErrorOf("remote_write:\n  - url: http://a/w\n    headers: {User-Agent: x}\n"),
             Catch::Contains("User-Agent is a reserved header. It must not be changed"));
  CHECK_THAT(ErrorOf("remote_read:\n  - url: http://a/r\n    headers: {Content-Type: x}\n"),
             Catch::Contains("Content-Type is a reserved header. It must not be changed"));
  CHECK_THAT(ErrorOf("remote_write:\n  - url: ftp://a/w\n"), Catch::Contains("want http or https"));
  CHECK_THAT(
      ErrorOf("remote_write:\n  - url: http://a/w\n    protobuf_message: io.prometheus.write.v2.Request\n"),
      Catch::Contains("invalid protobuf_message value"));
  CHECK_THAT(ErrorOf("remote_write:\n  - url: http://a/w\n    protobuf_message: foo\n"),
             Catch::Contains("invalid protobuf_message value"));
  for (std::string_view key : {"sigv4", "azuread", "google_iam", "oauth2"}) {
    INFO(key);
    CHECK_THAT(ErrorOf("remote_write:\n  - url: http://a/w\n    " + std::string(key) + ": {}\n"),
               Catch::Contains("field " + std::string(key) + " is not supported"));
  }
  CHECK_THAT(ErrorOf("remote_write:\n  - url: http://a/w\n    queue_config: {max_shardz: 3}\n"),
             Catch::Contains("field max_shardz not found"));
  CHECK_THAT(
      ErrorOf("remote_write:\n  - url: http://a/w\n    basic_auth: {username: a}\n    bearer_token: b\n"),
      Catch::Contains("at most one of basic_auth"));
  CHECK_THAT(ErrorOf("remote_write:\n  - url: http://a/w\n    write_relabel_configs: [{action: nope}]\n"),
             Catch::Contains("nope"));
}

}  // namespace
}  // namespace ember::scraper
