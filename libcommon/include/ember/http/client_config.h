// An HttpClient's options and Authorization header from a Prometheus-style
// HTTP client configuration (`basic_auth`, `authorization`, `tls_config`,
// `follow_redirects`), as the remote write client and the notifier use them.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "ember/base/status.h"
#include "ember/config/http_client_config.h"
#include "ember/http/client_options.h"

namespace ember::http {

// Options with the configuration's TLS settings and redirect policy, `timeout`
// as the request timeout (and as the connect timeout, at most 10 s) and
// `user_agent`. Error: InvalidArgument when tls_config holds inline ca, cert
// or key (only the *_file forms are supported): "inline ca, cert and key in
// tls_config are not supported <used_for>; use ca_file, cert_file and
// key_file".
Result<ClientOptions> ClientOptionsFromConfig(const config::HttpClientConfig& c,
                                              std::chrono::milliseconds timeout, std::string user_agent,
                                              std::string_view used_for);

// The Authorization header value of basic_auth or authorization, with the
// credential files read now (so rotated files take effect on the next
// request, as upstream's round trippers do); "" when neither is set. Error:
// a credential file cannot be read.
Result<std::string> AuthorizationFromConfig(const config::HttpClientConfig& c);

}  // namespace ember::http
