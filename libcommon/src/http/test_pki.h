// Certificates for the TLS tests, made at run time with OpenSSL into a
// temporary directory that is removed afterwards: a CA, a server certificate
// for localhost and 127.0.0.1, a client certificate the CA signed and one it
// did not.
#pragma once

#include <string>

namespace ember::http::testing {

class TestPki {
 public:
  TestPki();
  ~TestPki();
  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;

  const std::string& dir() const { return dir_; }
  std::string ca_cert() const { return dir_ + "/ca.crt"; }
  std::string server_cert() const { return dir_ + "/server.crt"; }
  std::string server_key() const { return dir_ + "/server.key"; }
  std::string client_cert() const { return dir_ + "/client.crt"; }
  std::string client_key() const { return dir_ + "/client.key"; }
  // Self-signed, unknown to the CA.
  std::string rogue_cert() const { return dir_ + "/rogue.crt"; }
  std::string rogue_key() const { return dir_ + "/rogue.key"; }

 private:
  std::string dir_;
};

// The whole content of a file (for inline PEM tests).
std::string ReadWholeFile(const std::string& path);

// A bcrypt hash of `password` at the lowest cost, so tests stay fast.
std::string TestBcryptHash(const std::string& password);

}  // namespace ember::http::testing
