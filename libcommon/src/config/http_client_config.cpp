#include "ember/config/http_client_config.h"

#include <array>
#include <string_view>

#include "ember/base/strings.h"

namespace ember::config {
namespace {

constexpr std::array<std::string_view, 4> kTlsVersions = {"TLS10", "TLS11", "TLS12", "TLS13"};

std::string JoinDir(const std::string& dir, const std::string& path) {
  if (path.empty() || path.front() == '/' || dir.empty()) return path;
  return dir + "/" + path;
}

void DecodeTls(FieldReader& r, TlsClientConfig& t) {
  r.SetTypeName("config.TLSConfig");
  r.Field("ca", &t.ca);
  r.Field("ca_file", &t.ca_file);
  r.Field("cert", &t.cert);
  r.Field("cert_file", &t.cert_file);
  r.Field("key", &t.key);
  r.Field("key_file", &t.key_file);
  r.Field("server_name", &t.server_name);
  r.Field("insecure_skip_verify", &t.insecure_skip_verify);
  auto version = [](std::string* out) {
    return [out](const std::string& s) -> Status {
      for (std::string_view v : kTlsVersions) {
        if (v == s) {
          *out = s;
          return Status::Ok();
        }
      }
      return Status::InvalidArgument("unknown TLS version: " + s);
    };
  };
  r.Parse("min_version", version(&t.min_version));
  r.Parse("max_version", version(&t.max_version));
  r.Unsupported("ca_ref");
  r.Unsupported("cert_ref");
  r.Unsupported("key_ref");
  if (!r.ok()) return;
  if (!t.ca.empty() && !t.ca_file.empty()) return r.Fail("at most one of ca and ca_file must be configured");
  if (!t.cert.empty() && !t.cert_file.empty()) {
    return r.Fail("at most one of cert and cert_file must be configured");
  }
  if (!t.key.empty() && !t.key_file.empty())
    return r.Fail("at most one of key and key_file must be configured");
  const bool cert = !t.cert.empty() || !t.cert_file.empty();
  const bool key = !t.key.empty() || !t.key_file.empty();
  if (cert && !key) {
    return r.Fail(
        "exactly one of key or key_file must be configured when a client certificate is configured");
  }
  if (key && !cert) {
    return r.Fail("exactly one of cert or cert_file must be configured when a client key is configured");
  }
}

}  // namespace

void DecodeHttpClientConfigInline(FieldReader& r, HttpClientConfig& c) {
  r.Struct("basic_auth", [&](FieldReader& b) {
    b.SetTypeName("config.BasicAuth");
    BasicAuthConfig& auth = c.basic_auth.emplace();
    b.Field("username", &auth.username);
    b.Field("username_file", &auth.username_file);
    b.Field("password", &auth.password);
    b.Field("password_file", &auth.password_file);
    b.Unsupported("username_ref");
    b.Unsupported("password_ref");
  });
  bool authorization_given = false;
  r.Struct("authorization", [&](FieldReader& a) {
    a.SetTypeName("config.Authorization");
    authorization_given = true;
    AuthorizationConfig& auth = c.authorization.emplace();
    auth.type.clear();
    a.Field("type", &auth.type);
    a.Field("credentials", &auth.credentials);
    a.Field("credentials_file", &auth.credentials_file);
    a.Unsupported("credentials_ref");
  });
  std::string bearer_token;
  std::string bearer_token_file;
  r.Field("bearer_token", &bearer_token);
  r.Field("bearer_token_file", &bearer_token_file);
  r.Struct("tls_config", [&](FieldReader& t) { DecodeTls(t, c.tls_config); });
  r.Field("follow_redirects", &c.follow_redirects);
  r.Field("enable_http2", &c.enable_http2);
  r.Unsupported("oauth2");
  r.Unsupported("proxy_url", "Ember connects to targets directly");
  r.Unsupported("no_proxy", "Ember connects to targets directly");
  r.Unsupported("proxy_from_environment", "Ember connects to targets directly");
  r.Unsupported("proxy_connect_header", "Ember connects to targets directly");
  r.Unsupported("http_headers");
  if (!r.ok()) return;

  // The checks and their order are prometheus/common's.
  if (!bearer_token.empty() && !bearer_token_file.empty()) {
    return r.Fail("at most one of bearer_token & bearer_token_file must be configured");
  }
  const bool bearer = !bearer_token.empty() || !bearer_token_file.empty();
  if (c.basic_auth && bearer) {
    return r.Fail("at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured");
  }
  if (c.basic_auth && !c.basic_auth->username.empty() && !c.basic_auth->username_file.empty()) {
    return r.Fail("at most one of basic_auth username & username_file must be configured");
  }
  if (c.basic_auth && !c.basic_auth->password.empty() && !c.basic_auth->password_file.empty()) {
    return r.Fail("at most one of basic_auth password & password_file must be configured");
  }
  if (authorization_given) {
    AuthorizationConfig& auth = *c.authorization;
    if (bearer) return r.Fail("authorization is not compatible with bearer_token & bearer_token_file");
    if (!auth.credentials.empty() && !auth.credentials_file.empty()) {
      return r.Fail("at most one of authorization credentials & credentials_file must be configured");
    }
    auth.type = std::string(TrimSpace(auth.type));
    if (auth.type.empty()) auth.type = "Bearer";
    if (ToLower(auth.type) == "basic") {
      return r.Fail("authorization type cannot be set to \"basic\", use \"basic_auth\" instead");
    }
    if (c.basic_auth) return r.Fail("at most one of basic_auth, oauth2 & authorization must be configured");
  } else if (bearer) {
    AuthorizationConfig& auth = c.authorization.emplace();
    auth.credentials = bearer_token;
    auth.credentials_file = bearer_token_file;
  }
}

void JoinDirectory(HttpClientConfig& c, const std::string& dir) {
  c.tls_config.ca_file = JoinDir(dir, c.tls_config.ca_file);
  c.tls_config.cert_file = JoinDir(dir, c.tls_config.cert_file);
  c.tls_config.key_file = JoinDir(dir, c.tls_config.key_file);
  if (c.basic_auth) {
    c.basic_auth->username_file = JoinDir(dir, c.basic_auth->username_file);
    c.basic_auth->password_file = JoinDir(dir, c.basic_auth->password_file);
  }
  if (c.authorization) c.authorization->credentials_file = JoinDir(dir, c.authorization->credentials_file);
}

}  // namespace ember::config
