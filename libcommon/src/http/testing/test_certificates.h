// TestCertificates: a throwaway PKI for the TLS tests of the HTTP server and
// client, generated with OpenSSL into a temporary directory that is removed
// afterwards. Test support only; failures throw std::runtime_error, which
// Catch reports as a failed test.
#pragma once

#include <string>

namespace ember::http::testing {

// Two unrelated PKIs, each a CA with what it signed, as PEM files:
//  - the CA signs a server certificate for 127.0.0.1 and localhost
//    (serverAuth) and a client certificate with CN "ember-client"
//    (clientAuth);
//  - the other CA signs a client certificate with CN "ember-other-client",
//    so that trusting the wrong CA, or presenting a certificate the CA did
//    not sign, can be tested from either side.
// Keys are P-256; certificates are valid from an hour ago until a day from now.
class TestCertificates {
 public:
  TestCertificates();
  ~TestCertificates();
  TestCertificates(const TestCertificates&) = delete;
  TestCertificates& operator=(const TestCertificates&) = delete;

  // The temporary directory, for paths that must not exist.
  const std::string& dir() const { return dir_; }
  std::string ca_file() const { return dir_ + "/ca.pem"; }
  std::string server_cert_file() const { return dir_ + "/server.pem"; }
  std::string server_key_file() const { return dir_ + "/server-key.pem"; }
  std::string client_cert_file() const { return dir_ + "/client.pem"; }
  std::string client_key_file() const { return dir_ + "/client-key.pem"; }
  std::string other_ca_file() const { return dir_ + "/other-ca.pem"; }
  std::string other_client_cert_file() const { return dir_ + "/other-client.pem"; }
  std::string other_client_key_file() const { return dir_ + "/other-client-key.pem"; }

 private:
  void Generate() const;

  std::string dir_;
};

}  // namespace ember::http::testing
