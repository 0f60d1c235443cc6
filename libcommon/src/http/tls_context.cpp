#include "tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <map>

#include "ember/base/strings.h"

namespace ember::http {
namespace asio = boost::asio;

namespace {

Status Invalid(std::string message) {
  return Status::InvalidArgument("tls_server_config: " + std::move(message));
}

// Drains OpenSSL's error queue into one line, so a failure names its cause
// and later calls do not see stale errors.
std::string OpenSslErrors() {
  std::string text;
  while (unsigned long code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    if (!text.empty()) text += "; ";
    text += buf;
  }
  return text.empty() ? "unknown OpenSSL error" : text;
}

Result<int> ProtocolVersion(std::string_view field, std::string_view name) {
  static const std::map<std::string_view, int> kVersions = {{"TLS10", TLS1_VERSION},
                                                            {"TLS11", TLS1_1_VERSION},
                                                            {"TLS12", TLS1_2_VERSION},
                                                            {"TLS13", TLS1_3_VERSION}};
  const auto it = kVersions.find(name);
  if (it == kVersions.end()) return Invalid("unknown " + std::string(field) + " " + GoQuote(name));
  return it->second;
}

// Go names TLS 1.2 suites by their IANA names, which OpenSSL knows as the
// "standard" names of its ciphers; the OpenSSL name is what its cipher list
// syntax accepts.
Result<std::string> OpenSslCipherList(const std::vector<std::string>& go_names) {
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> probe(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
  if (!probe || SSL_CTX_set_cipher_list(probe.get(), "ALL:COMPLEMENTOFALL:@SECLEVEL=0") != 1) {
    return Status::Internal("listing OpenSSL ciphers: " + OpenSslErrors());
  }
  STACK_OF(SSL_CIPHER)* ciphers = SSL_CTX_get_ciphers(probe.get());
  std::vector<std::string> openssl_names;
  for (std::string name : go_names) {
    // Go's TLS 1.3 suites are not configurable and Go ignores them here.
    if (name == "TLS_AES_128_GCM_SHA256" || name == "TLS_AES_256_GCM_SHA384" ||
        name == "TLS_CHACHA20_POLY1305_SHA256") {
      continue;
    }
    // Go's older spellings of the ChaCha20 suites omit the hash.
    if (name.ends_with("_CHACHA20_POLY1305")) name += "_SHA256";
    const char* found = nullptr;
    for (int i = 0; i < sk_SSL_CIPHER_num(ciphers) && found == nullptr; ++i) {
      const SSL_CIPHER* cipher = sk_SSL_CIPHER_value(ciphers, i);
      const char* standard = SSL_CIPHER_standard_name(cipher);
      if (standard != nullptr && name == standard) found = SSL_CIPHER_get_name(cipher);
    }
    if (found == nullptr) return Invalid("unknown or unsupported cipher suite " + GoQuote(name));
    openssl_names.emplace_back(found);
  }
  return Join(openssl_names, ":");
}

Result<std::string> OpenSslGroupList(const std::vector<std::string>& go_names) {
  static const std::map<std::string_view, std::string_view> kCurves = {
      {"CurveP256", "P-256"}, {"CurveP384", "P-384"}, {"CurveP521", "P-521"}, {"X25519", "X25519"}};
  std::vector<std::string> groups;
  for (const std::string& name : go_names) {
    const auto it = kCurves.find(name);
    if (it == kCurves.end()) return Invalid("unknown curve " + GoQuote(name));
    groups.emplace_back(it->second);
  }
  return Join(groups, ":");
}

// Accepts whatever certificate the client presents: the policies that ask for
// a certificate without verifying it.
int AcceptAnyCertificate(int /*preverified*/, X509_STORE_CTX* /*store*/) { return 1; }

Status ConfigureClientAuth(SSL_CTX* ctx, const TlsServerOptions& options) {
  const std::string& type = options.client_auth_type;
  if (!options.client_ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, options.client_ca_file.c_str(), nullptr) != 1) {
      return Invalid("loading client_ca_file " + GoQuote(options.client_ca_file) + ": " + OpenSslErrors());
    }
    // Tells clients which CAs' certificates the server will take.
    if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(options.client_ca_file.c_str())) {
      SSL_CTX_set_client_CA_list(ctx, names);
    }
    ERR_clear_error();
  }
  if (type == "NoClientCert" || type.empty()) {
    if (!options.client_ca_file.empty()) {
      return Invalid("client_ca_file is set but client_auth_type is NoClientCert");
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  } else if (type == "RequestClientCert") {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, AcceptAnyCertificate);
  } else if (type == "RequireAnyClientCert") {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, AcceptAnyCertificate);
  } else if (type == "VerifyClientCertIfGiven" || type == "RequireAndVerifyClientCert") {
    // Without a CA bundle, Go verifies against the system roots.
    if (options.client_ca_file.empty() && SSL_CTX_set_default_verify_paths(ctx) != 1) {
      return Invalid("loading the system CA certificates: " + OpenSslErrors());
    }
    int mode = SSL_VERIFY_PEER;
    if (type == "RequireAndVerifyClientCert") mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    SSL_CTX_set_verify(ctx, mode, nullptr);
  } else {
    return Invalid("unknown client_auth_type " + GoQuote(type));
  }
  return Status::Ok();
}

