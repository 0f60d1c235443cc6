#include "dispatcher.h"

#include <time.h>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <memory>
#include <optional>

#include "ember/base/strings.h"
#include "ember/http/gzip.h"

namespace ember::http {
namespace asio = boost::asio;

namespace {

Response Unauthorized() {
  Response r = Response::Error(401, "Unauthorized");
  r.headers.Set("WWW-Authenticate", "Basic");
  return r;
}

Response NotRouted(const RouteMatch& match) {
  if (match.status == 405) {
    Response r = Response::Error(405, "Method Not Allowed");
    r.headers.Set("Allow", match.allow);
    return r;
  }
  return Response::Error(404, "404 page not found");
}

Response Busy() {
  Response r = Response::Error(503, "server is busy, try again later");
  r.headers.Set("Retry-After", "1");
  return r;
}

Response Invoke(const ServerCore& core, const Route& route, Request& request) {
  try {
    return route.handler(request);
  } catch (const std::exception& e) {
    core.logger.Error("Handler failed", {{"handler", route.pattern}, {"err", e.what()}});
  } catch (...) {
    core.logger.Error("Handler failed", {{"handler", route.pattern}, {"err", "unknown exception"}});
  }
  return Response::Error(500, "Internal Server Error");
}

// Runs `work` on the worker pool and resumes the calling coroutine on its own
// executor with the result; `if_full` when the pool takes no more work.
asio::awaitable<Response> RunOnPool(WorkerPool& pool, std::function<Response()> work, Response if_full) {
  auto initiate = [&pool](auto handler, std::function<Response()> job, Response busy) {
    using Handler = decltype(handler);
    // Pool tasks are std::function, which must be copyable; the handler is not.
    auto shared = std::make_shared<Handler>(std::move(handler));
    // Tracked work keeps the io_context running until the result is delivered.
    auto executor =
        asio::prefer(asio::get_associated_executor(*shared), asio::execution::outstanding_work.tracked);
    auto complete = [shared, executor](Response response) {
      asio::post(executor,
                 [shared, response = std::move(response)]() mutable { (*shared)(std::move(response)); });
    };
    // Delivered only once the worker is free again, so that a client that
    // gets this response and asks again at once finds room in the pool.
    auto result = std::make_shared<Response>();
    if (!pool.TrySubmit([job, result] { *result = job(); },
                        [result, complete] { complete(std::move(*result)); })) {
      complete(std::move(busy));
    }
  };
  co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(Response)>(
      initiate, asio::use_awaitable, std::move(work), std::move(if_full));
}

// True when an Accept-Encoding value admits gzip: "gzip", "x-gzip" or "*"
// with a non-zero q-value.
bool AcceptsGzip(std::string_view accept_encoding) {
  for (std::string_view item : Split(accept_encoding, ',')) {
    const auto parts = Split(item, ';');
    const std::string coding = ToLower(TrimSpace(parts[0]));
    if (coding != "gzip" && coding != "x-gzip" && coding != "*") continue;
    bool zero_q = false;
    for (size_t i = 1; i < parts.size(); ++i) {
      const std::string_view param = TrimSpace(parts[i]);
      if (param.size() > 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
        const auto q = ParseFloat(param.substr(2));
        zero_q = q && *q <= 0;
      }
    }
    if (!zero_q) return true;
  }
  return false;
}

// "Tue, 15 Nov 1994 08:12:31 GMT" (RFC 9110's IMF-fixdate).
std::string HttpDate(std::chrono::system_clock::time_point now) {
  const time_t t = std::chrono::system_clock::to_time_t(now);
  struct tm tm_utc;
  gmtime_r(&t, &tm_utc);
  char buf[64];
  const size_t n = strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm_utc);
  return std::string(buf, n);
}

bool StatusHasNoBody(int status) { return (status >= 100 && status < 200) || status == 204 || status == 304; }

}  // namespace

