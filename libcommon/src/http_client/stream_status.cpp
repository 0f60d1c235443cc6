#include "stream_status.h"

#include <string>

#include "ember/base/strings.h"

namespace ember::http::client_internal {
namespace {

// Error bodies are for people; a long one would bury the status.
constexpr size_t kMaxBodyInMessage = 1024;

StatusCode CodeFor(int http_status) {
  switch (http_status) {
    case 400:
      return StatusCode::kInvalidArgument;
    case 401:
      return StatusCode::kUnauthenticated;
    case 403:
      return StatusCode::kPermissionDenied;
    case 404:
      return StatusCode::kNotFound;
    case 409:
      return StatusCode::kAlreadyExists;
    case 410:
      return StatusCode::kOutOfRange;
    case 429:
      return StatusCode::kResourceExhausted;
    default:
      break;
  }
  return http_status >= 500 ? StatusCode::kUnavailable : StatusCode::kFailedPrecondition;
}

}  // namespace

Status StreamStatus(std::string_view prefix, int http_status, std::string_view reason,
                    std::string_view body) {
  std::string message = std::string(prefix) + ": server returned HTTP status " + std::to_string(http_status);
  if (!reason.empty()) message.append(" ").append(reason);
  std::string_view text = TrimSpace(body.substr(0, kMaxBodyInMessage));
  if (!text.empty()) message.append(": ").append(text);
  return Status(CodeFor(http_status), std::move(message));
}

}  // namespace ember::http::client_internal
