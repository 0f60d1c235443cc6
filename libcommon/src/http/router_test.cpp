#include "ember/http/router.h"

#include <catch2/catch.hpp>

namespace ember::http {
namespace {

Handler Named(std::string name) {
  return [name](Request&) { return Response::Text(200, name); };
}

std::string Run(const RouteMatch& m) {
  Request r;
  return m.route ? m.route->handler(r).body : "";
}

TEST_CASE("Router matches literals, parameters and wildcards", "[router]") {
  Router router;
  router.Get("/api/v1/query", Named("query"));
  router.Post("/api/v1/query", Named("query-post"));
  router.Get("/api/v1/label/:name/values", Named("label-values"));
  router.Get("/api/v1/label/__name__/values", Named("metric-names"));
  router.Get("/static/*path", Named("static"));
  router.Get("/*page", Named("ui"));
  router.Get("/", Named("root"));
  REQUIRE(router.status().ok());

  CHECK(Run(router.Find("GET", "/api/v1/query")) == "query");
  CHECK(Run(router.Find("POST", "/api/v1/query")) == "query-post");

  auto label = router.Find("GET", "/api/v1/label/job/values");
  CHECK(Run(label) == "label-values");
  CHECK(label.path_params.Get("name") == "job");
  CHECK(Run(router.Find("GET", "/api/v1/label/__name__/values")) == "metric-names");

  auto file = router.Find("GET", "/static/js/app.js");
  CHECK(Run(file) == "static");
  CHECK(file.path_params.Get("path") == "js/app.js");
  CHECK(router.Find("GET", "/static").path_params.Get("path").empty());

  CHECK(Run(router.Find("GET", "/graph")) == "ui");
  CHECK(Run(router.Find("GET", "/")) == "root");
  // A parameter never matches an empty segment.
  CHECK(Run(router.Find("GET", "/api/v1/label//values")) == "ui");
}

TEST_CASE("Router answers 404, 405 with Allow, and HEAD through GET", "[router]") {
  Router router;
  router.Get("/metrics", Named("metrics"));
  router.Post("/-/reload", Named("reload"));
  router.Put("/-/reload", Named("reload-put"));

  auto missing = router.Find("GET", "/nope");
  CHECK(missing.route == nullptr);
  CHECK(missing.status == 404);

  auto wrong = router.Find("GET", "/-/reload");
  CHECK(wrong.route == nullptr);
  CHECK(wrong.status == 405);
  CHECK(wrong.allow == "POST, PUT");

  auto post_metrics = router.Find("POST", "/metrics");
  CHECK(post_metrics.status == 405);
  CHECK(post_metrics.allow == "GET, HEAD");

  auto head = router.Find("HEAD", "/metrics");
  CHECK(Run(head) == "metrics");
}

TEST_CASE("Router records registration mistakes", "[router]") {
  SECTION("duplicate") {
    Router router;
    router.Get("/a", Named("a"));
    router.Get("/a", Named("b"));
    CHECK(router.status().code() == StatusCode::kInvalidArgument);
    CHECK(router.Find("GET", "/a").route->handler);
  }
  SECTION("wildcard not last") {
    Router router;
    router.Get("/a/*rest/b", Named("a"));
    CHECK_FALSE(router.status().ok());
  }
  SECTION("relative pattern") {
    Router router;
    router.Get("metrics", Named("a"));
    CHECK_FALSE(router.status().ok());
  }
}

}  // namespace
}  // namespace ember::http
