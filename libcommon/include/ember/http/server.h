// Server: the HTTP/1.1 server every Ember program serves its API on.
//
// Threading: one io_context runs on `io_threads` threads; each connection is
// served by a coroutine on its own strand, one request at a time (pipelined
// requests wait in the connection's buffer). Handlers run on a bounded pool
// of `worker_threads` unless their route says run_inline; when every worker is
// busy and `max_queued_requests` wait, further requests get 503.
//
// Lifecycle: construct, Start(), later Shutdown(). All public methods are
// thread-safe; Shutdown and UpdateSecurity may be called from any thread,
// including one that handles signals.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "ember/base/status.h"
#include "ember/http/router.h"
#include "ember/http/web_security.h"
#include "ember/obs/logger.h"
#include "ember/obs/metrics.h"

namespace ember::http {

// Fixed at Start unless a field says it is reloadable. A timeout of zero
// means no timeout.
struct ServerOptions {
  // Where to listen, in Go's form: ":9090" (every interface, IPv6 and IPv4),
  // "0.0.0.0:9090", "[::1]:9090", "localhost:9090"; port 0 picks a free port
  // (see Server::port). Default: "127.0.0.1:0".
  std::string listen_address = "127.0.0.1:0";
  // Largest request body, in bytes, whether announced by Content-Length or
  // counted while reading a chunked body; larger requests get 413. A route
  // may set its own limit (RouteOptions::max_body_bytes). Default: 10 MiB.
  size_t max_request_body_bytes = 10 << 20;
  // Largest request line plus header fields, in bytes; larger gets 431.
  // Default: 1 MiB (as Go's http.DefaultMaxHeaderBytes).
  size_t max_header_bytes = 1 << 20;
  // Time allowed to receive a request's line and header fields, counted
  // from the first byte of the request (from the accept, for a connection's
  // first request). Default: 1 minute.
  std::chrono::milliseconds read_header_timeout = std::chrono::minutes(1);
  // Time allowed to receive a whole request, header and body; a client that
  // trickles bytes is disconnected when it runs out. Default: 5 minutes
  // (Prometheus's --web.read-timeout).
  std::chrono::milliseconds read_timeout = std::chrono::minutes(5);
  // Time a keep-alive connection may wait for its next request before it is
  // closed. Default: 5 minutes.
  std::chrono::milliseconds idle_timeout = std::chrono::minutes(5);
  // Time allowed to send one response (not counting the handler's work).
  // Default: 5 minutes.
  std::chrono::milliseconds write_timeout = std::chrono::minutes(5);
  // Threads running the io_context: reading, writing, TLS, inline handlers.
  // Default: 2.
  size_t io_threads = 2;
  // Threads running handlers; 0 means one per hardware thread. Default: 0.
  size_t worker_threads = 0;
  // Requests that may wait for a worker beyond the busy ones; more get 503.
  // Default: 256.
  size_t max_queued_requests = 256;
  // Connections served at once; further clients wait in the listen backlog
  // until one closes (as Prometheus's --web.max-connections). 0 means no
  // limit. Default: 512.
  size_t max_connections = 512;
  // Prefix of the request metrics: "prometheus" gives
  // prometheus_http_requests_total{code,handler},
  // prometheus_http_request_duration_seconds{handler} and
  // prometheus_http_response_size_bytes{handler}; "" gives no prefix.
  // Default: "ember".
  std::string metrics_namespace = "ember";
  // Bodies shorter than this, in bytes, are sent uncompressed even when the
  // client accepts gzip: compressing them saves too little. Default: 1024.
  size_t gzip_min_bytes = 1024;
  // TLS, basic auth and extra headers; reloadable with
  // Server::UpdateSecurity. Default: none of them.
  WebSecurity security;
};

class Server {
 public:
  // `metrics` receives the request metrics and must outlive the server; the
  // router is only read from now on.
  Server(ServerOptions options, Router router, Logger logger, MetricsRegistry& metrics);
  // Shuts down with no grace if still running.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Validates the options, router and security settings, binds, listens and
  // starts the threads. Returns once connections are accepted.
  // Errors: InvalidArgument for a bad option, route or security setting;
  // IOError when the address cannot be bound ("listen tcp 127.0.0.1:9090:
  // bind: address already in use"); FailedPrecondition when called twice.
  Status Start();

  // The bound port (the chosen one when the address said port 0); 0 before Start.
  uint16_t port() const;
  // The bound address as "ip:port", e.g. "127.0.0.1:41873" or "[::]:9090".
  std::string bound_address() const;
  // True from a successful Start until Shutdown stops accepting.
  bool accepting() const;

  // Replaces TLS settings, basic-auth users and extra headers for
  // connections accepted from now on; open connections keep what they
  // started with. The new settings are checked first (certificates load,
  // hashes are bcrypt) and nothing changes on error.
  // Errors: InvalidArgument as ValidateWebSecurity.
  Status UpdateSecurity(WebSecurity security);

  // Stops accepting (new clients are refused), closes idle connections and
  // lets requests in flight finish; their responses carry Connection: close.
  // After `grace`, closes what remains and signals Request::stop_token to
  // handlers still running, then waits for them to return. Returns when every
  // thread has stopped. OK when everything finished within the grace period;
  // DeadlineExceeded naming how many connections were cut. Calling it
  // again, or before Start, does nothing and returns OK. Never call it from
  // a handler: it waits for handlers to return (a /-/quit handler asks
  // main() to shut down instead).
  Status Shutdown(std::chrono::milliseconds grace);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ember::http
