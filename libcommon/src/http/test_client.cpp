#include "test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ember/base/strings.h"

namespace ember::http::testing {

struct TestClient::TlsState {
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  ~TlsState() {
    if (ssl) SSL_free(ssl);
    if (ctx) SSL_CTX_free(ctx);
  }
};

namespace {

std::string SslErrors() {
  std::string text;
  while (unsigned long code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    text += buf;
    text += ";";
  }
  return text;
}

}  // namespace

Result<std::unique_ptr<TestClient>> TestClient::Connect(uint16_t port, const TlsClientConfig* tls) {
  std::unique_ptr<TestClient> client(new TestClient());
  client->fd_ = socket(AF_INET, SOCK_STREAM, 0);
  if (client->fd_ < 0) return Status::FromErrno("socket", errno);
  timeval tv{};
  tv.tv_sec = kTestTimeout.count();
  setsockopt(client->fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(client->fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  int one = 1;
  setsockopt(client->fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(client->fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return Status::Unavailable("connect: " + std::string(strerror(errno)));
  }
  if (tls == nullptr) return client;

  ERR_clear_error();
  client->tls_ = std::make_unique<TlsState>();
  TlsState& t = *client->tls_;
  t.ctx = SSL_CTX_new(TLS_client_method());
  if (!tls->ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(t.ctx, tls->ca_file.c_str(), nullptr) != 1) {
      return Status::Internal("loading CA: " + SslErrors());
    }
    SSL_CTX_set_verify(t.ctx, SSL_VERIFY_PEER, nullptr);
  }
  if (!tls->cert_file.empty()) {
    if (SSL_CTX_use_certificate_chain_file(t.ctx, tls->cert_file.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(t.ctx, tls->key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
      return Status::Internal("loading client cert: " + SslErrors());
    }
  }
  t.ssl = SSL_new(t.ctx);
  SSL_set_fd(t.ssl, client->fd_);
  SSL_set_tlsext_host_name(t.ssl, "localhost");
  X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(t.ssl), "127.0.0.1");
  if (SSL_connect(t.ssl) != 1) return Status::Unavailable("TLS handshake: " + SslErrors());
  return client;
}

TestClient::~TestClient() {
  tls_.reset();
  if (fd_ >= 0) close(fd_);
}

Status TestClient::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    const long n = tls_ ? SSL_write(tls_->ssl, bytes.data(), static_cast<int>(bytes.size()))
                        : ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return Status::Unavailable("send failed");
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

bool TestClient::Fill() {
  char chunk[16384];
  const long n = tls_ ? SSL_read(tls_->ssl, chunk, sizeof chunk) : ::recv(fd_, chunk, sizeof chunk, 0);
  if (n <= 0) return false;
  buffer_.append(chunk, static_cast<size_t>(n));
  return true;
}

Result<TestResponse> TestClient::ReadResponse(bool head_request) {
  size_t header_end;
  while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!Fill()) return Status::Unavailable("connection closed before a response head");
  }
  const std::string head = buffer_.substr(0, header_end);
  buffer_.erase(0, header_end + 4);

  TestResponse response;
  const auto lines = Split(head, '\n');
  const auto status_parts = Split(lines[0], ' ');
  if (status_parts.size() < 2) return Status::Corruption("bad status line: " + std::string(lines[0]));
  response.status = static_cast<int>(ParseInt(status_parts[1]).value_or(0));
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::string_view line = TrimSpace(lines[i]);
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    response.headers.Add(TrimSpace(line.substr(0, colon)), TrimSpace(line.substr(colon + 1)));
  }
  if (head_request || response.status < 200 || response.status == 204 || response.status == 304)
    return response;

  if (EqualsIgnoreCase(response.headers.Get("Transfer-Encoding"), "chunked")) {
    for (;;) {
      size_t line_end;
      while ((line_end = buffer_.find("\r\n")) == std::string::npos) {
        if (!Fill()) return Status::Unavailable("connection closed inside a chunked body");
      }
      const size_t size = std::stoul(buffer_.substr(0, line_end), nullptr, 16);
      while (buffer_.size() < line_end + 2 + size + 2) {
        if (!Fill()) return Status::Unavailable("connection closed inside a chunk");
      }
      response.body += buffer_.substr(line_end + 2, size);
      buffer_.erase(0, line_end + 2 + size + 2);
      if (size == 0) return response;
    }
  }
  const auto length = ParseInt(response.headers.Get("Content-Length"));
  if (!length) {
    while (Fill()) {
    }
    response.body = std::move(buffer_);
    buffer_.clear();
    return response;
  }
  while (buffer_.size() < static_cast<size_t>(*length)) {
    if (!Fill()) return Status::Unavailable("connection closed inside the body");
  }
  response.body = buffer_.substr(0, static_cast<size_t>(*length));
  buffer_.erase(0, static_cast<size_t>(*length));
  return response;
}

bool TestClient::WaitForClose() {
  for (;;) {
    char chunk[4096];
    errno = 0;
    const long n = tls_ ? SSL_read(tls_->ssl, chunk, sizeof chunk) : ::recv(fd_, chunk, sizeof chunk, 0);
    if (n > 0) continue;
    if (n == 0) return true;
    // A timeout (EAGAIN) means the server kept the connection open.
    return errno != EAGAIN && errno != EWOULDBLOCK;
  }
}

Result<TestResponse> Fetch(uint16_t port, std::string_view raw, const TlsClientConfig* tls) {
  EMBER_ASSIGN_OR_RETURN(auto client, TestClient::Connect(port, tls));
  EMBER_RETURN_IF_ERROR(client->Send(raw));
  return client->ReadResponse(raw.starts_with("HEAD "));
}

std::string Get(std::string_view target, std::string_view extra_headers) {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: localhost\r\n" + std::string(extra_headers) +
         "\r\n";
}

}  // namespace ember::http::testing
