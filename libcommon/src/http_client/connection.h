// Connection: one TCP connection to a server, with TLS when the URL is
// https://, that carries one request at a time.
//
// A Connection has no executor of its own: every operation completes on the
// caller's coroutine executor (an exchange's strand), so the connection can
// move between exchanges through the pool. Not thread-safe: only the exchange
// holding it may touch it, Close() included.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>  // std::exchange, which Asio 1.18's awaitable.hpp uses without including

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "ember/base/status.h"
#include "url.h"

namespace ember::http::client_internal {

class TlsClientContext;

using WireRequest = boost::beast::http::request<boost::beast::http::string_body>;
// Reads bodies into caller-provided buffers, so streams and whole bodies
// share one reading path.
using ResponseParser = boost::beast::http::response_parser<boost::beast::http::buffer_body>;

class Connection {
 public:
  // `tls` is null for http:// and must outlive the connection otherwise.
  Connection(boost::asio::any_io_executor executor, const Url& url, TlsClientContext* tls);

  // Resolves the host (unless it is an IP address), connects to the first
  // address that accepts and, for https://, shakes hands. `resolver` belongs to
  // the caller so that it can cancel the lookup. Errors: Unavailable with
  // Go-like detail (`dial tcp 10.0.0.1:80: connect: Connection refused`,
  // `dial tcp: lookup db.invalid: no such host`, `tls: certificate verify
  // failed: ...`); Canceled when Close() ran meanwhile.
  boost::asio::awaitable<Status> Open(boost::asio::ip::tcp::resolver& resolver);

  boost::asio::awaitable<boost::system::error_code> Write(WireRequest& request);
  boost::asio::awaitable<boost::system::error_code> ReadHeader(ResponseParser& parser);
  // Reads what is available into the parser's body buffer (see Beast's
  // http::async_read_some); http::error::need_buffer means the buffer is full.
  boost::asio::awaitable<boost::system::error_code> ReadSome(ResponseParser& parser);

  // Closes the socket; pending operations complete with operation_aborted.
  void Close();
  bool closed() const { return closed_; }

  // False when the server has closed an idle connection or sent bytes nobody
  // asked for, found without blocking. A true answer can still be wrong, which
  // the retry of replayable requests covers.
  bool LooksReusable();

  // True when bytes beyond the last response were read.
  bool HasBufferedBytes() const { return buffer_.size() > 0; }

  const std::string& pool_key() const { return pool_key_; }
  std::chrono::steady_clock::time_point idle_since() const { return idle_since_; }
  void set_idle_since(std::chrono::steady_clock::time_point t) { idle_since_ = t; }

 private:
  using TlsStream = boost::asio::ssl::stream<boost::asio::ip::tcp::socket>;
  boost::asio::ip::tcp::socket& socket() { return tls_ ? tls_->next_layer() : *plain_; }

  Url url_;
  std::string pool_key_;
  TlsClientContext* tls_context_;
  std::optional<boost::asio::ip::tcp::socket> plain_;
  std::optional<TlsStream> tls_;
  boost::beast::flat_buffer buffer_;
  bool closed_ = false;
  std::chrono::steady_clock::time_point idle_since_;
};

}  // namespace ember::http::client_internal
