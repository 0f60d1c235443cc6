#include "ember/http/server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cctype>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "connection.h"
#include "listen_address.h"
#include "security_state.h"
#include "server_core.h"

namespace ember::http {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

// Go's accept loop backs off like this on errors such as EMFILE, so that a
// short resource shortage does not spin the acceptor.
constexpr std::chrono::milliseconds kMinAcceptBackoff(5);
constexpr std::chrono::milliseconds kMaxAcceptBackoff(1000);

std::string FormatAddress(const tcp::endpoint& endpoint) {
  const std::string ip = endpoint.address().to_string();
  return (endpoint.address().is_v6() ? "[" + ip + "]" : ip) + ":" + std::to_string(endpoint.port());
}

Status CheckOptions(const ServerOptions& o) {
  if (o.io_threads == 0) return Status::InvalidArgument("http server: io_threads must be at least 1");
  if (o.max_request_body_bytes == 0)
    return Status::InvalidArgument("http server: max_request_body_bytes must be positive");
  if (o.max_header_bytes == 0)
    return Status::InvalidArgument("http server: max_header_bytes must be positive");
  return Status::Ok();
}

}  // namespace

class Server::Impl {
 public:
  Impl(ServerOptions options, Router router, Logger logger, MetricsRegistry& metrics)
      : options_(std::move(options)),
        router_(std::move(router)),
        logger_(std::move(logger)),
        registry_(metrics),
        acceptor_strand_(asio::make_strand(ioc_)),
        acceptor_(acceptor_strand_),
        slot_timer_(acceptor_strand_),
        backoff_timer_(acceptor_strand_) {}

  ~Impl() { (void)Shutdown(std::chrono::milliseconds(0)); }

  Status Start() {
    std::lock_guard lifecycle(lifecycle_mu_);
    if (state_ != State::kNew) return Status::FailedPrecondition("http server: Start called twice");
    EMBER_RETURN_IF_ERROR(router_.status());
    EMBER_RETURN_IF_ERROR(CheckOptions(options_));
    EMBER_ASSIGN_OR_RETURN(auto security, NewSecurityState(options_.security));
    EMBER_ASSIGN_OR_RETURN(const ListenEndpoint listen, ParseListenAddress(options_.listen_address));
    EMBER_RETURN_IF_ERROR(Listen(listen));
    {
      // An UpdateSecurity before Start has already chosen newer settings.
      std::lock_guard lock(security_mu_);
      if (!security_) security_ = std::move(security);
    }

    const size_t workers = options_.worker_threads > 0 ? options_.worker_threads
                                                       : std::max(1u, std::thread::hardware_concurrency());
    const size_t io_threads = options_.io_threads;
    core_ =
        std::make_unique<ServerCore>(std::move(options_), std::move(router_), logger_, registry_, workers);
    work_guard_.emplace(ioc_.get_executor());
    for (size_t i = 0; i < io_threads; ++i) io_threads_.emplace_back([this] { RunIo(); });
    asio::co_spawn(acceptor_strand_, AcceptLoop(), [this](std::exception_ptr e) {
      if (e) logger_.Error("HTTP accept loop failed");
    });
    state_ = State::kRunning;
    accepting_ = true;
    logger_.Info("Listening on", {{"address", bound_address_}, {"tls", CurrentSecurity()->tls != nullptr}});
    return Status::Ok();
  }

  uint16_t port() const { return port_.load(); }
  std::string bound_address() const {
    std::lock_guard lifecycle(lifecycle_mu_);
    return bound_address_;
  }
  bool accepting() const { return accepting_.load(); }

  Status UpdateSecurity(WebSecurity security) {
    EMBER_ASSIGN_OR_RETURN(auto state, NewSecurityState(security));
    std::lock_guard lock(security_mu_);
    security_ = std::move(state);
    return Status::Ok();
  }

  Status Shutdown(std::chrono::milliseconds grace) {
    std::lock_guard lifecycle(lifecycle_mu_);
    if (state_ != State::kRunning) return Status::Ok();
    state_ = State::kStopped;
    core_->draining = true;

    std::promise<void> closed;
    asio::post(acceptor_strand_, [&] {
      error_code ignored;
      acceptor_.close(ignored);
      slot_timer_.cancel();
      backoff_timer_.cancel();
      closed.set_value();
    });
    closed.get_future().wait();
    accepting_ = false;

    for (const auto& connection : SnapshotConnections()) connection->CloseIfIdle();
    Status result;
    std::unique_lock lock(connections_mu_);
    if (!connections_drained_.wait_for(lock, grace, [&] { return connections_.empty(); })) {
      const size_t remaining = connections_.size();
      lock.unlock();
      logger_.Warn("Closing connections still open after the grace period", {{"connections", remaining}});
      core_->stop.request_stop();
      for (const auto& connection : SnapshotConnections()) connection->ForceClose();
      result = Status::DeadlineExceeded("http server: closed " + std::to_string(remaining) +
                                        " connections still open after the grace period");
      lock.lock();
      // Connections waiting for a handler end when it returns.
      connections_drained_.wait(lock, [&] { return connections_.empty(); });
    }
    lock.unlock();

    core_->pool.Stop();
    // With the acceptor closed and every connection gone, the I/O threads
    // run out of work and return.
    work_guard_.reset();
    for (std::thread& t : io_threads_) t.join();
    io_threads_.clear();
    return result;
  }

 private:
  enum class State { kNew, kRunning, kStopped };

