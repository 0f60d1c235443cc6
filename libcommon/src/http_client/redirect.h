// FollowRedirect: how a request changes to follow a redirect response,
// following Go's http.Client.
#pragma once

#include <string_view>

#include "ember/base/status.h"
#include "ember/http/client_message.h"
#include "url.h"

namespace ember::http::client_internal {

// 301, 302, 303, 307 and 308. (300 and 304 are answers, not redirects.)
bool IsRedirectStatus(int status);

// Rewrites `request`, which was sent to `from` and answered with `status` and
// `location`, into the next request, and returns its URL:
//  - 301, 302, 303: methods other than GET and HEAD become GET without a body
//    (and without Content-Type), as browsers and Go do;
//  - 307, 308: the method and body are kept;
//  - Authorization, WWW-Authenticate, Cookie and Cookie2 are dropped when the
//    new host is neither the old one nor a subdomain of it.
// Error: InvalidArgument when `location` is not a URL the client can follow.
Result<Url> FollowRedirect(const Url& from, int status, std::string_view location, ClientRequest& request);

}  // namespace ember::http::client_internal
