// ServerMetrics: the request metrics of one Server, declared in one place.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "ember/http/router.h"
#include "ember/obs/metrics.h"

namespace ember::http {

// Thread-safe.
class ServerMetrics {
 public:
  // `ns` prefixes every name ("prometheus" -> prometheus_http_requests_total).
  // `router` must outlive this object; its routes are resolved to their
  // metric children here, so that recording a request takes no lock.
  ServerMetrics(MetricsRegistry& registry, const std::string& ns, const Router& router);

  // Records one request served by `route`, which belongs to the router.
  void Observe(const Route& route, int code, double seconds, size_t response_bytes);

 private:
  static constexpr int kMinCode = 100;
  static constexpr int kMaxCode = 599;

  struct PerRoute {
    std::string label;
    Histogram* duration = nullptr;
    Histogram* response_size = nullptr;
    // requests_total children by status code, filled on first use.
    std::unique_ptr<std::atomic<Counter*>[]> by_code;
  };

  Family<Counter>& requests_;
  Family<Histogram>& duration_;
  Family<Histogram>& response_size_;
  const Router& router_;
  std::vector<PerRoute> routes_;  // parallel to router_.routes()
};

}  // namespace ember::http
