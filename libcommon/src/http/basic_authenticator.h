// BasicAuthenticator: checks HTTP basic credentials against bcrypt hashes.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

namespace ember::http {

struct BasicCredentials {
  std::string user;
  std::string password;
};

// Parses an Authorization header value "Basic base64(user:password)" as Go's
// Request.BasicAuth does: the scheme is case-insensitive, the base64 is
// standard with padding, and the password is everything after the first ':'.
std::optional<BasicCredentials> ParseBasicAuthorization(std::string_view header);

// Thread-safe.
class BasicAuthenticator {
 public:
  // `users` maps user names to bcrypt hashes ($2a$, $2b$ or $2y$).
  explicit BasicAuthenticator(std::map<std::string, std::string> users);

  // False when no users are configured: every request is let through.
  bool enabled() const { return !users_.empty(); }

  // Answers from the cache of earlier successes alone; nullopt when bcrypt
  // has to run. Cheap enough for an I/O thread.
  std::optional<bool> CheckCached(const BasicCredentials& credentials) const;

  // Runs bcrypt: tens of milliseconds at the usual cost of 10, so never on an
  // I/O thread. An unknown user costs one bcrypt run like a known one, so
  // timing does not tell which users exist. Successes are cached.
  bool Verify(const BasicCredentials& credentials) const;

 private:
  // A SHA-256 over user, hash and password: the cache never holds a password.
  static std::string CacheKey(const BasicCredentials& credentials, const std::string& hash);

  std::map<std::string, std::string> users_;
  std::string decoy_hash_;  // verified against for unknown users
  mutable std::mutex mu_;
  mutable std::unordered_set<std::string> verified_;  // GUARDED_BY(mu_)
};

// True when `hash` is a bcrypt hash that crypt(3) can verify.
bool IsBcryptHash(std::string_view hash);

}  // namespace ember::http
