// ServerCore: what a Server's connections share, owned by the Server and
// outliving every connection.
#pragma once

#include <atomic>
#include <stop_token>

#include "ember/http/router.h"
#include "ember/http/server.h"
#include "ember/obs/logger.h"
#include "server_metrics.h"
#include "worker_pool.h"

namespace ember::http {

struct ServerCore {
  ServerCore(ServerOptions options_in, Router router_in, Logger logger_in, MetricsRegistry& registry,
             size_t worker_threads)
      : options(std::move(options_in)),
        router(std::move(router_in)),
        logger(std::move(logger_in)),
        metrics(registry, options.metrics_namespace, router),
        pool(worker_threads, options.max_queued_requests) {}

  const ServerOptions options;
  const Router router;
  const Logger logger;
  ServerMetrics metrics;
  WorkerPool pool;
  // Set when Shutdown begins: connections finish their current request and close.
  std::atomic<bool> draining{false};
  // Requested when the grace period is over.
  std::stop_source stop;
};

}  // namespace ember::http
