#include "wire_request.h"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

#include "ember/base/strings.h"

namespace ember::http::client_internal {
namespace {

namespace beast_http = boost::beast::http;

// RFC 9110 tchar.
bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

bool IsSafeValue(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

}  // namespace

Result<WireRequest> BuildWireRequest(const ClientRequest& request, const Url& url,
                                     std::string_view user_agent, bool ask_gzip) {
  if (!IsToken(request.method)) return Status::InvalidArgument("invalid method \"" + request.method + "\"");
  WireRequest wire;
  wire.version(11);
  beast_http::verb verb = beast_http::string_to_verb(request.method);
  if (verb == beast_http::verb::unknown) {
    wire.method_string(request.method);
  } else {
    wire.method(verb);
  }
  wire.target(url.target);
  wire.set(beast_http::field::host, url.Authority());
  for (const auto& [name, value] : request.headers) {
    if (!IsToken(name)) return Status::InvalidArgument("invalid header name \"" + name + "\"");
    if (!IsSafeValue(value)) return Status::InvalidArgument("invalid value for header \"" + name + "\"");
    // The client frames the body itself.
    if (EqualsIgnoreCase(name, "Content-Length") || EqualsIgnoreCase(name, "Transfer-Encoding")) continue;
    if (EqualsIgnoreCase(name, "Host")) {
      wire.set(beast_http::field::host, value);
      continue;
    }
    wire.insert(name, value);
  }
  if (!request.headers.Has("User-Agent") && !user_agent.empty()) {
    wire.set(beast_http::field::user_agent, user_agent);
  }
  if (ask_gzip) wire.set(beast_http::field::accept_encoding, "gzip");
  // Servers expect a length on requests that usually carry a body, even an
  // empty one, and none on those that usually do not.
  if (!request.body.empty() || verb == beast_http::verb::post || verb == beast_http::verb::put ||
      verb == beast_http::verb::patch) {
    wire.content_length(request.body.size());
  }
  wire.body() = request.body;
  return wire;
}

bool IsReplayable(const ClientRequest& request) {
  static constexpr std::string_view kReplayable[] = {"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"};
  for (std::string_view method : kReplayable) {
    if (request.method == method) return true;
  }
  return request.headers.Has("Idempotency-Key") || request.headers.Has("X-Idempotency-Key");
}

std::string OperationName(std::string_view method) {
  std::string name = ToLower(method);
  if (!name.empty()) name.front() = method.front();
  return name;
}

}  // namespace ember::http::client_internal
