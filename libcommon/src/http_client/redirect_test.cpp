#include "redirect.h"

#include <catch2/catch.hpp>

namespace ember::http::client_internal {
namespace {

TEST_CASE("Redirects change the method as Go's client does", "[redirect]") {
  Url from = *ParseUrl("http://api.example/submit");
  for (int status : {301, 302, 303}) {
    ClientRequest request{.method = "POST", .url = from.ToString(), .body = "payload"};
    request.headers.Set("Content-Type", "text/plain");
    Result<Url> next = FollowRedirect(from, status, "/done", request);
    REQUIRE(next.ok());
    CHECK(request.method == "GET");
    CHECK(request.body.empty());
    CHECK_FALSE(request.headers.Has("Content-Type"));
    CHECK(request.url == "http://api.example/done");
  }
  for (int status : {307, 308}) {
    ClientRequest request{.method = "PUT", .url = from.ToString(), .body = "payload"};
    REQUIRE(FollowRedirect(from, status, "/again", request).ok());
    CHECK(request.method == "PUT");
    CHECK(request.body == "payload");
  }
  ClientRequest head{.method = "HEAD", .url = from.ToString()};
  REQUIRE(FollowRedirect(from, 302, "/x", head).ok());
  CHECK(head.method == "HEAD");
}

TEST_CASE("Credentials are kept only for the same host or its subdomains", "[redirect]") {
  Url from = *ParseUrl("http://example.com/a");
  auto headers_after = [&](std::string_view location) {
    ClientRequest request{.url = from.ToString()};
    request.headers.Set("Authorization", "Bearer t");
    request.headers.Set("Cookie", "c=1");
    request.headers.Set("X-Other", "kept");
    REQUIRE(FollowRedirect(from, 302, location, request).ok());
    CHECK(request.headers.Get("X-Other") == "kept");
    return request.headers;
  };
  CHECK(headers_after("/b").Has("Authorization"));
  CHECK(headers_after("http://api.example.com/b").Has("Cookie"));
  CHECK_FALSE(headers_after("http://evil.com/b").Has("Authorization"));
  CHECK_FALSE(headers_after("http://notexample.com/b").Has("Cookie"));
}

TEST_CASE("An unusable Location is an error", "[redirect]") {
  Url from = *ParseUrl("http://example.com/a");
  ClientRequest request{.url = from.ToString()};
  Result<Url> next = FollowRedirect(from, 302, "ftp://files/x", request);
  REQUIRE_FALSE(next.ok());
  CHECK(next.status().code() == StatusCode::kInvalidArgument);
  CHECK(request.url == "http://example.com/a");
  CHECK(IsRedirectStatus(308));
  CHECK_FALSE(IsRedirectStatus(304));
  CHECK_FALSE(IsRedirectStatus(300));
}

}  // namespace
}  // namespace ember::http::client_internal
