#include "connection_pool.h"

#include <vector>

namespace ember::http::client_internal {

ConnectionPool::ConnectionPool(boost::asio::any_io_executor executor, std::chrono::milliseconds idle_timeout,
                               int max_idle_per_host)
    : idle_timeout_(idle_timeout),
      max_idle_per_host_(max_idle_per_host > 0 ? static_cast<size_t>(max_idle_per_host) : 0),
      sweep_timer_(std::move(executor)) {}

std::unique_ptr<Connection> ConnectionPool::Take(const std::string& key) {
  std::vector<std::unique_ptr<Connection>> discarded;
  std::unique_ptr<Connection> found;
  {
    std::lock_guard lock(mu_);
    auto it = idle_.find(key);
    if (it == idle_.end()) return nullptr;
    auto& idle = it->second;
    const Clock::time_point now = Clock::now();
    while (!idle.empty() && !found) {
      std::unique_ptr<Connection> candidate = std::move(idle.back());
      idle.pop_back();
      if (now - candidate->idle_since() < idle_timeout_ && candidate->LooksReusable()) {
        found = std::move(candidate);
      } else {
        discarded.push_back(std::move(candidate));
      }
    }
    if (idle.empty()) idle_.erase(it);
  }
  for (auto& connection : discarded) connection->Close();
  return found;
}

void ConnectionPool::Put(std::unique_ptr<Connection> connection) {
  std::lock_guard lock(mu_);
  if (shut_down_ || idle_timeout_.count() <= 0 || connection->closed()) {
    connection->Close();
    return;
  }
  auto& idle = idle_[connection->pool_key()];
  if (idle.size() >= max_idle_per_host_) {
    connection->Close();
    if (idle.empty()) idle_.erase(connection->pool_key());
    return;
  }
  connection->set_idle_since(Clock::now());
  idle.push_back(std::move(connection));
  if (!sweep_armed_) ArmSweepLocked(Clock::now() + idle_timeout_);
}

void ConnectionPool::Shutdown() {
  std::lock_guard lock(mu_);
  shut_down_ = true;
  for (auto& [key, idle] : idle_) {
    for (auto& connection : idle) connection->Close();
  }
  idle_.clear();
  sweep_timer_.cancel();
  sweep_armed_ = false;
}

void ConnectionPool::ArmSweepLocked(Clock::time_point at) {
  sweep_armed_ = true;
  sweep_timer_.expires_at(at);
  sweep_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    Sweep();
  });
}

void ConnectionPool::Sweep() {
  std::vector<std::unique_ptr<Connection>> expired;
  std::lock_guard lock(mu_);
  sweep_armed_ = false;
  if (shut_down_) return;
  const Clock::time_point now = Clock::now();
  std::optional<Clock::time_point> next;
  for (auto it = idle_.begin(); it != idle_.end();) {
    auto& idle = it->second;
    while (!idle.empty() && now - idle.front()->idle_since() >= idle_timeout_) {
      expired.push_back(std::move(idle.front()));
      idle.pop_front();
    }
    if (idle.empty()) {
      it = idle_.erase(it);
      continue;
    }
    Clock::time_point expiry = idle.front()->idle_since() + idle_timeout_;
    if (!next || expiry < *next) next = expiry;
    ++it;
  }
  for (auto& connection : expired) connection->Close();
  if (next) ArmSweepLocked(*next);
}

}  // namespace ember::http::client_internal
