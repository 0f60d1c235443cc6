#include "exchange.h"

#include <algorithm>
#include <exception>
#include <limits>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>

#include "ember/base/strings.h"
#include "ember/base/time.h"
#include "ember/http/gzip.h"
#include "redirect.h"
#include "stream_status.h"
#include "wire_request.h"

namespace ember::http::client_internal {
namespace {

namespace asio = boost::asio;
namespace beast_http = boost::beast::http;
using boost::system::error_code;

// Bytes read per step when the body's length is unknown, and the most
// allocated ahead of arrival when it is known.
constexpr size_t kReadStep = 64 << 10;
constexpr uint64_t kMaxPreallocation = 16 << 20;
// A redirect's body is read, to keep its connection, up to this size; past
// it a new connection is cheaper.
constexpr uint64_t kMaxDiscardedBody = 64 << 10;

}  // namespace

Exchange::Exchange(ClientContext& context, asio::any_io_executor strand, ClientRequest request,
                   Callbacks callbacks)
    : context_(context),
      strand_(strand),
      request_(std::move(request)),
      callbacks_(std::move(callbacks)),
      streaming_(static_cast<bool>(callbacks_.on_chunk)),
      watchdog_(strand),
      resolver_(strand) {}

void Exchange::Start() {
  asio::co_spawn(
      strand_, [self = shared_from_this()] { return self->Run(); }, asio::detached);
}

void Exchange::Cancel() {
  asio::post(strand_, [self = shared_from_this()] {
    self->Fail(Status::Canceled(self->Prefix() + ": request canceled: client shut down"));
  });
}

void Exchange::RefuseAfterShutdown() { Fail(Status::Canceled(Prefix() + ": client is shut down")); }

asio::awaitable<void> Exchange::Run() {
  // No exception may reach Asio: it would end an I/O thread.
  try {
    co_await Execute();
  } catch (const std::exception& e) {
    Fail(Status::Internal(Prefix() + ": " + e.what()));
  } catch (...) {
    Fail(Status::Internal(Prefix() + ": unknown exception"));
  }
  if (!finished_) Fail(Status::Internal(Prefix() + ": request ended without a result"));
  CloseConnection();
}

asio::awaitable<void> Exchange::Execute() {
  if (finished_) co_return;
  Result<Url> url = ParseUrl(request_.url);
  if (!url.ok()) {
    Fail(url.status().WithContext(Prefix()));
    co_return;
  }
  url_ = std::move(url).value();
  const ClientOptions& options = context_.options;
  ask_gzip_ = !streaming_ && request_.accept_gzip && !request_.headers.Has("Accept-Encoding");
  timeout_ = request_.timeout.value_or(streaming_ ? std::chrono::milliseconds(0) : options.request_timeout);
  if (timeout_.count() > 0) deadline_ = Clock::now() + timeout_;
  ArmWatchdog();

  for (int redirects = 0;; ++redirects) {
    Result<WireRequest> wire = BuildWireRequest(request_, url_, options.user_agent, ask_gzip_);
    if (!wire.ok()) {
      Fail(wire.status().WithContext(Prefix()));
      co_return;
    }
    wire_ = std::move(wire).value();
    Status sent = co_await SendAndReadHead();
    if (finished_) co_return;
    if (!sent.ok()) {
      Fail(std::move(sent));
      co_return;
    }
    const int status = parser_->get().result_int();
    const std::string location(parser_->get()[beast_http::field::location]);

    if (options.follow_redirects && IsRedirectStatus(status) && !location.empty()) {
      if (redirects >= options.max_redirects) {
        Fail(Status::ResourceExhausted(Prefix() + ": stopped after " + std::to_string(options.max_redirects) +
                                       " redirects"));
        co_return;
      }
      // Errors are ignored: they only cost the connection.
      (void)co_await ReadBody(kMaxDiscardedBody);
      if (finished_) co_return;
      const std::string prefix = Prefix();
      Result<Url> next = FollowRedirect(url_, status, location, request_);
      if (!next.ok()) {
        Fail(next.status().WithContext(prefix));
        co_return;
      }
      url_ = std::move(next).value();
      continue;
    }

    if (streaming_ && status / 100 == 2) {
      Status streamed = co_await StreamBody();
      if (!finished_) EndStream(std::move(streamed));
      co_return;
    }
    Result<std::string> body = co_await ReadBody(options.max_response_body_bytes);
    if (finished_) co_return;
    if (!body.ok()) {
      Fail(body.status());
    } else if (streaming_) {
      EndStream(StreamStatus(Prefix(), status, parser_->get().reason(), *body));
    } else {
      Result<ClientResponse> response = MakeResponse(std::move(body).value());
      if (response.ok()) {
        Succeed(std::move(response).value());
      } else {
        Fail(response.status());
      }
    }
    co_return;
  }
}

asio::awaitable<Status> Exchange::SendAndReadHead() {
  const bool replayable = IsReplayable(request_);
  for (int attempt = 0;; ++attempt) {
    bool reused = false;
    if (attempt == 0) {
      connection_ = context_.pool->Take(url_.PoolKey());
      reused = connection_ != nullptr;
    }
    if (!connection_) {
      TlsClientContext* tls = url_.scheme == Scheme::kHttps ? context_.tls.get() : nullptr;
      connection_ = std::make_unique<Connection>(context_.executor, url_, tls);
      EnterConnectPhase();
      Status opened = co_await connection_->Open(resolver_);
      if (finished_) co_return Status::Ok();
      LeaveConnectPhase();
      if (!opened.ok()) {
        CloseConnection();
        co_return opened.WithContext(Prefix());
      }
    }
    ResetParser();
    bool got_bytes = false;
    error_code ec = co_await connection_->Write(wire_);
    if (!ec && !finished_) ec = co_await ReadFinalHeader(got_bytes);
    if (finished_) co_return Status::Ok();
    if (!ec) co_return Status::Ok();
    CloseConnection();
    // A server may close an idle connection just as it is reused; when it
    // sent nothing back, sending again on a new connection is safe for
    // requests that may be repeated.
    const bool stale = reused && replayable && !got_bytes;
    if (!stale) co_return TransportFailure(ec, "sending request");
  }
}

asio::awaitable<error_code> Exchange::ReadFinalHeader(bool& got_bytes) {
  for (;;) {
    error_code ec = co_await connection_->ReadHeader(*parser_);
    got_bytes = got_bytes || parser_->got_some();
    if (ec || finished_) co_return ec;
    const int status = parser_->get().result_int();
    // Interim responses (100 Continue, 103 Early Hints) precede the real one.
    if (status >= 200 || status < 100 || status == 101) co_return ec;
    ResetParser();
  }
}

void Exchange::ResetParser() {
  parser_.emplace();
  parser_->header_limit(context_.options.max_response_header_bytes);
  // The limit is enforced while reading, where the error can say more. Not
  // boost::none: Beast 1.74 compares Content-Length against an empty
  // optional as if it were a limit of zero.
  parser_->body_limit(std::numeric_limits<uint64_t>::max());
  if (request_.method == "HEAD") parser_->skip(true);
}

asio::awaitable<Result<std::string>> Exchange::ReadBody(uint64_t limit) {
  std::string body;
  std::optional<uint64_t> length;
  if (!parser_->is_done() && parser_->content_length()) {
    length = *parser_->content_length();
    if (limit > 0 && *length > limit) {
      CloseConnection();
      co_return BodyTooLarge(limit);
    }
    body.reserve(std::min(*length, kMaxPreallocation));
  }
  // `body` holds `used` bytes read and room after them; room is added (and
  // zero-filled) only when the reads have used it up.
  size_t used = 0;
  while (!parser_->is_done()) {
    if (body.size() == used) {
      size_t step = kReadStep;
      if (length && *length > used) step = std::min(*length - used, kMaxPreallocation);
      body.resize(used + step);
    }
    auto& buffer = parser_->get().body();
    buffer.data = body.data() + used;
    buffer.size = body.size() - used;
    error_code ec = co_await connection_->ReadSome(*parser_);
    used = body.size() - parser_->get().body().size;
    if (finished_) co_return Status::Canceled("request ended");
    if (ec == beast_http::error::need_buffer) ec = {};
    if (ec) {
      CloseConnection();
      co_return TransportFailure(ec, "reading body");
    }
    if (limit > 0 && used > limit) {
      CloseConnection();
      co_return BodyTooLarge(limit);
    }
  }
  body.resize(used);
  ReleaseConnection();
  co_return body;
}

asio::awaitable<Status> Exchange::StreamBody() {
  std::string buffer(kReadStep, '\0');
  while (!parser_->is_done()) {
    auto& body = parser_->get().body();
    body.data = buffer.data();
    body.size = buffer.size();
    error_code ec = co_await connection_->ReadSome(*parser_);
    if (finished_) co_return Status::Ok();
    const size_t n = buffer.size() - parser_->get().body().size;
    if (n > 0 && !DeliverChunk(std::string_view(buffer.data(), n))) {
      CloseConnection();
      co_return Status::Ok();
    }
    if (ec == beast_http::error::need_buffer) ec = {};
    if (ec) {
      CloseConnection();
      co_return TransportFailure(ec, "reading body");
    }
  }
  ReleaseConnection();
  co_return Status::Ok();
}

Result<ClientResponse> Exchange::MakeResponse(std::string body) {
  ClientResponse response;
  const auto& head = parser_->get();
  response.status = head.result_int();
  for (const auto& field : head) response.headers.Add(field.name_string(), field.value());
  if (!ask_gzip_ || body.empty() ||
      !EqualsIgnoreCase(TrimSpace(response.headers.Get("Content-Encoding")), "gzip")) {
    response.body = std::move(body);
    return response;
  }
  const uint64_t limit = context_.options.max_response_body_bytes;
  Result<std::string> decoded = GzipDecompress(body, limit > 0 ? limit : SIZE_MAX);
  if (!decoded.ok()) {
    if (decoded.status().code() == StatusCode::kResourceExhausted) return BodyTooLarge(limit);
    return Status::Unavailable(Prefix() + ": decoding gzip body: " + decoded.status().message());
  }
  response.body = std::move(decoded).value();
  // They describe the encoded bytes, which the caller never sees.
  response.headers.Remove("Content-Encoding");
  response.headers.Remove("Content-Length");
  return response;
}

void Exchange::ReleaseConnection() {
  if (!connection_) return;
  const bool reusable =
      parser_->get().keep_alive() && !parser_->need_eof() && !connection_->HasBufferedBytes();
  if (!reusable) {
    CloseConnection();
    return;
  }
  context_.pool->Put(std::move(connection_));
}

void Exchange::CloseConnection() {
  if (!connection_) return;
  connection_->Close();
  connection_.reset();
}

void Exchange::EnterConnectPhase() {
  if (context_.options.connect_timeout.count() > 0) {
    connect_deadline_ = Clock::now() + context_.options.connect_timeout;
  }
  ArmWatchdog();
}

void Exchange::LeaveConnectPhase() {
  connect_deadline_.reset();
  ArmWatchdog();
}

void Exchange::ArmWatchdog() {
  std::optional<Clock::time_point> at = deadline_;
  if (connect_deadline_ && (!at || *connect_deadline_ < *at)) at = connect_deadline_;
  if (!at) {
    watchdog_.cancel();
    return;
  }
  watchdog_.expires_at(*at);
  watchdog_.async_wait([self = shared_from_this()](const error_code& ec) {
    if (ec || self->finished_) return;
    // Re-armed after this wait had already completed.
    if (self->watchdog_.expiry() > Clock::now()) return;
    self->OnDeadline();
  });
}

void Exchange::OnDeadline() {
  const bool connecting = connect_deadline_ && (!deadline_ || *connect_deadline_ < *deadline_);
  if (connecting) {
    Fail(Status::DeadlineExceeded(Prefix() + ": dial tcp " + url_.HostPort() +
                                  ": i/o timeout (connect timeout " +
                                  FormatGoDuration(context_.options.connect_timeout) + ")"));
  } else {
    Fail(Status::DeadlineExceeded(Prefix() + ": context deadline exceeded (timeout " +
                                  FormatGoDuration(timeout_) + ")"));
  }
}

bool Exchange::BeginFinish() {
  if (finished_) return false;
  finished_ = true;
  watchdog_.cancel();
  resolver_.cancel();
  // Aborts whatever the coroutine is waiting for; it resumes, sees the
  // exchange finished, and cleans up.
  if (connection_) connection_->Close();
  context_.registry.Remove(this);
  return true;
}

void Exchange::Fail(Status status) {
  if (streaming_) {
    EndStream(std::move(status));
    return;
  }
  if (!BeginFinish()) return;
  auto callback = std::move(callbacks_.on_response);
  if (!callback) return;
  try {
    callback(Result<ClientResponse>(std::move(status)));
  } catch (...) {
    // A throwing callback is a caller's bug; the I/O thread must live on.
  }
}

void Exchange::Succeed(ClientResponse response) {
  if (!BeginFinish()) return;
  auto callback = std::move(callbacks_.on_response);
  if (!callback) return;
  try {
    callback(Result<ClientResponse>(std::move(response)));
  } catch (...) {
    // As in Fail.
  }
}

void Exchange::EndStream(Status status) {
  if (!BeginFinish()) return;
  callbacks_.on_chunk = nullptr;
  auto callback = std::move(callbacks_.on_done);
  if (!callback) return;
  try {
    callback(std::move(status));
  } catch (...) {
    // As in Fail.
  }
}

bool Exchange::DeliverChunk(std::string_view chunk) {
  try {
    return callbacks_.on_chunk(chunk);
  } catch (...) {
    return false;
  }
}

std::string Exchange::Prefix() const { return OperationName(request_.method) + " \"" + request_.url + "\""; }

Status Exchange::TransportFailure(const error_code& ec, std::string_view stage) const {
  if (ec == beast_http::error::header_limit) {
    return Status::ResourceExhausted(Prefix() + ": response header exceeds " +
                                     std::to_string(context_.options.max_response_header_bytes) + " bytes");
  }
  if (ec == beast_http::error::end_of_stream || ec == asio::error::eof) {
    return Status::Unavailable(Prefix() + ": " + std::string(stage) + ": server closed the connection");
  }
  return Status::Unavailable(Prefix() + ": " + std::string(stage) + ": " + ec.message());
}

Status Exchange::BodyTooLarge(uint64_t limit) const {
  return Status::ResourceExhausted(Prefix() + ": response body exceeds the limit of " +
                                   std::to_string(limit) + " bytes");
}

}  // namespace ember::http::client_internal
