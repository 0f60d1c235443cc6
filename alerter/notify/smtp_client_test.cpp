#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "notify/smtp_client.h"

namespace ember::alerter {
namespace {

// A self-signed certificate for "localhost", made with OpenSSL for the test.
struct TestCert {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  std::string pem_path;

  TestCert() {
    key = EVP_EC_gen("P-256");
    REQUIRE(key != nullptr);
    cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"),
                               -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "DNS:localhost");
    X509_add_ext(cert, san, -1);
    X509_EXTENSION_free(san);
    X509_EXTENSION* bc = X509V3_EXT_conf_nid(nullptr, &ctx, NID_basic_constraints, "critical,CA:TRUE");
    X509_add_ext(cert, bc, -1);
    X509_EXTENSION_free(bc);
    REQUIRE(X509_sign(cert, key, EVP_sha256()) > 0);
    pem_path =
        (std::filesystem::temp_directory_path() / ("ember_smtp_test_" + std::to_string(getpid()) + ".pem"))
            .string();
    FILE* f = std::fopen(pem_path.c_str(), "w");
    REQUIRE(f != nullptr);
    PEM_write_X509(f, cert);
    std::fclose(f);
  }
  ~TestCert() {
    std::filesystem::remove(pem_path);
    X509_free(cert);
    EVP_PKEY_free(key);
  }
};

// A scripted SMTP server for one session on 127.0.0.1, port chosen free.
class FakeSmtp {
 public:
  struct Options {
    bool offer_starttls = false;
    std::string auth;  // AUTH mechanisms offered; "" for none
    bool reject_mail = false;
    const TestCert* cert = nullptr;
  };

  explicit FakeSmtp(Options o) : o_(o) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    REQUIRE(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(listen_fd_, 1) == 0);
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~FakeSmtp() {
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
    thread_.join();
    if (ctx_) SSL_CTX_free(ctx_);
  }

  std::string port() const { return std::to_string(port_); }
  // The commands received, in order (DATA's payload as one entry), after the session ended.
  std::vector<std::string> log() {
    std::lock_guard lock(mu_);
    return log_;
  }
  std::string data() {
    std::lock_guard lock(mu_);
    return data_;
  }
  bool saw_tls() {
    std::lock_guard lock(mu_);
    return tls_;
  }

 private:
  void Send(std::string_view s) {
    if (ssl_) {
      SSL_write(ssl_, s.data(), static_cast<int>(s.size()));
    } else {
      (void)::send(fd_, s.data(), s.size(), MSG_NOSIGNAL);
    }
  }
  bool ReadLine(std::string& line) {
    while (true) {
      size_t eol = buf_.find("\r\n");
      if (eol != std::string::npos) {
        line = buf_.substr(0, eol);
        buf_.erase(0, eol + 2);
        return true;
      }
      char chunk[4096];
      int n =
          ssl_ ? SSL_read(ssl_, chunk, sizeof chunk) : static_cast<int>(::recv(fd_, chunk, sizeof chunk, 0));
      if (n <= 0) return false;
      buf_.append(chunk, static_cast<size_t>(n));
    }
  }
  void Record(std::string s) {
    std::lock_guard lock(mu_);
    log_.push_back(std::move(s));
  }
  void Serve() {
    fd_ = ::accept(listen_fd_, nullptr, nullptr);
    if (fd_ < 0) return;
    Send("220 fake ESMTP\r\n");
    std::string line;
    while (ReadLine(line)) {
      Record(line);
      std::string verb = line.substr(0, line.find(' '));
      if (verb == "EHLO") {
        std::string r = "250-fake greets you\r\n";
        if (o_.offer_starttls && !ssl_) r += "250-STARTTLS\r\n";
        if (!o_.auth.empty()) r += "250-AUTH " + o_.auth + "\r\n";
        Send(r + "250 8BITMIME\r\n");
      } else if (verb == "STARTTLS") {
        Send("220 ready\r\n");
        ctx_ = SSL_CTX_new(TLS_server_method());
        SSL_CTX_use_certificate(ctx_, o_.cert->cert);
        SSL_CTX_use_PrivateKey(ctx_, o_.cert->key);
        ssl_ = SSL_new(ctx_);
        SSL_set_fd(ssl_, fd_);
        if (SSL_accept(ssl_) != 1) break;
        std::lock_guard lock(mu_);
        tls_ = true;
      } else if (verb == "AUTH" && line.rfind("AUTH LOGIN", 0) == 0) {
        Send("334 VXNlcm5hbWU6\r\n");
        if (!ReadLine(line)) break;
        Record(line);
        Send("334 UGFzc3dvcmQ6\r\n");
        if (!ReadLine(line)) break;
        Record(line);
        Send("235 2.7.0 accepted\r\n");
      } else if (verb == "AUTH") {
        Send("235 2.7.0 accepted\r\n");
      } else if (verb == "MAIL") {
        Send(o_.reject_mail ? "550 5.7.1 sender rejected\r\n" : "250 ok\r\n");
      } else if (verb == "RCPT") {
        Send("250 ok\r\n");
      } else if (verb == "DATA") {
        Send("354 go ahead\r\n");
        std::string payload;
        while (ReadLine(line) && line != ".") payload += line + "\r\n";
        {
          std::lock_guard lock(mu_);
          data_ = payload;
        }
        Send("250 queued\r\n");
      } else if (verb == "QUIT") {
        Send("221 bye\r\n");
        break;
      } else {
        Send("502 unknown\r\n");
      }
    }
    if (ssl_) {
      SSL_shutdown(ssl_);
      SSL_free(ssl_);
      ssl_ = nullptr;
    }
    ::close(fd_);
  }

