#include "ember/http/client.h"

#include <algorithm>
#include <cassert>
#include <future>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include "client_context.h"
#include "exchange.h"

namespace ember::http {

namespace asio = boost::asio;
using client_internal::ClientContext;
using client_internal::ConnectionPool;
using client_internal::Exchange;
using client_internal::TlsClientContext;

class HttpClient::Impl {
 public:
  Impl(ClientOptions options, std::unique_ptr<TlsClientContext> tls) : work_(io_context_.get_executor()) {
    context_.executor = io_context_.get_executor();
    context_.pool = std::make_unique<ConnectionPool>(context_.executor, options.idle_timeout,
                                                     options.max_idle_connections_per_host);
    context_.options = std::move(options);
    context_.tls = std::move(tls);
  }

  ~Impl() {
    assert(!OnClientThread() && "HttpClient destroyed on one of its own threads");
    Shutdown();
  }

  Status StartThreads() {
    try {
      for (int i = 0; i < context_.options.io_threads; ++i) {
        threads_.emplace_back([this] { io_context_.run(); });
        thread_ids_.push_back(threads_.back().get_id());
      }
    } catch (const std::system_error& e) {
      return Status::ResourceExhausted(std::string("starting HTTP client threads: ") + e.what());
    }
    return Status::Ok();
  }

  void Submit(ClientRequest request, Exchange::Callbacks callbacks) {
    auto exchange = std::make_shared<Exchange>(context_, asio::make_strand(io_context_), std::move(request),
                                               std::move(callbacks));
    if (!context_.registry.AddAndStart(exchange)) exchange->RefuseAfterShutdown();
  }

  void Shutdown() {
    for (const auto& exchange : context_.registry.Close()) exchange->Cancel();
    context_.pool->Shutdown();
    std::lock_guard lock(shutdown_mu_);
    // With no work guard the threads return once the canceled exchanges
    // have unwound.
    work_.reset();
    if (OnClientThread()) return;
    for (std::thread& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
  }

  // thread_ids_ is written only before Create returns, so reading it needs no lock.
  bool OnClientThread() const {
    return std::find(thread_ids_.begin(), thread_ids_.end(), std::this_thread::get_id()) != thread_ids_.end();
  }

 private:
  asio::io_context io_context_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;  // GUARDED_BY(shutdown_mu_)
  ClientContext context_;
  std::mutex shutdown_mu_;
  std::vector<std::thread> threads_;  // joined under shutdown_mu_
  std::vector<std::thread::id> thread_ids_;
};

Result<std::unique_ptr<HttpClient>> HttpClient::Create(ClientOptions options) {
  if (options.io_threads < 1) return Status::InvalidArgument("HTTP client io_threads must be at least 1");
  if (options.max_redirects < 0)
    return Status::InvalidArgument("HTTP client max_redirects must not be negative");
  Result<std::unique_ptr<TlsClientContext>> tls = TlsClientContext::Create(options.tls);
  if (!tls.ok()) return tls.status().WithContext("HTTP client TLS options");
  auto impl = std::make_unique<Impl>(std::move(options), std::move(tls).value());
  EMBER_RETURN_IF_ERROR(impl->StartThreads());
  return std::unique_ptr<HttpClient>(new HttpClient(std::move(impl)));
}

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpClient::~HttpClient() = default;

void HttpClient::AsyncDo(ClientRequest request, ResponseCallback done) {
  impl_->Submit(std::move(request), Exchange::Callbacks{.on_response = std::move(done)});
}

Result<ClientResponse> HttpClient::Do(ClientRequest request) {
  if (impl_->OnClientThread()) {
    return Status::FailedPrecondition(
        "HttpClient::Do called on one of the client's threads, where waiting would deadlock; use AsyncDo");
  }
  std::promise<Result<ClientResponse>> promise;
  std::future<Result<ClientResponse>> future = promise.get_future();
  AsyncDo(std::move(request),
          [&promise](Result<ClientResponse> result) { promise.set_value(std::move(result)); });
  return future.get();
}

void HttpClient::AsyncStream(ClientRequest request, ChunkCallback on_chunk, DoneCallback on_done) {
  if (!on_chunk) on_chunk = [](std::string_view) { return true; };
  impl_->Submit(std::move(request),
                Exchange::Callbacks{.on_chunk = std::move(on_chunk), .on_done = std::move(on_done)});
}

void HttpClient::Shutdown() { impl_->Shutdown(); }

}  // namespace ember::http