Status LoadCertificateAndKey(asio::ssl::context& ctx, const TlsServerOptions& options) {
  boost::system::error_code ec;
  if (!options.cert_file.empty() && !options.cert.empty()) return Invalid("both cert and cert_file are set");
  if (!options.key_file.empty() && !options.key.empty()) return Invalid("both key and key_file are set");
  if (!options.cert_file.empty()) {
    ctx.use_certificate_chain_file(options.cert_file, ec);
    if (ec) return Invalid("loading cert_file " + GoQuote(options.cert_file) + ": " + ec.message());
  } else if (!options.cert.empty()) {
    ctx.use_certificate_chain(asio::buffer(options.cert), ec);
    if (ec) return Invalid("loading cert: " + ec.message());
  } else {
    return Invalid("missing cert_file");
  }
  if (!options.key_file.empty()) {
    ctx.use_private_key_file(options.key_file, asio::ssl::context::pem, ec);
    if (ec) return Invalid("loading key_file " + GoQuote(options.key_file) + ": " + ec.message());
  } else if (!options.key.empty()) {
    ctx.use_private_key(asio::buffer(options.key), asio::ssl::context::pem, ec);
    if (ec) return Invalid("loading key: " + ec.message());
  } else {
    return Invalid("missing key_file");
  }
  if (SSL_CTX_check_private_key(ctx.native_handle()) != 1) {
    return Invalid("the private key does not match the certificate: " + OpenSslErrors());
  }
  return Status::Ok();
}

}  // namespace

Result<std::shared_ptr<asio::ssl::context>> NewServerTlsContext(const TlsServerOptions& options) {
  ERR_clear_error();
  std::shared_ptr<asio::ssl::context> ctx;
  try {
    ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("creating a TLS context: ") + e.what());
  }
  SSL_CTX* native = ctx->native_handle();

  long ssl_options = SSL_OP_NO_SSLv2 | SSL_OP_NO_SSLv3 | SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION;
  if (options.prefer_server_cipher_suites) ssl_options |= SSL_OP_CIPHER_SERVER_PREFERENCE;
  SSL_CTX_set_options(native, ssl_options);

  EMBER_ASSIGN_OR_RETURN(const int min_version, ProtocolVersion("min_version", options.min_version));
  SSL_CTX_set_min_proto_version(native, min_version);
  if (min_version < TLS1_2_VERSION) {
    // OpenSSL 3's default security level refuses TLS 1.0 and 1.1 outright;
    // a configuration that asks for them gets them, as in Go.
    SSL_CTX_set_security_level(native, 0);
  }
  if (!options.max_version.empty()) {
    EMBER_ASSIGN_OR_RETURN(const int max_version, ProtocolVersion("max_version", options.max_version));
    if (max_version < min_version) return Invalid("max_version is below min_version");
    SSL_CTX_set_max_proto_version(native, max_version);
  }
  if (!options.cipher_suites.empty()) {
    EMBER_ASSIGN_OR_RETURN(const std::string list, OpenSslCipherList(options.cipher_suites));
    // A list of only TLS 1.3 suites leaves the TLS 1.2 defaults in place, as in Go.
    if (!list.empty() && SSL_CTX_set_cipher_list(native, list.c_str()) != 1) {
      return Invalid("setting cipher_suites: " + OpenSslErrors());
    }
  }
  if (!options.curve_preferences.empty()) {
    EMBER_ASSIGN_OR_RETURN(const std::string groups, OpenSslGroupList(options.curve_preferences));
    if (SSL_CTX_set1_groups_list(native, groups.c_str()) != 1) {
      return Invalid("setting curve_preferences: " + OpenSslErrors());
    }
  }
  EMBER_RETURN_IF_ERROR(LoadCertificateAndKey(*ctx, options));
  EMBER_RETURN_IF_ERROR(ConfigureClientAuth(native, options));

  // Session resumption with client certificates needs a context id.
  static constexpr unsigned char kSessionContext[] = "ember-http";
  SSL_CTX_set_session_id_context(native, kSessionContext, sizeof kSessionContext - 1);
  return ctx;
}

}  // namespace ember::http
