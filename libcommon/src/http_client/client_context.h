// ClientContext: what every exchange of one HttpClient shares. It outlives
// every exchange: the client destroys it only after its threads have ended.
#pragma once

#include <memory>

#include <boost/asio/any_io_executor.hpp>

#include "connection_pool.h"
#include "ember/http/client_options.h"
#include "exchange_registry.h"
#include "tls_client_context.h"

namespace ember::http::client_internal {

struct ClientContext {
  // The client's io_context, without a strand: connections move between
  // exchanges, each of which completes their operations on its own strand.
  boost::asio::any_io_executor executor;
  ClientOptions options;
  std::unique_ptr<TlsClientContext> tls;
  std::unique_ptr<ConnectionPool> pool;
  ExchangeRegistry registry;
};

}  // namespace ember::http::client_internal
