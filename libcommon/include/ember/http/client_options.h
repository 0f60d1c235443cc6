// Options fixed when an HttpClient is created. None can be changed while the
// client runs: a new configuration means a new client.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace ember::http {

// How the client verifies servers and presents itself over TLS; the fields
// mirror Prometheus's `tls_config`.
struct TlsClientOptions {
  // PEM file of the CA certificates that sign trusted servers.
  // Default: "" (the system's trust store).
  std::string ca_file;
  // PEM files of the client certificate (chain) and its private key, presented
  // when a server asks for one. Both or neither. Default: "" (none).
  std::string cert_file;
  std::string key_file;
  // The name sent in SNI and checked against the server's certificate instead
  // of the URL's host. Default: "" (the URL's host).
  std::string server_name;
  // Accept any certificate the server presents. Only for tests and trusted
  // networks: it makes TLS open to interception. Default: false.
  bool insecure_skip_verify = false;
  // The oldest protocol version offered: "TLS10", "TLS11", "TLS12" or "TLS13".
  // Default: "TLS12", as Prometheus.
  std::string min_version = "TLS12";
};

struct ClientOptions {
  // Time allowed to resolve the host, connect and finish the TLS handshake.
  // Also bounded by the request's own deadline. Default: 10 s.
  std::chrono::milliseconds connect_timeout{10'000};
  // Overall deadline of a request, from the call to the last body byte,
  // including redirects and a retry; a request's own `timeout` replaces it.
  // Zero means no deadline. Streams use only the request's own timeout.
  // Default: 30 s.
  std::chrono::milliseconds request_timeout{30'000};
  // How long an idle keep-alive connection is kept for reuse before it is
  // closed. Zero disables keep-alive. Default: 90 s.
  std::chrono::milliseconds idle_timeout{90'000};
  // Idle connections kept per scheme, host and port; more are closed when
  // released. Default: 8.
  int max_idle_connections_per_host = 8;
  // Largest response body accepted, after gzip decoding; a larger one fails
  // the request with ResourceExhausted. Zero means no limit. Streams are not
  // limited once a 2xx response starts. Unit: bytes. Default: 64 MiB.
  uint64_t max_response_body_bytes = 64ull << 20;
  // Largest response head (status line and headers). Unit: bytes. Default: 64 KiB.
  uint32_t max_response_header_bytes = 64u << 10;
  // Follow 301, 302, 303, 307 and 308 responses as Go's http.Client does.
  // When false the redirect response itself is returned. Default: true.
  bool follow_redirects = true;
  // Redirects followed before the request fails with ResourceExhausted. Default: 10.
  int max_redirects = 10;
  // User-Agent sent when the request does not set one. Default: "Ember".
  std::string user_agent = "Ember";
  // Used for https:// URLs.
  TlsClientOptions tls;
  // Threads the client runs its I/O and callbacks on. Default: 1.
  int io_threads = 1;
};

}  // namespace ember::http
