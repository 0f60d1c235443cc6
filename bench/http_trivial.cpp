// http-trivial: the HTTP server's request rate and latency on a route that
// does no work, run in process, measured by the closed-loop client and by
// wrk when it is installed. The baseline heavier API routes are measured
// against.
#include "benchmark.h"
#include "ember/http/server.h"
#include "ember/obs/logger.h"
#include "ember/obs/metrics.h"
#include "load_client.h"

namespace ember::bench {

Result<std::vector<Figure>> RunHttpTrivial(const BenchmarkOptions& options) {
  MetricsRegistry metrics;
  http::Router router;
  router.Get("/ping", [](http::Request&) { return http::Response::Text(200, "pong"); }, {.run_inline = true});
  router.Get("/ping-pool", [](http::Request&) { return http::Response::Text(200, "pong"); });
  http::ServerOptions server_options;
  server_options.listen_address = "127.0.0.1:0";
  server_options.max_connections = 4096;
  http::Server server(server_options, std::move(router),
                      Logger(std::make_shared<CapturingLogSink>(), LogLevel::kError), metrics);
  EMBER_RETURN_IF_ERROR(server.Start());

  std::vector<Figure> figures;
  std::string conns = std::to_string(options.connections) + " connections";
  for (const std::string route : {"/ping", "/ping-pool"}) {
    LoadResult r = RunClosedLoop(server.port(), route, options.connections, options.seconds);
    if (r.errors > 0) return Status::Internal(route + ": " + std::to_string(r.errors) + " failed requests");
    std::string label = route == "/ping" ? "inline" : "pool";
    figures.push_back({label + " requests/s", r.RequestsPerSecond(), "req/s", conns});
    figures.push_back({label + " p50 latency", r.LatencyUs(0.50), "us", conns});
    figures.push_back({label + " p99 latency", r.LatencyUs(0.99), "us", conns});
    WrkResult w = RunWrk(server.port(), route, options.connections, options.seconds);
    if (w.ran) {
      figures.push_back({label + " wrk requests/s", w.requests_per_second, "req/s", "wrk -t1"});
      figures.push_back({label + " wrk p99 latency", w.p99_us, "us", "wrk -t1"});
    }
  }
  (void)server.Shutdown(std::chrono::seconds(5));
  return figures;
}

}  // namespace ember::bench
