// TestBcryptHash: bcrypt hashes for basic-auth tests, made at run time so
// that no test carries a password hash it cannot explain.
#pragma once

#include <string>

namespace ember::http::testing {

// A "$2b$" bcrypt hash of `password` at cost 4, the lowest, so that tests
// (and the server verifying them) stay fast. Throws std::runtime_error when
// libcrypt cannot make one.
std::string TestBcryptHash(const std::string& password);

}  // namespace ember::http::testing
