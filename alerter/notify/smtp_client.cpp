#include "notify/smtp_client.h"

#include <openssl/hmac.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <fstream>
#include <memory>
#include <sstream>

#include "ember/base/strings.h"

namespace ember::alerter {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

std::string Base64(std::string_view in) {
  static constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out.push_back(kB64[(n >> s) & 63]);
  }
  if (i < in.size()) {
    uint32_t n = uint8_t(in[i]) << 16;
    if (i + 1 < in.size()) n |= uint8_t(in[i + 1]) << 8;
    out.push_back(kB64[(n >> 18) & 63]);
    out.push_back(kB64[(n >> 12) & 63]);
    out.push_back(i + 1 < in.size() ? kB64[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::string Unbase64(std::string_view in) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '+')
      v = 62;
    else if (c == '/')
      v = 63;
    else
      continue;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

Result<std::string> SecretOf(const std::string& value, const std::string& file, bool trim) {
  if (file.empty()) return value;
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::NotFound("could not read " + file);
  std::ostringstream ss;
  ss << in.rdbuf();
  return trim ? std::string(TrimSpace(ss.str())) : ss.str();
}

struct Reply {
  int code = 0;
  std::vector<std::string> lines;  // text after the code
  std::string Text() const {
    std::string out = std::to_string(code);
    for (size_t i = 0; i < lines.size(); ++i) out += (i == 0 ? " " : "\n") + lines[i];
    return out;
  }
};

// One SMTP session over TCP, then TLS after STARTTLS or from the start.
class Session {
 public:
  Session(const EmailConfig& c, std::chrono::milliseconds timeout)
      : c_(c),
        deadline_(std::chrono::steady_clock::now() + timeout),
        sock_(io_),
        ssl_(asio::ssl::context::tls_client) {}

  Status Connect() {
    tcp::resolver resolver(io_);
    error_code ec;
    auto endpoints = resolver.resolve(c_.smarthost.host, c_.smarthost.port, ec);
    if (ec) return Status::Unavailable(ec.message());
    ec = Await([&](auto h) {
      asio::async_connect(sock_, endpoints, [h](error_code e, const tcp::endpoint&) { h(e); });
    });
    if (ec) return Status::Unavailable(ec.message());
    return Status::Ok();
  }

  Status StartTls() {
    const config::TlsClientConfig& t = c_.tls_config;
    if (!t.ca.empty() || !t.cert.empty() || !t.key.empty())
      return Status::InvalidArgument(
          "inline ca, cert and key in tls_config are not supported; use the *_file forms");
    error_code ec;
    if (t.insecure_skip_verify) {
      ssl_.set_verify_mode(asio::ssl::verify_none);
    } else {
      ssl_.set_verify_mode(asio::ssl::verify_peer);
      if (!t.ca_file.empty()) {
        ssl_.load_verify_file(t.ca_file, ec);
      } else {
        ssl_.set_default_verify_paths(ec);
      }
      if (ec) return Status::InvalidArgument("load CA: " + ec.message());
    }
    if (!t.cert_file.empty()) {
      ssl_.use_certificate_chain_file(t.cert_file, ec);
      if (!ec) ssl_.use_private_key_file(t.key_file, asio::ssl::context::pem, ec);
      if (ec) return Status::InvalidArgument("load client certificate: " + ec.message());
    }
    tls_ = std::make_unique<asio::ssl::stream<tcp::socket&>>(sock_, ssl_);
    std::string server_name = t.server_name.empty() ? c_.smarthost.host : t.server_name;
    SSL* ssl = tls_->native_handle();
    SSL_set_tlsext_host_name(ssl, server_name.c_str());
    if (!t.insecure_skip_verify) {
      X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
      if (X509_VERIFY_PARAM_set1_ip_asc(param, server_name.c_str()) != 1)
        X509_VERIFY_PARAM_set1_host(param, server_name.c_str(), server_name.size());
    }
    ec = Await([&](auto h) { tls_->async_handshake(asio::ssl::stream_base::client, h); });
    if (ec) return Status::Unavailable("tls: " + ec.message());
    return Status::Ok();
  }

  bool tls() const { return tls_ != nullptr; }

  Result<Reply> Read() {
    Reply r;
    while (true) {
      size_t eol;
      while ((eol = buf_.find("\r\n")) == std::string::npos) {
        if (buf_.size() > 64 * 1024) return Status::Unavailable("reply line too long");
        char chunk[4096];
        size_t n = 0;
        error_code ec = Await([&](auto h) {
          auto done = [h, &n](error_code e, size_t got) {
            n = got;
            h(e);
          };
          if (tls_) {
            tls_->async_read_some(asio::buffer(chunk), done);
          } else {
            sock_.async_read_some(asio::buffer(chunk), done);
          }
        });
        if (ec) return Status::Unavailable(ec.message());
        buf_.append(chunk, n);
      }
      std::string line = buf_.substr(0, eol);
      buf_.erase(0, eol + 2);
      if (line.size() < 3) return Status::Unavailable("short response: " + line);
      int code = std::atoi(line.substr(0, 3).c_str());
      if (r.code != 0 && code != r.code) return Status::Unavailable("mismatched response code: " + line);
      r.code = code;
      r.lines.push_back(line.size() > 4 ? line.substr(4) : "");
      if (line.size() == 3 || line[3] == ' ') return r;
    }
  }

  Status Write(std::string_view data) {
    error_code ec = Await([&](auto h) {
      auto done = [h](error_code e, size_t) { h(e); };
      if (tls_) {
        asio::async_write(*tls_, asio::buffer(data), done);
      } else {
        asio::async_write(sock_, asio::buffer(data), done);
      }
    });
    return ec ? Status::Unavailable(ec.message()) : Status::Ok();
  }

  // Sends a command and reads the reply; Error unless the code is `expect`
  // (a hundreds digit when < 10).
  Result<Reply> Cmd(std::string_view line, int expect) {
    EMBER_RETURN_IF_ERROR(Write(std::string(line) + "\r\n"));
    EMBER_ASSIGN_OR_RETURN(Reply r, Read());
    bool ok = expect < 10 ? r.code / 100 == expect : r.code == expect;
    if (!ok) return Status::Unavailable(r.Text());
    return r;
  }

  void Close() {
    error_code ignored;
    sock_.close(ignored);
  }

 private:
  template <typename Start>
  error_code Await(Start&& start) {
    bool done = false;
    error_code result;
    start([&](error_code ec) {
      result = ec;
      done = true;
    });
    io_.restart();
    while (!done && io_.run_one_until(deadline_) > 0) {
    }
    if (!done) {
      Close();
      io_.restart();
      while (!done && io_.run_one() > 0) {
      }
      return asio::error::timed_out;
    }
    return result;
  }

  const EmailConfig& c_;
  std::chrono::steady_clock::time_point deadline_;
  asio::io_context io_;
  tcp::socket sock_;
  asio::ssl::context ssl_;
  std::unique_ptr<asio::ssl::stream<tcp::socket&>> tls_;
  std::string buf_;
};

// The EHLO reply's extensions: name -> parameters.
std::map<std::string, std::string> Extensions(const Reply& r) {
  std::map<std::string, std::string> ext;
  for (size_t i = 1; i < r.lines.size(); ++i) {
    std::string_view l = r.lines[i];
    size_t sp = l.find(' ');
    std::string name(l.substr(0, sp));
    for (char& ch : name) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    ext[name] = sp == std::string_view::npos ? "" : std::string(l.substr(sp + 1));
  }
  return ext;
}

SendOutcome Fail(std::string_view what, const Status& s, bool retry = true) {
  return SendOutcome{Status(s.code(), std::string(what) + s.message()), retry, 0};
}

bool IsLocalhost(std::string_view host) {
  return host == "localhost" || host == "127.0.0.1" || host == "::1";
}

std::string CramMd5(std::string_view user, std::string_view secret, std::string_view challenge) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_md5(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(challenge.data()), challenge.size(), mac, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(user);
  out.push_back(' ');
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[mac[i] >> 4]);
    out.push_back(kHex[mac[i] & 15]);
  }
  return out;
}

// Runs AUTH with the first usable mechanism of `mechs`.
SendOutcome Authenticate(Session& s, const EmailConfig& c, std::string_view mechs) {
  if (c.auth_username.empty()) return {};
  std::string errs;
  auto add_err = [&](std::string e) { errs += (errs.empty() ? "" : "\n") + e; };
  for (std::string_view mech : Split(mechs, ' ')) {
    if (mech.empty()) continue;
    if (mech == "CRAM-MD5") {
      Result<std::string> secret = SecretOf(c.auth_secret, c.auth_secret_file, false);
      if (!secret.ok()) {
        add_err(secret.status().message());
        continue;
      }
      if (secret->empty()) {
        add_err("missing secret for CRAM-MD5 auth mechanism");
        continue;
      }
      Result<Reply> r = s.Cmd("AUTH CRAM-MD5", 334);
      if (!r.ok()) return Fail("*smtp.cramMD5Auth auth: ", r.status());
      std::string challenge = Unbase64(r->lines.empty() ? "" : r->lines[0]);
      r = s.Cmd(Base64(CramMd5(c.auth_username, *secret, challenge)), 235);
      if (!r.ok()) return Fail("*smtp.cramMD5Auth auth: ", r.status());
      return {};
    }
    if (mech == "PLAIN" || mech == "LOGIN") {
      Result<std::string> password = SecretOf(c.auth_password, c.auth_password_file, true);
      if (!password.ok()) {
        add_err(password.status().message());
        continue;
      }
      if (password->empty()) {
        add_err("missing password for " + std::string(mech) + " auth mechanism");
        continue;
      }
      if (mech == "PLAIN") {
        if (!s.tls() && !IsLocalhost(c.smarthost.host))
          return Fail("*smtp.plainAuth auth: ", Status::Unavailable("unencrypted connection"));
        std::string creds =
            c.auth_identity + std::string(1, '\0') + c.auth_username + std::string(1, '\0') + *password;
        Result<Reply> r = s.Cmd("AUTH PLAIN " + Base64(creds), 235);
        if (!r.ok()) return Fail("*smtp.plainAuth auth: ", r.status());
        return {};
      }
      Result<Reply> r = s.Cmd("AUTH LOGIN", 334);
      for (int step = 0; step < 3 && r.ok() && r->code == 334; ++step) {
        std::string prompt = ToLower(Unbase64(r->lines.empty() ? "" : r->lines[0]));
        std::string answer;
        if (prompt == "username:") {
          answer = c.auth_username;
        } else if (prompt == "password:") {
          answer = *password;
        } else {
          return Fail("*email.loginAuth auth: ", Status::Unavailable("unexpected server challenge"));
        }
        Status w = s.Write(Base64(answer) + "\r\n");
        if (!w.ok()) return Fail("*email.loginAuth auth: ", w);
        r = s.Read();
      }
      if (!r.ok()) return Fail("*email.loginAuth auth: ", r.status());
      if (r->code != 235) return Fail("*email.loginAuth auth: ", Status::Unavailable(r->Text()));
      return {};
    }
    add_err("unknown auth mechanism: " + std::string(mech));
  }
  return Fail("find auth mechanism: ", Status::Unavailable(errs));
}

}  // namespace

