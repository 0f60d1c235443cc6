// The HTTP API's handlers, and their registration on the program's router.
//
// The routes exist from the start, but the handlers need the store, which
// opens (replaying its WAL) after the server listens. Until the store is
// open, every API route answers 503 "Service Unavailable", as Prometheus does
// while it starts, and /-/ready says the same.
#pragma once

#include <atomic>
#include <memory>

#include "api/federate.h"
#include "api/query_api.h"
#include "api/remote_read_api.h"
#include "api/remote_write_api.h"
#include "api/rules_api.h"
#include "api/status_api.h"
#include "ember/base/status.h"
#include "ember/http/router.h"

namespace ember::scraper {

// Every handler object; built once the store is open. A null member turns
// its routes off (404 for remote write when the receiver is disabled).
struct ApiHandlers {
  std::unique_ptr<QueryApi> query;
  std::unique_ptr<StatusApi> status;
  std::unique_ptr<RemoteWriteApi> remote_write;
  std::unique_ptr<RemoteReadApi> remote_read;
  std::unique_ptr<Federate> federate;
  std::unique_ptr<RulesApi> rules;
};

struct ApiRouteOptions {
  // --web.cors.origin: a request whose Origin header matches this regex
  // (anchored) gets CORS headers allowing it; ".*" allows every origin
  // ("Access-Control-Allow-Origin: *"). Empty: no CORS headers.
  std::string cors_origin = ".*";
  // The remote write receiver's route exists (--web.enable-remote-write-receiver).
  bool remote_write = true;
  // Largest remote write or remote read body. Unit: bytes.
  size_t max_remote_body_bytes = size_t{32} << 20;
};

// Registers every route on `router`, and OPTIONS on each /api/v1 path for CORS
// preflights. Handlers are looked up in `handlers` on each request; it is
// null until main() stores them, and must outlive the server.
// Error: InvalidArgument when cors_origin is not a valid regex.
Status RegisterApiRoutes(http::Router& router, const std::atomic<ApiHandlers*>& handlers,
                         const ApiRouteOptions& options);

}  // namespace ember::scraper
