#include "server_metrics.h"

namespace ember::http {
namespace {

std::string Name(const std::string& ns, const char* name) { return ns.empty() ? name : ns + "_" + name; }

}  // namespace

// Bucket bounds are Prometheus's own for these metrics, so that dashboards'
// histogram_quantile over them reads the same.
ServerMetrics::ServerMetrics(MetricsRegistry& registry, const std::string& ns, const Router& router)
    : requests_(registry.NewCounterFamily(Name(ns, "http_requests_total"), "Counter of HTTP requests.",
                                          {"code", "handler"})),
      duration_(registry.NewHistogramFamily(Name(ns, "http_request_duration_seconds"),
                                            "Histogram of latencies for HTTP requests.", {"handler"},
                                            {.1, .2, .4, 1, 3, 8, 20, 60, 120})),
      response_size_(registry.NewHistogramFamily(Name(ns, "http_response_size_bytes"),
                                                 "Histogram of response size for HTTP requests.", {"handler"},
                                                 ExponentialBuckets(100, 10, 8))),
      router_(router) {
  routes_.reserve(router.routes().size());
  for (const Route& route : router.routes()) {
    PerRoute& r = routes_.emplace_back();
    r.label = route.options.metric_handler.empty() ? route.pattern : route.options.metric_handler;
    r.duration = &duration_.WithLabelValues({r.label});
    r.response_size = &response_size_.WithLabelValues({r.label});
    r.by_code = std::make_unique<std::atomic<Counter*>[]>(kMaxCode - kMinCode + 1);
  }
}

void ServerMetrics::Observe(const Route& route, int code, double seconds, size_t response_bytes) {
  PerRoute& r = routes_[static_cast<size_t>(&route - router_.routes().data())];
  r.duration->Observe(seconds);
  r.response_size->Observe(static_cast<double>(response_bytes));
  if (code < kMinCode || code > kMaxCode) {
    requests_.WithLabelValues({std::to_string(code), r.label}).Inc();
    return;
  }
  std::atomic<Counter*>& slot = r.by_code[static_cast<size_t>(code - kMinCode)];
  Counter* counter = slot.load(std::memory_order_acquire);
  if (counter == nullptr) {
    // Racing threads get the same child from the family; either store wins.
    counter = &requests_.WithLabelValues({std::to_string(code), r.label});
    slot.store(counter, std::memory_order_release);
  }
  counter->Inc();
}

}  // namespace ember::http
