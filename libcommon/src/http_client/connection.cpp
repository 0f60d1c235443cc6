#include "connection.h"

#include <sys/socket.h>

#include <cerrno>

#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "tls_client_context.h"

namespace ember::http::client_internal {
namespace {

namespace asio = boost::asio;
namespace beast_http = boost::beast::http;
using asio::ip::tcp;
using boost::system::error_code;

auto Capture(error_code& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

std::string LookupFailure(const error_code& ec) {
  if (ec == asio::error::host_not_found) return "no such host";
  return ec.message();
}

constexpr size_t kReadBufferBytes = 64 << 10;

}  // namespace

Connection::Connection(asio::any_io_executor executor, const Url& url, TlsClientContext* tls)
    : url_(url), pool_key_(url.PoolKey()), tls_context_(tls) {
  // Beast reads at most the buffer's free capacity (at least 512 bytes) at a
  // time: room for 64 KiB keeps a large body from costing a system call per
  // few hundred bytes.
  buffer_.reserve(kReadBufferBytes);
  if (tls != nullptr) {
    tls_.emplace(executor, tls->context());
  } else {
    plain_.emplace(executor);
  }
}

asio::awaitable<Status> Connection::Open(tcp::resolver& resolver) {
  error_code ec;
  std::vector<tcp::endpoint> endpoints;
  asio::ip::address literal = asio::ip::make_address(url_.host, ec);
  if (!ec) {
    endpoints.emplace_back(literal, url_.port);
  } else {
    ec = {};
    auto results = co_await resolver.async_resolve(url_.host, std::to_string(url_.port),
                                                   tcp::resolver::numeric_service, Capture(ec));
    if (closed_) co_return Status::Canceled("connection closed");
    if (ec) co_return Status::Unavailable("dial tcp: lookup " + url_.host + ": " + LookupFailure(ec));
    for (const auto& entry : results) endpoints.push_back(entry.endpoint());
  }
  co_await asio::async_connect(socket(), endpoints, Capture(ec));
  if (closed_) co_return Status::Canceled("connection closed");
  if (ec) co_return Status::Unavailable("dial tcp " + url_.HostPort() + ": connect: " + ec.message());
  // Requests are written whole, so Nagle's delay only ever adds latency.
  socket().set_option(tcp::no_delay(true), ec);
  if (!tls_) co_return Status::Ok();

  Status prepared = tls_context_->PrepareConnection(tls_->native_handle(), url_.host);
  if (!prepared.ok()) co_return prepared;
  co_await tls_->async_handshake(asio::ssl::stream_base::client, Capture(ec));
  if (closed_) co_return Status::Canceled("connection closed");
  if (ec) {
    co_return Status::Unavailable("tls: " +
                                  TlsClientContext::HandshakeFailureReason(tls_->native_handle(), ec));
  }
  co_return Status::Ok();
}

asio::awaitable<error_code> Connection::Write(WireRequest& request) {
  error_code ec;
  if (tls_) {
    co_await beast_http::async_write(*tls_, request, Capture(ec));
  } else {
    co_await beast_http::async_write(*plain_, request, Capture(ec));
  }
  co_return ec;
}

asio::awaitable<error_code> Connection::ReadHeader(ResponseParser& parser) {
  error_code ec;
  if (tls_) {
    co_await beast_http::async_read_header(*tls_, buffer_, parser, Capture(ec));
  } else {
    co_await beast_http::async_read_header(*plain_, buffer_, parser, Capture(ec));
  }
  co_return ec;
}

asio::awaitable<error_code> Connection::ReadSome(ResponseParser& parser) {
  error_code ec;
  if (tls_) {
    co_await beast_http::async_read_some(*tls_, buffer_, parser, Capture(ec));
  } else {
    co_await beast_http::async_read_some(*plain_, buffer_, parser, Capture(ec));
  }
  co_return ec;
}

void Connection::Close() {
  closed_ = true;
  error_code ignored;
  socket().close(ignored);
}

bool Connection::LooksReusable() {
  if (closed_ || !socket().is_open()) return false;
  char byte;
  ssize_t n = ::recv(socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK;
  if (n == 0) return false;
  // A TLS 1.3 server may send session tickets after the handshake, which
  // arrive unasked; plain HTTP/1.1 servers send nothing between responses.
  return tls_.has_value();
}

}  // namespace ember::http::client_internal
