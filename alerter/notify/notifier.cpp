#include "notify/notifier.h"

#include <unistd.h>

#include <random>

namespace ember::alerter {

namespace {

template <typename... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <typename... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

std::chrono::nanoseconds TimeoutOf(const Notifier::Config& c) {
  if (auto* w = std::get_if<WebhookConfig>(&c)) return w->timeout;
  if (auto* s = std::get_if<SlackConfig>(&c)) return s->timeout;
  if (auto* p = std::get_if<PagerdutyConfig>(&c)) return p->timeout;
  return {};
}

EmailEnvironment MakeEmailEnvironment() {
  static constexpr char kHex[] = "0123456789abcdef";
  EmailEnvironment env;
  env.now_nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  char host[256] = {};
  env.hostname = ::gethostname(host, sizeof host - 1) == 0 ? host : "localhost.localdomain";
  std::random_device rd;
  std::mt19937_64 rng((uint64_t{rd()} << 32) ^ rd());
  env.random = rng();
  for (int i = 0; i < 60; ++i) env.boundary.push_back(kHex[rng() & 15]);
  return env;
}

}  // namespace

NotificationData WithAlerts(const NotificationData& data, std::vector<NotifyAlert> alerts) {
  NotificationData out =
      MakeNotificationData("", data.group_labels, std::move(alerts), data.external_url, data.group_key);
  out.receiver = data.receiver;
  return out;
}

Result<std::unique_ptr<Notifier>> Notifier::Create(Config config, int index,
                                                   std::shared_ptr<const TemplateSet> templates) {
  std::unique_ptr<Notifier> n(new Notifier());
  n->index_ = index;
  n->templates_ = std::move(templates);
  const NotifierHttpConfig* http = nullptr;
  std::visit(Overloaded{
                 [&](const WebhookConfig& c) {
                   n->name_ = "webhook", n->send_resolved_ = c.send_resolved, http = &c.http_config;
                 },
                 [&](const EmailConfig& c) { n->name_ = "email", n->send_resolved_ = c.send_resolved; },
                 [&](const SlackConfig& c) {
                   n->name_ = "slack", n->send_resolved_ = c.send_resolved, http = &c.http_config;
                 },
                 [&](const DiscordConfig& c) {
                   n->name_ = "discord", n->send_resolved_ = c.send_resolved, http = &c.http_config;
                 },
                 [&](const MSTeamsConfig& c) {
                   n->name_ = "msteams", n->send_resolved_ = c.send_resolved, http = &c.http_config;
                 },
                 [&](const TelegramConfig& c) {
                   n->name_ = "telegram", n->send_resolved_ = c.send_resolved, http = &c.http_config;
                 },
                 [&](const PagerdutyConfig& c) {
                   n->name_ = "pagerduty", n->send_resolved_ = c.send_resolved, http = &c.http_config;
                 },
             },
             config);
  if (http != nullptr) {
    EMBER_ASSIGN_OR_RETURN(n->http_, HttpSender::Create(*http, HttpSender::Options{}));
  }
  n->config_ = std::move(config);
  return n;
}

SendOutcome Notifier::Notify(const NotificationData& full, bool* sent) const {
  if (sent) *sent = false;
  const NotificationData* data = &full;
  NotificationData firing_only;
  if (!send_resolved_) {
    std::vector<NotifyAlert> firing;
    for (const auto& a : full.alerts)
      if (a.status == "firing") firing.push_back(a);
    if (firing.empty()) return {};
    if (firing.size() != full.alerts.size()) {
      firing_only = WithAlerts(full, std::move(firing));
      data = &firing_only;
    }
  }
  const TemplateSet& t = *templates_;
  if (const auto* email = std::get_if<EmailConfig>(&config_)) {
    Result<EmailMessage> m = BuildEmailMessage(*email, t, *data, MakeEmailEnvironment());
    if (!m.ok()) return SendOutcome{m.status(), false, 0};
    if (sent) *sent = true;
    return SendEmail(*email, *m);
  }
  Result<NotifyRequest> req = std::visit(
      Overloaded{
          [&](const WebhookConfig& c) { return BuildWebhookRequest(c, t, *data); },
          [&](const EmailConfig&) -> Result<NotifyRequest> { return Status::Internal("unreachable"); },
          [&](const SlackConfig& c) { return BuildSlackRequest(c, t, *data); },
          [&](const DiscordConfig& c) { return BuildDiscordRequest(c, t, *data); },
          [&](const MSTeamsConfig& c) { return BuildMSTeamsRequest(c, t, *data); },
          [&](const TelegramConfig& c) { return BuildTelegramRequest(c, t, *data); },
          [&](const PagerdutyConfig& c) { return BuildPagerdutyRequest(c, t, *data); },
      },
      config_);
  if (!req.ok()) return SendOutcome{req.status(), false, 0};
  if (sent) *sent = true;
  return http_->Send(*req, TimeoutOf(config_));
}

Result<std::vector<std::unique_ptr<Notifier>>> BuildNotifiers(const Receiver& r,
                                                              std::shared_ptr<const TemplateSet> templates) {
  std::vector<std::unique_ptr<Notifier>> out;
  auto add_all = [&](const auto& configs) -> Status {
    int i = 0;
    for (const auto& c : configs) {
      EMBER_ASSIGN_OR_RETURN(auto n, Notifier::Create(Notifier::Config(c), i++, templates));
      out.push_back(std::move(n));
    }
    return Status::Ok();
  };
  EMBER_RETURN_IF_ERROR(add_all(r.webhook_configs));
  EMBER_RETURN_IF_ERROR(add_all(r.email_configs));
  EMBER_RETURN_IF_ERROR(add_all(r.pagerduty_configs));
  EMBER_RETURN_IF_ERROR(add_all(r.slack_configs));
  EMBER_RETURN_IF_ERROR(add_all(r.telegram_configs));
  EMBER_RETURN_IF_ERROR(add_all(r.discord_configs));
  EMBER_RETURN_IF_ERROR(add_all(r.msteams_configs));
  return out;
}

}  // namespace ember::alerter
