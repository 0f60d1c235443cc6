#include <catch2/catch.hpp>

#include "ember/http/client.h"
#include "test_certificates.h"
#include "test_server.h"

namespace ember::http {
namespace {

using testing::ServerConnection;
using testing::TestCertificates;
using testing::TestRequest;
using testing::TestServer;
using testing::TestServerTls;

std::unique_ptr<HttpClient> NewClient(TlsClientOptions tls) {
  Result<std::unique_ptr<HttpClient>> client = HttpClient::Create({.tls = std::move(tls)});
  INFO(client.status().ToString());
  REQUIRE(client.ok());
  return std::move(client).value();
}

// Answers with the common name of the client's certificate ("" without one).
TestServer NewServer(const TestCertificates& certs, bool require_client_cert = false) {
  TestServerTls tls{.cert_file = certs.server_cert_file(), .key_file = certs.server_key_file()};
  if (require_client_cert) tls.client_ca_file = certs.ca_file();
  return TestServer(
      [](const TestRequest&, ServerConnection& connection) {
        connection.Respond(200, "client=" + connection.PeerCommonName());
        return true;
      },
      tls);
}

TEST_CASE("TLS servers signed by the configured CA are trusted", "[http_client][tls]") {
  TestCertificates certs;
  TestServer server = NewServer(certs);
  auto client = NewClient({.ca_file = certs.ca_file()});
  for (int i = 0; i < 3; ++i) {
    Result<ClientResponse> response = client->Do({.url = server.Url("/")});
    INFO(response.status().ToString());
    REQUIRE(response.ok());
    CHECK(response->body == "client=");
  }
  CHECK(server.connections_accepted() == 1);

  auto by_name = NewClient({.ca_file = certs.ca_file(), .server_name = "localhost"});
  CHECK(by_name->Do({.url = server.Url("/")}).ok());
}

TEST_CASE("TLS verification failures are Unavailable with OpenSSL's reason", "[http_client][tls]") {
  TestCertificates certs;
  TestServer server = NewServer(certs);

  auto wrong_ca = NewClient({.ca_file = certs.other_ca_file()});
  Result<ClientResponse> response = wrong_ca->Do({.url = server.Url("/")});
  REQUIRE_FALSE(response.ok());
  CHECK(response.status().code() == StatusCode::kUnavailable);
  CHECK_THAT(response.status().message(),
             Catch::Contains("tls: certificate verify failed: unable to get local issuer certificate"));

  auto wrong_name = NewClient({.ca_file = certs.ca_file(), .server_name = "other.example"});
  response = wrong_name->Do({.url = server.Url("/")});
  REQUIRE_FALSE(response.ok());
  CHECK(response.status().code() == StatusCode::kUnavailable);
  CHECK_THAT(response.status().message(), Catch::Contains("certificate verify failed: hostname mismatch"));

  auto insecure = NewClient({.ca_file = certs.other_ca_file(), .insecure_skip_verify = true});
  CHECK(insecure->Do({.url = server.Url("/")}).ok());
}

TEST_CASE("A client certificate is presented when configured", "[http_client][tls]") {
  TestCertificates certs;
  TestServer server = NewServer(certs, /*require_client_cert=*/true);

  auto with_cert = NewClient({.ca_file = certs.ca_file(),
                              .cert_file = certs.client_cert_file(),
                              .key_file = certs.client_key_file()});
  Result<ClientResponse> response = with_cert->Do({.url = server.Url("/")});
  INFO(response.status().ToString());
  REQUIRE(response.ok());
  CHECK(response->body == "client=ember-client");

  auto without_cert = NewClient({.ca_file = certs.ca_file()});
  response = without_cert->Do({.url = server.Url("/")});
  REQUIRE_FALSE(response.ok());
  CHECK(response.status().code() == StatusCode::kUnavailable);
}

TEST_CASE("Unusable TLS options are rejected at creation", "[http_client][tls]") {
  TestCertificates certs;
  auto missing_ca = HttpClient::Create({.tls = {.ca_file = certs.dir() + "/missing.pem"}});
  CHECK(missing_ca.status().code() == StatusCode::kInvalidArgument);
  CHECK_THAT(missing_ca.status().message(), Catch::Contains("missing.pem"));
  CHECK(HttpClient::Create({.tls = {.cert_file = certs.client_cert_file()}}).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(HttpClient::Create({.tls = {.min_version = "SSL3"}}).status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ember::http
