// A small blocking HTTP/1.1 client over a raw socket, optionally TLS through
// OpenSSL, for the server tests: it sends bytes exactly as written so tests
// can send malformed, partial or pipelined requests. Every read and write
// gives up after a timeout, so a broken server fails a test instead of
// hanging it.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "ember/base/status.h"
#include "ember/http/headers.h"

namespace ember::http::testing {

struct TlsClientConfig {
  std::string ca_file;    // verify the server against this CA; "" = do not verify
  std::string cert_file;  // client certificate, "" = none
  std::string key_file;
};

struct TestResponse {
  int status = 0;
  Headers headers;
  std::string body;
};

class TestClient {
 public:
  // Connects to 127.0.0.1:`port` (and completes the TLS handshake when `tls`).
  // Errors: Unavailable when the connection is refused or the handshake fails.
  static Result<std::unique_ptr<TestClient>> Connect(uint16_t port, const TlsClientConfig* tls = nullptr);
  ~TestClient();

  Status Send(std::string_view bytes);
  // Reads one response; `head_request` says it answers a HEAD (no body).
  // Errors: Unavailable when the connection closes first.
  Result<TestResponse> ReadResponse(bool head_request = false);
  // True when the server closes the connection (EOF or reset) within the
  // timeout; any bytes that arrive first are discarded.
  bool WaitForClose();

 private:
  TestClient() = default;
  // Reads more bytes into buffer_; false on EOF, error or timeout.
  bool Fill();

  int fd_ = -1;
  struct TlsState;
  std::unique_ptr<TlsState> tls_;
  std::string buffer_;
};

// Sends `raw` on a new connection and reads one response.
Result<TestResponse> Fetch(uint16_t port, std::string_view raw, const TlsClientConfig* tls = nullptr);

// "GET <target> HTTP/1.1" with Host and the given extra header lines (each
// ending in \r\n).
std::string Get(std::string_view target, std::string_view extra_headers = "");

// The timeout every test read and write uses.
inline constexpr std::chrono::seconds kTestTimeout(10);

}  // namespace ember::http::testing
