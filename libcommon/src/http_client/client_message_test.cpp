#include "ember/http/client_message.h"

#include <catch2/catch.hpp>

#include "wire_request.h"

namespace ember::http {
namespace {

TEST_CASE("BasicAuthorization encodes user and password", "[client_message]") {
  CHECK(BasicAuthorization("Aladdin", "open sesame") == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  CHECK(BasicAuthorization("", "") == "Basic Og==");
}

TEST_CASE("Wire requests reject header injection and frame bodies", "[client_message]") {
  using client_internal::BuildWireRequest;
  client_internal::Url url = *client_internal::ParseUrl("http://[::1]:9090/api/v1/write");

  ClientRequest post{.method = "POST", .url = url.ToString()};
  post.headers.Set("Content-Length", "999");
  Result<client_internal::WireRequest> wire = BuildWireRequest(post, url, "Ember", true);
  REQUIRE(wire.ok());
  CHECK((*wire)[boost::beast::http::field::host] == "[::1]:9090");
  CHECK((*wire)[boost::beast::http::field::content_length] == "0");
  CHECK((*wire)[boost::beast::http::field::user_agent] == "Ember");
  CHECK((*wire)[boost::beast::http::field::accept_encoding] == "gzip");

  ClientRequest injected{.url = url.ToString()};
  injected.headers.Set("X-A", "1\r\nX-B: 2");
  CHECK(BuildWireRequest(injected, url, "", false).status().code() == StatusCode::kInvalidArgument);
  ClientRequest bad_name{.url = url.ToString()};
  bad_name.headers.Set("Bad Name", "1");
  CHECK(BuildWireRequest(bad_name, url, "", false).status().code() == StatusCode::kInvalidArgument);
  ClientRequest bad_method{.method = "GE T", .url = url.ToString()};
  CHECK(BuildWireRequest(bad_method, url, "", false).status().code() == StatusCode::kInvalidArgument);

  CHECK(client_internal::OperationName("GET") == "Get");
  CHECK(client_internal::IsReplayable(ClientRequest{.method = "PUT"}));
  CHECK_FALSE(client_internal::IsReplayable(ClientRequest{.method = "POST"}));
  ClientRequest keyed{.method = "POST"};
  keyed.headers.Set("Idempotency-Key", "k");
  CHECK(client_internal::IsReplayable(keyed));
}

}  // namespace
}  // namespace ember::http
