#include "url.h"

#include <catch2/catch.hpp>

namespace ember::http::client_internal {
namespace {

Url MustParse(std::string_view text) {
  Result<Url> url = ParseUrl(text);
  INFO(text << ": " << url.status().ToString());
  REQUIRE(url.ok());
  return *url;
}

TEST_CASE("ParseUrl splits scheme, host, port and target", "[url]") {
  Url url = MustParse("http://Example.COM:9100/metrics?x=1&y=2#frag");
  CHECK(url.scheme == Scheme::kHttp);
  CHECK(url.host == "example.com");
  CHECK(url.port == 9100);
  CHECK(url.explicit_port);
  CHECK(url.target == "/metrics?x=1&y=2");
  CHECK(url.Authority() == "example.com:9100");
  CHECK(url.ToString() == "http://example.com:9100/metrics?x=1&y=2");

  Url https = MustParse("HTTPS://host");
  CHECK(https.scheme == Scheme::kHttps);
  CHECK(https.port == 443);
  CHECK_FALSE(https.explicit_port);
  CHECK(https.target == "/");
  CHECK(https.Authority() == "host");
  CHECK(https.HostPort() == "host:443");
  CHECK(https.PoolKey() == "https://host:443");

  CHECK(MustParse("http://h?q=1").target == "/?q=1");
  CHECK(MustParse("http://h:/p").port == 80);
}

TEST_CASE("ParseUrl accepts bracketed IPv6 literals", "[url]") {
  Url url = MustParse("http://[::1]:9090/api/v1/query");
  CHECK(url.host == "::1");
  CHECK(url.port == 9090);
  CHECK(url.Authority() == "[::1]:9090");
  CHECK(url.HostPort() == "[::1]:9090");
  CHECK(MustParse("https://[fe80::1]/").HostPort() == "[fe80::1]:443");
}

TEST_CASE("ParseUrl rejects what cannot be requested", "[url]") {
  for (std::string_view bad :
       {"", "example.com/metrics", "ftp://host/", "http://", "http:///path", "http://user:pass@host/",
        "http://host:0/", "http://host:65536/", "http://host:x/", "http://::1/", "http://[::1/",
        "http://[nonsense]/", "http://ho st/", "http://host/a b", "http://host/\r\nX: y", "http://h%41/"}) {
    Result<Url> url = ParseUrl(bad);
    INFO(bad);
    REQUIRE_FALSE(url.ok());
    CHECK(url.status().code() == StatusCode::kInvalidArgument);
  }
  CHECK(ParseUrl("ftp://host/").status().message() == "unsupported protocol scheme \"ftp\"");
}

TEST_CASE("ResolveReference follows RFC 3986", "[url]") {
  Url base = MustParse("http://a.example:8080/b/c/d?q");
  auto resolve = [&](std::string_view ref) {
    Result<Url> url = ResolveReference(base, ref);
    INFO(ref << ": " << url.status().ToString());
    REQUIRE(url.ok());
    return url->ToString();
  };
  CHECK(resolve("https://other/x") == "https://other/x");
  CHECK(resolve("//other:81/x") == "http://other:81/x");
  CHECK(resolve("/x?y") == "http://a.example:8080/x?y");
  CHECK(resolve("g") == "http://a.example:8080/b/c/g");
  CHECK(resolve("./g/") == "http://a.example:8080/b/c/g/");
  CHECK(resolve("../g") == "http://a.example:8080/b/g");
  CHECK(resolve("../..") == "http://a.example:8080/");
  CHECK(resolve("../../../../g") == "http://a.example:8080/g");
  CHECK(resolve("?y") == "http://a.example:8080/b/c/d?y");
  CHECK(resolve("g#frag") == "http://a.example:8080/b/c/g");
  CHECK(ResolveReference(base, "mailto:x@y").status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ember::http::client_internal
