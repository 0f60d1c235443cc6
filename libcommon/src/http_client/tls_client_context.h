// TlsClientContext: the OpenSSL settings every TLS connection of one client
// shares (trusted CAs, client certificate, protocol floor), and the per-
// connection setup that depends on the server's name.
#pragma once

#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>

#include "ember/base/status.h"
#include "ember/http/client_options.h"

namespace ember::http::client_internal {

class TlsClientContext {
 public:
  // Error: InvalidArgument naming the option or file and OpenSSL's reason.
  static Result<std::unique_ptr<TlsClientContext>> Create(const TlsClientOptions& options);

  boost::asio::ssl::context& context() { return context_; }

  // Sets SNI and the name the server's certificate must carry on `ssl`, a
  // connection to `url_host` that has not shaken hands yet.
  Status PrepareConnection(SSL* ssl, const std::string& url_host) const;

  // Why a handshake on `ssl` failed with `error`, for people:
  // "certificate verify failed: unable to get local issuer certificate".
  static std::string HandshakeFailureReason(SSL* ssl, const boost::system::error_code& error);

 private:
  explicit TlsClientContext(TlsClientOptions options);

  TlsClientOptions options_;
  boost::asio::ssl::context context_;
};

}  // namespace ember::http::client_internal
