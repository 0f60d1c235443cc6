// HttpSender: sends the requests the integrations build (integrations.h)
// with libcommon's HttpClient, configured from the receiver's http_config,
// and classifies failures as Alertmanager's notifiers do: a 2xx status is
// success; a network error, a 5xx status or one of the request's
// retry_codes is a retryable failure; any other status is a permanent one.
//
// Thread-safe: Send may run on many threads at once.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "config/alerter_config.h"
#include "ember/base/status.h"
#include "ember/http/client.h"
#include "notify/integrations.h"

namespace ember::alerter {

// "unexpected status code 500: <body>" as upstream's Retrier.Check words it,
// or OK for 2xx; `retry` set as described above.
SendOutcome ClassifyResponse(int status, std::string_view body, const std::vector<int>& retry_codes);

// Slack's answer to a 2xx: "ok" as text, or JSON with "ok": true. Otherwise
// a permanent failure ("error response from Slack: <error>"), or a retryable
// one when a JSON body does not parse.
SendOutcome CheckSlackResponse(std::string_view content_type, std::string_view body);

class HttpSender {
 public:
  // Options of the sender. Default request timeout when the integration
  // has none of its own: 30 s.
  struct Options {
    std::chrono::milliseconds default_timeout{30'000};
    std::string user_agent = "Alertmanager/ember";
  };

  // Error: InvalidArgument for unusable TLS settings (inline certificates,
  // unreadable files).
  static Result<std::unique_ptr<HttpSender>> Create(const NotifierHttpConfig& config, Options options);

  // Sends `request`; `timeout` > 0 replaces the default timeout (the
  // integration's own `timeout` setting). Blocks until done. The credentials
  // of basic_auth/authorization are read at each call; a request that sets
  // its own Authorization header keeps it.
  SendOutcome Send(const NotifyRequest& request, std::chrono::nanoseconds timeout = {}) const;

 private:
  HttpSender() = default;
  NotifierHttpConfig config_;
  Options options_;
  std::unique_ptr<http::HttpClient> client_;
};

}  // namespace ember::alerter
