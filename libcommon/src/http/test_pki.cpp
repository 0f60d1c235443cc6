#include "test_pki.h"

#include <crypt.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace ember::http::testing {
namespace {

struct KeyAndCert {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  ~KeyAndCert() {
    X509_free(cert);
    EVP_PKEY_free(key);
  }
};

void Check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test PKI: ") + what);
}

void AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  Check(ext != nullptr, "extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// Issues a certificate for `cn`, signed by `issuer` or, when null, by itself.
void Issue(KeyAndCert& out, const char* cn, const KeyAndCert* issuer, long serial, bool is_ca, const char* san,
           const char* usage) {
  out.key = EVP_EC_gen("P-256");
  Check(out.key != nullptr, "key");
  out.cert = X509_new();
  X509_set_version(out.cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(out.cert), serial);
  X509_gmtime_adj(X509_getm_notBefore(out.cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(out.cert), 24 * 3600);
  X509_set_pubkey(out.cert, out.key);
  X509_NAME* name = X509_get_subject_name(out.cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
  X509* issuer_cert = issuer ? issuer->cert : out.cert;
  X509_set_issuer_name(out.cert, X509_get_subject_name(issuer_cert));
  AddExtension(out.cert, issuer_cert, NID_basic_constraints, is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  AddExtension(out.cert, issuer_cert, NID_key_usage,
               is_ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,keyEncipherment");
  AddExtension(out.cert, issuer_cert, NID_subject_key_identifier, "hash");
  if (issuer) AddExtension(out.cert, issuer_cert, NID_authority_key_identifier, "keyid:always");
  if (san) AddExtension(out.cert, issuer_cert, NID_subject_alt_name, san);
  if (usage) AddExtension(out.cert, issuer_cert, NID_ext_key_usage, usage);
  Check(X509_sign(out.cert, issuer ? issuer->key : out.key, EVP_sha256()) > 0, "sign");
}

void Write(const KeyAndCert& kc, const std::string& cert_path, const std::string& key_path) {
  FILE* f = fopen(cert_path.c_str(), "w");
  Check(f && PEM_write_X509(f, kc.cert) == 1, "write cert");
  fclose(f);
  if (key_path.empty()) return;
  f = fopen(key_path.c_str(), "w");
  Check(f && PEM_write_PrivateKey(f, kc.key, nullptr, nullptr, 0, nullptr, nullptr) == 1, "write key");
  fclose(f);
}

}  // namespace

TestPki::TestPki() {
  char tmpl[] = "/tmp/ember_http_test_XXXXXX";
  Check(mkdtemp(tmpl) != nullptr, "mkdtemp");
  dir_ = tmpl;
  KeyAndCert ca, server, client, rogue;
  Issue(ca, "Ember Test CA", nullptr, 1, true, nullptr, nullptr);
  Issue(server, "localhost", &ca, 2, false, "DNS:localhost,IP:127.0.0.1", "serverAuth");
  Issue(client, "test-client", &ca, 3, false, nullptr, "clientAuth");
  Issue(rogue, "rogue-client", nullptr, 4, false, nullptr, "clientAuth");
  Write(ca, ca_cert(), "");
  Write(server, server_cert(), server_key());
  Write(client, client_cert(), client_key());
  Write(rogue, rogue_cert(), rogue_key());
}

TestPki::~TestPki() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string TestBcryptHash(const std::string& password) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  Check(crypt_gensalt_rn("$2b$", 4, nullptr, 0, salt, sizeof salt) != nullptr, "gensalt");
  auto data = std::make_unique<crypt_data>();
  const char* hash = crypt_rn(password.c_str(), salt, data.get(), sizeof(crypt_data));
  Check(hash != nullptr, "crypt");
  return hash;
}

}  // namespace ember::http::testing
