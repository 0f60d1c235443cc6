#include "basic_authenticator.h"

#include <crypt.h>
#include <openssl/evp.h>

#include <array>
#include <memory>

#include "ember/base/strings.h"

namespace ember::http {
namespace {

// Successful checks are few in practice (one per user and password); the
// bound only stops a misbehaving client from growing the cache for ever.
constexpr size_t kMaxCachedVerifications = 1024;

std::optional<std::string> DecodeBase64(std::string_view in) {
  if (in.size() % 4 != 0) return std::nullopt;
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  out.reserve(in.size() / 4 * 3);
  for (size_t i = 0; i < in.size(); i += 4) {
    const bool last = i + 4 == in.size();
    const int pad = last ? (in[i + 3] == '=') + (in[i + 2] == '=' && in[i + 3] == '=') : 0;
    int v[4];
    for (int k = 0; k < 4 - pad; ++k) {
      v[k] = value(in[i + k]);
      if (v[k] < 0) return std::nullopt;
    }
    const uint32_t n = (v[0] << 18) | (v[1] << 12) | (pad < 2 ? v[2] << 6 : 0) | (pad < 1 ? v[3] : 0);
    out.push_back(static_cast<char>(n >> 16));
    if (pad < 2) out.push_back(static_cast<char>((n >> 8) & 0xff));
    if (pad < 1) out.push_back(static_cast<char>(n & 0xff));
  }
  return out;
}

bool BcryptMatches(const std::string& password, const std::string& hash) {
  // crypt_data is large (tens of KB): keep it off the stack.
  auto data = std::make_unique<crypt_data>();
  const char* computed = crypt_rn(password.c_str(), hash.c_str(), data.get(), sizeof(crypt_data));
  return computed != nullptr && ConstantTimeEquals(computed, hash);
}

}  // namespace

std::optional<BasicCredentials> ParseBasicAuthorization(std::string_view header) {
  constexpr std::string_view kScheme = "Basic ";
  if (header.size() < kScheme.size() || !EqualsIgnoreCase(header.substr(0, kScheme.size()), kScheme)) {
    return std::nullopt;
  }
  const auto decoded = DecodeBase64(header.substr(kScheme.size()));
  if (!decoded) return std::nullopt;
  const size_t colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return BasicCredentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

bool IsBcryptHash(std::string_view hash) {
  return hash.size() == 60 &&
         (hash.starts_with("$2a$") || hash.starts_with("$2b$") || hash.starts_with("$2y$"));
}

BasicAuthenticator::BasicAuthenticator(std::map<std::string, std::string> users) : users_(std::move(users)) {
  // A configured hash has the configured cost, so checking an unknown user
  // against it takes as long as checking a known one.
  if (!users_.empty()) decoy_hash_ = users_.begin()->second;
}

std::string BasicAuthenticator::CacheKey(const BasicCredentials& credentials, const std::string& hash) {
  std::string input;
  for (const std::string* part : {&credentials.user, &hash, &credentials.password}) {
    // Length prefixes keep ("ab","c") and ("a","bc") apart.
    input += std::to_string(part->size());
    input += ':';
    input += *part;
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(input.data(), input.size(), digest.data(), &length, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest.data()), length);
}

std::optional<bool> BasicAuthenticator::CheckCached(const BasicCredentials& credentials) const {
  const auto it = users_.find(credentials.user);
  if (it == users_.end()) return std::nullopt;
  const std::string key = CacheKey(credentials, it->second);
  std::lock_guard lock(mu_);
  if (verified_.count(key)) return true;
  return std::nullopt;
}

bool BasicAuthenticator::Verify(const BasicCredentials& credentials) const {
  const auto it = users_.find(credentials.user);
  if (it == users_.end()) {
    if (!decoy_hash_.empty()) (void)BcryptMatches(credentials.password, decoy_hash_);
    return false;
  }
  if (!BcryptMatches(credentials.password, it->second)) return false;
  const std::string key = CacheKey(credentials, it->second);
  std::lock_guard lock(mu_);
  if (verified_.size() >= kMaxCachedVerifications) verified_.clear();
  verified_.insert(key);
  return true;
}

}  // namespace ember::http
