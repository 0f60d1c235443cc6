#include "test_certificates.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>

namespace ember::http::testing {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct FileClose {
  void operator()(FILE* file) const { std::fclose(file); }
};
using Key = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Cert = std::unique_ptr<X509, X509Free>;
using File = std::unique_ptr<FILE, FileClose>;

void Check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("generating test certificates: ") + what);
}

// What a certificate may be used for, which decides its extensions.
struct Profile {
  bool is_ca = false;
  const char* extended_usage = nullptr;  // "serverAuth" or "clientAuth" for leaves
  const char* alt_names = nullptr;       // "IP:...,DNS:..." or null
};

constexpr Profile kCa{.is_ca = true};
constexpr Profile kServer{.extended_usage = "serverAuth", .alt_names = "IP:127.0.0.1,DNS:localhost"};
constexpr Profile kClient{.extended_usage = "clientAuth"};

// A key pair and the certificate that names it.
struct Issued {
  Key key;
  Cert cert;
};

void AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  Check(extension != nullptr, value);
  X509_add_ext(cert, extension, -1);
  X509_EXTENSION_free(extension);
}

// A new key and a certificate for it named `common_name`, signed by `issuer`
// or, when null, by itself.
Issued Issue(const char* common_name, const Issued* issuer, long serial, const Profile& profile) {
  Issued out{Key(EVP_EC_gen("P-256")), Cert(X509_new())};
  Check(out.key != nullptr, "EVP_EC_gen");
  Check(out.cert != nullptr, "X509_new");
  X509* cert = out.cert.get();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), serial);
  // Backdated so that a clock a little behind still accepts it.
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
  X509_set_pubkey(cert, out.key.get());
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name),
                             -1, -1, 0);
  X509* signer = issuer != nullptr ? issuer->cert.get() : cert;
  X509_set_issuer_name(cert, X509_get_subject_name(signer));
  // The subject key identifier comes first: a self-signed certificate's
  // authority key identifier is read from it.
  AddExtension(cert, signer, NID_subject_key_identifier, "hash");
  AddExtension(cert, signer, NID_authority_key_identifier, "keyid:always");
  if (profile.is_ca) {
    AddExtension(cert, signer, NID_basic_constraints, "critical,CA:TRUE");
    AddExtension(cert, signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    AddExtension(cert, signer, NID_basic_constraints, "critical,CA:FALSE");
    AddExtension(cert, signer, NID_key_usage, "critical,digitalSignature");
    AddExtension(cert, signer, NID_ext_key_usage, profile.extended_usage);
  }
  if (profile.alt_names != nullptr) AddExtension(cert, signer, NID_subject_alt_name, profile.alt_names);
  EVP_PKEY* signing_key = issuer != nullptr ? issuer->key.get() : out.key.get();
  Check(X509_sign(cert, signing_key, EVP_sha256()) > 0, "X509_sign");
  return out;
}

void WriteCert(const std::string& path, const Issued& issued) {
  File file(std::fopen(path.c_str(), "w"));
  Check(file != nullptr, "opening certificate file");
  Check(PEM_write_X509(file.get(), issued.cert.get()) == 1, "PEM_write_X509");
}

void WriteKey(const std::string& path, const Issued& issued) {
  File file(std::fopen(path.c_str(), "w"));
  Check(file != nullptr, "opening key file");
  Check(PEM_write_PrivateKey(file.get(), issued.key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "PEM_write_PrivateKey");
}

}  // namespace

TestCertificates::TestCertificates() {
  std::string pattern = (std::filesystem::temp_directory_path() / "ember-http-test-XXXXXX").string();
  Check(mkdtemp(pattern.data()) != nullptr, "mkdtemp");
  dir_ = pattern;
  try {
    Generate();
  } catch (...) {
    // The destructor does not run for a constructor that throws.
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
    throw;
  }
}

void TestCertificates::Generate() const {
  const Issued ca = Issue("Ember Test CA", nullptr, 1, kCa);
  const Issued server = Issue("ember-server", &ca, 2, kServer);
  const Issued client = Issue("ember-client", &ca, 3, kClient);
  const Issued other_ca = Issue("Other Test CA", nullptr, 4, kCa);
  const Issued other_client = Issue("ember-other-client", &other_ca, 5, kClient);

  WriteCert(ca_file(), ca);
  WriteCert(server_cert_file(), server);
  WriteKey(server_key_file(), server);
  WriteCert(client_cert_file(), client);
  WriteKey(client_key_file(), client);
  WriteCert(other_ca_file(), other_ca);
  WriteCert(other_client_cert_file(), other_client);
  WriteKey(other_client_key_file(), other_client);
}

TestCertificates::~TestCertificates() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

}  // namespace ember::http::testing
