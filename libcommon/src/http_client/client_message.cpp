#include "ember/http/client_message.h"

#include <openssl/evp.h>

#include <algorithm>

#include "ember/base/strings.h"

namespace ember::http {

std::string_view ClientHeaders::Get(std::string_view name) const {
  for (const Field& field : fields_) {
    if (EqualsIgnoreCase(field.first, name)) return field.second;
  }
  return {};
}

std::vector<std::string_view> ClientHeaders::GetAll(std::string_view name) const {
  std::vector<std::string_view> values;
  for (const Field& field : fields_) {
    if (EqualsIgnoreCase(field.first, name)) values.push_back(field.second);
  }
  return values;
}

bool ClientHeaders::Has(std::string_view name) const {
  return std::any_of(fields_.begin(), fields_.end(),
                     [&](const Field& field) { return EqualsIgnoreCase(field.first, name); });
}

void ClientHeaders::Set(std::string_view name, std::string_view value) {
  Remove(name);
  Add(name, value);
}

void ClientHeaders::Add(std::string_view name, std::string_view value) {
  fields_.emplace_back(std::string(name), std::string(value));
}

void ClientHeaders::Remove(std::string_view name) {
  std::erase_if(fields_, [&](const Field& field) { return EqualsIgnoreCase(field.first, name); });
}

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
