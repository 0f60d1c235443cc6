// ConnectionPool: idle keep-alive connections, per scheme, host and port,
// waiting to carry another request.
//
// Thread-safe. Connections are handed out most recently used first, since
// those are the least likely to have been closed by the server; a sweep timer
// closes those idle longer than the idle timeout, so idle sockets do not
// linger when a host is no longer asked.
#pragma once

#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "connection.h"

namespace ember::http::client_internal {

class ConnectionPool {
 public:
  ConnectionPool(boost::asio::any_io_executor executor, std::chrono::milliseconds idle_timeout,
                 int max_idle_per_host);

  // An idle connection for `key` that still looks usable, or null.
  std::unique_ptr<Connection> Take(const std::string& key);
  // Keeps `connection` (which has finished a response and is open) for reuse,
  // or closes it when the host already has enough idle connections.
  void Put(std::unique_ptr<Connection> connection);
  // Closes every idle connection and closes the pool: later Puts close.
  void Shutdown();

 private:
  using Clock = std::chrono::steady_clock;
  void ArmSweepLocked(Clock::time_point at);
  void Sweep();

  const std::chrono::milliseconds idle_timeout_;
  const size_t max_idle_per_host_;
  std::mutex mu_;
  // Oldest first. GUARDED_BY(mu_)
  std::unordered_map<std::string, std::deque<std::unique_ptr<Connection>>> idle_;
  bool shut_down_ = false;                 // GUARDED_BY(mu_)
  boost::asio::steady_timer sweep_timer_;  // GUARDED_BY(mu_)
  bool sweep_armed_ = false;               // GUARDED_BY(mu_)
};

}  // namespace ember::http::client_internal
