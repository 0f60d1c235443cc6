// TestServer: a Server on 127.0.0.1 with a free port, a captured log and its
// own metrics registry, shut down when the test ends.
#pragma once

#include <chrono>
#include <memory>

#include "ember/http/server.h"
#include "ember/obs/logger.h"
#include "ember/obs/metrics.h"

namespace ember::http::testing {

class TestServer {
 public:
  // Starts the server; `started` says whether Start succeeded.
  explicit TestServer(Router router, ServerOptions options = {})
      : sink_(std::make_shared<CapturingLogSink>()) {
    options.listen_address = "127.0.0.1:0";
    options.metrics_namespace = "test";
    server_ = std::make_unique<Server>(std::move(options), std::move(router), Logger(sink_, LogLevel::kDebug),
                                       metrics_);
    start_status_ = server_->Start();
  }
  ~TestServer() { (void)server_->Shutdown(std::chrono::seconds(5)); }

  const Status& start_status() const { return start_status_; }
  Server& server() { return *server_; }
  uint16_t port() const { return server_->port(); }
  MetricsRegistry& metrics() { return metrics_; }
  CapturingLogSink& log() { return *sink_; }

 private:
  MetricsRegistry metrics_;
  std::shared_ptr<CapturingLogSink> sink_;
  std::unique_ptr<Server> server_;
  Status start_status_;
};

}  // namespace ember::http::testing
