#include "target_server.h"

#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <string_view>

namespace ember::bench {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// The request target of "GET /path HTTP/1.1", without a query.
std::string_view RequestPath(std::string_view head) {
  size_t sp = head.find(' ');
  if (sp == std::string_view::npos) return {};
  size_t end = head.find_first_of(" ?\r", sp + 1);
  if (end == std::string_view::npos) return {};
  return head.substr(sp + 1, end - sp - 1);
}

bool AsksToClose(std::string_view head) {
  // Header names are case-insensitive; scrapers send "Connection: close" at most.
  for (std::string_view needle : {"Connection: close", "connection: close"}) {
    if (head.find(needle) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace

// The coroutines are plain functions taking their state as arguments: a
// coroutine frame keeps its parameters, never a lambda's captures.
struct TargetServer::Impl {
  asio::io_context io;
  std::vector<tcp::acceptor> acceptors;

  static asio::awaitable<void> Accept(TargetServer* self, size_t target) {
    tcp::acceptor& acceptor = self->impl_->acceptors[target];
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
        continue;
      }
      socket.set_option(tcp::no_delay(true), ec);
      asio::co_spawn(acceptor.get_executor(), Session(self, std::move(socket), target), asio::detached);
    }
  }

  // Serves one keep-alive connection: each request gets the target's next
  // scrape on the path asked for.
  static asio::awaitable<void> Session(TargetServer* self, tcp::socket socket, size_t target) {
    const size_t paths = self->options_.paths.size();
    asio::streambuf in;
    std::string body;
    std::string head;
    for (;;) {
      boost::system::error_code ec;
      const size_t n = co_await asio::async_read_until(socket, in, "\r\n\r\n",
                                                       asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      std::string request(asio::buffers_begin(in.data()), asio::buffers_begin(in.data()) + n);
      in.consume(n);
      const std::string_view path = RequestPath(request);
      size_t p = 0;
      while (p < paths && self->options_.paths[p] != path) ++p;
      const bool close = AsksToClose(request);
      if (p == paths) {
        body = "not found\n";
        head = "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n";
      } else {
        const uint64_t k = self->scrape_counts_[target * paths + p].fetch_add(1);
        self->targets_[target].Render(k, &body);
        PathCounters& c = self->counters_[p];
        c.scrapes.fetch_add(1);
        c.samples.fetch_add(self->targets_[target].series());
        c.bytes.fetch_add(body.size());
        head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n";
      }
      head += "Content-Length: " + std::to_string(body.size()) + "\r\n";
      if (close) head += "Connection: close\r\n";
      head += "\r\n";
      std::array<asio::const_buffer, 2> buffers = {asio::buffer(head), asio::buffer(body)};
      co_await asio::async_write(socket, buffers, asio::redirect_error(asio::use_awaitable, ec));
      if (ec || close) co_return;
    }
  }
};

TargetServer::TargetServer(TargetServerOptions options) : options_(std::move(options)) {}

Result<std::unique_ptr<TargetServer>> TargetServer::Start(TargetServerOptions options) {
  std::unique_ptr<TargetServer> server(new TargetServer(std::move(options)));
  const TargetServerOptions& o = server->options_;
  const size_t paths = o.paths.size();
  server->targets_.reserve(static_cast<size_t>(o.targets));
  for (int t = 0; t < o.targets; ++t) server->targets_.emplace_back(t, o.series_per_target, o.seed);
  server->scrape_counts_ = std::make_unique<std::atomic<uint64_t>[]>(static_cast<size_t>(o.targets) * paths);
  server->counters_ = std::make_unique<PathCounters[]>(paths);
  server->impl_ = std::make_unique<Impl>();
  Impl& impl = *server->impl_;

  for (int t = 0; t < o.targets; ++t) {
    boost::system::error_code ec;
    tcp::acceptor acceptor(impl.io);
    tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return Status::IOError("scrape target " + std::to_string(t) + ": " + ec.message());
    server->ports_.push_back(acceptor.local_endpoint().port());
    impl.acceptors.push_back(std::move(acceptor));
  }

  for (size_t t = 0; t < impl.acceptors.size(); ++t) {
    asio::co_spawn(impl.io, Impl::Accept(server.get(), t), asio::detached);
  }
  for (int i = 0; i < std::max(1, o.threads); ++i) {
    server->threads_.emplace_back([&impl] { impl.io.run(); });
  }
  return server;
}

TargetServer::~TargetServer() {
  if (impl_) impl_->io.stop();
  for (auto& t : threads_) t.join();
}

Served TargetServer::ServedOn(size_t path_index) const {
  const PathCounters& c = counters_[path_index];
  return Served{c.scrapes.load(), c.samples.load(), c.bytes.load()};
}

size_t TargetServer::BodyBytes() const {
  std::string body;
  if (!targets_.empty()) targets_[0].Render(0, &body);
  return body.size();
}

}  // namespace ember::bench
