// ExchangeRegistry: the exchanges still running, so that a shutdown can
// cancel them. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace ember::http::client_internal {

class Exchange;

class ExchangeRegistry {
 public:
  // Records and starts `exchange`; false, without starting it, once closed.
  // Starting under the lock means Close() never misses an exchange that has
  // started, nor cancels one that has not.
  bool AddAndStart(const std::shared_ptr<Exchange>& exchange);
  // Forgets a finished exchange.
  void Remove(const Exchange* exchange);
  // Refuses later additions and returns the exchanges still running.
  std::vector<std::shared_ptr<Exchange>> Close();

 private:
  std::mutex mu_;
  bool closed_ = false;                                                     // GUARDED_BY(mu_)
  std::unordered_map<const Exchange*, std::shared_ptr<Exchange>> running_;  // GUARDED_BY(mu_)
};

}  // namespace ember::http::client_internal
