// TestCertificates: a throwaway PKI for the client's TLS tests, generated
// with OpenSSL into a temporary directory that is removed afterwards. Test
// support only; failures throw std::runtime_error.
#pragma once

#include <string>

namespace ember::http::testing {

struct TestCertificates {
  // Creates two unrelated CAs; the first signs a server certificate for
  // 127.0.0.1 and localhost and a client certificate with CN "ember-client".
  TestCertificates();
  ~TestCertificates();
  TestCertificates(const TestCertificates&) = delete;
  TestCertificates& operator=(const TestCertificates&) = delete;

  std::string dir;
  std::string ca_file;
  std::string server_cert_file;
  std::string server_key_file;
  std::string client_cert_file;
  std::string client_key_file;
  // A CA that signed none of the above.
  std::string other_ca_file;
};

}  // namespace ember::http::testing
