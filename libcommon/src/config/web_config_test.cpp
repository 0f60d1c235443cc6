#include "ember/config/web_config.h"

#include <catch2/catch.hpp>

namespace ember::config {
namespace {

// bcrypt of "secret", cost 10.
constexpr std::string_view kHash = "$2b$10$fq1XABwqYUPf9KgSLifjPucXSLnxy9l4e7zUdlwJ5avq9CNmqkFOa";

Result<http::WebSecurity> Load(std::string_view yaml, const std::string& path = "/etc/ember/web.yml") {
  auto fs = NewMemFileSystem();
  if (Status s = fs->WriteFileAtomically(path, yaml); !s.ok()) return s;
  return LoadWebConfig(*fs, path);
}

TEST_CASE("No web config file means no TLS, users or headers") {
  auto fs = NewMemFileSystem();
  Result<http::WebSecurity> web = LoadWebConfig(*fs, "");
  REQUIRE(web.ok());
  CHECK_FALSE(web->tls.enabled);
  CHECK(web->basic_auth_users.empty());
  CHECK(web->headers.empty());

  Result<http::WebSecurity> empty = Load("");
  REQUIRE(empty.ok());
  CHECK_FALSE(empty->tls.enabled);
  CHECK(empty->tls.min_version == "TLS12");

  CHECK(LoadWebConfig(*fs, "/missing.yml").status().code() == StatusCode::kNotFound);
}

TEST_CASE("TLS settings load with relative files resolved beside the config") {
  Result<http::WebSecurity> web = Load(
      "tls_server_config:\n"
      "  cert_file: tls/server.crt\n"
      "  key_file: /abs/server.key\n"
      "  client_ca_file: ca.pem\n"
      "  client_auth_type: RequireClientCert\n"
      "  min_version: TLS13\n"
      "  max_version: TLS13\n"
      "  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]\n"
      "  curve_preferences: [X25519, CurveP256]\n"
      "  prefer_server_cipher_suites: false\n");
  REQUIRE(web.ok());
  const http::TlsServerOptions& tls = web->tls;
  CHECK(tls.enabled);
  CHECK(tls.cert_file == "/etc/ember/tls/server.crt");
  CHECK(tls.key_file == "/abs/server.key");
  CHECK(tls.client_ca_file == "/etc/ember/ca.pem");
  CHECK(tls.client_auth_type == "RequireAnyClientCert");
  CHECK(tls.min_version == "TLS13");
  CHECK(tls.max_version == "TLS13");
  CHECK(tls.cipher_suites == std::vector<std::string>{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"});
  CHECK(tls.curve_preferences == std::vector<std::string>{"X25519", "CurveP256"});
  CHECK_FALSE(tls.prefer_server_cipher_suites);
}

TEST_CASE("Inline certificates and a config in the working directory") {
  Result<http::WebSecurity> web = Load(
      "tls_server_config:\n  cert: |\n    -----BEGIN CERTIFICATE-----\n  key_file: server.key\n", "web.yml");
  REQUIRE(web.ok());
  CHECK(web->tls.enabled);
  CHECK(web->tls.cert == "-----BEGIN CERTIFICATE-----\n");
  CHECK(web->tls.key_file == "server.key");
}

TEST_CASE("An empty tls_server_config leaves TLS off") {
  Result<http::WebSecurity> web = Load("tls_server_config:\n  min_version: TLS13\n");
  REQUIRE(web.ok());
  CHECK_FALSE(web->tls.enabled);
}

TEST_CASE("Basic auth users and headers") {
  Result<http::WebSecurity> web = Load(
      "basic_auth_users:\n"
      "  alice: " +
      std::string(kHash) +
      "\n"
      "http_server_config:\n"
      "  http2: false\n"
      "  headers:\n"
      "    X-Frame-Options: deny\n"
      "    Content-Security-Policy: default-src 'self'\n");
  REQUIRE(web.ok());
  CHECK(web->basic_auth_users == std::map<std::string, std::string>{{"alice", std::string(kHash)}});
  CHECK(web->headers == std::vector<std::pair<std::string, std::string>>{
                            {"X-Frame-Options", "deny"}, {"Content-Security-Policy", "default-src 'self'"}});
}

TEST_CASE("A user without a password hash is an error") {
  CHECK(Load("basic_auth_users:\n  alice:\n").status().message() ==
        "parsing YAML file /etc/ember/web.yml: line 1: password of user \"alice\" is not a bcrypt hash "
        "(path: basic_auth_users)");
}

}  // namespace
}  // namespace ember::config
