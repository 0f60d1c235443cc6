// Exchange: one request from the call to its callback: taking a pooled
// connection or opening one, replacing a stale pooled connection once,
// following redirects, reading or streaming the body, and the deadline.
//
// Everything an exchange does runs on its own strand; Cancel() may be called
// from any thread. The callback is delivered exactly once, by whichever comes
// first of completion, the deadline and cancellation; I/O still under way at
// that point is aborted and only cleans up.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>  // std::exchange, which Asio 1.18's awaitable.hpp uses without including

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "client_context.h"
#include "connection.h"
#include "ember/http/client.h"
#include "url.h"

namespace ember::http::client_internal {

class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  // Exactly one of on_response (AsyncDo) and on_chunk with on_done (AsyncStream).
  struct Callbacks {
    HttpClient::ResponseCallback on_response;
    HttpClient::ChunkCallback on_chunk;
    HttpClient::DoneCallback on_done;
  };

  // `strand` is this exchange's own; `context` must outlive the exchange.
  Exchange(ClientContext& context, boost::asio::any_io_executor strand, ClientRequest request,
           Callbacks callbacks);

  // Begins the work on the strand. Called once, by ExchangeRegistry.
  void Start();
  // Ends the exchange with Canceled, from any thread.
  void Cancel();
  // Delivers Canceled on the calling thread to an exchange that was never
  // started because the client had shut down.
  void RefuseAfterShutdown();

 private:
  using Clock = std::chrono::steady_clock;

  boost::asio::awaitable<void> Run();
  boost::asio::awaitable<void> Execute();
  boost::asio::awaitable<Status> SendAndReadHead();
  boost::asio::awaitable<boost::system::error_code> ReadFinalHeader(bool& got_bytes);
  // Reads the rest of the body, failing beyond `limit` bytes (0: no limit).
  // The connection goes back to the pool when the response allows it.
  boost::asio::awaitable<Result<std::string>> ReadBody(uint64_t limit);
  boost::asio::awaitable<Status> StreamBody();

  Result<ClientResponse> MakeResponse(std::string body);
  void ResetParser();
  void ReleaseConnection();
  void CloseConnection();

  void EnterConnectPhase();
  void LeaveConnectPhase();
  void ArmWatchdog();
  void OnDeadline();

  // The three ways an exchange ends; each delivers the callback unless the
  // exchange has already ended.
  void Fail(Status status);
  void Succeed(ClientResponse response);
  void EndStream(Status status);
  bool BeginFinish();
  bool DeliverChunk(std::string_view chunk);

  // `Get "http://host/path"`, as Go starts its client errors.
  std::string Prefix() const;
  Status TransportFailure(const boost::system::error_code& ec, std::string_view stage) const;
  Status BodyTooLarge(uint64_t limit) const;

  ClientContext& context_;
  boost::asio::any_io_executor strand_;
  ClientRequest request_;
  Callbacks callbacks_;
  const bool streaming_;
  Url url_;
  bool ask_gzip_ = false;
  WireRequest wire_;
  std::chrono::milliseconds timeout_{0};
  std::optional<Clock::time_point> deadline_;
  // Set while connecting: resolving, connecting and shaking hands.
  std::optional<Clock::time_point> connect_deadline_;
  boost::asio::steady_timer watchdog_;
  boost::asio::ip::tcp::resolver resolver_;
  std::unique_ptr<Connection> connection_;
  std::optional<ResponseParser> parser_;
  bool finished_ = false;
};

}  // namespace ember::http::client_internal
