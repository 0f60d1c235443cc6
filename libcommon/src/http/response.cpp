#include "ember/http/response.h"

namespace ember::http {

Response Response::Text(int status, std::string body) {
  Response r;
  r.status = status;
  r.headers.Set("Content-Type", "text/plain; charset=utf-8");
  r.body = std::move(body);
  return r;
}

Response Response::Json(int status, std::string body) {
  Response r;
  r.status = status;
  r.headers.Set("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

Response Response::Error(int status, std::string_view message) {
  Response r = Text(status, std::string(message) + "\n");
  // Error bodies are for people; stop browsers from sniffing them as HTML.
  r.headers.Set("X-Content-Type-Options", "nosniff");
  return r;
}

}  // namespace ember::http
