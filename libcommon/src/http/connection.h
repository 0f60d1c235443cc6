// Connection: one accepted client, plain or TLS, served by a coroutine on the
// connection's strand: read a request, dispatch it, write the response,
// repeat while keep-alive holds.
#pragma once

#include <functional>
#include <memory>

#include <boost/asio/ip/tcp.hpp>

#include "security_state.h"
#include "server_core.h"

namespace ember::http {

// Thread-safe: every method hands its work to the connection's strand.
class Connection {
 public:
  virtual ~Connection() = default;
  // Begins serving. `on_close` runs once, when the connection has ended and
  // its socket is closed.
  virtual void Start(std::function<void()> on_close) = 0;
  // Closes the connection if it is waiting for a request to begin.
  virtual void CloseIfIdle() = 0;
  // Closes the socket whatever the connection is doing.
  virtual void ForceClose() = 0;
};

// `socket`'s executor must be a strand used by nothing else. The connection
// uses TLS when `security` has a TLS context, and keeps `security` for its
// whole life.
std::shared_ptr<Connection> NewConnection(ServerCore& core, boost::asio::ip::tcp::socket socket,
                                          std::shared_ptr<const SecurityState> security);

}  // namespace ember::http
