// Dispatch: from a fully read Request to a finished Response — basic auth,
// the route's handler on the worker pool or inline, metrics, and the headers
// and compression every response gets. Knows nothing of sockets.
#pragma once

#include <utility>  // boost/asio/awaitable.hpp uses std::exchange without including it

#include <boost/asio/awaitable.hpp>

#include "ember/http/request.h"
#include "ember/http/response.h"
#include "ember/http/router.h"
#include "security_state.h"
#include "server_core.h"

namespace ember::http {

// Authenticates `request`, runs its route's handler (or answers 404/405)
// and returns the response, finished as by FinishResponse. Never throws:
// a throwing handler gives 500. Runs on the connection's strand; bcrypt and
// pool-routed handlers run on the worker pool meanwhile.
boost::asio::awaitable<Response> Dispatch(ServerCore& core, Request& request, const RouteMatch& match,
                                          const SecurityState& security);

// Adds what every response carries (Date, the configured extra headers, a
// default Content-Type), drops fields the connection sets itself, and gzips
// the body when `compress` and the client accepts it.
void FinishResponse(const ServerCore& core, const Request& request, bool compress,
                    const SecurityState& security, Response& response);

}  // namespace ember::http
