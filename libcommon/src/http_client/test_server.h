// TestServer: a small blocking HTTP/1.1 server on 127.0.0.1 for the client's
// tests. One thread accepts; each connection is served on its own thread by
// a handler that may block (on a latch, or until the client hangs up) without
// holding up other connections. Test support only.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace ember::http::testing {

using TestRequest = boost::beast::http::request<boost::beast::http::string_body>;
using TestResponse = boost::beast::http::response<boost::beast::http::string_body>;

// One accepted connection, as a handler sees it.
class ServerConnection {
 public:
  // Writes `response`, filling in Content-Length unless it is chunked.
  void Respond(TestResponse response);
  // A complete response with `status`, `body` and Content-Type text/plain.
  void Respond(int status, std::string body);
  // Writes bytes as they are: for chunked bodies and broken responses.
  void WriteRaw(std::string_view bytes);
  // Blocks until the client closes the connection or the server stops.
  void HoldUntilClosed();
  // The common name of the client's certificate, or "" without one.
  std::string PeerCommonName();

 private:
  friend class TestServer;
  boost::asio::ip::tcp::socket& socket();
  bool Read(boost::beast::flat_buffer& buffer, TestRequest& request);

  std::optional<boost::asio::ip::tcp::socket> plain_;
  std::optional<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>> tls_;
};

// Serves one request; returns whether to read another on this connection.
using TestHandler = std::function<bool(const TestRequest&, ServerConnection&)>;

struct TestServerTls {
  std::string cert_file;
  std::string key_file;
  // When set, clients must present a certificate signed by this CA.
  std::string client_ca_file;
};

class TestServer {
 public:
  explicit TestServer(TestHandler handler, std::optional<TestServerTls> tls = std::nullopt);
  // Stops accepting, wakes every handler blocked on its connection and joins.
  ~TestServer();

  uint16_t port() const { return port_; }
  // "http://127.0.0.1:<port>" (or https) followed by `path`.
  std::string Url(std::string_view path) const;
  int connections_accepted() const { return connections_accepted_.load(); }

 private:
  void AcceptLoop();
  void Serve(std::shared_ptr<ServerConnection> connection);

  TestHandler handler_;
  boost::asio::io_context io_context_;
  std::optional<boost::asio::ssl::context> tls_context_;
  boost::asio::ip::tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::atomic<int> connections_accepted_{0};
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::vector<std::shared_ptr<ServerConnection>> connections_;  // GUARDED_BY(mu_)
  std::vector<std::thread> threads_;                            // GUARDED_BY(mu_)
  std::thread accept_thread_;
};

}  // namespace ember::http::testing
