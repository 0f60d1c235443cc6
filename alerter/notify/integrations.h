// The messages Alertmanager's integrations send, built from one
// notification's data and the receiver config: pure functions, no I/O
// besides reading the *_file settings (URL, token, key and chat id files).
//
// Each HTTP builder returns the request as upstream sends it: method, URL,
// headers and the JSON body byte for byte as Go's encoder writes it (struct
// field order, omitempty, HTML characters escaped, a final newline).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "config/alerter_config.h"
#include "ember/base/status.h"
#include "notify/template_data.h"
#include "notify/template_set.h"

namespace ember::alerter {

// The result of one delivery attempt.
struct SendOutcome {
  Status status;        // OK on success
  bool retry = false;   // whether a failure is worth retrying
  int http_status = 0;  // the HTTP response status, 0 when none was received
};

struct NotifyRequest {
  std::string method = "POST";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type
  std::string content_type = "application/json";
  std::string body;
  // HTTP statuses besides 5xx that are retried (upstream's RetryCodes).
  std::vector<int> retry_codes;
  // Slack also answers failures with 200: its body is checked.
  bool slack_response = false;
  // Every failure is retried (Telegram's client reports all as retryable).
  bool retry_all_failures = false;
};

// The data limited to the first `max_alerts` alerts (0: all), with status and
// common labels and annotations recomputed over the kept alerts and
// truncated_alerts set, as the webhook notifier does.
NotificationData TruncateAlerts(const NotificationData& data, uint64_t max_alerts);

// Hex SHA-256 of the group key (upstream's notify.Key.Hash, PagerDuty's
// dedup_key).
std::string GroupKeyHash(std::string_view group_key);

// Webhook: payload version "4" ({receiver, status, alerts, groupLabels,
// commonLabels, commonAnnotations, externalURL, version, groupKey,
// truncatedAlerts}), max_alerts applied. Error: the URL template fails or
// gives "" ("webhook URL is empty after templating"), url_file unreadable.
Result<NotifyRequest> BuildWebhookRequest(const WebhookConfig& c, const TemplateSet& t,
                                          const NotificationData& data);

// Slack: one attachment (title cut at 1024 runes, mrkdwn_in defaulting to
// fallback/pretext/text); `Authorization: Bearer` with an app token.
Result<NotifyRequest> BuildSlackRequest(const SlackConfig& c, const TemplateSet& t,
                                        const NotificationData& data);

// Discord: content (2000 runes), one embed with title (256), description
// (4096) and the status colour; username and avatar_url when set.
Result<NotifyRequest> BuildDiscordRequest(const DiscordConfig& c, const TemplateSet& t,
                                          const NotificationData& data);

// Microsoft Teams: a MessageCard with title, summary, text and themeColor.
Result<NotifyRequest> BuildMSTeamsRequest(const MSTeamsConfig& c, const TemplateSet& t,
                                          const NotificationData& data);

// Telegram: POST <api_url>/bot<token>/sendMessage with the Bot API
// parameters; with parse_mode HTML the message template runs as HTML and a
// message over 4096 runes is replaced by upstream's notice, otherwise it is
// cut at 4096 runes.
Result<NotifyRequest> BuildTelegramRequest(const TelegramConfig& c, const TemplateSet& t,
                                           const NotificationData& data);

// PagerDuty: Events API v2 (routing_key) or v1 (service_key), event
// trigger/resolve by the group's status, dedup/incident key the group key's
// hash, summary/description cut at 1024 runes, details rendered as strings.
Result<NotifyRequest> BuildPagerdutyRequest(const PagerdutyConfig& c, const TemplateSet& t,
                                            const NotificationData& data);

// What varies between two e-mails of the same data.
struct EmailEnvironment {
  int64_t now_nanos = 0;  // Date header and thread date
  std::string hostname;   // Message-Id domain
  uint64_t random = 0;    // Message-Id random part
  std::string boundary;   // multipart boundary (Go: 60 hex digits)
};

struct EmailMessage {
  std::string from;             // envelope sender (the address of `from`)
  std::vector<std::string> to;  // envelope recipients (addresses of `to`)
  std::string data;             // headers and body, CRLF line ends, before dot-stuffing
};

// E-mail: headers (the configured ones templated and Q-encoded, sorted by
// name, with To, From and Subject defaults), Message-Id, threading headers,
// Date, then a multipart/alternative body of the text and HTML templates in
// quoted-printable. Error: a template fails, `from` is not exactly one
// address, an address list does not parse.
Result<EmailMessage> BuildEmailMessage(const EmailConfig& c, const TemplateSet& t,
                                       const NotificationData& data, const EmailEnvironment& env);

// Helpers with Go's behaviour, exposed for tests.
std::string QuotedPrintable(std::string_view body);  // mime/quotedprintable Writer, text mode
std::string MimeQEncode(std::string_view value);     // mime.QEncoding.Encode("utf-8", value)
Result<std::vector<std::string>> ParseAddressList(std::string_view list);            // the bare addresses
std::string TruncateRunes(std::string_view s, size_t n, bool* truncated = nullptr);  // "…" marks a cut

}  // namespace ember::alerter
