// Notifier: one configured integration of a receiver (a webhook, e-mail,
// Slack, Discord, MS Teams, Telegram or PagerDuty config), ready to deliver
// a notification: the integration's builder (integrations.h) plus the
// HTTP sender or the SMTP client.
//
// Thread-safe: Notify may run on many threads at once.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "config/alerter_config.h"
#include "notify/http_sender.h"
#include "notify/integrations.h"
#include "notify/smtp_client.h"
#include "notify/template_set.h"

namespace ember::alerter {

class Notifier {
 public:
  using Config = std::variant<WebhookConfig, EmailConfig, SlackConfig, DiscordConfig, MSTeamsConfig,
                              TelegramConfig, PagerdutyConfig>;

  // Error: the HTTP client cannot be made from the config's http_config.
  static Result<std::unique_ptr<Notifier>> Create(Config config, int index,
                                                  std::shared_ptr<const TemplateSet> templates);

  // "webhook", "email", "slack", "discord", "msteams", "telegram", "pagerduty".
  const std::string& name() const { return name_; }
  // The position among the receiver's configs of this kind.
  int index() const { return index_; }
  bool send_resolved() const { return send_resolved_; }

  // Delivers `data`. Without send_resolved, resolved alerts are left out
  // first and nothing is sent when none remain (OK, `sent` false).
  SendOutcome Notify(const NotificationData& data, bool* sent = nullptr) const;

 private:
  Notifier() = default;
  Config config_;
  std::string name_;
  int index_ = 0;
  bool send_resolved_ = true;
  std::shared_ptr<const TemplateSet> templates_;
  std::unique_ptr<HttpSender> http_;
};

// The notifiers of a receiver, in upstream's order of kinds, each kind's
// configs in file order.
Result<std::vector<std::unique_ptr<Notifier>>> BuildNotifiers(const Receiver& receiver,
                                                              std::shared_ptr<const TemplateSet> templates);

// The data with only the given alerts: status, common labels and
// annotations recomputed, receiver, group labels and key kept.
NotificationData WithAlerts(const NotificationData& data, std::vector<NotifyAlert> alerts);

}  // namespace ember::alerter
