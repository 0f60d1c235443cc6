// SecurityState: a WebSecurity made ready to use, shared read-only by the
// connections accepted while it was current.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/ssl/context.hpp>

#include "basic_authenticator.h"
#include "ember/base/status.h"
#include "ember/http/web_security.h"

namespace ember::http {

struct SecurityState {
  explicit SecurityState(std::map<std::string, std::string> users) : auth(std::move(users)) {}

  std::shared_ptr<boost::asio::ssl::context> tls;  // null when TLS is off
  BasicAuthenticator auth;
  std::vector<std::pair<std::string, std::string>> headers;  // added to every response
};

// Loads certificates and checks every setting; see ValidateWebSecurity.
Result<std::shared_ptr<const SecurityState>> NewSecurityState(const WebSecurity& security);

}  // namespace ember::http
