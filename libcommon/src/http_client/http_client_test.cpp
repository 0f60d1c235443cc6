#include "ember/http/client.h"

#include <atomic>
#include <chrono>
#include <future>
#include <latch>
#include <map>
#include <mutex>

#include <boost/asio/ip/tcp.hpp>
#include <catch2/catch.hpp>

#include "ember/http/gzip.h"
#include "test_server.h"

namespace ember::http {
namespace {

using testing::ServerConnection;
using testing::TestRequest;
using testing::TestResponse;
using testing::TestServer;
namespace beast_http = boost::beast::http;

std::unique_ptr<HttpClient> NewClient(ClientOptions options = {}) {
  Result<std::unique_ptr<HttpClient>> client = HttpClient::Create(std::move(options));
  REQUIRE(client.ok());
  return std::move(client).value();
}

ClientResponse MustDo(HttpClient& client, ClientRequest request) {
  Result<ClientResponse> response = client.Do(std::move(request));
  INFO(response.status().ToString());
  REQUIRE(response.ok());
  return std::move(response).value();
}

std::string Header(const TestRequest& request, beast_http::field field) {
  return std::string(request[field]);
}

// A port on which nothing listens: bound once, then released.
uint16_t UnusedPort() {
  boost::asio::io_context io_context;
  boost::asio::ip::tcp::acceptor acceptor(io_context, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

TEST_CASE("GET returns the status, headers and body", "[http_client]") {
  std::mutex mu;
  std::map<std::string, std::string> seen;
  TestServer server([&](const TestRequest& request, ServerConnection& connection) {
    {
      std::lock_guard lock(mu);
      seen["method"] = std::string(request.method_string());
      seen["target"] = std::string(request.target());
      seen["host"] = Header(request, beast_http::field::host);
      seen["user-agent"] = Header(request, beast_http::field::user_agent);
      seen["accept-encoding"] = Header(request, beast_http::field::accept_encoding);
      seen["x-custom"] = std::string(request["X-Custom"]);
    }
    TestResponse response(beast_http::status::not_found, 11);
    response.set("X-Answer", "42");
    response.body() = "no such page";
    connection.Respond(std::move(response));
    return true;
  });
  auto client = NewClient();
  ClientRequest request{.url = server.Url("/path/x?q=1&r=%20")};
  request.headers.Set("X-Custom", "v");
  ClientResponse response = MustDo(*client, request);
  CHECK(response.status == 404);
  CHECK(response.body == "no such page");
  CHECK(response.headers.Get("x-answer") == "42");
  CHECK(response.headers.Get("Content-Length") == "12");
  std::lock_guard lock(mu);
  CHECK(seen["method"] == "GET");
  CHECK(seen["target"] == "/path/x?q=1&r=%20");
  CHECK(seen["host"] == "127.0.0.1:" + std::to_string(server.port()));
  CHECK(seen["user-agent"] == "Ember");
  CHECK(seen["accept-encoding"].empty());
  CHECK(seen["x-custom"] == "v");
}

TEST_CASE("POST sends its body and headers", "[http_client]") {
  TestServer server([](const TestRequest& request, ServerConnection& connection) {
    connection.Respond(200, std::string(request.method_string()) + " " +
                                std::string(request[beast_http::field::content_type]) + " " + request.body());
    return true;
  });
  auto client = NewClient({.user_agent = "test-agent"});
  ClientRequest request{
      .method = "POST", .url = server.Url("/api/v1/push"), .body = std::string(100000, 'x')};
  request.headers.Set("Content-Type", "application/x-protobuf");
  ClientResponse response = MustDo(*client, request);
  CHECK(response.status == 200);
  CHECK(response.body == "POST application/x-protobuf " + std::string(100000, 'x'));
}

TEST_CASE("Keep-alive connections are reused unless the server closes them", "[http_client]") {
  TestServer server([](const TestRequest& request, ServerConnection& connection) {
    TestResponse response(beast_http::status::ok, 11);
    response.body() = "ok";
    const bool close = request.target() == "/close";
    if (close) response.set(beast_http::field::connection, "close");
    connection.Respond(std::move(response));
    return !close;
  });
  auto client = NewClient();
  for (int i = 0; i < 5; ++i) CHECK(MustDo(*client, {.url = server.Url("/")}).body == "ok");
  CHECK(server.connections_accepted() == 1);
  CHECK(MustDo(*client, {.url = server.Url("/close")}).status == 200);
  CHECK(MustDo(*client, {.url = server.Url("/")}).status == 200);
  CHECK(server.connections_accepted() == 2);
}

TEST_CASE("Keep-alive can be turned off", "[http_client]") {
  TestServer server([](const TestRequest&, ServerConnection& connection) {
    connection.Respond(200, "ok");
    return true;
  });
  auto client = NewClient({.idle_timeout = std::chrono::milliseconds(0)});
  for (int i = 0; i < 3; ++i) MustDo(*client, {.url = server.Url("/")});
  CHECK(server.connections_accepted() == 3);
}

TEST_CASE("A pooled connection the server drops is replaced once for idempotent requests", "[http_client]") {
  // Each connection answers its first request and drops the second unanswered,
  // as a server does when its idle timeout fires as the request arrives.
  std::mutex mu;
  std::map<const ServerConnection*, int> requests;
  TestServer server([&](const TestRequest&, ServerConnection& connection) {
    int n;
    {
      std::lock_guard lock(mu);
      n = ++requests[&connection];
    }
    if (n > 1) return false;
    connection.Respond(200, "fresh");
    return true;
  });
  auto client = NewClient();
  CHECK(MustDo(*client, {.url = server.Url("/")}).body == "fresh");
  CHECK(MustDo(*client, {.url = server.Url("/")}).body == "fresh");
  CHECK(server.connections_accepted() == 2);

  Result<ClientResponse> post = client->Do({.method = "POST", .url = server.Url("/"), .body = "b"});
  REQUIRE_FALSE(post.ok());
  CHECK(post.status().code() == StatusCode::kUnavailable);
  CHECK_THAT(post.status().message(), Catch::Contains("server closed the connection"));
  CHECK(server.connections_accepted() == 2);
}

TEST_CASE("gzip responses are decoded when asked for, within the body limit", "[http_client]") {
  const std::string text(200000, 'a');
  TestServer server([&](const TestRequest& request, ServerConnection& connection) {
    TestResponse response(beast_http::status::ok, 11);
    if (request[beast_http::field::accept_encoding] == "gzip") {
      response.set(beast_http::field::content_encoding, "gzip");
      response.body() = *GzipCompress(text);
    } else {
      response.body() = text;
    }
    connection.Respond(std::move(response));
    return true;
  });
  auto client = NewClient({.max_response_body_bytes = 300000});
  ClientResponse decoded = MustDo(*client, {.url = server.Url("/"), .accept_gzip = true});
  CHECK(decoded.body == text);
  CHECK_FALSE(decoded.headers.Has("Content-Encoding"));
  CHECK_FALSE(decoded.headers.Has("Content-Length"));
  CHECK(MustDo(*client, {.url = server.Url("/")}).body == text);

  // The caller asked for the encoding itself, so it gets the encoded bytes.
  ClientRequest raw{.url = server.Url("/")};
  raw.headers.Set("Accept-Encoding", "gzip");
  ClientResponse encoded = MustDo(*client, raw);
  CHECK(encoded.headers.Get("Content-Encoding") == "gzip");
  CHECK(encoded.body.size() < text.size());

  auto small = NewClient({.max_response_body_bytes = 100000});
  Result<ClientResponse> bomb = small->Do({.url = server.Url("/"), .accept_gzip = true});
  REQUIRE_FALSE(bomb.ok());
  CHECK(bomb.status().code() == StatusCode::kResourceExhausted);
}

TEST_CASE("Chunked responses are reassembled and keep the connection", "[http_client]") {
  TestServer server([](const TestRequest&, ServerConnection& connection) {
    connection.WriteRaw(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n");
    return true;
  });
  auto client = NewClient();
  CHECK(MustDo(*client, {.url = server.Url("/")}).body == "hello world");
  CHECK(MustDo(*client, {.url = server.Url("/")}).body == "hello world");
  CHECK(server.connections_accepted() == 1);
}

TEST_CASE("HEAD responses carry no body", "[http_client]") {
  TestServer server([](const TestRequest& request, ServerConnection& connection) {
    if (request.method() == beast_http::verb::head) {
      connection.WriteRaw("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
    } else {
      connection.Respond(200, "body");
    }
    return true;
  });
  auto client = NewClient();
  ClientResponse head = MustDo(*client, {.method = "HEAD", .url = server.Url("/")});
  CHECK(head.status == 200);
  CHECK(head.body.empty());
  CHECK(head.headers.Get("Content-Length") == "100");
  CHECK(MustDo(*client, {.url = server.Url("/")}).body == "body");
  CHECK(server.connections_accepted() == 1);
}

TEST_CASE("Bodies beyond the limit fail with ResourceExhausted", "[http_client]") {
  TestServer server([](const TestRequest& request, ServerConnection& connection) {
    if (request.target() == "/chunked") {
      connection.WriteRaw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
      for (int i = 0; i < 20; ++i) connection.WriteRaw("64\r\n" + std::string(100, 'x') + "\r\n");
      connection.WriteRaw("0\r\n\r\n");
    } else {
      connection.Respond(200, std::string(2000, 'x'));
    }
    return true;
  });
  auto client = NewClient({.max_response_body_bytes = 1000});
  for (const char* path : {"/length", "/chunked"}) {
    Result<ClientResponse> response = client->Do({.url = server.Url(path)});
    INFO(path);
    REQUIRE_FALSE(response.ok());
    CHECK(response.status().code() == StatusCode::kResourceExhausted);
    CHECK_THAT(response.status().message(), Catch::Contains("exceeds the limit of 1000 bytes"));
  }
}

TEST_CASE("A refused connection is Unavailable and names the address", "[http_client]") {
  const uint16_t port = UnusedPort();
  auto client = NewClient();
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/metrics";
  Result<ClientResponse> response = client->Do({.url = url});
  REQUIRE_FALSE(response.ok());
  CHECK(response.status().code() == StatusCode::kUnavailable);
  CHECK_THAT(
      response.status().message(),
      Catch::StartsWith("Get \"" + url + "\": dial tcp 127.0.0.1:" + std::to_string(port) + ": connect: "));
  CHECK_THAT(response.status().message(), Catch::Contains("refused"));
}

TEST_CASE("Host names are resolved, trying each address", "[http_client]") {
  TestServer server([](const TestRequest&, ServerConnection& connection) {
    connection.Respond(200, "resolved");
    return true;
  });
  auto client = NewClient();
  CHECK(MustDo(*client, {.url = "http://localhost:" + std::to_string(server.port()) + "/"}).body ==
        "resolved");
}

TEST_CASE("A host name that does not resolve is an error naming it", "[http_client]") {
  // Where DNS answers, the lookup fails; where it never answers, the connect
  // timeout ends the wait. Either way the error names the host.
  auto client = NewClient({.connect_timeout = std::chrono::seconds(2)});
  Result<ClientResponse> response = client->Do({.url = "http://nonexistent-host.invalid/"});
  REQUIRE_FALSE(response.ok());
  INFO(response.status().ToString());
  if (response.status().code() == StatusCode::kUnavailable) {
    CHECK(
        response.status().message() ==
        "Get \"http://nonexistent-host.invalid/\": dial tcp: lookup nonexistent-host.invalid: no such host");
  } else {
    CHECK(response.status().code() == StatusCode::kDeadlineExceeded);
    CHECK_THAT(response.status().message(),
               Catch::Contains("dial tcp nonexistent-host.invalid:80: i/o timeout"));
  }
}

TEST_CASE("A server that never answers hits the deadline", "[http_client]") {
  TestServer server([](const TestRequest&, ServerConnection& connection) {
    connection.HoldUntilClosed();
    return false;
  });
  auto client = NewClient({.request_timeout = std::chrono::seconds(30)});
  const std::string url = server.Url("/slow");
  const auto start = std::chrono::steady_clock::now();
  Result<ClientResponse> response = client->Do({.url = url, .timeout = std::chrono::milliseconds(200)});
  const auto elapsed = std::chrono::steady_clock::now() - start;
  REQUIRE_FALSE(response.ok());
  CHECK(response.status().code() == StatusCode::kDeadlineExceeded);
  CHECK(response.status().message() == "Get \"" + url + "\": context deadline exceeded (timeout 200ms)");
  CHECK(elapsed >= std::chrono::milliseconds(200));
  CHECK(elapsed < std::chrono::seconds(10));
}

TEST_CASE("Redirects are followed as Go's client follows them", "[http_client]") {
  std::string base;
  TestServer server([&](const TestRequest& request, ServerConnection& connection) {
    TestResponse response(beast_http::status::ok, 11);
    const std::string target(request.target());
    if (target == "/start") {
      response.result(beast_http::status::found);
      response.set(beast_http::field::location, "middle");
    } else if (target == "/middle") {
      response.result(beast_http::status::temporary_redirect);
      response.set(beast_http::field::location, base + "/end?x=1");
      response.body() = "redirect body to skip";
    } else if (target == "/keep") {
      response.result(beast_http::status::permanent_redirect);
      response.set(beast_http::field::location, "/end");
    } else if (target == "/loop") {
      response.result(beast_http::status::found);
      response.set(beast_http::field::location, "/loop");
    } else {
      response.body() = std::string(request.method_string()) + " " + target + " [" + request.body() + "]";
    }
    connection.Respond(std::move(response));
    return true;
  });
  base = server.Url("");
  auto client = NewClient();
  CHECK(MustDo(*client, {.method = "POST", .url = server.Url("/start"), .body = "data"}).body ==
        "GET /end?x=1 []");
  CHECK(MustDo(*client, {.method = "POST", .url = server.Url("/keep"), .body = "data"}).body ==
        "POST /end [data]");
  CHECK(server.connections_accepted() == 1);

  Result<ClientResponse> loop = client->Do({.url = server.Url("/loop")});
  REQUIRE_FALSE(loop.ok());
  CHECK(loop.status().code() == StatusCode::kResourceExhausted);
  CHECK_THAT(loop.status().message(), Catch::EndsWith("stopped after 10 redirects"));

  auto manual = NewClient({.follow_redirects = false});
  ClientResponse redirect = MustDo(*manual, {.url = server.Url("/start")});
  CHECK(redirect.status == 302);
  CHECK(redirect.headers.Get("Location") == "middle");
}

TEST_CASE("Malformed requests fail with InvalidArgument", "[http_client]") {
  auto client = NewClient();
  Result<ClientResponse> bad_url = client->Do({.url = "ftp://example.com/"});
  REQUIRE_FALSE(bad_url.ok());
  CHECK(bad_url.status().code() == StatusCode::kInvalidArgument);
  CHECK(bad_url.status().message() == "Get \"ftp://example.com/\": unsupported protocol scheme \"ftp\"");

  ClientRequest injected{.url = "http://127.0.0.1:1/"};
  injected.headers.Set("X", "a\nb");
  CHECK(client->Do(injected).status().code() == StatusCode::kInvalidArgument);
  CHECK(HttpClient::Create({.io_threads = 0}).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("Many concurrent requests all complete", "[http_client]") {
  TestServer server([](const TestRequest& request, ServerConnection& connection) {
    connection.Respond(200, std::string(request.target()));
    return true;
  });
  auto client = NewClient({.io_threads = 2});
  constexpr int kRequests = 200;
  std::latch done(kRequests);
  std::atomic<int> correct{0};
  for (int i = 0; i < kRequests; ++i) {
    const std::string path = "/r" + std::to_string(i);
    client->AsyncDo({.url = server.Url(path)}, [&, path](Result<ClientResponse> response) {
      if (response.ok() && response->status == 200 && response->body == path) ++correct;
      done.count_down();
    });
  }
  done.wait();
  CHECK(correct.load() == kRequests);
}

TEST_CASE("Shutdown cancels requests in flight", "[http_client]") {
  constexpr int kRequests = 4;
  std::latch arrived(kRequests);
  TestServer server([&](const TestRequest&, ServerConnection& connection) {
    arrived.count_down();
    connection.HoldUntilClosed();
    return false;
  });
  auto client = NewClient();
  std::mutex mu;
  std::vector<Status> results;
  for (int i = 0; i < kRequests; ++i) {
    client->AsyncDo({.url = server.Url("/hang")}, [&](Result<ClientResponse> response) {
      std::lock_guard lock(mu);
      results.push_back(response.status());
    });
  }
  arrived.wait();
  client->Shutdown();
  {
    std::lock_guard lock(mu);
    REQUIRE(results.size() == kRequests);
    for (const Status& status : results) {
      CHECK(status.code() == StatusCode::kCanceled);
      CHECK_THAT(status.message(), Catch::Contains("client shut down"));
    }
  }
  // After Shutdown requests are refused at once, on the caller's thread.
  CHECK(client->Do({.url = server.Url("/")}).status().code() == StatusCode::kCanceled);
  bool called = false;
  client->AsyncDo({.url = server.Url("/")}, [&](Result<ClientResponse> response) {
    called = response.status().code() == StatusCode::kCanceled;
  });
  CHECK(called);
}

TEST_CASE("Do inside a callback fails instead of deadlocking", "[http_client]") {
  TestServer server([](const TestRequest&, ServerConnection& connection) {
    connection.Respond(200, "ok");
    return true;
  });
  auto client = NewClient();
  std::promise<Status> inner;
  client->AsyncDo({.url = server.Url("/")}, [&](Result<ClientResponse>) {
    inner.set_value(client->Do({.url = server.Url("/")}).status());
  });
  Status status = inner.get_future().get();
  CHECK(status.code() == StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace ember::http
