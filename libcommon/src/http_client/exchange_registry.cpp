#include "exchange_registry.h"

#include "exchange.h"

namespace ember::http::client_internal {

bool ExchangeRegistry::AddAndStart(const std::shared_ptr<Exchange>& exchange) {
  std::lock_guard lock(mu_);
  if (closed_) return false;
  running_.emplace(exchange.get(), exchange);
  exchange->Start();
  return true;
}

void ExchangeRegistry::Remove(const Exchange* exchange) {
  std::shared_ptr<Exchange> removed;
  std::lock_guard lock(mu_);
  auto it = running_.find(exchange);
  if (it == running_.end()) return;
  removed = std::move(it->second);
  running_.erase(it);
}

std::vector<std::shared_ptr<Exchange>> ExchangeRegistry::Close() {
  std::lock_guard lock(mu_);
  closed_ = true;
  std::vector<std::shared_ptr<Exchange>> running;
  running.reserve(running_.size());
  for (auto& [key, exchange] : running_) running.push_back(exchange);
  return running;
}

}  // namespace ember::http::client_internal
