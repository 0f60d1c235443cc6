#include <catch2/catch.hpp>

#include "ember/base/file_system.h"
#include "ember/http/server.h"
#include "ember/http/web_security.h"
#include "test_certificates.h"
#include "test_client.h"
#include "test_server.h"

namespace ember::http {
namespace {

using testing::Fetch;
using testing::Get;
using testing::TestCertificates;
using testing::TestClient;
using testing::TestServer;
using testing::TlsClientConfig;

Router HelloRouter() {
  Router router;
  router.Get("/hello", [](Request& r) { return Response::Text(200, r.tls ? "hello over tls" : "hello"); });
  return router;
}

WebSecurity TlsSecurity(const TestCertificates& certs, std::string client_auth_type = "NoClientCert") {
  WebSecurity security;
  security.tls.enabled = true;
  security.tls.cert_file = certs.server_cert_file();
  security.tls.key_file = certs.server_key_file();
  security.tls.client_auth_type = std::move(client_auth_type);
  if (security.tls.client_auth_type != "NoClientCert") security.tls.client_ca_file = certs.ca_file();
  return security;
}

bool Serves(uint16_t port, const TlsClientConfig& tls) {
  auto r = Fetch(port, Get("/hello"), &tls);
  return r.ok() && r->status == 200 && r->body == "hello over tls";
}

TEST_CASE("TLS: a verified handshake works and plaintext fails", "[tls]") {
  TestCertificates certs;
  ServerOptions options;
  options.security = TlsSecurity(certs);
  TestServer ts(HelloRouter(), options);
  REQUIRE(ts.start_status().ok());

  CHECK(Serves(ts.port(), TlsClientConfig{.ca_file = certs.ca_file()}));

  auto plain = TestClient::Connect(ts.port());
  REQUIRE(plain.ok());
  REQUIRE((*plain)->Send(Get("/hello")).ok());
  CHECK_FALSE((*plain)->ReadResponse().ok());
  CHECK(ts.log().Contains({"TLS handshake error"}));
}

TEST_CASE("TLS: inline PEM, versions, cipher suites and curves", "[tls]") {
  TestCertificates certs;
  ServerOptions options;
  options.security.tls.enabled = true;
  Result<std::string> cert = FileSystem::Real().ReadFile(certs.server_cert_file());
  Result<std::string> key = FileSystem::Real().ReadFile(certs.server_key_file());
  REQUIRE(cert.ok());
  REQUIRE(key.ok());
  options.security.tls.cert = *cert;
  options.security.tls.key = *key;
  options.security.tls.min_version = "TLS12";
  options.security.tls.max_version = "TLS12";
  options.security.tls.cipher_suites = {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                                        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305"};
  options.security.tls.curve_preferences = {"X25519", "CurveP256"};
  TestServer ts(HelloRouter(), options);
  REQUIRE(ts.start_status().ok());
  CHECK(Serves(ts.port(), TlsClientConfig{.ca_file = certs.ca_file()}));
}

TEST_CASE("TLS: settings are validated", "[tls]") {
  TestCertificates certs;
  WebSecurity good = TlsSecurity(certs);
  CHECK(ValidateWebSecurity(good).ok());

  auto broken = [&](auto mutate) {
    WebSecurity s = good;
    mutate(s);
    return ValidateWebSecurity(s);
  };
  CHECK(broken([](WebSecurity& s) { s.tls.cert_file = "/nonexistent.crt"; }).code() ==
        StatusCode::kInvalidArgument);
  CHECK(broken([&](WebSecurity& s) { s.tls.key_file = certs.client_key_file(); }).code() ==
        StatusCode::kInvalidArgument);
  CHECK(broken([](WebSecurity& s) { s.tls.key_file.clear(); }).code() == StatusCode::kInvalidArgument);
  CHECK(broken([](WebSecurity& s) { s.tls.client_auth_type = "Sometimes"; }).code() ==
        StatusCode::kInvalidArgument);
  CHECK(broken([&](WebSecurity& s) { s.tls.client_ca_file = certs.ca_file(); }).code() ==
        StatusCode::kInvalidArgument);
  CHECK(broken([](WebSecurity& s) { s.tls.min_version = "TLS14"; }).code() == StatusCode::kInvalidArgument);
  CHECK(broken([](WebSecurity& s) { s.tls.cipher_suites = {"TLS_MADE_UP"}; }).code() ==
        StatusCode::kInvalidArgument);
  CHECK(broken([](WebSecurity& s) { s.tls.curve_preferences = {"CurveP999"}; }).code() ==
        StatusCode::kInvalidArgument);
  CHECK(broken([](WebSecurity& s) { s.basic_auth_users["bob"] = "plaintext"; }).code() ==
        StatusCode::kInvalidArgument);
  CHECK(broken([](WebSecurity& s) {
          s.headers.push_back({"Bad Name", "x"});
        }).code() == StatusCode::kInvalidArgument);
}

TEST_CASE("TLS: client certificate policies", "[tls]") {
  TestCertificates certs;
  const TlsClientConfig no_cert{.ca_file = certs.ca_file()};
  const TlsClientConfig signed_cert{
      .ca_file = certs.ca_file(), .cert_file = certs.client_cert_file(), .key_file = certs.client_key_file()};
  const TlsClientConfig other_client_cert{.ca_file = certs.ca_file(),
                                          .cert_file = certs.other_client_cert_file(),
                                          .key_file = certs.other_client_key_file()};

  SECTION("RequireAndVerifyClientCert") {
    ServerOptions options;
    options.security = TlsSecurity(certs, "RequireAndVerifyClientCert");
    TestServer ts(HelloRouter(), options);
    REQUIRE(ts.start_status().ok());
    CHECK_FALSE(Serves(ts.port(), no_cert));
    CHECK_FALSE(Serves(ts.port(), other_client_cert));
    CHECK(Serves(ts.port(), signed_cert));
  }
  SECTION("VerifyClientCertIfGiven") {
    ServerOptions options;
    options.security = TlsSecurity(certs, "VerifyClientCertIfGiven");
    TestServer ts(HelloRouter(), options);
    REQUIRE(ts.start_status().ok());
    CHECK(Serves(ts.port(), no_cert));
    CHECK_FALSE(Serves(ts.port(), other_client_cert));
    CHECK(Serves(ts.port(), signed_cert));
  }
  SECTION("RequireAnyClientCert") {
    ServerOptions options;
    options.security = TlsSecurity(certs, "RequireAnyClientCert");
    TestServer ts(HelloRouter(), options);
    REQUIRE(ts.start_status().ok());
    CHECK_FALSE(Serves(ts.port(), no_cert));
    CHECK(Serves(ts.port(), other_client_cert));
  }
  SECTION("RequestClientCert") {
    ServerOptions options;
    options.security = TlsSecurity(certs, "RequestClientCert");
    TestServer ts(HelloRouter(), options);
    REQUIRE(ts.start_status().ok());
    CHECK(Serves(ts.port(), no_cert));
    CHECK(Serves(ts.port(), other_client_cert));
  }
}

TEST_CASE("UpdateSecurity switches new connections and rejects bad settings", "[tls]") {
  TestCertificates certs;
  TestServer ts(HelloRouter());
  REQUIRE(ts.start_status().ok());

  auto before = TestClient::Connect(ts.port());
  REQUIRE(before.ok());

  WebSecurity bad = TlsSecurity(certs);
  bad.tls.cert_file = certs.dir() + "/missing.crt";
  CHECK(ts.server().UpdateSecurity(bad).code() == StatusCode::kInvalidArgument);
  auto still_plain = Fetch(ts.port(), Get("/hello"));
  REQUIRE(still_plain.ok());
  CHECK(still_plain->body == "hello");

  WebSecurity tls = TlsSecurity(certs);
  tls.headers = {{"X-Frame-Options", "deny"}};
  REQUIRE(ts.server().UpdateSecurity(tls).ok());
  const TlsClientConfig client{.ca_file = certs.ca_file()};
  auto secure = Fetch(ts.port(), Get("/hello"), &client);
  REQUIRE(secure.ok());
  CHECK(secure->body == "hello over tls");
  CHECK(secure->headers.Get("X-Frame-Options") == "deny");

  // A connection accepted before the switch keeps speaking plain HTTP.
  REQUIRE((*before)->Send(Get("/hello")).ok());
  auto old = (*before)->ReadResponse();
  REQUIRE(old.ok());
  CHECK(old->body == "hello");
}

}  // namespace
}  // namespace ember::http
