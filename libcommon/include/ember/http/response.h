// Response: what a handler returns. The server adds Content-Length, Date and
// the configured security headers, and may gzip the body.
#pragma once

#include <string>
#include <string_view>

#include "ember/http/headers.h"

namespace ember::http {

struct Response {
  int status = 200;
  Headers headers;
  std::string body;

  // A response with Content-Type "text/plain; charset=utf-8".
  static Response Text(int status, std::string body);
  // A response with Content-Type "application/json".
  static Response Json(int status, std::string body);
  // The plain-text error responses the server itself sends, e.g. "404 page not found\n".
  static Response Error(int status, std::string_view message);
};

}  // namespace ember::http
