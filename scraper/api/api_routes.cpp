#include "api/api_routes.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ember/tsdb/matcher.h"

namespace ember::scraper {
namespace {

http::Response NotReady() { return http::Response::Text(503, "Service Unavailable"); }

// Adds CORS headers to answers to browsers whose Origin is allowed, as
// Prometheus's API does.
class Cors {
 public:
  static Result<std::shared_ptr<const Cors>> Create(const std::string& origin_regex) {
    auto cors = std::make_shared<Cors>();
    if (origin_regex.empty()) return std::shared_ptr<const Cors>(cors);
    cors->any_ = origin_regex == ".*";
    if (!cors->any_) {
      EMBER_ASSIGN_OR_RETURN(tsdb::Matcher m,
                             tsdb::Matcher::Create(tsdb::MatchType::kRegexMatch, "origin", origin_regex));
      cors->origin_ = std::move(m);
    }
    cors->enabled_ = true;
    return std::shared_ptr<const Cors>(cors);
  }

  void Apply(const http::Request& request, http::Response& response) const {
    if (!enabled_) return;
    const std::string_view origin = request.headers.Get("Origin");
    if (origin.empty()) return;
    response.headers.Set("Access-Control-Allow-Headers", "Accept, Authorization, Content-Type, Origin");
    response.headers.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    response.headers.Set("Access-Control-Expose-Headers", "Date");
    response.headers.Set("Vary", "Origin");
    if (any_) {
      response.headers.Set("Access-Control-Allow-Origin", "*");
    } else if (origin_ && origin_->Matches(origin)) {
      response.headers.Set("Access-Control-Allow-Origin", std::string(origin));
    }
  }

 private:
  bool enabled_ = false;
  bool any_ = false;
  std::optional<tsdb::Matcher> origin_;
};

// A handler that finds its object in the handlers once they exist.
template <class Api>
http::Handler Gate(const std::atomic<ApiHandlers*>& handlers, std::shared_ptr<const Cors> cors,
                   std::unique_ptr<Api> ApiHandlers::*member, http::Response (Api::*method)(http::Request&)) {
  return [&handlers, cors, member, method](http::Request& request) {
    ApiHandlers* h = handlers.load(std::memory_order_acquire);
    if (h == nullptr) return NotReady();
    Api* api = (h->*member).get();
    if (api == nullptr) return http::Response::Error(404, "404 page not found");
    http::Response response = (api->*method)(request);
    cors->Apply(request, response);
    return response;
  };
}

}  // namespace

Status RegisterApiRoutes(http::Router& router, const std::atomic<ApiHandlers*>& handlers,
                         const ApiRouteOptions& options) {
  EMBER_ASSIGN_OR_RETURN(std::shared_ptr<const Cors> cors, Cors::Create(options.cors_origin));
  for (const QueryApi::Route& route : QueryApi::Routes()) {
    http::Handler handler = Gate(handlers, cors, &ApiHandlers::query, route.handler);
    router.Get(route.path, handler);
    if (route.allow_post) router.Post(route.path, handler);
  }
  for (const StatusApi::Route& route : StatusApi::Routes()) {
    http::Handler handler = Gate(handlers, cors, &ApiHandlers::status, route.handler);
    for (const std::string& method : route.methods) router.Handle(method, route.path, handler);
  }
  for (const RulesApi::Route& route : RulesApi::Routes()) {
    router.Get(route.path, Gate(handlers, cors, &ApiHandlers::rules, route.handler));
  }
  const http::RouteOptions remote_body{.max_body_bytes = options.max_remote_body_bytes, .compress = false};
  if (options.remote_write) {
    router.Post("/api/v1/write", Gate(handlers, cors, &ApiHandlers::remote_write, &RemoteWriteApi::Write),
                remote_body);
  }
  router.Post("/api/v1/read", Gate(handlers, cors, &ApiHandlers::remote_read, &RemoteReadApi::Read),
              remote_body);
  router.Get("/federate", Gate(handlers, cors, &ApiHandlers::federate, &Federate::Serve));
  // CORS preflights, 204 with the CORS headers, on each API path (not on a
  // wildcard: an unknown path stays 404, as with Prometheus).
  std::vector<std::string> paths;
  for (const http::Route& route : router.routes()) {
    if (route.pattern.rfind("/api/v1/", 0) == 0 &&
        std::find(paths.begin(), paths.end(), route.pattern) == paths.end()) {
      paths.push_back(route.pattern);
    }
  }
  for (const std::string& path : paths) {
    router.Handle("OPTIONS", path,
                  [cors](http::Request& request) {
                    http::Response response;
                    response.status = 204;
                    cors->Apply(request, response);
                    return response;
                  },
                  {.run_inline = true});
  }
  return Status::Ok();
}

}  // namespace ember::scraper
