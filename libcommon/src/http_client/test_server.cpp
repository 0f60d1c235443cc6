#include "test_server.h"

#include <sys/socket.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace ember::http::testing {

namespace asio = boost::asio;
namespace beast_http = boost::beast::http;
using asio::ip::tcp;
using boost::system::error_code;

tcp::socket& ServerConnection::socket() { return tls_ ? tls_->next_layer() : *plain_; }

bool ServerConnection::Read(boost::beast::flat_buffer& buffer, TestRequest& request) {
  error_code ec;
  if (tls_) {
    beast_http::read(*tls_, buffer, request, ec);
  } else {
    beast_http::read(*plain_, buffer, request, ec);
  }
  return !ec;
}

void ServerConnection::Respond(TestResponse response) {
  if (!response.chunked()) response.content_length(response.body().size());
  error_code ec;
  if (tls_) {
    beast_http::write(*tls_, response, ec);
  } else {
    beast_http::write(*plain_, response, ec);
  }
}

void ServerConnection::Respond(int status, std::string body) {
  TestResponse response(static_cast<beast_http::status>(status), 11);
  response.set(beast_http::field::content_type, "text/plain");
  response.body() = std::move(body);
  Respond(std::move(response));
}

void ServerConnection::WriteRaw(std::string_view bytes) {
  error_code ec;
  if (tls_) {
    asio::write(*tls_, asio::buffer(bytes), ec);
  } else {
    asio::write(*plain_, asio::buffer(bytes), ec);
  }
}

void ServerConnection::HoldUntilClosed() {
  char scratch[512];
  error_code ec;
  while (!ec) {
    if (tls_) {
      tls_->read_some(asio::buffer(scratch), ec);
    } else {
      plain_->read_some(asio::buffer(scratch), ec);
    }
  }
}

std::string ServerConnection::PeerCommonName() {
  if (!tls_) return "";
  X509* cert = SSL_get1_peer_certificate(tls_->native_handle());
  if (cert == nullptr) return "";
  char name[256] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, name, sizeof(name));
  X509_free(cert);
  return name;
}

TestServer::TestServer(TestHandler handler, std::optional<TestServerTls> tls)
    : handler_(std::move(handler)),
      acceptor_(io_context_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
  port_ = acceptor_.local_endpoint().port();
  if (tls) {
    tls_context_.emplace(asio::ssl::context::tls_server);
    tls_context_->use_certificate_chain_file(tls->cert_file);
    tls_context_->use_private_key_file(tls->key_file, asio::ssl::context::pem);
    if (!tls->client_ca_file.empty()) {
      tls_context_->load_verify_file(tls->client_ca_file);
      tls_context_->set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
    }
  }
  accept_thread_ = std::thread([this] { AcceptLoop(); });
}

TestServer::~TestServer() {
  stopping_ = true;
  // shutdown() wakes a thread blocked in accept() or read() on the socket,
  // where close() from another thread would race with it.
  ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
  accept_thread_.join();
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    for (auto& connection : connections_) ::shutdown(connection->socket().native_handle(), SHUT_RDWR);
    threads = std::move(threads_);
  }
  for (auto& thread : threads) thread.join();
}

std::string TestServer::Url(std::string_view path) const {
  return std::string(tls_context_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) +
         std::string(path);
}

void TestServer::AcceptLoop() {
  for (;;) {
    tcp::socket socket(io_context_);
    error_code ec;
    acceptor_.accept(socket, ec);
    if (ec || stopping_) return;
    ++connections_accepted_;
    auto connection = std::make_shared<ServerConnection>();
    if (tls_context_) {
      connection->tls_.emplace(std::move(socket), *tls_context_);
    } else {
      connection->plain_.emplace(std::move(socket));
    }
    std::lock_guard lock(mu_);
    connections_.push_back(connection);
    threads_.emplace_back([this, connection] { Serve(connection); });
  }
}

void TestServer::Serve(std::shared_ptr<ServerConnection> connection) {
  if (connection->tls_) {
    error_code ec;
    connection->tls_->handshake(asio::ssl::stream_base::server, ec);
    if (ec) return;
  }
  boost::beast::flat_buffer buffer;
  for (;;) {
    TestRequest request;
    if (!connection->Read(buffer, request)) break;
    if (!handler_(request, *connection)) break;
  }
  error_code ignored;
  connection->socket().shutdown(tcp::socket::shutdown_both, ignored);
}

}  // namespace ember::http::testing
