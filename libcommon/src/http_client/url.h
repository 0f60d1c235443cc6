// Url: the parts of an http:// or https:// URL the client needs to connect
// and to write a request line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ember/base/status.h"

namespace ember::http::client_internal {

enum class Scheme { kHttp, kHttps };

struct Url {
  Scheme scheme = Scheme::kHttp;
  // Lower-cased; an IPv6 address without its brackets.
  std::string host;
  uint16_t port = 80;
  // Whether the URL spelled the port out; Host headers repeat it only then.
  bool explicit_port = false;
  // Path and query as sent in the request line: never empty, starts with '/'.
  std::string target;

  std::string_view SchemeName() const { return scheme == Scheme::kHttps ? "https" : "http"; }
  bool HostIsIpv6() const { return host.find(':') != std::string::npos; }
  // host[:port] as in a Host header: "[::1]:9090", "example.com".
  std::string Authority() const;
  // host:port with the port always present, for error messages: "10.0.0.1:80".
  std::string HostPort() const;
  // Connections may be shared between URLs with equal keys.
  std::string PoolKey() const;
  // scheme://authority/target, without any fragment.
  std::string ToString() const;
};

// Parses an absolute http:// or https:// URL. Rejects user info, fragments
// are dropped. Error: InvalidArgument naming what is wrong.
Result<Url> ParseUrl(std::string_view text);

// Resolves `reference` (a Location header: absolute, scheme-relative,
// absolute-path, relative-path or query-only) against `base` as RFC 3986
// section 5.2 does. Error: InvalidArgument.
Result<Url> ResolveReference(const Url& base, std::string_view reference);

}  // namespace ember::http::client_internal
