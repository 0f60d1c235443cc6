// The requests an HttpClient sends and the responses it returns.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ember::http {

// HTTP header fields in arrival order. Names compare ASCII case-insensitively;
// a name may occur more than once. A value type: not safe to mutate from two
// threads at once.
class ClientHeaders {
 public:
  using Field = std::pair<std::string, std::string>;

  ClientHeaders() = default;
  ClientHeaders(std::initializer_list<Field> fields) : fields_(fields) {}

  // The first value of `name`, or "" when absent (as Go's Header.Get). The
  // view lives until the headers are next modified.
  std::string_view Get(std::string_view name) const;
  // Every value of `name`, in order.
  std::vector<std::string_view> GetAll(std::string_view name) const;
  bool Has(std::string_view name) const;
  // Replaces every value of `name` with one value.
  void Set(std::string_view name, std::string_view value);
  // Appends a value, keeping those already there.
  void Add(std::string_view name, std::string_view value);
  void Remove(std::string_view name);

  size_t size() const { return fields_.size(); }
  bool empty() const { return fields_.empty(); }
  std::vector<Field>::const_iterator begin() const { return fields_.begin(); }
  std::vector<Field>::const_iterator end() const { return fields_.end(); }

 private:
  std::vector<Field> fields_;
};

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
  ClientHeaders headers;
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
  ClientHeaders headers;
  std::string body;
};

// The value of an `Authorization` header for HTTP basic authentication:
// "Basic " + base64(username ":" password).
std::string BasicAuthorization(std::string_view username, std::string_view password);

}  // namespace ember::http
