// The requests an HttpClient sends and the responses it returns.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "ember/http/headers.h"

namespace ember::http {

struct ClientRequest {
  // An HTTP method token: "GET", "POST", ...
  std::string method = "GET";
  // "http://host[:port]/path?query" or "https://...". IPv6 hosts are
  // bracketed ("http://[::1]:9090/metrics"). User info is rejected: set the
  // Authorization header instead (see BasicAuthorization).
  std::string url;
  // Sent as given; the client adds Host, User-Agent and Accept-Encoding when
  // absent. Content-Length is computed from `body`; Content-Length and
  // Transfer-Encoding given here are ignored.
  Headers headers;
  std::string body;
  // Replaces ClientOptions::request_timeout for this request; zero means no
  // deadline.
  std::optional<std::chrono::milliseconds> timeout;
  // Ask for a gzip-encoded response and decode it before returning it (the
  // decoded size counts against the body limit). Ignored when the headers
  // already carry Accept-Encoding, and by streams.
  bool accept_gzip = false;
};

struct ClientResponse {
  // The status code of the final response (after redirects were followed).
  int status = 0;
  // When the client decoded gzip, Content-Encoding and Content-Length are
  // removed, since they describe the bytes on the wire.
  Headers headers;
  std::string body;
};

// The value of an `Authorization` header for HTTP basic authentication:
// "Basic " + base64(username ":" password).
std::string BasicAuthorization(std::string_view username, std::string_view password);

}  // namespace ember::http
