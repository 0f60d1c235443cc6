// WebSecurity: TLS and basic authentication for a Server, the settings of the
// exporter-toolkit web configuration file (--web.config.file). The YAML is
// parsed elsewhere; the server sees only these structs. Reloadable through
// Server::UpdateSecurity.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "ember/base/status.h"

namespace ember::http {

struct TlsServerOptions {
  bool enabled =
      false;  // serve TLS: set when a certificate, key, client CA or client auth type is configured
  std::string cert_file, key_file;                // PEM files
  std::string cert, key;                          // inline PEM (alternative to the files)
  std::string client_ca_file;                     // PEM bundle of CAs for client certificates
  std::string client_auth_type = "NoClientCert";  // NoClientCert | RequestClientCert | RequireAnyClientCert |
                                                  // VerifyClientCertIfGiven | RequireAndVerifyClientCert
  std::string min_version = "TLS12";              // TLS10 | TLS11 | TLS12 | TLS13
  std::string max_version;                        // "" = no maximum
  std::vector<std::string> cipher_suites;         // Go cipher suite names; empty = library defaults
  std::vector<std::string> curve_preferences;     // Go curve names; empty = defaults
  bool prefer_server_cipher_suites = true;
};

struct WebSecurity {
  TlsServerOptions tls;
  std::map<std::string, std::string> basic_auth_users;  // user -> bcrypt hash
  std::vector<std::pair<std::string, std::string>>
      headers;  // extra response headers (http_server_config.headers)
};

// Checks what the server would check before using `security`: the
// certificate and key load and match, the client CA bundle loads, names of
// versions, client auth types, cipher suites and curves are known, and every
// password hash is a bcrypt hash ($2a$, $2b$ or $2y$). Reads the files named.
// Errors: InvalidArgument naming the offending field.
Status ValidateWebSecurity(const WebSecurity& security);

}  // namespace ember::http
