#include "api/api_routes.h"

#include <string>

namespace ember::scraper {
namespace {

http::Response NotReady() { return http::Response::Text(503, "Service Unavailable"); }

// A handler that finds its object in the handlers once they exist.
template <class Api>
http::Handler Gate(const std::atomic<ApiHandlers*>& handlers, std::unique_ptr<Api> ApiHandlers::*member,
                   http::Response (Api::*method)(http::Request&)) {
  return [&handlers, member, method](http::Request& request) {
    ApiHandlers* h = handlers.load(std::memory_order_acquire);
    if (h == nullptr) return NotReady();
    Api* api = (h->*member).get();
    if (api == nullptr) return http::Response::Error(404, "404 page not found");
    return (api->*method)(request);
  };
}

}  // namespace

void RegisterApiRoutes(http::Router& router, const std::atomic<ApiHandlers*>& handlers,
                       const ApiRouteOptions& options) {
  for (const QueryApi::Route& route : QueryApi::Routes()) {
    http::Handler handler = Gate(handlers, &ApiHandlers::query, route.handler);
    router.Get(route.path, handler);
    if (route.allow_post) router.Post(route.path, handler);
  }
  for (const StatusApi::Route& route : StatusApi::Routes()) {
    http::Handler handler = Gate(handlers, &ApiHandlers::status, route.handler);
    for (const std::string& method : route.methods) router.Handle(method, route.path, handler);
  }
  const http::RouteOptions remote_body{.max_body_bytes = options.max_remote_body_bytes, .compress = false};
  if (options.remote_write) {
    router.Post("/api/v1/write", Gate(handlers, &ApiHandlers::remote_write, &RemoteWriteApi::Write),
                remote_body);
  }
  router.Post("/api/v1/read", Gate(handlers, &ApiHandlers::remote_read, &RemoteReadApi::Read), remote_body);
  router.Get("/federate", Gate(handlers, &ApiHandlers::federate, &Federate::Serve));
}

}  // namespace ember::scraper