  Status Listen(const ListenEndpoint& listen) {
    error_code ec;
    tcp::endpoint endpoint = listen.endpoint;
    acceptor_.open(endpoint.protocol(), ec);
    if (ec && listen.all_interfaces) {
      // No IPv6 on this host: every interface means every IPv4 one.
      endpoint = tcp::endpoint(tcp::v4(), endpoint.port());
      ec = {};
      acceptor_.open(endpoint.protocol(), ec);
    }
    auto fail = [&](std::string_view step) {
      error_code ignored;
      acceptor_.close(ignored);
      // Go spells system errors in lower case: "bind: address already in use".
      std::string reason = ec.message();
      if (!reason.empty()) reason[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(reason[0])));
      return Status::IOError("listen tcp " + options_.listen_address + ": " + std::string(step) + ": " +
                             reason);
    };
    if (ec) return fail("socket");
    if (endpoint.protocol() == tcp::v6()) acceptor_.set_option(asio::ip::v6_only(!listen.all_interfaces), ec);
    acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    acceptor_.bind(endpoint, ec);
    if (ec) return fail("bind");
    acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return fail("listen");
    const tcp::endpoint local = acceptor_.local_endpoint(ec);
    if (ec) return fail("getsockname");
    port_ = local.port();
    bound_address_ = FormatAddress(local);
    return Status::Ok();
  }

  void RunIo() {
    for (;;) {
      try {
        ioc_.run();
        return;
      } catch (const std::exception& e) {
        logger_.Error("HTTP I/O thread caught an exception", {{"err", e.what()}});
      } catch (...) {
        logger_.Error("HTTP I/O thread caught an exception");
      }
    }
  }

  size_t ConnectionCount() {
    std::lock_guard lock(connections_mu_);
    return connections_.size();
  }

  std::vector<std::shared_ptr<Connection>> SnapshotConnections() {
    std::lock_guard lock(connections_mu_);
    std::vector<std::shared_ptr<Connection>> all;
    for (const auto& [id, connection] : connections_) all.push_back(connection);
    return all;
  }

  std::shared_ptr<const SecurityState> CurrentSecurity() {
    std::lock_guard lock(security_mu_);
    return security_;
  }

  // Runs on the acceptor strand until the acceptor is closed.
  asio::awaitable<void> AcceptLoop() {
    const size_t max_connections = core_->options.max_connections;
    std::chrono::milliseconds backoff(0);
    for (;;) {
      error_code ec;
      // Connections beyond the limit wait in the listen backlog, as with
      // Go's LimitListener; a closing connection cancels the timer.
      while (max_connections > 0 && ConnectionCount() >= max_connections && acceptor_.is_open()) {
        slot_timer_.expires_at(asio::steady_timer::time_point::max());
        co_await slot_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
      if (!acceptor_.is_open()) co_return;
      tcp::socket socket = co_await acceptor_.async_accept(asio::make_strand(ioc_),
                                                           asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (!acceptor_.is_open() || ec == asio::error::operation_aborted) co_return;
        backoff = std::clamp(backoff * 2, kMinAcceptBackoff, kMaxAcceptBackoff);
        logger_.Error("Accepting a connection failed",
                      {{"err", ec.message()}, {"retry_in_ms", backoff.count()}});
        backoff_timer_.expires_after(backoff);
        co_await backoff_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      backoff = std::chrono::milliseconds(0);
      socket.set_option(tcp::no_delay(true), ec);
      auto connection = NewConnection(*core_, std::move(socket), CurrentSecurity());
      const uint64_t id = next_connection_id_++;
      {
        std::lock_guard lock(connections_mu_);
        connections_.emplace(id, connection);
      }
      connection->Start([this, id] { OnConnectionClosed(id); });
    }
  }

  void OnConnectionClosed(uint64_t id) {
    {
      std::lock_guard lock(connections_mu_);
      connections_.erase(id);
    }
    connections_drained_.notify_all();
    // The count dropped before this post, so the acceptor either sees the
    // free slot when it checks or is already waiting for this cancel.
    asio::post(acceptor_strand_, [this] { slot_timer_.cancel(); });
  }

  // Held until Start moves them into core_.
  ServerOptions options_;
  Router router_;
  const Logger logger_;
  MetricsRegistry& registry_;

  asio::io_context ioc_;
  asio::strand<asio::io_context::executor_type> acceptor_strand_;
  tcp::acceptor acceptor_;            // used on acceptor_strand_ only, after Start
  asio::steady_timer slot_timer_;     // acceptor_strand_
  asio::steady_timer backoff_timer_;  // acceptor_strand_
  uint64_t next_connection_id_ = 0;   // acceptor_strand_
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_guard_;
  std::vector<std::thread> io_threads_;
  std::unique_ptr<ServerCore> core_;

  mutable std::mutex lifecycle_mu_;  // serialises Start and Shutdown
  State state_ = State::kNew;        // GUARDED_BY(lifecycle_mu_)
  std::string bound_address_;        // GUARDED_BY(lifecycle_mu_)
  std::atomic<uint16_t> port_{0};
  std::atomic<bool> accepting_{false};

  std::mutex security_mu_;
  std::shared_ptr<const SecurityState> security_;  // GUARDED_BY(security_mu_)

  std::mutex connections_mu_;
  std::condition_variable connections_drained_;
  std::map<uint64_t, std::shared_ptr<Connection>> connections_;  // GUARDED_BY(connections_mu_)
};

Server::Server(ServerOptions options, Router router, Logger logger, MetricsRegistry& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(router), std::move(logger), metrics)) {}

Server::~Server() = default;

Status Server::Start() { return impl_->Start(); }
uint16_t Server::port() const { return impl_->port(); }
std::string Server::bound_address() const { return impl_->bound_address(); }
bool Server::accepting() const { return impl_->accepting(); }
Status Server::UpdateSecurity(WebSecurity security) { return impl_->UpdateSecurity(std::move(security)); }
Status Server::Shutdown(std::chrono::milliseconds grace) { return impl_->Shutdown(grace); }

}  // namespace ember::http
