// The OpenSSL server context for a TlsServerOptions.
#pragma once

#include <memory>

#include <boost/asio/ssl/context.hpp>

#include "ember/base/status.h"
#include "ember/http/web_security.h"

namespace ember::http {

// Builds a server context: certificate chain and key (checked to match),
// client certificate policy, protocol versions, cipher suites and curves.
// Reads the files named in `options`.
// Errors: InvalidArgument naming the field that is wrong or failed to load.
Result<std::shared_ptr<boost::asio::ssl::context>> NewServerTlsContext(const TlsServerOptions& options);

}  // namespace ember::http
