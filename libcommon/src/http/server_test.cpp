#include "ember/http/server.h"

#include <catch2/catch.hpp>

#include <future>
#include <thread>

#include "ember/base/strings.h"
#include "ember/http/gzip.h"
#include "test_client.h"
#include "test_server.h"

namespace ember::http {
namespace {

using testing::Fetch;
using testing::Get;
using testing::kTestTimeout;
using testing::TestClient;
using testing::TestServer;

// Lists a form as "a=1,2;b=3" in first-seen key order, or answers 400.
Response EchoForm(Request& request) {
  auto form = request.Form();
  if (!form.ok()) return Response::Text(400, form.status().message());
  std::vector<std::string> keys;
  for (const auto& [key, value] : *form) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
  }
  std::vector<std::string> parts;
  for (const auto& key : keys) parts.push_back(key + "=" + Join(form->GetAll(key), ","));
  return Response::Text(200, Join(parts, ";"));
}

std::string Post(std::string_view target, std::string_view content_type, std::string_view body) {
  return "POST " + std::string(target) +
         " HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + std::string(content_type) +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

// Waits, without sleeping, until `condition` holds; false after kTestTimeout.
template <class F>
bool Eventually(F condition) {
  const auto deadline = std::chrono::steady_clock::now() + kTestTimeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::yield();
  }
  return true;
}

TEST_CASE("Form merges URL query and form body", "[server]") {
  Router router;
  router.Handle("GET", "/form", EchoForm);
  router.Handle("POST", "/form", EchoForm);
  TestServer ts(std::move(router));
  REQUIRE(ts.start_status().ok());

  auto get = Fetch(ts.port(), Get("/form?query=up%7Bjob%3D%22a%22%7D&a=1&a=2+3"));
  REQUIRE(get.ok());
  CHECK(get->status == 200);
  CHECK(get->body == "query=up{job=\"a\"};a=1,2 3");

  auto post =
      Fetch(ts.port(), Post("/form?a=query&b=q", "application/x-www-form-urlencoded", "a=body&c=x%20y"));
  REQUIRE(post.ok());
  CHECK(post->body == "a=body,query;c=x y;b=q");

  auto bad = Fetch(ts.port(), Post("/form", "application/x-www-form-urlencoded", "a=%zz"));
  REQUIRE(bad.ok());
  CHECK(bad->status == 400);
  CHECK(bad->body == "invalid URL escape \"%zz\"");

  auto bad_query = Fetch(ts.port(), Get("/form?x=%"));
  REQUIRE(bad_query.ok());
  CHECK(bad_query->status == 400);
}

TEST_CASE("Routing: path parameters, 404, 405 with Allow, HEAD", "[server]") {
  Router router;
  router.Get("/api/v1/label/:name/values", [](Request& r) {
    return Response::Json(
        200, "{\"name\":\"" + std::string(r.path_params.Get("name")) + "\",\"route\":\"" + r.route + "\"}");
  });
  router.Post("/-/reload", [](Request&) { return Response::Text(200, "reloaded"); });
  router.Get("/big", [](Request&) { return Response::Text(200, std::string(5000, 'x')); });
  TestServer ts(std::move(router));
  REQUIRE(ts.start_status().ok());

  auto label = Fetch(ts.port(), Get("/api/v1/label/job%2Fx/values"));
  REQUIRE(label.ok());
  CHECK(label->status == 200);
  CHECK(label->body == R"({"name":"job/x","route":"/api/v1/label/:name/values"})");
  CHECK(label->headers.Get("Content-Type") == "application/json");
  CHECK_FALSE(label->headers.Get("Date").empty());

  auto missing = Fetch(ts.port(), Get("/nope"));
  REQUIRE(missing.ok());
  CHECK(missing->status == 404);

  auto wrong_method = Fetch(ts.port(), Get("/-/reload"));
  REQUIRE(wrong_method.ok());
  CHECK(wrong_method->status == 405);
  CHECK(wrong_method->headers.Get("Allow") == "POST");

  auto head = Fetch(ts.port(), "HEAD /big HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n");
  REQUIRE(head.ok());
  CHECK(head->status == 200);
  CHECK(head->headers.Get("Content-Length") == "5000");
  CHECK(head->body.empty());
}

TEST_CASE("HEAD sends no body bytes, so the next response on the connection parses", "[server]") {
  Router router;
  router.Get("/a", [](Request&) { return Response::Text(200, "body of a"); });
  TestServer ts(std::move(router));
  REQUIRE(ts.start_status().ok());
  auto client = TestClient::Connect(ts.port());
  REQUIRE(client.ok());
  REQUIRE((*client)->Send("HEAD /a HTTP/1.1\r\nHost: x\r\n\r\n" + Get("/a")).ok());
  auto head = (*client)->ReadResponse(/*head_request=*/true);
  REQUIRE(head.ok());
  CHECK(head->headers.Get("Content-Length") == "9");
  auto get = (*client)->ReadResponse();
  REQUIRE(get.ok());
  CHECK(get->body == "body of a");
}

TEST_CASE("Responses are gzipped when the client accepts it and the body is big enough", "[server]") {
  std::string big;
  for (int i = 0; i < 500; ++i)
    big += "{\"metric\":{\"__name__\":\"up\",\"job\":\"" + std::to_string(i) + "\"}},";
  Router router;
  router.Get("/big", [&](Request&) { return Response::Json(200, big); });
  router.Get("/small", [](Request&) { return Response::Text(200, "tiny"); });
  router.Get(
      "/raw", [&](Request&) { return Response::Text(200, big); }, RouteOptions{.compress = false});
  TestServer ts(std::move(router));
  REQUIRE(ts.start_status().ok());

  auto gzipped = Fetch(ts.port(), Get("/big", "Accept-Encoding: deflate, gzip;q=0.8\r\n"));
  REQUIRE(gzipped.ok());
  CHECK(gzipped->headers.Get("Content-Encoding") == "gzip");
  CHECK(gzipped->body.size() < big.size());
  auto decoded = GzipDecompress(gzipped->body, big.size());
  REQUIRE(decoded.ok());
  CHECK(*decoded == big);

  auto plain = Fetch(ts.port(), Get("/big"));
  REQUIRE(plain.ok());
  CHECK_FALSE(plain->headers.Has("Content-Encoding"));
  CHECK(plain->body == big);

  auto refused = Fetch(ts.port(), Get("/big", "Accept-Encoding: gzip;q=0, identity\r\n"));
  REQUIRE(refused.ok());
  CHECK(refused->body == big);

  auto small = Fetch(ts.port(), Get("/small", "Accept-Encoding: gzip\r\n"));
  REQUIRE(small.ok());
  CHECK(small->body == "tiny");

  auto raw = Fetch(ts.port(), Get("/raw", "Accept-Encoding: gzip\r\n"));
  REQUIRE(raw.ok());
  CHECK_FALSE(raw->headers.Has("Content-Encoding"));
}

TEST_CASE("Request bodies over the limit get 413", "[server]") {
  Router router;
  auto echo_size = [](Request& r) { return Response::Text(200, std::to_string(r.body.size())); };
  router.Post("/push", echo_size);
  router.Post("/bigger", echo_size, RouteOptions{.max_body_bytes = 1000});
  ServerOptions options;
  options.max_request_body_bytes = 100;
  TestServer ts(std::move(router), options);
  REQUIRE(ts.start_status().ok());

  auto fits = Fetch(ts.port(), Post("/push", "text/plain", std::string(100, 'a')));
  REQUIRE(fits.ok());
  CHECK(fits->status == 200);
  CHECK(fits->body == "100");

  SECTION("announced by Content-Length") {
    auto client = TestClient::Connect(ts.port());
    REQUIRE(client.ok());
    REQUIRE((*client)->Send("POST /push HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n").ok());
    auto too_big = (*client)->ReadResponse();
    REQUIRE(too_big.ok());
    CHECK(too_big->status == 413);
    CHECK(too_big->headers.Get("Connection") == "close");
    CHECK((*client)->WaitForClose());
  }
  SECTION("counted while reading a chunked body") {
    const std::string chunk = "3c\r\n" + std::string(60, 'b') + "\r\n";
    auto client = TestClient::Connect(ts.port());
    REQUIRE(client.ok());
    REQUIRE((*client)
                ->Send("POST /push HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk +
                       chunk + chunk + "0\r\n\r\n")
                .ok());
    auto too_big = (*client)->ReadResponse();
    REQUIRE(too_big.ok());
    CHECK(too_big->status == 413);

    auto chunked_fits =
        Fetch(ts.port(),
              "POST /push HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + "0\r\n\r\n");
    REQUIRE(chunked_fits.ok());
    CHECK(chunked_fits->body == "60");
  }
  SECTION("a route may allow more") {
    auto bigger = Fetch(ts.port(), Post("/bigger", "text/plain", std::string(1000, 'c')));
    REQUIRE(bigger.ok());
    CHECK(bigger->body == "1000");
  }
}

TEST_CASE("Expect: 100-continue is answered before the body is sent", "[server]") {
  Router router;
  router.Post("/push", [](Request& r) { return Response::Text(200, r.body); });
  TestServer ts(std::move(router));
  REQUIRE(ts.start_status().ok());
  auto client = TestClient::Connect(ts.port());
  REQUIRE(client.ok());
  REQUIRE((*client)
              ->Send("POST /push HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
              .ok());
  auto go_on = (*client)->ReadResponse();
  REQUIRE(go_on.ok());
  CHECK(go_on->status == 100);
  REQUIRE((*client)->Send("hello").ok());
  auto done = (*client)->ReadResponse();
  REQUIRE(done.ok());
  CHECK(done->status == 200);
  CHECK(done->body == "hello");
}

TEST_CASE("Slow and idle clients are disconnected", "[server]") {
  Router router;
  router.Post("/push", [](Request&) { return Response::Text(200, "ok"); });
  router.Get("/ok", [](Request&) { return Response::Text(200, "ok"); });
  ServerOptions options;
  options.read_header_timeout = std::chrono::milliseconds(200);
  options.read_timeout = std::chrono::milliseconds(400);
  options.idle_timeout = std::chrono::milliseconds(200);
  TestServer ts(std::move(router), options);
  REQUIRE(ts.start_status().ok());

  SECTION("half a header") {
    auto client = TestClient::Connect(ts.port());
    REQUIRE(client.ok());
    REQUIRE((*client)->Send("GET /ok HTTP/1.1\r\nHost: x\r\n").ok());
    CHECK((*client)->WaitForClose());
  }
  SECTION("a body that never completes") {
    auto client = TestClient::Connect(ts.port());
    REQUIRE(client.ok());
    REQUIRE((*client)->Send("POST /push HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly ten b").ok());
    CHECK((*client)->WaitForClose());
  }
  SECTION("an idle keep-alive connection") {
    auto client = TestClient::Connect(ts.port());
    REQUIRE(client.ok());
    REQUIRE((*client)->Send(Get("/ok")).ok());
    REQUIRE((*client)->ReadResponse().ok());
    CHECK((*client)->WaitForClose());
  }
}

TEST_CASE("Keep-alive serves several requests, pipelined ones in order", "[server]") {
  std::atomic<int> counter{0};
  Router router;
  router.Get("/n", [&](Request&) { return Response::Text(200, std::to_string(++counter)); });
  TestServer ts(std::move(router));
  REQUIRE(ts.start_status().ok());

  auto client = TestClient::Connect(ts.port());
  REQUIRE(client.ok());
  for (int i = 1; i <= 3; ++i) {
    REQUIRE((*client)->Send(Get("/n")).ok());
    auto r = (*client)->ReadResponse();
    REQUIRE(r.ok());
    CHECK(r->body == std::to_string(i));
  }
  REQUIRE((*client)->Send(Get("/n") + Get("/n") + Get("/n", "Connection: close\r\n")).ok());
  for (int i = 4; i <= 6; ++i) {
    auto r = (*client)->ReadResponse();
    REQUIRE(r.ok());
    CHECK(r->body == std::to_string(i));
  }
  CHECK((*client)->WaitForClose());
}

TEST_CASE("A full worker pool answers 503 while inline routes still run", "[server]") {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  Router router;
  router.Get("/block", [&](Request&) {
    entered.set_value();
    released.wait();
    return Response::Text(200, "unblocked");
  });
  router.Get("/pooled", [](Request&) { return Response::Text(200, "pooled"); });
  router.Get(
      "/-/healthy", [](Request&) { return Response::Text(200, "Healthy"); },
      RouteOptions{.run_inline = true});
  ServerOptions options;
  options.worker_threads = 1;
  options.max_queued_requests = 0;
  TestServer ts(std::move(router), options);
  REQUIRE(ts.start_status().ok());

  auto blocked = TestClient::Connect(ts.port());
  REQUIRE(blocked.ok());
  REQUIRE((*blocked)->Send(Get("/block")).ok());
  REQUIRE(entered.get_future().wait_for(kTestTimeout) == std::future_status::ready);

  auto busy = Fetch(ts.port(), Get("/pooled"));
  REQUIRE(busy.ok());
  CHECK(busy->status == 503);
  auto healthy = Fetch(ts.port(), Get("/-/healthy"));
  REQUIRE(healthy.ok());
  CHECK(healthy->status == 200);

  release.set_value();
  auto unblocked = (*blocked)->ReadResponse();
  REQUIRE(unblocked.ok());
  CHECK(unblocked->body == "unblocked");
  auto pooled = Fetch(ts.port(), Get("/pooled"));
  REQUIRE(pooled.ok());
  CHECK(pooled->status == 200);
}

TEST_CASE("Connections beyond max_connections wait until one closes", "[server]") {
  Router router;
  router.Get("/ok", [](Request&) { return Response::Text(200, "ok"); });
  ServerOptions options;
  options.max_connections = 1;
  TestServer ts(std::move(router), options);
  REQUIRE(ts.start_status().ok());

  auto first = TestClient::Connect(ts.port());
  REQUIRE(first.ok());
  REQUIRE((*first)->Send(Get("/ok")).ok());
  REQUIRE((*first)->ReadResponse().ok());

  auto second = TestClient::Connect(ts.port());  // completes in the kernel's backlog
  REQUIRE(second.ok());
  REQUIRE((*second)->Send(Get("/ok")).ok());
  auto answer = std::async(std::launch::async, [&] { return (*second)->ReadResponse(); });
  // Only a negative check is time-bound: the second connection must not be served yet.
  CHECK(answer.wait_for(std::chrono::milliseconds(100)) == std::future_status::timeout);
  first->reset();
  REQUIRE(answer.wait_for(kTestTimeout) == std::future_status::ready);
  auto response = answer.get();
  REQUIRE(response.ok());
  CHECK(response->status == 200);
}

TEST_CASE("Shutdown lets in-flight requests finish and refuses new connections", "[server]") {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  Router router;
  router.Get("/slow", [&](Request&) {
    entered.set_value();
    released.wait();
    return Response::Text(200, "finished");
  });
  router.Get("/fast", [](Request&) { return Response::Text(200, "fast"); });
  TestServer ts(std::move(router));
  REQUIRE(ts.start_status().ok());
  const uint16_t port = ts.port();

  auto idle = TestClient::Connect(port);
  REQUIRE(idle.ok());
  REQUIRE((*idle)->Send(Get("/fast")).ok());
  REQUIRE((*idle)->ReadResponse().ok());

  auto slow = TestClient::Connect(port);
  REQUIRE(slow.ok());
  REQUIRE((*slow)->Send(Get("/slow")).ok());
  REQUIRE(entered.get_future().wait_for(kTestTimeout) == std::future_status::ready);

  auto shutdown = std::async(std::launch::async, [&] { return ts.server().Shutdown(kTestTimeout); });
  REQUIRE(Eventually([&] { return !ts.server().accepting(); }));
  CHECK_FALSE(TestClient::Connect(port).ok());
  CHECK((*idle)->WaitForClose());

  release.set_value();
  auto finished = (*slow)->ReadResponse();
  REQUIRE(finished.ok());
  CHECK(finished->status == 200);
  CHECK(finished->body == "finished");
  CHECK(finished->headers.Get("Connection") == "close");
  REQUIRE(shutdown.wait_for(kTestTimeout) == std::future_status::ready);
  CHECK(shutdown.get().ok());
  CHECK(ts.server().Shutdown(std::chrono::seconds(1)).ok());
}

TEST_CASE("Shutdown cuts connections still busy after the grace period", "[server]") {
  std::promise<void> entered;
  Router router;
  router.Get("/stubborn", [&](Request& r) {
    entered.set_value();
    // Returns only when the server gives up on it.
    std::promise<void> stopped;
    std::stop_callback on_stop(r.stop_token, [&] { stopped.set_value(); });
    stopped.get_future().wait();
    return Response::Text(200, "too late");
  });
  TestServer ts(std::move(router));
  REQUIRE(ts.start_status().ok());
  auto client = TestClient::Connect(ts.port());
  REQUIRE(client.ok());
  REQUIRE((*client)->Send(Get("/stubborn")).ok());
  REQUIRE(entered.get_future().wait_for(kTestTimeout) == std::future_status::ready);

  const Status status = ts.server().Shutdown(std::chrono::milliseconds(50));
  CHECK(status.code() == StatusCode::kDeadlineExceeded);
  CHECK((*client)->WaitForClose());
}

TEST_CASE("Start reports a port in use and bad options", "[server]") {
  TestServer first(Router{});
  REQUIRE(first.start_status().ok());
  MetricsRegistry metrics;
  ServerOptions options;
  options.listen_address = "127.0.0.1:" + std::to_string(first.port());
  Server second(options, Router{}, Logger(std::make_shared<CapturingLogSink>(), LogLevel::kInfo), metrics);
  const Status status = second.Start();
  CHECK(status.code() == StatusCode::kIOError);
  CHECK_THAT(status.message(), Catch::Contains("address already in use"));
  CHECK_THAT(status.message(), Catch::Contains("bind"));

  options.listen_address = "nonsense";
  Server third(options, Router{}, Logger(std::make_shared<CapturingLogSink>(), LogLevel::kInfo), metrics);
  CHECK(third.Start().code() == StatusCode::kInvalidArgument);

  Router bad_router;
  bad_router.Get("no-slash", [](Request&) { return Response{}; });
  options.listen_address = "127.0.0.1:0";
  Server fourth(options, std::move(bad_router), Logger(std::make_shared<CapturingLogSink>(), LogLevel::kInfo),
                metrics);
  CHECK(fourth.Start().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("Listen addresses in Go's forms", "[server]") {
  for (const std::string address : {":0", "0.0.0.0:0", "[::1]:0", "localhost:0"}) {
    MetricsRegistry metrics;
    ServerOptions options;
    options.listen_address = address;
    options.metrics_namespace = "";
    Router router;
    router.Get("/", [](Request& r) { return Response::Text(200, r.remote_address); });
    Server server(options, std::move(router), Logger(std::make_shared<CapturingLogSink>(), LogLevel::kInfo),
                  metrics);
    const Status started = server.Start();
    INFO(address << ": " << started.ToString());
    if (address == "[::1]:0" && started.code() == StatusCode::kIOError) continue;  // no IPv6 loopback here
    REQUIRE(started.ok());
    CHECK(server.port() != 0);
    if (address != "[::1]:0") {
      auto r = Fetch(server.port(), Get("/"));
      REQUIRE(r.ok());
      CHECK_THAT(r->body, Catch::StartsWith("127.0.0.1:"));
    }
    CHECK(server.Shutdown(std::chrono::seconds(5)).ok());
  }
}

TEST_CASE("Handlers that throw give 500, unsafe headers are dropped, metrics count requests", "[server]") {
  Router router;
  router.Get("/throw", [](Request&) -> Response { throw std::runtime_error("boom"); });
  router.Get(
      "/ok", [](Request&) { return Response::Text(200, "ok"); }, RouteOptions{.metric_handler = "ok"});
  router.Get("/forge", [](Request&) {
    Response r = Response::Text(200, "forged?");
    r.headers.Set("X-Echo", "a\r\nSet-Cookie: stolen=1");
    r.headers.Set("X-Fine", "yes");
    return r;
  });
  TestServer ts(std::move(router));
  REQUIRE(ts.start_status().ok());

  auto forged = Fetch(ts.port(), Get("/forge"));
  REQUIRE(forged.ok());
  CHECK_FALSE(forged->headers.Has("Set-Cookie"));
  CHECK_FALSE(forged->headers.Has("X-Echo"));
  CHECK(forged->headers.Get("X-Fine") == "yes");

  auto thrown = Fetch(ts.port(), Get("/throw"));
  REQUIRE(thrown.ok());
  CHECK(thrown->status == 500);
  CHECK(ts.log().Contains({"level=error", "boom"}));
  REQUIRE(Fetch(ts.port(), Get("/ok")).ok());
  REQUIRE(Fetch(ts.port(), Get("/ok")).ok());

  const std::string exposed = ts.metrics().Expose();
  CHECK_THAT(exposed, Catch::Contains("test_http_requests_total{code=\"200\",handler=\"ok\"} 2"));
  CHECK_THAT(exposed, Catch::Contains("test_http_requests_total{code=\"500\",handler=\"/throw\"} 1"));
  CHECK_THAT(exposed, Catch::Contains("test_http_request_duration_seconds_count{handler=\"ok\"} 2"));
}

TEST_CASE("Malformed requests get 400 and oversized headers 431", "[server]") {
  Router router;
  router.Get("/ok", [](Request&) { return Response::Text(200, "ok"); });
  ServerOptions options;
  options.max_header_bytes = 2048;
  TestServer ts(std::move(router), options);
  REQUIRE(ts.start_status().ok());

  auto garbage = Fetch(ts.port(), "this is not http\r\n\r\n");
  REQUIRE(garbage.ok());
  CHECK(garbage->status == 400);

  auto bad_path = Fetch(ts.port(), Get("/a%zzb"));
  REQUIRE(bad_path.ok());
  CHECK(bad_path->status == 400);

  auto huge = Fetch(ts.port(), Get("/ok", "X-Filler: " + std::string(4096, 'f') + "\r\n"));
  REQUIRE(huge.ok());
  CHECK(huge->status == 431);
}

}  // namespace
}  // namespace ember::http
