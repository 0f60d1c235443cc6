#include "url.h"

#include <arpa/inet.h>

#include <vector>

#include "ember/base/strings.h"

namespace ember::http::client_internal {
namespace {

// Bytes that cannot appear in a request line or a Host header unescaped.
bool HasForbiddenByte(std::string_view s) {
  for (unsigned char c : s) {
    if (c <= 0x20 || c == 0x7f) return true;
  }
  return false;
}

bool IsHostNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_';
}

bool IsValidIpv6(const std::string& s) {
  in6_addr addr;
  return inet_pton(AF_INET6, s.c_str(), &addr) == 1;
}

Status ParsePort(std::string_view text, uint16_t& port) {
  if (text.empty() || text.size() > 5)
    return Status::InvalidArgument("invalid port \":" + std::string(text) + "\"");
  uint32_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return Status::InvalidArgument("invalid port \":" + std::string(text) + "\"");
    value = value * 10 + static_cast<uint32_t>(c - '0');
  }
  if (value == 0 || value > 65535)
    return Status::InvalidArgument("invalid port \":" + std::string(text) + "\"");
  port = static_cast<uint16_t>(value);
  return Status::Ok();
}

Status ParseAuthority(std::string_view authority, Url& url) {
  if (authority.find('@') != std::string_view::npos) {
    return Status::InvalidArgument("user info in URLs is not supported; set an Authorization header");
  }
  std::string_view host;
  std::string_view port;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return Status::InvalidArgument("missing ']' in host");
    host = authority.substr(1, close - 1);
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':')
        return Status::InvalidArgument("unexpected \"" + std::string(rest) + "\" after host");
      has_port = true;
      port = rest.substr(1);
    }
    if (!IsValidIpv6(std::string(host))) {
      return Status::InvalidArgument("invalid IPv6 address \"" + std::string(host) + "\"");
    }
  } else {
    size_t colon = authority.rfind(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      has_port = true;
      port = authority.substr(colon + 1);
    }
    if (host.find(':') != std::string_view::npos) {
      return Status::InvalidArgument("IPv6 hosts must be in brackets");
    }
    for (char c : host) {
      if (!IsHostNameChar(c)) return Status::InvalidArgument("invalid host \"" + std::string(host) + "\"");
    }
  }
  if (host.empty()) return Status::InvalidArgument("no host in URL");
  url.host = ToLower(host);
  url.port = url.scheme == Scheme::kHttps ? 443 : 80;
  // "host:" with nothing after the colon means the default port, as in Go.
  if (has_port && !port.empty()) {
    EMBER_RETURN_IF_ERROR(ParsePort(port, url.port));
    url.explicit_port = true;
  }
  return Status::Ok();
}

std::string_view StripFragment(std::string_view s) { return s.substr(0, s.find('#')); }

// Removes "." and ".." segments from an absolute path (RFC 3986 5.2.4).
std::string RemoveDotSegments(std::string_view path) {
  std::vector<std::string_view> kept;
  std::vector<std::string_view> segments = Split(path.substr(1), '/');
  for (size_t i = 0; i < segments.size(); ++i) {
    const bool last = i + 1 == segments.size();
    if (segments[i] == "." || segments[i] == "..") {
      if (segments[i] == ".." && !kept.empty()) kept.pop_back();
      // A trailing dot segment names a directory: keep its slash.
      if (last) kept.push_back("");
      continue;
    }
    kept.push_back(segments[i]);
  }
  std::string out = "/";
  for (size_t i = 0; i < kept.size(); ++i) {
    if (i > 0) out += '/';
    out += kept[i];
  }
  return out;
}

bool HasScheme(std::string_view ref) {
  size_t colon = ref.find(':');
  if (colon == 0 || colon == std::string_view::npos) return false;
  for (size_t i = 0; i < colon; ++i) {
    char c = ref[i];
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    bool other = (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
    if (!alpha && !(i > 0 && other)) return false;
  }
  return true;
}

}  // namespace

namespace {

// Appends piecewise: g++ 12 warns falsely (-Wrestrict) on `"[" + s + "]"`.
std::string BracketedHost(const Url& url) {
  if (!url.HostIsIpv6()) return url.host;
  std::string out = "[";
  out.append(url.host).append("]");
  return out;
}

}  // namespace

std::string Url::Authority() const {
  std::string out = BracketedHost(*this);
  if (explicit_port) out.append(":").append(std::to_string(port));
  return out;
}

std::string Url::HostPort() const { return BracketedHost(*this).append(":").append(std::to_string(port)); }

std::string Url::PoolKey() const { return std::string(SchemeName()) + "://" + HostPort(); }

std::string Url::ToString() const { return std::string(SchemeName()) + "://" + Authority() + target; }

Result<Url> ParseUrl(std::string_view text) {
  if (HasForbiddenByte(text)) return Status::InvalidArgument("invalid space or control character in URL");
  size_t sep = text.find("://");
  std::string scheme = sep == std::string_view::npos ? "" : ToLower(text.substr(0, sep));
  Url url;
  if (scheme == "http") {
    url.scheme = Scheme::kHttp;
  } else if (scheme == "https") {
    url.scheme = Scheme::kHttps;
  } else {
    return Status::InvalidArgument("unsupported protocol scheme \"" + scheme + "\"");
  }
  std::string_view rest = StripFragment(text.substr(sep + 3));
  size_t authority_end = rest.find_first_of("/?");
  EMBER_RETURN_IF_ERROR(ParseAuthority(rest.substr(0, authority_end), url));
  std::string_view target = authority_end == std::string_view::npos ? "" : rest.substr(authority_end);
  url.target = std::string(target);
  if (url.target.empty() || url.target.front() != '/') url.target.insert(url.target.begin(), '/');
  return url;
}

Result<Url> ResolveReference(const Url& base, std::string_view reference) {
  std::string_view ref = StripFragment(reference);
  if (HasForbiddenByte(ref)) return Status::InvalidArgument("invalid space or control character in URL");
  if (HasScheme(ref)) return ParseUrl(ref);
  if (ref.starts_with("//")) return ParseUrl(std::string(base.SchemeName()) + ":" + std::string(ref));

  const size_t base_query = base.target.find('?');
  std::string_view base_path = std::string_view(base.target).substr(0, base_query);
  Url url = base;
  if (ref.empty()) return url;
  if (ref.front() == '?') {
    url.target = std::string(base_path) + std::string(ref);
    return url;
  }
  const size_t ref_query = ref.find('?');
  std::string_view ref_path = ref.substr(0, ref_query);
  std::string_view query = ref_query == std::string_view::npos ? "" : ref.substr(ref_query);
  std::string merged;
  if (ref_path.front() == '/') {
    merged = std::string(ref_path);
  } else {
    merged = std::string(base_path.substr(0, base_path.rfind('/') + 1)) + std::string(ref_path);
  }
  url.target = RemoveDotSegments(merged) + std::string(query);
  return url;
}

}  // namespace ember::http::client_internal
