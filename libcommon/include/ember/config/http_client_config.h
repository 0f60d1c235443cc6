// HttpClientConfig: how a program reaches another over HTTP, in the YAML
// shape every Prometheus-family config file uses for it (prometheus/common's
// HTTPClientConfig): basic_auth, authorization (and the older bearer_token
// keys), tls_config, follow_redirects, enable_http2. Scrape configs, remote
// write and read, alertmanagers and the shipper's clients carry it inline.
//
// What Ember does not implement (oauth2, proxies, extra headers) is refused
// with a clear error rather than accepted and ignored.
#pragma once

#include <optional>
#include <string>

#include "ember/base/status.h"
#include "ember/config/field_reader.h"

namespace ember::config {

struct BasicAuthConfig {
  std::string username;
  std::string username_file;
  std::string password;
  std::string password_file;
};

struct AuthorizationConfig {
  // The scheme written before the credentials. Default: "Bearer".
  std::string type = "Bearer";
  std::string credentials;
  std::string credentials_file;
};

// The client side of TLS (`tls_config`). Certificates and keys may be given
// inline (PEM) or as files, not both.
struct TlsClientConfig {
  std::string ca;
  std::string ca_file;
  std::string cert;
  std::string cert_file;
  std::string key;
  std::string key_file;
  std::string server_name;
  bool insecure_skip_verify = false;
  std::string min_version;  // "" or TLS10..TLS13
  std::string max_version;
};

struct HttpClientConfig {
  std::optional<BasicAuthConfig> basic_auth;
  // Set from `authorization`, or from `bearer_token`/`bearer_token_file`,
  // which mean a Bearer authorization.
  std::optional<AuthorizationConfig> authorization;
  TlsClientConfig tls_config;
  bool follow_redirects = true;
  bool enable_http2 = true;
};

// Decodes the keys of an HttpClientConfig from `r`, the reader of the struct
// that carries them inline (a scrape config, say), and validates them with
// upstream's messages, e.g. "at most one of basic_auth, oauth2 & authorization
// must be configured". Keys it does not know are left for the caller.
void DecodeHttpClientConfigInline(FieldReader& r, HttpClientConfig& c);

// Joins the relative file names in `c` (CA, certificate, key, password,
// credentials) to `dir`, the directory of the file they were read from.
void JoinDirectory(HttpClientConfig& c, const std::string& dir);

}  // namespace ember::config
