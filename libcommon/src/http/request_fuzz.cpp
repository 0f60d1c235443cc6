// Fuzz target: what a client controls in a request before any handler runs:
// query and form decoding, percent-decoding, route lookup, and gzip bodies
// under a size limit.
#include <cstddef>
#include <cstdint>
#include <string>

#include "ember/http/gzip.h"
#include "ember/http/params.h"
#include "ember/http/request.h"
#include "ember/http/router.h"

namespace {

const ember::http::Router& TestRouter() {
  static const ember::http::Router router = [] {
    ember::http::Router r;
    auto ok = [](ember::http::Request&) { return ember::http::Response::Text(200, "ok"); };
    r.Get("/api/v1/query", ok);
    r.Get("/api/v1/label/:name/values", ok);
    r.Post("/api/v1/write", ok);
    r.Get("/static/*path", ok);
    return r;
  }();
  return router;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ember::http;
  std::string text(reinterpret_cast<const char*>(data), size);
  (void)ParseQuery(text);
  (void)PercentDecode(text, true);
  (void)TestRouter().Find("GET", text);
  Request req;
  req.method = "POST";
  req.raw_query = text.substr(0, text.size() / 2);
  req.body = text.substr(text.size() / 2);
  req.headers.Set("Content-Type", "application/x-www-form-urlencoded");
  (void)req.Form();
  (void)GzipDecompress(text, 1 << 20);
  return 0;
}
