// The listen address forms Go's net.Listen accepts, turned into an endpoint.
#pragma once

#include <string_view>

#include <boost/asio/ip/tcp.hpp>

#include "ember/base/status.h"

namespace ember::http {

struct ListenEndpoint {
  boost::asio::ip::tcp::endpoint endpoint;
  // True for an empty host (":9090"): listen on IPv6 and IPv4 alike, as Go
  // does, falling back to IPv4 alone where IPv6 is unavailable.
  bool all_interfaces = false;
};

// Parses ":9090", "0.0.0.0:9090", "127.0.0.1:0", "[::1]:9090" and
// "localhost:9090" (a host name resolves to its first address, IPv4 first).
// Error: InvalidArgument naming the address.
Result<ListenEndpoint> ParseListenAddress(std::string_view address);

}  // namespace ember::http
