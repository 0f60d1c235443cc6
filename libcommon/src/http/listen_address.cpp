#include "listen_address.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>

#include "ember/base/strings.h"

namespace ember::http {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

Status Invalid(std::string_view address, std::string_view why) {
  return Status::InvalidArgument("listen address " + GoQuote(address) + ": " + std::string(why));
}

}  // namespace

Result<ListenEndpoint> ParseListenAddress(std::string_view address) {
  const size_t colon = address.rfind(':');
  if (colon == std::string_view::npos) return Invalid(address, "missing port");
  std::string_view host = address.substr(0, colon);
  const std::string_view port_text = address.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return Invalid(address, "too many colons (IPv6 hosts go in brackets)");
  }
  const auto port = ParseInt(port_text);
  if (!port || *port < 0 || *port > 65535) return Invalid(address, "invalid port");

  ListenEndpoint result;
  if (host.empty()) {
    result.endpoint = tcp::endpoint(tcp::v6(), static_cast<uint16_t>(*port));
    result.all_interfaces = true;
    return result;
  }
  boost::system::error_code ec;
  const auto ip = asio::ip::make_address(std::string(host), ec);
  if (!ec) {
    result.endpoint = tcp::endpoint(ip, static_cast<uint16_t>(*port));
    return result;
  }
  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  const auto found = resolver.resolve(std::string(host), std::string(port_text), ec);
  if (ec || found.empty()) return Invalid(address, "cannot resolve host: " + ec.message());
  result.endpoint = found.begin()->endpoint();
  for (const auto& entry : found) {
    if (entry.endpoint().address().is_v4()) {
      result.endpoint = entry.endpoint();
      break;
    }
  }
  return result;
}

}  // namespace ember::http
