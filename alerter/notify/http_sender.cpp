#include "notify/http_sender.h"

#include <algorithm>

#include "ember/http/client_config.h"

namespace ember::alerter {

SendOutcome ClassifyResponse(int status, std::string_view body, const std::vector<int>& retry_codes) {
  SendOutcome o;
  o.http_status = status;
  if (status / 100 == 2) return o;
  o.retry =
      status / 100 == 5 || std::find(retry_codes.begin(), retry_codes.end(), status) != retry_codes.end();
  std::string msg = "unexpected status code " + std::to_string(status);
  if (!body.empty()) msg += ": " + std::string(body);
  o.status = Status::Unavailable(std::move(msg));
  return o;
}

SendOutcome CheckSlackResponse(std::string_view content_type, std::string_view body) {
  SendOutcome o;
  if (content_type.substr(0, 16) != "application/json") {
    if (body != "ok")
      o.status = Status::FailedPrecondition("received an error response from Slack: " + std::string(body));
    return o;
  }
  // The fields that matter of {"ok": bool, "error": "..."}.
  auto find_value = [&](std::string_view key) -> std::string_view {
    std::string quoted(1, '"');
    quoted.append(key).push_back('"');
    size_t k = body.find(quoted);
    if (k == std::string_view::npos) return {};
    size_t colon = body.find(':', k + quoted.size());
    if (colon == std::string_view::npos) return {};
    size_t v = body.find_first_not_of(" \t\r\n", colon + 1);
    if (v == std::string_view::npos) return {};
    if (body[v] == '"') {
      size_t end = body.find('"', v + 1);
      return end == std::string_view::npos ? std::string_view{} : body.substr(v + 1, end - v - 1);
    }
    size_t end = body.find_first_of(",} \t\r\n", v);
    return body.substr(v, end == std::string_view::npos ? body.size() - v : end - v);
  };
  std::string_view trimmed = body.substr(0, body.find_last_not_of(" \t\r\n") + 1);
  if (trimmed.empty() || trimmed.front() != '{' || trimmed.back() != '}') {
    o.retry = true;
    o.status = Status::Unavailable("could not unmarshal JSON response \"" + std::string(body) + "\"");
    return o;
  }
  if (find_value("ok") != "true")
    o.status = Status::FailedPrecondition("error response from Slack: " + std::string(find_value("error")));
  return o;
}

Result<std::unique_ptr<HttpSender>> HttpSender::Create(const NotifierHttpConfig& config, Options options) {
  EMBER_ASSIGN_OR_RETURN(http::ClientOptions co,
                         http::ClientOptionsFromConfig(config.client, options.default_timeout,
                                                       options.user_agent, "by the alerter's notifiers"));
  std::unique_ptr<HttpSender> s(new HttpSender());
  EMBER_ASSIGN_OR_RETURN(s->client_, http::HttpClient::Create(std::move(co)));
  s->config_ = config;
  s->options_ = std::move(options);
  return s;
}

SendOutcome HttpSender::Send(const NotifyRequest& request, std::chrono::nanoseconds timeout) const {
  http::ClientRequest req;
  req.method = request.method;
  req.url = request.url;
  for (const auto& [k, v] : request.headers) req.headers.Add(k, v);
  if (!request.content_type.empty()) req.headers.Set("Content-Type", request.content_type);
  if (!req.headers.Has("Authorization")) {
    Result<std::string> auth = http::AuthorizationFromConfig(config_.client);
    if (!auth.ok()) return SendOutcome{auth.status(), false, 0};
    if (!auth->empty()) req.headers.Set("Authorization", *auth);
  }
  req.body = request.body;
  if (timeout.count() > 0) {
    req.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(timeout);
    if (req.timeout->count() == 0) req.timeout = std::chrono::milliseconds(1);
  }
  Result<http::ClientResponse> resp = client_->Do(std::move(req));
  if (!resp.ok()) return SendOutcome{resp.status(), true, 0};
  SendOutcome o = ClassifyResponse(resp->status, resp->body, request.retry_codes);
  if (o.status.ok() && request.slack_response) {
    o = CheckSlackResponse(resp->headers.Get("Content-Type"), resp->body);
    o.http_status = resp->status;
  }
  if (!o.status.ok() && request.retry_all_failures) o.retry = true;
  return o;
}

}  // namespace ember::alerter
