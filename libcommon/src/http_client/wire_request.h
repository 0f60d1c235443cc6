// BuildWireRequest: turns a ClientRequest into the HTTP/1.1 message written
// on a connection, checking what would otherwise corrupt the stream.
#pragma once

#include <string_view>

#include "connection.h"
#include "ember/base/status.h"
#include "ember/http/client_message.h"
#include "url.h"

namespace ember::http::client_internal {

// Adds Host (from `url` unless the request sets it), User-Agent (unless set),
// Accept-Encoding: gzip when `ask_gzip`, and Content-Length. Errors:
// InvalidArgument for a method or header name that is not an HTTP token, or a
// header value with CR, LF or NUL (which would let a value inject headers).
Result<WireRequest> BuildWireRequest(const ClientRequest& request, const Url& url,
                                     std::string_view user_agent, bool ask_gzip);

// Whether the request may be sent again after a connection failed under it
// without a response: safe methods, PUT and DELETE, or an Idempotency-Key.
bool IsReplayable(const ClientRequest& request);

// How Go names the operation in errors: "GET" -> "Get".
std::string OperationName(std::string_view method);

}  // namespace ember::http::client_internal
