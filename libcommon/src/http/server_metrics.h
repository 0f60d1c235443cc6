// ServerMetrics: the request metrics of one Server, declared in one place.
#pragma once

#include <string>

#include "ember/obs/metrics.h"

namespace ember::http {

// Thread-safe.
class ServerMetrics {
 public:
  // `ns` prefixes every name ("prometheus" -> prometheus_http_requests_total).
  ServerMetrics(MetricsRegistry& registry, const std::string& ns);

  // Records one request served by the route labelled `handler`.
  void Observe(const std::string& handler, int code, double seconds, size_t response_bytes);

 private:
  Family<Counter>& requests_;
  Family<Histogram>& duration_;
  Family<Histogram>& response_size_;
};

}  // namespace ember::http
