#include <catch2/catch.hpp>

#include "basic_authenticator.h"
#include "ember/http/server.h"
#include "test_bcrypt_hash.h"
#include "test_client.h"
#include "test_server.h"

namespace ember::http {
namespace {

using testing::Fetch;
using testing::Get;
using testing::TestServer;

std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    const size_t n = std::min<size_t>(3, in.size() - i);
    uint32_t v = 0;
    for (size_t k = 0; k < 3; ++k) v = (v << 8) | (k < n ? static_cast<unsigned char>(in[i + k]) : 0);
    for (size_t k = 0; k < 4; ++k) out += k <= n ? kAlphabet[(v >> (18 - 6 * k)) & 63] : '=';
  }
  return out;
}

std::string AuthHeader(std::string_view user, std::string_view password) {
  return "Authorization: Basic " + Base64(std::string(user) + ":" + std::string(password)) + "\r\n";
}

TEST_CASE("ParseBasicAuthorization follows Go's Request.BasicAuth", "[auth]") {
  auto creds = ParseBasicAuthorization("Basic " + Base64("alice:pa:ss"));
  REQUIRE(creds);
  CHECK(creds->user == "alice");
  CHECK(creds->password == "pa:ss");
  CHECK(ParseBasicAuthorization("basic " + Base64("a:b")));
  CHECK_FALSE(ParseBasicAuthorization("Bearer " + Base64("a:b")));
  CHECK_FALSE(ParseBasicAuthorization("Basic " + Base64("no-colon")));
  CHECK_FALSE(ParseBasicAuthorization("Basic !!!!"));
  CHECK_FALSE(ParseBasicAuthorization(""));
}

TEST_CASE("BasicAuthenticator verifies bcrypt and caches successes", "[auth]") {
  BasicAuthenticator auth({{"alice", testing::TestBcryptHash("secret")}});
  REQUIRE(auth.enabled());
  const BasicCredentials right{"alice", "secret"};
  CHECK_FALSE(auth.CheckCached(right).has_value());
  CHECK(auth.Verify(right));
  CHECK(auth.CheckCached(right) == std::optional<bool>(true));
  CHECK_FALSE(auth.Verify({"alice", "wrong"}));
  CHECK_FALSE(auth.CheckCached({"alice", "wrong"}).has_value());
  CHECK_FALSE(auth.Verify({"mallory", "secret"}));
  CHECK_FALSE(BasicAuthenticator({}).enabled());
}

TEST_CASE("Basic auth guards every route", "[auth]") {
  Router router;
  router.Get("/api", [](Request& r) { return Response::Text(200, "hi " + r.user); });
  router.Get(
      "/-/healthy", [](Request&) { return Response::Text(200, "Healthy"); },
      RouteOptions{.run_inline = true});
  ServerOptions options;
  options.security.basic_auth_users = {{"alice", testing::TestBcryptHash("secret")},
                                       {"bob", testing::TestBcryptHash("hunter2")}};
  TestServer ts(std::move(router), options);
  REQUIRE(ts.start_status().ok());

  auto none = Fetch(ts.port(), Get("/api"));
  REQUIRE(none.ok());
  CHECK(none->status == 401);
  CHECK(none->headers.Get("WWW-Authenticate") == "Basic");

  auto wrong = Fetch(ts.port(), Get("/api", AuthHeader("alice", "hunter2")));
  REQUIRE(wrong.ok());
  CHECK(wrong->status == 401);

  auto unknown = Fetch(ts.port(), Get("/api", AuthHeader("mallory", "secret")));
  REQUIRE(unknown.ok());
  CHECK(unknown->status == 401);

  for (int i = 0; i < 2; ++i) {  // the second answer comes from the cache
    auto right = Fetch(ts.port(), Get("/api", AuthHeader("alice", "secret")));
    REQUIRE(right.ok());
    CHECK(right->status == 200);
    CHECK(right->body == "hi alice");
  }

  auto inline_route = Fetch(ts.port(), Get("/-/healthy"));
  REQUIRE(inline_route.ok());
  CHECK(inline_route->status == 401);
  auto inline_ok = Fetch(ts.port(), Get("/-/healthy", AuthHeader("bob", "hunter2")));
  REQUIRE(inline_ok.ok());
  CHECK(inline_ok->status == 200);

  auto missing = Fetch(ts.port(), Get("/nope"));
  REQUIRE(missing.ok());
  CHECK(missing->status == 401);
  auto missing_authed = Fetch(ts.port(), Get("/nope", AuthHeader("bob", "hunter2")));
  REQUIRE(missing_authed.ok());
  CHECK(missing_authed->status == 404);
}

}  // namespace
}  // namespace ember::http
