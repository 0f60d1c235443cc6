#include <chrono>
#include <future>
#include <mutex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "ember/http/client.h"
#include "test_server.h"

namespace ember::http {
namespace {

using testing::ServerConnection;
using testing::TestRequest;
using testing::TestServer;

std::unique_ptr<HttpClient> NewClient(ClientOptions options = {}) {
  Result<std::unique_ptr<HttpClient>> client = HttpClient::Create(std::move(options));
  REQUIRE(client.ok());
  return std::move(client).value();
}

std::string Chunk(std::string_view data) {
  char size[16];
  std::snprintf(size, sizeof(size), "%zx\r\n", data.size());
  return size + std::string(data) + "\r\n";
}

constexpr const char* kChunkedHead = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";

// What a stream delivered, filled on a client thread and read by the test.
struct Collected {
  std::mutex mu;
  std::vector<std::string> chunks;
  std::promise<Status> done;
};

TEST_CASE("Stream chunks arrive as the server sends them", "[http_client][stream]") {
  std::promise<void> first_seen;
  std::future<void> first_seen_future = first_seen.get_future();
  bool first_delivered_alone = false;
  TestServer server([&](const TestRequest&, ServerConnection& connection) {
    connection.WriteRaw(std::string(kChunkedHead) + Chunk("{\"type\":\"ADDED\"}\n"));
    // The second event is sent only once the client has seen the first; the
    // bound keeps a broken client from hanging the test.
    first_delivered_alone = first_seen_future.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
    connection.WriteRaw(Chunk("{\"type\":\"DELETED\"}\n") + "0\r\n\r\n");
    return true;
  });
  auto client = NewClient();
  Collected collected;
  client->AsyncStream(
      {.url = server.Url("/api/v1/pods?watch=1")},
      [&](std::string_view chunk) {
        std::lock_guard lock(collected.mu);
        if (collected.chunks.empty()) first_seen.set_value();
        collected.chunks.emplace_back(chunk);
        return true;
      },
      [&](Status status) { collected.done.set_value(status); });
  Status status = collected.done.get_future().get();
  CHECK(status.ok());
  CHECK(first_delivered_alone);
  std::lock_guard lock(collected.mu);
  std::string all;
  for (const std::string& chunk : collected.chunks) all += chunk;
  CHECK(all == "{\"type\":\"ADDED\"}\n{\"type\":\"DELETED\"}\n");
  CHECK(collected.chunks.front() == "{\"type\":\"ADDED\"}\n");
}

TEST_CASE("A stream ends when the consumer says so", "[http_client][stream]") {
  TestServer server([](const TestRequest&, ServerConnection& connection) {
    connection.WriteRaw(std::string(kChunkedHead) + Chunk("event"));
    connection.HoldUntilClosed();
    return false;
  });
  auto client = NewClient();
  Collected collected;
  client->AsyncStream(
      {.url = server.Url("/watch")},
      [&](std::string_view chunk) {
        std::lock_guard lock(collected.mu);
        collected.chunks.emplace_back(chunk);
        return false;
      },
      [&](Status status) { collected.done.set_value(status); });
  CHECK(collected.done.get_future().get().ok());
  std::lock_guard lock(collected.mu);
  CHECK(collected.chunks == std::vector<std::string>{"event"});
}

TEST_CASE("A stream answered with an error status reports it", "[http_client][stream]") {
  TestServer server([](const TestRequest&, ServerConnection& connection) {
    connection.Respond(410, "too old resource version\n");
    return true;
  });
  auto client = NewClient();
  Collected collected;
  const std::string url = server.Url("/watch");
  client->AsyncStream(
      {.url = url}, [](std::string_view) { return true; },
      [&](Status status) { collected.done.set_value(status); });
  Status status = collected.done.get_future().get();
  CHECK(status.code() == StatusCode::kOutOfRange);
  CHECK(status.message() ==
        "Get \"" + url + "\": server returned HTTP status 410 Gone: too old resource version");
}

TEST_CASE("Shutdown ends a stream with Canceled", "[http_client][stream]") {
  TestServer server([](const TestRequest&, ServerConnection& connection) {
    connection.WriteRaw(std::string(kChunkedHead) + Chunk("first"));
    connection.HoldUntilClosed();
    return false;
  });
  auto client = NewClient();
  std::promise<void> got_chunk;
  std::promise<Status> done;
  client->AsyncStream(
      {.url = server.Url("/watch")},
      [&](std::string_view) {
        got_chunk.set_value();
        return true;
      },
      [&](Status status) { done.set_value(status); });
  got_chunk.get_future().wait();
  client->Shutdown();
  Status status = done.get_future().get();
  CHECK(status.code() == StatusCode::kCanceled);
}

}  // namespace
}  // namespace ember::http
