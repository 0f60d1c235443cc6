#include "connection.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <limits>
#include <optional>
#include <type_traits>

#include "dispatcher.h"
#include "ember/base/strings.h"

namespace ember::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using TimePoint = std::chrono::steady_clock::time_point;

namespace {

constexpr size_t kReadChunkBytes = 4096;
// How long a closing connection keeps reading (and discarding) what the
// client still sends: closing a socket with unread input makes the kernel
// reset the connection, which can destroy the response before the client
// has read it. Also bounds the TLS close_notify exchange.
constexpr std::chrono::seconds kLingerTimeout(2);
constexpr size_t kMaxLingerBytes = 1 << 20;

std::optional<TimePoint> After(std::chrono::milliseconds timeout) {
  if (timeout.count() <= 0) return std::nullopt;
  return std::chrono::steady_clock::now() + timeout;
}

std::optional<TimePoint> Earliest(std::optional<TimePoint> a, std::optional<TimePoint> b) {
  if (!a) return b;
  if (!b) return a;
  return std::min(*a, *b);
}

std::string FormatEndpoint(const tcp::endpoint& endpoint) {
  auto address = endpoint.address();
  // Dual-stack listeners see IPv4 clients as ::ffff:a.b.c.d; Go prints a.b.c.d.
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  }
  const std::string ip = address.to_string();
  return (address.is_v6() ? "[" + ip + "]" : ip) + ":" + std::to_string(endpoint.port());
}

// The status to answer a failed read with, or 0 to close without answering
// (the client went away, timed out or stopped mid-message).
int StatusForReadError(const error_code& ec) {
  if (ec == bhttp::error::header_limit) return 431;
  if (ec == bhttp::error::body_limit) return 413;
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
      ec == bhttp::error::short_read || ec == bhttp::error::need_more) {
    return 0;
  }
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category()) return 400;
  return 0;
}

std::string_view ReadErrorMessage(int status) {
  switch (status) {
    case 413:
      return "request body too large";
    case 431:
      return "Request Header Fields Too Large";
    default:
      return "Bad Request";
  }
}

// Splits the request-target into the decoded path and the raw query, and
// returns the path as sent, for routing.
// Error: InvalidArgument for a target that is not a path (or an absolute URL
// with one) or has a malformed escape.
Result<std::string_view> ParseTarget(std::string_view target, Request& request) {
  request.target = std::string(target);
  if (target == "*") {
    request.path = "*";
    return target;
  }
  // Absolute form, as proxies send it: drop the scheme and authority.
  if (const size_t scheme = target.find("://"); scheme != std::string_view::npos && target.front() != '/') {
    const size_t path_start = target.find('/', scheme + 3);
    target = path_start == std::string_view::npos ? std::string_view("/") : target.substr(path_start);
  }
  if (target.empty() || target.front() != '/') return Status::InvalidArgument("invalid request target");
  const size_t question = target.find('?');
  if (question != std::string_view::npos) request.raw_query = std::string(target.substr(question + 1));
  const std::string_view raw_path = target.substr(0, question);
  EMBER_ASSIGN_OR_RETURN(request.path, PercentDecode(raw_path, /*plus_is_space=*/false));
  return raw_path;
}

bhttp::response<bhttp::string_body> ToMessage(Response response, unsigned version, bool head_request,
                                              bool keep_alive) {
  bhttp::response<bhttp::string_body> message{static_cast<bhttp::status>(response.status), version};
  for (const auto& [name, value] : response.headers) message.insert(name, value);
  message.body() = std::move(response.body);
  message.keep_alive(keep_alive);
  message.prepare_payload();
  // HEAD keeps the Content-Length of the body it does not get.
  if (head_request) message.body().clear();
  return message;
}

