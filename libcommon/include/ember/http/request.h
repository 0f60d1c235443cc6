// Request: one HTTP request as a handler sees it, fully read (the body is in
// memory, already checked against the server's and the route's body limit).
#pragma once

#include <stop_token>
#include <string>

#include "ember/base/status.h"
#include "ember/http/headers.h"
#include "ember/http/params.h"

namespace ember::http {

struct Request {
  std::string method;     // as sent, e.g. "GET"; handlers for GET also see "HEAD"
  std::string target;     // the raw request-target: "/api/v1/query?query=up"
  std::string path;       // the target's path, percent-decoded: "/api/v1/query"
  std::string raw_query;  // the target's query without '?', still encoded
  Headers headers;
  std::string body;            // the body as received (Content-Encoding is not undone)
  Params path_params;          // values of the route's ":name" and "*name" segments
  std::string route;           // the pattern of the route that matched: "/api/v1/label/:name/values"
  std::string remote_address;  // the peer as "ip:port" ("[::1]:5000" for IPv6)
  std::string user;            // the basic-auth user when authentication is configured, else ""
  bool tls = false;            // true when the request came over TLS
  // Requested when the server gives up on in-flight work (forced shutdown).
  // Long-running handlers check it and return early.
  std::stop_token stop_token;

  // The parameters of the URL query, decoded as Go's url.ParseQuery.
  // Errors: InvalidArgument for a malformed escape or a ';' separator.
  Result<Params> Query() const;

  // Form values as Go's Request.ParseForm merges them: for POST, PUT and PATCH
  // with Content-Type application/x-www-form-urlencoded, the body's values
  // come first, then the URL query's, so Get() prefers the body and GetAll()
  // lists both. Other methods and content types give the query alone.
  // Errors: InvalidArgument naming what was malformed; handlers answer 400.
  Result<Params> Form() const;
};

}  // namespace ember::http
