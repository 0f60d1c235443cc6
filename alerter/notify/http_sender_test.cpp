#include <catch2/catch.hpp>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ember/http/router.h"
#include "ember/http/server.h"
#include "ember/obs/logger.h"
#include "ember/obs/metrics.h"
#include "notify/http_sender.h"
#include "notify/integrations.h"
#include "notify/notifier.h"

namespace ember::alerter {
namespace {

// A local HTTP server that records what the notifiers post and answers each
// path with a fixed status.
class Sink {
 public:
  struct Received {
    std::string path, content_type, authorization, body;
  };

  Sink() {
    http::Router router;
    auto record = [this](int status, std::string answer) {
      return [this, status, answer](http::Request& req) {
        std::lock_guard lock(mu_);
        received_.push_back({req.path, std::string(req.headers.Get("Content-Type")),
                             std::string(req.headers.Get("Authorization")), req.body});
        return http::Response::Text(status, answer);
      };
    };
    router.Post("/hook", record(200, ""));
    router.Post("/fail500", record(500, "boom"));
    router.Post("/fail400", record(400, "bad request"));
    router.Post("/limited", record(429, ""));
    http::ServerOptions options;
    options.worker_threads = 1;
    options.io_threads = 1;
    server_ = std::make_unique<http::Server>(options, std::move(router),
                                             Logger(std::make_shared<CapturingLogSink>(), LogLevel::kError),
                                             registry_);
    REQUIRE(server_->Start().ok());
  }
  ~Sink() { (void)server_->Shutdown(std::chrono::milliseconds(100)); }

  std::string url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + std::string(path);
  }
  std::vector<Received> received() const {
    std::lock_guard lock(mu_);
    return received_;
  }

 private:
  MetricsRegistry registry_;
  std::unique_ptr<http::Server> server_;
  mutable std::mutex mu_;
  std::vector<Received> received_;
};

NotificationData Data() {
  NotifyAlert a{"firing",
                {{"alertname", "Up"}, {"job", "x"}},
                {},
                1704164400000000000,
                kZeroTime,
                "http://p/g",
                "00000000000000aa"};
  return MakeNotificationData("hooks", {{"job", "x"}}, {a}, "http://am", "{}:{job=\"x\"}");
}

std::unique_ptr<HttpSender> MakeSender(const NotifierHttpConfig& c = {}) {
  auto s = HttpSender::Create(c, HttpSender::Options{});
  INFO(s.status().ToString());
  REQUIRE(s.ok());
  return std::move(*s);
}

TEST_CASE("http sender delivers the built request", "[alerter][notify]") {
  Sink sink;
  auto templates = TemplateSet::FromSources({});
  REQUIRE(templates.ok());
  WebhookConfig wc;
  wc.url = sink.url("/hook");
  auto req = BuildWebhookRequest(wc, **templates, Data());
  REQUIRE(req.ok());

  NotifierHttpConfig hc;
  hc.client.basic_auth = config::BasicAuthConfig{"user", "", "pass", ""};
  SendOutcome out = MakeSender(hc)->Send(*req, std::chrono::seconds(5));
  INFO(out.status.ToString());
  REQUIRE(out.status.ok());
  CHECK(out.http_status == 200);
  auto got = sink.received();
  REQUIRE(got.size() == 1);
  CHECK(got[0].path == "/hook");
  CHECK(got[0].content_type == "application/json");
  CHECK(got[0].authorization == "Basic dXNlcjpwYXNz");
  CHECK(got[0].body == req->body);
}

TEST_CASE("http sender classifies failures as upstream", "[alerter][notify]") {
  Sink sink;
  auto sender = MakeSender();
  NotifyRequest req;
  req.body = "{}\n";

  req.url = sink.url("/fail500");
  SendOutcome o = sender->Send(req);
  CHECK_FALSE(o.status.ok());
  CHECK(o.retry);
  CHECK(o.status.message() == "unexpected status code 500: boom");

  req.url = sink.url("/fail400");
  o = sender->Send(req);
  CHECK_FALSE(o.retry);
  CHECK(o.status.message() == "unexpected status code 400: bad request");

  req.url = sink.url("/limited");
  o = sender->Send(req);
  CHECK_FALSE(o.retry);
  req.retry_codes = {429};
  o = sender->Send(req);
  CHECK(o.retry);
  CHECK(o.status.message() == "unexpected status code 429");

  // Nothing listens there any more: a network error, retried.
  std::string closed_url;
  {
    Sink gone;
    closed_url = gone.url("/hook");
  }
  req.url = closed_url;
  o = sender->Send(req, std::chrono::seconds(5));
  CHECK_FALSE(o.status.ok());
  CHECK(o.retry);
  CHECK(o.http_status == 0);

  // A request's own Authorization header (a Slack app token) wins.
  NotifierHttpConfig hc;
  hc.client.authorization = config::AuthorizationConfig{"Bearer", "from-config", ""};
  req.url = sink.url("/hook");
  req.headers = {{"Authorization", "Bearer app-token"}};
  o = MakeSender(hc)->Send(req);
  CHECK(o.status.ok());
  CHECK(sink.received().back().authorization == "Bearer app-token");
}

TEST_CASE("slack response checks", "[alerter][notify]") {
  CHECK(CheckSlackResponse("text/plain", "ok").status.ok());
  CHECK_FALSE(CheckSlackResponse("text/plain", "invalid_token").status.ok());
  CHECK(CheckSlackResponse("application/json; charset=utf-8", R"({"ok":true,"ts":"1"})").status.ok());
  SendOutcome o = CheckSlackResponse("application/json", R"({"ok": false, "error": "channel_not_found"})");
  CHECK(o.status.message() == "error response from Slack: channel_not_found");
  CHECK_FALSE(o.retry);
  CHECK(CheckSlackResponse("application/json", "not json").retry);
}

}  // namespace
}  // namespace ember::alerter

namespace ember::alerter {
namespace {

TEST_CASE("notifiers of a receiver deliver; send_resolved filters", "[alerter][notify]") {
  Sink sink;
  Receiver r;
  r.name = "hooks";
  WebhookConfig all;
  all.url = sink.url("/hook");
  WebhookConfig firing_only = all;
  firing_only.send_resolved = false;
  r.webhook_configs = {all, firing_only};
  auto templates = TemplateSet::FromSources({});
  REQUIRE(templates.ok());
  auto notifiers = BuildNotifiers(r, *templates);
  REQUIRE(notifiers.ok());
  REQUIRE(notifiers->size() == 2);
  CHECK((*notifiers)[0]->name() == "webhook");
  CHECK((*notifiers)[1]->index() == 1);

  NotificationData d = Data();
  NotifyAlert resolved = d.alerts[0];
  resolved.status = "resolved";
  resolved.labels["instance"] = "b";
  d = WithAlerts(d, {d.alerts[0], resolved});
  bool sent = false;
  CHECK((*notifiers)[0]->Notify(d, &sent).status.ok());
  CHECK(sent);
  CHECK((*notifiers)[1]->Notify(d, &sent).status.ok());
  CHECK(sent);
  auto got = sink.received();
  REQUIRE(got.size() == 2);
  CHECK(got[0].body.find("\"resolved\"") != std::string::npos);
  CHECK(got[1].body.find("\"status\":\"resolved\"") == std::string::npos);

  NotificationData only_resolved = WithAlerts(d, {resolved});
  CHECK((*notifiers)[1]->Notify(only_resolved, &sent).status.ok());
  CHECK_FALSE(sent);
  CHECK(sink.received().size() == 2);
}

}  // namespace
}  // namespace ember::alerter
