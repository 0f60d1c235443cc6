#include "ember/http/client_config.h"

#include <algorithm>
#include <utility>

#include "ember/base/file_system.h"
#include "ember/base/strings.h"
#include "ember/http/client_message.h"

namespace ember::http {
namespace {

// The inline value, or the trimmed contents of `file` when one is named.
Result<std::string> ReadSecret(const std::string& inline_value, const std::string& file) {
  if (file.empty()) return inline_value;
  EMBER_ASSIGN_OR_RETURN(std::string text, FileSystem::Real().ReadFile(file));
  return std::string(TrimSpace(text));
}

}  // namespace

Result<ClientOptions> ClientOptionsFromConfig(const config::HttpClientConfig& c,
                                              std::chrono::milliseconds timeout, std::string user_agent,
                                              std::string_view used_for) {
  const config::TlsClientConfig& t = c.tls_config;
  if (!t.ca.empty() || !t.cert.empty() || !t.key.empty()) {
    return Status::InvalidArgument("inline ca, cert and key in tls_config are not supported " +
                                   std::string(used_for) + "; use ca_file, cert_file and key_file");
  }
  ClientOptions o;
  o.request_timeout = timeout;
  o.connect_timeout = std::min<std::chrono::milliseconds>(timeout, std::chrono::seconds(10));
  o.follow_redirects = c.follow_redirects;
  o.user_agent = std::move(user_agent);
  o.tls.ca_file = t.ca_file;
  o.tls.cert_file = t.cert_file;
  o.tls.key_file = t.key_file;
  o.tls.server_name = t.server_name;
  o.tls.insecure_skip_verify = t.insecure_skip_verify;
  if (!t.min_version.empty()) o.tls.min_version = t.min_version;
  return o;
}

Result<std::string> AuthorizationFromConfig(const config::HttpClientConfig& c) {
  if (c.basic_auth) {
    EMBER_ASSIGN_OR_RETURN(std::string user, ReadSecret(c.basic_auth->username, c.basic_auth->username_file));
    EMBER_ASSIGN_OR_RETURN(std::string pass, ReadSecret(c.basic_auth->password, c.basic_auth->password_file));
    return BasicAuthorization(user, pass);
  }
  if (c.authorization) {
    EMBER_ASSIGN_OR_RETURN(std::string creds,
                           ReadSecret(c.authorization->credentials, c.authorization->credentials_file));
    return c.authorization->type + " " + creds;
  }
  return std::string();
}

}  // namespace ember::http