asio::awaitable<Response> Dispatch(ServerCore& core, Request& request, const RouteMatch& match,
                                   const SecurityState& security) {
  const auto start = std::chrono::steady_clock::now();
  const Route* route = match.route;
  if (route != nullptr) {
    request.path_params = match.path_params;
    request.route = route->pattern;
  }

  std::optional<Response> early;
  std::optional<BasicCredentials> credentials;
  bool needs_bcrypt = false;
  if (security.auth.enabled()) {
    credentials = ParseBasicAuthorization(request.headers.Get("Authorization"));
    if (!credentials) {
      early = Unauthorized();
    } else {
      needs_bcrypt = !security.auth.CheckCached(*credentials).has_value();
      if (!needs_bcrypt) request.user = credentials->user;
    }
  }

  // Finishing includes compression, which is heavy for big bodies: it runs
  // where the handler ran, on the pool unless the route is inline.
  const bool compress = route == nullptr || route->options.compress;
  auto finish = [&](Response r) {
    FinishResponse(core, request, compress, security, r);
    return r;
  };
  Response response;
  if (early) {
    response = finish(std::move(*early));
  } else {
    auto work = [&]() -> Response {
      if (core.stop.stop_requested()) return finish(Busy());
      if (needs_bcrypt) {
        if (!security.auth.Verify(*credentials)) return finish(Unauthorized());
        request.user = credentials->user;
      }
      return finish(route != nullptr ? Invoke(core, *route, request) : NotRouted(match));
    };
    const bool run_inline = !needs_bcrypt && (route == nullptr || route->options.run_inline);
    // Not a conditional expression: g++ 12 miscompiles co_await inside one.
    if (run_inline) {
      response = work();
    } else {
      response = co_await RunOnPool(core.pool, work, finish(Busy()));
    }
  }

  if (route != nullptr) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    core.metrics.Observe(*route, response.status, seconds, response.body.size());
  }
  co_return response;
}

void FinishResponse(const ServerCore& core, const Request& request, bool compress,
                    const SecurityState& security, Response& response) {
  if (response.status < 100 || response.status > 599) {
    core.logger.Error("Handler returned an invalid status",
                      {{"status", response.status}, {"path", request.path}});
    response = Response::Error(500, "Internal Server Error");
  }
  // The connection frames the message; a handler's framing fields would contradict it.
  for (std::string_view name : {"Content-Length", "Transfer-Encoding", "Connection"})
    response.headers.Remove(name);
  // A CR or LF in a value would let it forge fields or a whole response.
  Headers checked;
  for (const auto& [name, value] : response.headers) {
    if (IsValidHeaderField(name, value)) {
      checked.Add(name, value);
    } else {
      core.logger.Error("Dropped an invalid response header", {{"header", name}, {"path", request.path}});
    }
  }
  response.headers = std::move(checked);
  if (StatusHasNoBody(response.status)) response.body.clear();

  for (const auto& [name, value] : security.headers) {
    if (!response.headers.Has(name)) response.headers.Add(name, value);
  }
  if (!response.body.empty() && !response.headers.Has("Content-Type")) {
    response.headers.Set("Content-Type", "text/plain; charset=utf-8");
  }
  response.headers.Set("Date", HttpDate(std::chrono::system_clock::now()));

  if (compress && request.method != "HEAD" && response.body.size() >= core.options.gzip_min_bytes &&
      !response.headers.Has("Content-Encoding") && AcceptsGzip(request.headers.Get("Accept-Encoding"))) {
    auto gzipped = GzipCompress(response.body);
    if (gzipped.ok()) {
      response.body = std::move(gzipped).value();
      response.headers.Set("Content-Encoding", "gzip");
      response.headers.Add("Vary", "Accept-Encoding");
    } else {
      core.logger.Warn("Compressing a response failed", {{"err", gzipped.status()}});
    }
  }
}

}  // namespace ember::http
