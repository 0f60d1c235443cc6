#include "ember/config/web_config.h"

#include <algorithm>
#include <array>
#include <optional>

#include "ember/base/strings.h"
#include "ember/config/yaml_file.h"

namespace ember::config {
namespace {

// Go's crypto/tls names for the suites it offers by default.
constexpr std::array<std::string_view, 13> kCipherSuites = {
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
};
constexpr std::array<std::string_view, 4> kCurves = {"CurveP256", "CurveP384", "CurveP521", "X25519"};
constexpr std::array<std::string_view, 4> kTlsVersions = {"TLS10", "TLS11", "TLS12", "TLS13"};

// Header name, then the values allowed (none listed: any value).
struct AllowedHeader {
  std::string_view name;
  std::vector<std::string_view> values;
};
const std::vector<AllowedHeader>& AllowedHeaders() {
  static const std::vector<AllowedHeader> headers = {
      {"Strict-Transport-Security", {}},
      {"X-Content-Type-Options", {"nosniff"}},
      {"X-Frame-Options", {"deny", "sameorigin"}},
      {"X-XSS-Protection", {}},
      {"Content-Security-Policy", {}},
  };
  return headers;
}

template <size_t N>
bool OneOf(const std::array<std::string_view, N>& names, std::string_view s) {
  return std::find(names.begin(), names.end(), s) != names.end();
}

// "$2a$10$" then 53 characters of bcrypt's base64 (salt and hash); versions
// 2, 2a, 2b, 2x, 2y; cost 04 to 31.
bool IsBcryptHash(std::string_view h) {
  if (h.size() < 4 || h[0] != '$' || h[1] != '2') return false;
  size_t i = 2;
  if (h[i] != '$') {
    if (h[i] != 'a' && h[i] != 'b' && h[i] != 'x' && h[i] != 'y') return false;
    ++i;
  }
  if (h.size() != i + 1 + 2 + 1 + 53 || h[i] != '$' || h[i + 3] != '$') return false;
  char c1 = h[i + 1], c2 = h[i + 2];
  if (c1 < '0' || c1 > '9' || c2 < '0' || c2 > '9') return false;
  int cost = (c1 - '0') * 10 + (c2 - '0');
  if (cost < 4 || cost > 31) return false;
  return std::all_of(h.begin() + static_cast<std::ptrdiff_t>(i + 4), h.end(), [](char c) {
    return c == '.' || c == '/' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  });
}

std::string ResolvePath(const std::string& dir, const std::string& file) {
  if (file.empty() || file.front() == '/' || dir.empty()) return file;
  return JoinPath(dir, file);
}

// The client auth type `s` names ("" for an empty value), with the old
// spelling RequireClientCert mapped to RequireAnyClientCert; nullopt when
// unknown.
std::optional<std::string> CanonicalClientAuth(const std::string& s) {
  if (s == "RequireClientCert") return "RequireAnyClientCert";
  for (std::string_view known : {"", "NoClientCert", "RequestClientCert", "RequireAnyClientCert",
                                 "VerifyClientCertIfGiven", "RequireAndVerifyClientCert"}) {
    if (s == known) return s;
  }
  return std::nullopt;
}

void DecodeTls(FieldReader& r, http::TlsServerOptions& tls, const std::string& dir) {
  r.SetTypeName("tls_server_config");
  std::string client_auth_type;
  r.Field("cert_file", &tls.cert_file);
  r.Field("key_file", &tls.key_file);
  r.Field("cert", &tls.cert);
  r.Field("key", &tls.key);
  r.Field("client_ca_file", &tls.client_ca_file);
  r.Parse("client_auth_type", [&](const std::string& s) -> Status {
    std::optional<std::string> canonical = CanonicalClientAuth(s);
    if (!canonical) return Status::InvalidArgument("invalid ClientAuth: " + s);
    client_auth_type = *canonical;
    return Status::Ok();
  });
  auto version = [](std::string* out) {
    return [out](const std::string& s) -> Status {
      if (!OneOf(kTlsVersions, s)) return Status::InvalidArgument("unknown TLS version: " + s);
      *out = s;
      return Status::Ok();
    };
  };
  r.Parse("min_version", version(&tls.min_version));
  r.Parse("max_version", version(&tls.max_version));
  r.ParseList("cipher_suites", [&](const std::string& s) -> Status {
    if (!OneOf(kCipherSuites, s)) return Status::InvalidArgument("unknown cipher: " + s);
    tls.cipher_suites.push_back(s);
    return Status::Ok();
  });
  r.ParseList("curve_preferences", [&](const std::string& s) -> Status {
    if (!OneOf(kCurves, s)) return Status::InvalidArgument("unknown curve: " + s);
    tls.curve_preferences.push_back(s);
    return Status::Ok();
  });
  r.Field("prefer_server_cipher_suites", &tls.prefer_server_cipher_suites);
  r.Unsupported("client_ca", "use client_ca_file");
  r.Unsupported("client_allowed_sans");
  if (!r.ok()) return;

  if (!client_auth_type.empty()) tls.client_auth_type = client_auth_type;
  tls.enabled = !tls.cert_file.empty() || !tls.cert.empty() || !tls.key_file.empty() || !tls.key.empty() ||
                !tls.client_ca_file.empty() || !client_auth_type.empty();
  if (!tls.enabled) return;
  if (tls.cert_file.empty() && tls.cert.empty()) return r.Fail("missing one of cert or cert_file");
  if (tls.key_file.empty() && tls.key.empty()) return r.Fail("missing one of key or key_file");
  if (!tls.client_ca_file.empty() && tls.client_auth_type == "NoClientCert") {
    return r.Fail("client CA's have been configured without a Client Auth Policy");
  }
  tls.cert_file = ResolvePath(dir, tls.cert_file);
  tls.key_file = ResolvePath(dir, tls.key_file);
  tls.client_ca_file = ResolvePath(dir, tls.client_ca_file);
}

Status CheckHeader(const std::string& name, const std::string& value) {
  const auto& allowed = AllowedHeaders();
  auto it =
      std::find_if(allowed.begin(), allowed.end(), [&](const AllowedHeader& h) { return h.name == name; });
  if (it == allowed.end())
    return Status::InvalidArgument("HTTP header " + GoQuote(name) + " can not be configured");
  if (it->values.empty() || std::find(it->values.begin(), it->values.end(), value) != it->values.end()) {
    return Status::Ok();
  }
  std::string expected;
  for (std::string_view v : it->values) {
    if (!expected.empty()) expected += ' ';
    expected += GoQuote(v);
  }
  return Status::InvalidArgument("invalid value for " + name + ". Expected one of: [" + expected +
                                 "], but got: " + GoQuote(value));
}

void DecodeHeaders(FieldReader& r, std::vector<std::pair<std::string, std::string>>& headers) {
  for (const std::string& name : r.Keys()) {
    r.Parse(name, [&](const std::string& value) -> Status {
      EMBER_RETURN_IF_ERROR(CheckHeader(name, value));
      headers.emplace_back(name, value);
      return Status::Ok();
    });
  }
}

void DecodeHttpServer(FieldReader& r, http::WebSecurity& web) {
  r.SetTypeName("http_server_config");
  r.Struct("headers", [&](FieldReader& h) { DecodeHeaders(h, web.headers); });
  bool http2 = true;  // checked for its type only: the server speaks HTTP/1.1
  r.Field("http2", &http2);
}

std::string NotBcrypt(const std::string& user) {
  return "password of user " + GoQuote(user) + " is not a bcrypt hash";
}

void DecodeUsers(FieldReader& r, std::map<std::string, std::string>& users) {
  for (const std::string& user : r.Keys()) {
    r.Parse(user, [&](const std::string& hash) -> Status {
      if (!IsBcryptHash(hash)) return Status::InvalidArgument(NotBcrypt(user));
      users[user] = hash;
      return Status::Ok();
    });
    // Parse skips a null value; a user without a hash could never log in.
    if (r.ok() && users.count(user) == 0) return r.Fail(NotBcrypt(user));
  }
}

}  // namespace

Result<http::WebSecurity> LoadWebConfig(FileSystem& fs, const std::string& path) {
  http::WebSecurity web;
  if (path.empty()) return web;
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "" : slash == 0 ? "/" : path.substr(0, slash);
  EMBER_RETURN_IF_ERROR(DecodeYamlFile(fs, path, "web_config", [&](FieldReader& r) {
    r.Struct("tls_server_config", [&](FieldReader& t) { DecodeTls(t, web.tls, dir); });
    r.Struct("http_server_config", [&](FieldReader& h) { DecodeHttpServer(h, web); });
    r.Struct("basic_auth_users", [&](FieldReader& u) { DecodeUsers(u, web.basic_auth_users); });
    r.Unsupported("rate_limit");
  }));
  return web;
}

}  // namespace ember::config
