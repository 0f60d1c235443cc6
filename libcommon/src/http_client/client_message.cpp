#include "ember/http/client_message.h"

#include <openssl/evp.h>

namespace ember::http {

std::string BasicAuthorization(std::string_view username, std::string_view password) {
  std::string credentials = std::string(username) + ":" + std::string(password);
  // EVP_EncodeBlock writes 4 bytes per 3 (rounded up) plus a NUL.
  std::string encoded(4 * ((credentials.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                          reinterpret_cast<const unsigned char*>(credentials.data()),
                          static_cast<int>(credentials.size()));
  encoded.resize(static_cast<size_t>(n));
  return "Basic " + encoded;
}

}  // namespace ember::http