template <class Stream>
class StreamConnection final : public Connection,
                               public std::enable_shared_from_this<StreamConnection<Stream>> {
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

 public:
  StreamConnection(ServerCore& core, Stream stream, std::shared_ptr<const SecurityState> security,
                   std::string remote_address)
      : core_(core),
        options_(core.options),
        stream_(std::move(stream)),
        security_(std::move(security)),
        remote_address_(std::move(remote_address)) {}

  void Start(std::function<void()> on_close) override {
    on_close_ = std::move(on_close);
    auto self = this->shared_from_this();
    asio::co_spawn(stream_.get_executor(), Run(self), [self](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        self->core_.logger.Error("Connection failed",
                                 {{"remote", self->remote_address_}, {"err", ex.what()}});
      } catch (...) {
        self->core_.logger.Error("Connection failed", {{"remote", self->remote_address_}});
      }
    });
  }

  void CloseIfIdle() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (self->idle_) self->Lowest().cancel();
    });
  }

  void ForceClose() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->Lowest().close(); });
  }

 private:
  // Runs on_close_ however the coroutine ends, exceptions included.
  struct CloseNotifier {
    std::function<void()>& on_close;
    ~CloseNotifier() {
      if (on_close) on_close();
    }
  };

  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }

  void ExpireAt(std::optional<TimePoint> deadline) {
    if (deadline) {
      Lowest().expires_at(*deadline);
    } else {
      Lowest().expires_never();
    }
  }

  asio::awaitable<void> Run(std::shared_ptr<StreamConnection> /*keep_alive*/) {
    CloseNotifier notifier{on_close_};
    const std::optional<TimePoint> first_deadline = After(options_.read_header_timeout);
    if constexpr (kTls) {
      error_code ec;
      ExpireAt(first_deadline);
      co_await stream_.async_handshake(asio::ssl::stream_base::server,
                                       asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        core_.logger.Error("TLS handshake error", {{"remote", remote_address_}, {"err", ec.message()}});
        Lowest().close();
        co_return;
      }
    }
    const Ending ending = co_await Serve(first_deadline);
    co_await Close(ending);
  }

  // How a connection ends once it stops serving.
  enum class Ending {
    kAbort,        // the peer left, timed out or was idle: just close the socket
    kGraceful,     // after a final response: say goodbye properly (TLS close_notify)
    kUnreadInput,  // as kGraceful, and the client may still be sending
  };

  // Serves requests until the connection should close.
  asio::awaitable<Ending> Serve(std::optional<TimePoint> first_deadline) {
    beast::flat_buffer buffer;
    bool first = true;
    for (;;) {
      error_code ec;
      // Waiting for a request to begin is the one state in which Shutdown
      // closes a connection at once.
      std::optional<TimePoint> header_deadline = first_deadline;
      if (buffer.size() == 0) {
        if (core_.draining.load()) co_return Ending::kAbort;
        ExpireAt(first ? first_deadline : After(options_.idle_timeout));
        idle_ = true;
        const size_t n = co_await stream_.async_read_some(buffer.prepare(kReadChunkBytes),
                                                          asio::redirect_error(asio::use_awaitable, ec));
        idle_ = false;
        if (ec) co_return Ending::kAbort;
        buffer.commit(n);
      }
      if (!first) header_deadline = After(options_.read_header_timeout);
      first = false;
      const std::optional<TimePoint> read_deadline = After(options_.read_timeout);

      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(
          static_cast<std::uint32_t>(std::min<size_t>(options_.max_header_bytes, UINT32_MAX)));
      // The body limit depends on the route, known only once the head is read.
      // (Beast 1.74 treats an unset limit as exceeded, hence the maximum.)
      parser.body_limit(std::numeric_limits<std::uint64_t>::max());
      ExpireAt(Earliest(header_deadline, read_deadline));
      co_await bhttp::async_read_header(stream_, buffer, parser,
                                        asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return co_await WriteReadError(StatusForReadError(ec), parser.get().version());

      Request request;
      const auto& head = parser.get();
      request.method = std::string(head.method_string());
      for (const auto& field : head) request.headers.Add(field.name_string(), field.value());
      request.remote_address = remote_address_;
      request.tls = kTls;
      request.stop_token = core_.stop.get_token();
      const auto raw_path = ParseTarget(head.target(), request);
      if (!raw_path.ok()) co_return co_await WriteReadError(400, head.version());
      const RouteMatch match = core_.router.Find(request.method, *raw_path);
      const size_t body_limit = match.route != nullptr && match.route->options.max_body_bytes > 0
                                    ? match.route->options.max_body_bytes
                                    : options_.max_request_body_bytes;
      const auto content_length = parser.content_length();
      if (content_length && *content_length > body_limit)
        co_return co_await WriteReadError(413, head.version());
      const bool has_body = parser.chunked() || (content_length && *content_length > 0);
      if (has_body && EqualsIgnoreCase(head[bhttp::field::expect], "100-continue")) {
        bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, head.version()};
        ExpireAt(After(options_.write_timeout));
        co_await bhttp::async_write(stream_, go_on, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return Ending::kAbort;
      }
      parser.body_limit(body_limit);
      ExpireAt(read_deadline);
      co_await bhttp::async_read(stream_, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return co_await WriteReadError(StatusForReadError(ec), parser.get().version());
      ExpireAt(std::nullopt);
      request.body = std::move(parser.get().body());
      const unsigned version = parser.get().version();
      const bool client_keep_alive = parser.get().keep_alive();

      Response response = co_await Dispatch(core_, request, match, *security_);
      // Checked after the handler: a shutdown that began meanwhile closes
      // the connection after this response.
      const bool keep_alive = client_keep_alive && !core_.draining.load();
      if (!co_await Write(std::move(response), version, request.method == "HEAD", keep_alive)) {
        co_return Ending::kAbort;
      }
      if (!keep_alive) co_return buffer.size() > 0 ? Ending::kUnreadInput : Ending::kGraceful;
    }
  }

  // Sends `response`; false when the write failed or timed out.
  asio::awaitable<bool> Write(Response response, unsigned version, bool head_request, bool keep_alive) {
    auto message = ToMessage(std::move(response), version, head_request, keep_alive);
    error_code ec;
    ExpireAt(After(options_.write_timeout));
    co_await bhttp::async_write(stream_, message, asio::redirect_error(asio::use_awaitable, ec));
    co_return !ec;
  }

  // Answers a request that could not be read, if it deserves an answer; the
  // connection closes afterwards.
  asio::awaitable<Ending> WriteReadError(int status, unsigned version) {
    if (status == 0) co_return Ending::kAbort;
    Response response = Response::Error(status, ReadErrorMessage(status));
    Request request;  // nothing of the request is trusted
    FinishResponse(core_, request, /*compress=*/false, *security_, response);
    const bool sent = co_await Write(std::move(response), version == 10 ? 10 : 11, /*head_request=*/false,
                                     /*keep_alive=*/false);
    co_return sent ? Ending::kUnreadInput : Ending::kAbort;
  }

  asio::awaitable<void> Close(Ending ending) {
    error_code ec;
    if (ending == Ending::kAbort) {
      Lowest().close();
      co_return;
    }
    if constexpr (kTls) {
      ExpireAt(After(std::chrono::duration_cast<std::chrono::milliseconds>(kLingerTimeout)));
      co_await stream_.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
    }
    Lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ending == Ending::kUnreadInput && Lowest().socket().is_open()) {
      ExpireAt(After(std::chrono::duration_cast<std::chrono::milliseconds>(kLingerTimeout)));
      size_t discarded = 0;
      while (discarded < kMaxLingerBytes) {
        const size_t n = co_await Lowest().async_read_some(asio::buffer(linger_buffer_),
                                                           asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;
        discarded += n;
      }
    }
    Lowest().close();
  }

  ServerCore& core_;
  const ServerOptions& options_;
  Stream stream_;
  const std::shared_ptr<const SecurityState> security_;
  const std::string remote_address_;
  std::function<void()> on_close_;
  bool idle_ = false;  // touched only on the strand
  std::array<char, kReadChunkBytes> linger_buffer_{};
};

}  // namespace

std::shared_ptr<Connection> NewConnection(ServerCore& core, tcp::socket socket,
                                          std::shared_ptr<const SecurityState> security) {
  error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  std::string remote_address = ec ? "unknown" : FormatEndpoint(remote);
  if (security->tls) {
    using TlsStream = beast::ssl_stream<beast::tcp_stream>;
    TlsStream stream(beast::tcp_stream(std::move(socket)), *security->tls);
    return std::make_shared<StreamConnection<TlsStream>>(core, std::move(stream), std::move(security),
                                                         std::move(remote_address));
  }
  return std::make_shared<StreamConnection<beast::tcp_stream>>(
      core, beast::tcp_stream(std::move(socket)), std::move(security), std::move(remote_address));
}

}  // namespace ember::http
