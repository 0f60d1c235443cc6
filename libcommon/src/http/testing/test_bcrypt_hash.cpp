#include "test_bcrypt_hash.h"

#include <crypt.h>

#include <memory>
#include <stdexcept>

namespace ember::http::testing {

std::string TestBcryptHash(const std::string& password) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  if (crypt_gensalt_rn("$2b$", 4, nullptr, 0, salt, sizeof salt) == nullptr) {
    throw std::runtime_error("bcrypt test hash: crypt_gensalt_rn failed");
  }
  // crypt_data is 32 KiB: kept off the stack.
  auto data = std::make_unique<crypt_data>();
  const char* hash = crypt_rn(password.c_str(), salt, data.get(), sizeof(crypt_data));
  if (hash == nullptr) throw std::runtime_error("bcrypt test hash: crypt_rn failed");
  return hash;
}

}  // namespace ember::http::testing
