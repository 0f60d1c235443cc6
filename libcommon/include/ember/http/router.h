// Router: maps a method and a path to a handler.
//
// Patterns are absolute paths whose segments are literal ("/api/v1/query"),
// a parameter (":name" matches one non-empty segment) or, as the last
// segment only, a wildcard ("*rest" matches the remaining segments, possibly
// none, and captures them without the leading '/'): "/static/*path" serves
// "/static", "/static/" and "/static/js/app.js". When several patterns match,
// the one whose segments are more specific from left to right wins (literal
// over parameter over wildcard), whatever the registration order.
//
// A path that matches no pattern is 404; a path that matches only patterns of
// other methods is 405 with an Allow header. HEAD is served by the GET handler
// (the server drops the body) unless a HEAD route exists.
//
// Registration is not thread-safe; once the router is handed to a Server it is
// only read, from many threads.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "ember/base/status.h"
#include "ember/http/request.h"
#include "ember/http/response.h"

namespace ember::http {

// Runs on a worker thread (or the connection's I/O strand for inline routes)
// and may be called concurrently for different requests. An exception it
// throws becomes a 500 and is logged.
using Handler = std::function<Response(Request&)>;

struct RouteOptions {
  // Run on the connection's I/O strand instead of the worker pool. Only for
  // handlers that never block and finish in microseconds (/-/healthy,
  // /-/ready): one slow inline handler stalls every connection on its thread.
  // Default: false (the bounded worker pool).
  bool run_inline = false;
  // Largest request body accepted on this route, in bytes; 0 means the
  // server's max_request_body_bytes. Default: 0.
  size_t max_body_bytes = 0;
  // Whether the server may gzip responses when the client accepts it. Off for
  // bodies that are already compressed. Default: true.
  bool compress = true;
  // The `handler` label of the request metrics; "" means the pattern.
  // Default: "".
  std::string metric_handler;
};

struct Route {
  std::string method;
  std::string pattern;
  Handler handler;
  RouteOptions options;
};

// The outcome of a lookup.
struct RouteMatch {
  const Route* route = nullptr;  // null for 404 and 405; owned by the Router
  Params path_params;
  // When `route` is null: 405 if the path matched under other methods, else 404.
  int status = 404;
  std::string allow;  // for 405: the allowed methods, "GET, HEAD, POST"
};

class Router {
 public:
  // Registers `handler` for `method` (upper case) and `pattern`. A malformed
  // pattern or a second registration of the same method and pattern is a
  // programming error: it is recorded, status() reports it and
  // Server::Start refuses the router.
  void Handle(std::string_view method, std::string_view pattern, Handler handler, RouteOptions options = {});
  void Get(std::string_view pattern, Handler handler, RouteOptions options = {}) {
    Handle("GET", pattern, std::move(handler), std::move(options));
  }
  void Post(std::string_view pattern, Handler handler, RouteOptions options = {}) {
    Handle("POST", pattern, std::move(handler), std::move(options));
  }
  void Put(std::string_view pattern, Handler handler, RouteOptions options = {}) {
    Handle("PUT", pattern, std::move(handler), std::move(options));
  }
  void Delete(std::string_view pattern, Handler handler, RouteOptions options = {}) {
    Handle("DELETE", pattern, std::move(handler), std::move(options));
  }

  // The first registration error, or OK.
  Status status() const { return status_; }

  // Finds the route for `raw_path`, the path as sent (still percent-encoded):
  // it is split at '/' first and each segment decoded after, so an encoded
  // "%2F" stays inside its parameter value. A malformed escape matches
  // nothing. Thread-safe once registration is done.
  RouteMatch Find(std::string_view method, std::string_view raw_path) const;

  // Every registered route, in registration order.
  const std::vector<Route>& routes() const { return routes_; }

 private:
  enum class SegmentKind { kLiteral, kParam, kWildcard };
  struct Segment {
    SegmentKind kind;
    std::string text;  // the literal, or the parameter's name
  };
  struct CompiledRoute {
    std::vector<Segment> segments;
  };

  // Matches `path_segments` against route `i`, filling `params` and the
  // route's specificity (one SegmentKind per segment, literal highest).
  bool Matches(size_t i, const std::vector<std::string>& path_segments, Params* params,
               std::vector<int>* specificity) const;

  std::vector<Route> routes_;
  std::vector<CompiledRoute> compiled_;  // parallel to routes_
  Status status_;
};

}  // namespace ember::http
