#include "server_metrics.h"

namespace ember::http {
namespace {

std::string Name(const std::string& ns, const char* name) { return ns.empty() ? name : ns + "_" + name; }

}  // namespace

// Bucket bounds are Prometheus's own for these metrics, so that dashboards'
// histogram_quantile over them reads the same.
ServerMetrics::ServerMetrics(MetricsRegistry& registry, const std::string& ns)
    : requests_(registry.NewCounterFamily(Name(ns, "http_requests_total"),
                                          "Counter of HTTP requests.", {"code", "handler"})),
      duration_(registry.NewHistogramFamily(Name(ns, "http_request_duration_seconds"),
                                            "Histogram of latencies for HTTP requests.", {"handler"},
                                            {.1, .2, .4, 1, 3, 8, 20, 60, 120})),
      response_size_(registry.NewHistogramFamily(Name(ns, "http_response_size_bytes"),
                                                 "Histogram of response size for HTTP requests.", {"handler"},
                                                 ExponentialBuckets(100, 10, 8))) {}

void ServerMetrics::Observe(const std::string& handler, int code, double seconds, size_t response_bytes) {
  requests_.WithLabelValues({std::to_string(code), handler}).Inc();
  duration_.WithLabelValues({handler}).Observe(seconds);
  response_size_.WithLabelValues({handler}).Observe(static_cast<double>(response_bytes));
}

}  // namespace ember::http
