// The web configuration file (--web.config.file) in the Prometheus
// exporter-toolkit format: TLS, basic auth users and extra response headers.
//
//   tls_server_config:   cert_file/cert, key_file/key, client_ca_file,
//                        client_auth_type, min_version, max_version,
//                        cipher_suites, curve_preferences,
//                        prefer_server_cipher_suites
//   http_server_config:  headers (a fixed set of security headers), http2
//                        (accepted; HTTP/2 is not served)
//   basic_auth_users:    user name -> bcrypt hash
#pragma once

#include <string>

#include "ember/base/file_system.h"
#include "ember/base/status.h"
#include "ember/http/web_security.h"

namespace ember::config {

// Reads and checks the web config at `path`; "" gives the defaults (no TLS, no
// users, no headers). Relative cert_file, key_file and client_ca_file are
// resolved against the directory of `path`. TLS is enabled when any of cert,
// cert_file, key, key_file, client_ca_file or client_auth_type is set.
//
// Checked here, with the line and path of the culprit (the upstream rules):
// unknown keys; cert without key and key without cert ("missing one of key or
// key_file"); client_auth_type other than NoClientCert, RequestClientCert,
// RequireAnyClientCert (or its old name RequireClientCert),
// VerifyClientCertIfGiven, RequireAndVerifyClientCert; a client CA with
// NoClientCert; unknown TLS versions, cipher suite and curve names (Go's
// names); headers outside Strict-Transport-Security, X-Content-Type-Options
// (nosniff), X-Frame-Options (deny, sameorigin), X-XSS-Protection,
// Content-Security-Policy; password hashes that are not bcrypt hashes.
// Files named are not read here: http::ValidateWebSecurity loads them.
// client_ca (inline), client_allowed_sans and rate_limit are rejected as
// unsupported rather than ignored.
// Errors: the file system's Status, or InvalidArgument
// "parsing YAML file <path>: line N: ... (path: ...)".
Result<http::WebSecurity> LoadWebConfig(FileSystem& fs, const std::string& path);

}  // namespace ember::config
