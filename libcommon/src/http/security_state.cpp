#include "security_state.h"

#include "ember/base/strings.h"
#include "ember/http/headers.h"
#include "tls_context.h"

namespace ember::http {
namespace {

Status CheckHeaders(const std::vector<std::pair<std::string, std::string>>& headers) {
  for (const auto& [name, value] : headers) {
    if (!IsValidHeaderField(name, value)) {
      return Status::InvalidArgument("http_server_config.headers: invalid header " + GoQuote(name));
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::shared_ptr<const SecurityState>> NewSecurityState(const WebSecurity& security) {
  for (const auto& [user, hash] : security.basic_auth_users) {
    if (!IsBcryptHash(hash)) {
      return Status::InvalidArgument("basic_auth_users: the password hash of user " + GoQuote(user) +
                                     " is not a bcrypt hash");
    }
  }
  EMBER_RETURN_IF_ERROR(CheckHeaders(security.headers));
  auto state = std::make_shared<SecurityState>(security.basic_auth_users);
  state->headers = security.headers;
  if (security.tls.enabled) {
    EMBER_ASSIGN_OR_RETURN(state->tls, NewServerTlsContext(security.tls));
  }
  return std::shared_ptr<const SecurityState>(std::move(state));
}

Status ValidateWebSecurity(const WebSecurity& security) { return NewSecurityState(security).status(); }

}  // namespace ember::http
