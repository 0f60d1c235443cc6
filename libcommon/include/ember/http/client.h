// HttpClient: an HTTP/1.1 client for http:// and https:// URLs with keep-alive
// connection pooling, redirects, gzip decoding, deadlines and cancellation.
//
// Threading: the client owns `ClientOptions::io_threads` threads on which all
// I/O and all callbacks run. Every method is thread-safe. A callback may start
// new requests, but must neither block on another request (Do) nor destroy or
// shut down the client. Callbacks must not throw; an exception from one is
// swallowed so that the thread keeps serving other requests.
//
// Errors are reported through the callbacks' Status, with the method and URL
// at the front of the message as Go's client prints them
// (`Get "http://10.0.0.1:9100/metrics": ...`):
//   InvalidArgument   the URL, method or a header is malformed; a redirect to
//                     a URL that cannot be followed
//   Unavailable       DNS failure, connection refused or reset, TLS failure
//                     (with OpenSSL's reason), a malformed response
//   DeadlineExceeded  the connect timeout or the request's deadline expired
//   ResourceExhausted the body or header limit, or the redirect limit, was hit
//   Canceled          Shutdown() ran before the request finished
//   FailedPrecondition  Do() was called on one of the client's own threads
// Any HTTP status, 4xx and 5xx included, is a successful ClientResponse;
// only streams turn a non-2xx status into an error (see AsyncStream).
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "ember/base/status.h"
#include "ember/http/client_message.h"
#include "ember/http/client_options.h"

namespace ember::http {

class HttpClient {
 public:
  using ResponseCallback = std::function<void(Result<ClientResponse>)>;
  // Receives each piece of body as it arrives; the view is valid only during
  // the call. Returning false ends the stream: the connection is closed and
  // on_done receives OK.
  using ChunkCallback = std::function<bool(std::string_view)>;
  using DoneCallback = std::function<void(Status)>;

  // Starts the I/O threads. Errors: InvalidArgument for unusable options
  // (io_threads < 1, an unknown TLS min_version, a CA, certificate or key
  // file that cannot be loaded, with the file and OpenSSL's reason).
  static Result<std::unique_ptr<HttpClient>> Create(ClientOptions options);

  // Shuts down (see Shutdown). Must not run on one of the client's threads.
  ~HttpClient();

  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends `request` and calls `done` exactly once, on a client thread, with
  // the whole response or an error. A connection taken from the pool that
  // turns out to be closed by the server is replaced once, transparently, for
  // idempotent methods (GET, HEAD, OPTIONS, TRACE, PUT, DELETE) and for
  // requests carrying an Idempotency-Key header.
  // After Shutdown, `done` runs at once on the caller's thread with Canceled.
  void AsyncDo(ClientRequest request, ResponseCallback done);

  // AsyncDo, waiting for the result. For tools and tests. Called from one of
  // the client's own threads (inside a callback) it would wait on itself, so
  // it fails at once with FailedPrecondition instead.
  Result<ClientResponse> Do(ClientRequest request);

  // Sends `request` and hands the body of a 2xx response to `on_chunk` as it
  // arrives, for long-lived responses such as Kubernetes watches. `on_done`
  // runs exactly once, last: OK when the body ended or on_chunk returned
  // false; otherwise the error. A non-2xx response is not streamed: its body
  // (up to the body limit) is read and on_done receives
  // `<op> "<url>": server returned HTTP status 410 Gone: <body>` with the code
  // 400 InvalidArgument, 401 Unauthenticated, 403 PermissionDenied,
  // 404 NotFound, 409 AlreadyExists, 410 OutOfRange (Kubernetes: the
  // requested resource version is gone), 429 ResourceExhausted, 5xx
  // Unavailable, any other FailedPrecondition. Only the request's own
  // `timeout` bounds a stream (the connect timeout still applies); the body
  // is never gzip-decoded. Callbacks run on a client thread, one at a time.
  void AsyncStream(ClientRequest request, ChunkCallback on_chunk, DoneCallback on_done);

  // Cancels every outstanding request and stream (their callbacks receive
  // Canceled), closes pooled connections and joins the threads. Idempotent.
  // Called from a client thread, it cancels but cannot join; the destructor
  // must then run elsewhere.
  void Shutdown();

 private:
  class Impl;
  explicit HttpClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ember::http