  Options o_;
  int listen_fd_ = -1, fd_ = -1;
  uint16_t port_ = 0;
  std::thread thread_;
  std::string buf_;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  std::mutex mu_;
  std::vector<std::string> log_;
  std::string data_;
  bool tls_ = false;
};

EmailConfig Config(const std::string& port) {
  EmailConfig c;
  c.to = "ops@example.com";
  c.from = "am@example.com";
  c.smarthost = {"127.0.0.1", port};
  c.hello = "ember.test";
  c.require_tls = false;
  return c;
}

EmailMessage Message() {
  EmailMessage m;
  m.from = "am@example.com";
  m.to = {"ops@example.com", "dev@example.com"};
  m.data = "Subject: hi\r\n\r\n.leading dot\r\nbody\r\n";
  return m;
}

TEST_CASE("dot-stuffing as Go's DotWriter", "[alerter][notify]") {
  CHECK(DotStuff("a\r\n.b\n..c") == "a\r\n..b\r\n...c\r\n.\r\n");
  CHECK(DotStuff("x\r\n") == "x\r\n.\r\n");
  CHECK(DotStuff(".") == "..\r\n.\r\n");
}

TEST_CASE("smtp: plain session with AUTH PLAIN to localhost", "[alerter][notify]") {
  FakeSmtp server({.auth = "PLAIN LOGIN"});
  EmailConfig c = Config(server.port());
  c.auth_username = "user";
  c.auth_password = "secret";
  SendOutcome o = SendEmail(c, Message(), SmtpOptions{std::chrono::seconds(10)});
  INFO(o.status.ToString());
  REQUIRE(o.status.ok());
  std::vector<std::string> log = server.log();
  REQUIRE(log.size() == 7);
  CHECK(log[0] == "EHLO ember.test");
  CHECK(log[1] == "AUTH PLAIN AHVzZXIAc2VjcmV0");  // "\0user\0secret"
  CHECK(log[2] == "MAIL FROM:<am@example.com>");
  CHECK(log[3] == "RCPT TO:<ops@example.com>");
  CHECK(log[4] == "RCPT TO:<dev@example.com>");
  CHECK(log[5] == "DATA");
  CHECK(log[6] == "QUIT");
  CHECK(server.data() == "Subject: hi\r\n\r\n..leading dot\r\nbody\r\n");
}

TEST_CASE("smtp: require_tls without STARTTLS fails, retryable", "[alerter][notify]") {
  FakeSmtp server({});
  EmailConfig c = Config(server.port());
  c.require_tls = true;
  SendOutcome o = SendEmail(c, Message(), SmtpOptions{std::chrono::seconds(10)});
  CHECK(o.retry);
  CHECK(o.status.message() == "'require_tls' is true (default) but \"127.0.0.1:" + server.port() +
                                  "\" does not advertise the STARTTLS extension");
}

TEST_CASE("smtp: STARTTLS with a verified certificate, then AUTH LOGIN", "[alerter][notify]") {
  TestCert cert;
  FakeSmtp server({.offer_starttls = true, .auth = "LOGIN", .cert = &cert});
  EmailConfig c = Config(server.port());
  c.require_tls = true;
  c.tls_config.ca_file = cert.pem_path;
  c.tls_config.server_name = "localhost";
  c.auth_username = "user";
  c.auth_password = "secret";
  SendOutcome o = SendEmail(c, Message(), SmtpOptions{std::chrono::seconds(10)});
  INFO(o.status.ToString());
  REQUIRE(o.status.ok());
  CHECK(server.saw_tls());
  std::vector<std::string> log = server.log();
  REQUIRE(log.size() >= 6);
  CHECK(log[0] == "EHLO ember.test");
  CHECK(log[1] == "STARTTLS");
  CHECK(log[2] == "EHLO ember.test");
  CHECK(log[3] == "AUTH LOGIN");
  CHECK(log[4] == "dXNlcg==");
  CHECK(log[5] == "c2VjcmV0");
  CHECK(server.data() == "Subject: hi\r\n\r\n..leading dot\r\nbody\r\n");
}

TEST_CASE("smtp: an untrusted certificate fails the handshake", "[alerter][notify]") {
  TestCert cert;
  FakeSmtp server({.offer_starttls = true, .cert = &cert});
  EmailConfig c = Config(server.port());
  c.require_tls = true;
  c.tls_config.server_name = "localhost";
  SendOutcome o = SendEmail(c, Message(), SmtpOptions{std::chrono::seconds(10)});
  CHECK_FALSE(o.status.ok());
  CHECK(o.status.message().rfind("send STARTTLS command: tls: ", 0) == 0);
}

TEST_CASE("smtp: rejected sender and missing credentials", "[alerter][notify]") {
  {
    FakeSmtp server({.reject_mail = true});
    SendOutcome o = SendEmail(Config(server.port()), Message(), SmtpOptions{std::chrono::seconds(10)});
    CHECK(o.retry);
    CHECK(o.status.message() == "send MAIL command: 550 5.7.1 sender rejected");
  }
  {
    FakeSmtp server({.auth = "CRAM-MD5 PLAIN"});
    EmailConfig c = Config(server.port());
    c.auth_username = "user";
    SendOutcome o = SendEmail(c, Message(), SmtpOptions{std::chrono::seconds(10)});
    CHECK(o.status.message() ==
          "find auth mechanism: missing secret for CRAM-MD5 auth mechanism\nmissing password for PLAIN auth "
          "mechanism");
  }
}

}  // namespace
}  // namespace ember::alerter