std::string DotStuff(std::string_view data) {
  std::string out;
  bool line_start = true;
  for (size_t i = 0; i < data.size(); ++i) {
    char ch = data[i];
    if (line_start && ch == '.') out.push_back('.');
    if (ch == '\n' && (i == 0 || data[i - 1] != '\r')) out.push_back('\r');
    out.push_back(ch);
    line_start = ch == '\n';
  }
  if (!out.empty() && !line_start) out += "\r\n";
  out += ".\r\n";
  return out;
}

SendOutcome SendEmail(const EmailConfig& c, const EmailMessage& m, const SmtpOptions& options) {
  Session s(c, options.timeout);
  const bool implicit_tls = c.force_implicit_tls.value_or(c.smarthost.port == "465");
  Status st = s.Connect();
  if (!st.ok())
    return Fail(implicit_tls ? "establish TLS connection to server: " : "establish connection to server: ",
                st);
  if (implicit_tls) {
    st = s.StartTls();
    if (!st.ok())
      return Fail("establish TLS connection to server: ", st, st.code() != StatusCode::kInvalidArgument);
  }
  Result<Reply> greeting = s.Read();
  if (!greeting.ok() || greeting->code != 220)
    return Fail("create SMTP client: ",
                greeting.ok() ? Status::Unavailable(greeting->Text()) : greeting.status());
  const std::string hello = c.hello.empty() ? "localhost" : c.hello;
  Result<Reply> ehlo = s.Cmd("EHLO " + hello, 250);
  if (!ehlo.ok()) return Fail("send EHLO command: ", ehlo.status());
  auto ext = Extensions(*ehlo);
  if (c.require_tls && !implicit_tls) {
    if (ext.count("STARTTLS") == 0) {
      return Fail("", Status::Unavailable("'require_tls' is true (default) but \"" + c.smarthost.String() +
                                          "\" does not advertise the STARTTLS extension"));
    }
    Result<Reply> r = s.Cmd("STARTTLS", 220);
    if (!r.ok()) return Fail("send STARTTLS command: ", r.status());
    st = s.StartTls();
    if (!st.ok()) return Fail("send STARTTLS command: ", st, st.code() != StatusCode::kInvalidArgument);
    ehlo = s.Cmd("EHLO " + hello, 250);
    if (!ehlo.ok()) return Fail("send STARTTLS command: ", ehlo.status());
    ext = Extensions(*ehlo);
  }
  if (auto it = ext.find("AUTH"); it != ext.end()) {
    SendOutcome a = Authenticate(s, c, it->second);
    if (!a.status.ok()) return a;
  }
  Result<Reply> r = s.Cmd("MAIL FROM:<" + m.from + ">", 250);
  if (!r.ok()) return Fail("send MAIL command: ", r.status());
  for (const std::string& to : m.to) {
    r = s.Cmd("RCPT TO:<" + to + ">", 2);
    if (!r.ok()) return Fail("send RCPT command: ", r.status());
  }
  r = s.Cmd("DATA", 354);
  if (!r.ok()) return Fail("send DATA command: ", r.status());
  st = s.Write(DotStuff(m.data));
  if (!st.ok()) return Fail("delivery failure: ", st);
  Result<Reply> done = s.Read();
  if (!done.ok()) return Fail("delivery failure: ", done.status());
  if (done->code != 250) return Fail("delivery failure: ", Status::Unavailable(done->Text()));
  (void)s.Cmd("QUIT", 221);
  s.Close();
  return {};
}

}  // namespace ember::alerter
