#include "redirect.h"

namespace ember::http::client_internal {
namespace {

bool SameOrSubdomain(const std::string& from_host, const std::string& to_host) {
  if (from_host == to_host) return true;
  return to_host.size() > from_host.size() && to_host.ends_with(from_host) &&
         to_host[to_host.size() - from_host.size() - 1] == '.';
}

}  // namespace

bool IsRedirectStatus(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

Result<Url> FollowRedirect(const Url& from, int status, std::string_view location, ClientRequest& request) {
  Result<Url> next = ResolveReference(from, location);
  if (!next.ok()) {
    return Status::InvalidArgument("failed to follow redirect to \"" + std::string(location) +
                                   "\": " + next.status().message());
  }
  if (status == 301 || status == 302 || status == 303) {
    if (request.method != "GET" && request.method != "HEAD") {
      request.method = "GET";
      request.body.clear();
      request.headers.Remove("Content-Type");
    }
  }
  if (!SameOrSubdomain(from.host, next->host)) {
    for (std::string_view name : {"Authorization", "WWW-Authenticate", "Cookie", "Cookie2"}) {
      request.headers.Remove(name);
    }
  }
  request.url = next->ToString();
  return next;
}

}  // namespace ember::http::client_internal
