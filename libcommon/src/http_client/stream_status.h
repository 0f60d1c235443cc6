// StreamStatus: the error a stream reports for a response that is not 2xx.
#pragma once

#include <string_view>

#include "ember/base/status.h"

namespace ember::http::client_internal {

// `<prefix>: server returned HTTP status 410 Gone: <start of body>`, with the
// code documented at HttpClient::AsyncStream.
Status StreamStatus(std::string_view prefix, int http_status, std::string_view reason, std::string_view body);

}  // namespace ember::http::client_internal
