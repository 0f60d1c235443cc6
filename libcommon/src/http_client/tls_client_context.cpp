#include "tls_client_context.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace ember::http::client_internal {
namespace {

namespace ssl = boost::asio::ssl;

// The most recent OpenSSL error on this thread, emptying the queue.
std::string OpenSslReason() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char text[256];
  ERR_error_string_n(code, text, sizeof(text));
  return text;
}

Result<int> ProtocolVersion(const std::string& name) {
  if (name == "TLS10") return TLS1_VERSION;
  if (name == "TLS11") return TLS1_1_VERSION;
  if (name == "TLS12") return TLS1_2_VERSION;
  if (name == "TLS13") return TLS1_3_VERSION;
  return Status::InvalidArgument("unknown TLS version: " + name);
}

bool IsIpAddress(const std::string& host) {
  unsigned char buffer[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buffer) == 1 || inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

}  // namespace

TlsClientContext::TlsClientContext(TlsClientOptions options)
    : options_(std::move(options)), context_(ssl::context::tls_client) {}

Result<std::unique_ptr<TlsClientContext>> TlsClientContext::Create(const TlsClientOptions& options) {
  EMBER_ASSIGN_OR_RETURN(int min_version, ProtocolVersion(options.min_version));
  if (options.cert_file.empty() != options.key_file.empty()) {
    return Status::InvalidArgument("TLS cert_file and key_file must be given together");
  }
  std::unique_ptr<TlsClientContext> tls;
  try {
    tls.reset(new TlsClientContext(options));
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("creating TLS context: ") + e.what());
  }
  SSL_CTX* ctx = tls->context_.native_handle();
  if (SSL_CTX_set_min_proto_version(ctx, min_version) != 1) {
    return Status::InvalidArgument("TLS min_version " + options.min_version + ": " + OpenSslReason());
  }
  boost::system::error_code ec;
  if (options.ca_file.empty()) {
    tls->context_.set_default_verify_paths(ec);
    if (ec) return Status::InvalidArgument("loading the system's CA certificates: " + ec.message());
  } else {
    tls->context_.load_verify_file(options.ca_file, ec);
    if (ec) return Status::InvalidArgument("loading CA file " + options.ca_file + ": " + ec.message());
  }
  if (!options.cert_file.empty()) {
    tls->context_.use_certificate_chain_file(options.cert_file, ec);
    if (ec) return Status::InvalidArgument("loading certificate " + options.cert_file + ": " + ec.message());
    tls->context_.use_private_key_file(options.key_file, ssl::context::pem, ec);
    if (ec) return Status::InvalidArgument("loading key " + options.key_file + ": " + ec.message());
  }
  tls->context_.set_verify_mode(options.insecure_skip_verify ? ssl::verify_none : ssl::verify_peer, ec);
  if (ec) return Status::InvalidArgument("setting TLS verify mode: " + ec.message());
  return tls;
}

Status TlsClientContext::PrepareConnection(SSL* ssl, const std::string& url_host) const {
  const std::string& name = options_.server_name.empty() ? url_host : options_.server_name;
  const bool is_ip = IsIpAddress(name);
  // RFC 6066 forbids IP addresses in SNI.
  if (!is_ip && SSL_set_tlsext_host_name(ssl, name.c_str()) != 1) {
    return Status::InvalidArgument("TLS server name \"" + name + "\": " + OpenSslReason());
  }
  if (options_.insecure_skip_verify) return Status::Ok();
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  // Wildcards match one whole leftmost label only, as in Go.
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  int set = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str())
                  : X509_VERIFY_PARAM_set1_host(param, name.c_str(), name.size());
  if (set != 1) return Status::InvalidArgument("TLS server name \"" + name + "\": " + OpenSslReason());
  return Status::Ok();
}

std::string TlsClientContext::HandshakeFailureReason(SSL* ssl, const boost::system::error_code& error) {
  // Without verification OpenSSL still records a result, which is then no reason.
  long verify = SSL_get_verify_result(ssl);
  if (SSL_get_verify_mode(ssl) != SSL_VERIFY_NONE && verify != X509_V_OK) {
    return std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify);
  }
  return error.message();
}

}  // namespace ember::http::client_internal
