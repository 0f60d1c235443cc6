// AlerterConfig: an Alertmanager configuration file (alertmanager.yml) as
// plain Options, decoded and validated as Alertmanager 0.27+ does.
//
// Decoding is strict: an unknown key fails with the key's line and path, in
// upstream's words where the YAML library allows ("field teams not found in
// type opsgenie.plain"). Validation follows upstream's order and texts: the
// notifier checks ("no global SMTP smarthost set", "one of url or url_file
// must be configured"), the routing tree checks ("root route must specify a
// default receiver", "undefined receiver \"x\" used in route", "undefined
// time interval \"x\" used in route"), and so on. Receiver settings that
// upstream inherits from `global` (SMTP, Slack, PagerDuty, OpsGenie, ...) are
// filled in, so each receiver config is complete on its own; group_wait,
// group_interval and repeat_interval are inherited down the routing tree, so
// every Route carries its effective values.
//
// Matchers use Alertmanager's default "fallback" parsing (see
// model/matcher.h); label names in group_by, equal and route labels follow
// its UTF-8 mode (any non-empty UTF-8 string).
//
// Receiver kinds Ember does not send to (opsgenie, wechat, victorops,
// pushover, sns, webex, msteamsv2, jira, rocketchat, mattermost, incidentio)
// are decoded and validated enough for a file written for Alertmanager to
// load; their settings are kept only in `unsupported_integrations`.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ember/base/status.h"
#include "ember/base/time.h"
#include "ember/config/http_client_config.h"
#include "model/matcher.h"
#include "model/time_interval.h"

namespace ember::alerter {

// An http_config block: the shared client settings plus the proxy settings
// Alertmanager's notifiers take.
struct NotifierHttpConfig {
  config::HttpClientConfig client;
  // Default: follow_redirects true, enable_http2 true (as client's defaults).
  std::string proxy_url;
  std::string no_proxy;
  bool proxy_from_environment = false;
  std::map<std::string, std::vector<std::string>> proxy_connect_header;
  bool http_headers = false;  // an http_headers block was given (accepted, not used)
  bool oauth2 = false;        // an oauth2 block was given (accepted, not used)
};

// "host:port"; both empty when not set.
struct HostPort {
  std::string host;
  std::string port;
  bool empty() const { return host.empty() && port.empty(); }
  std::string String() const;
};

struct GlobalConfig {
  // Time after which an alert without updates is declared resolved. Default: 5m.
  Milliseconds resolve_timeout{5 * 60 * 1000};
  NotifierHttpConfig http_config;

  std::string smtp_from;
  std::string smtp_hello = "localhost";
  HostPort smtp_smarthost;
  std::string smtp_auth_username;
  std::string smtp_auth_password;
  std::string smtp_auth_password_file;
  std::string smtp_auth_secret;
  std::string smtp_auth_secret_file;
  std::string smtp_auth_identity;
  bool smtp_require_tls = true;
  config::TlsClientConfig smtp_tls_config;
  std::optional<bool> smtp_force_implicit_tls;

  std::string slack_api_url;  // "" when unset
  std::string slack_api_url_file;
  std::string slack_app_token;
  std::string slack_app_token_file;
  std::string slack_app_url = "https://slack.com/api/chat.postMessage";
  std::string pagerduty_url = "https://events.pagerduty.com/v2/enqueue";
  std::string opsgenie_api_url = "https://api.opsgenie.com/";
  std::string opsgenie_api_key;
  std::string opsgenie_api_key_file;
  std::string wechat_api_url = "https://qyapi.weixin.qq.com/cgi-bin/";
  std::string wechat_api_secret;
  std::string wechat_api_secret_file;
  std::string wechat_api_corp_id;
  std::string victorops_api_url = "https://alert.victorops.com/integrations/generic/20131114/alert/";
  std::string victorops_api_key;
  std::string victorops_api_key_file;
  std::string telegram_api_url = "https://api.telegram.org";
  std::string telegram_bot_token;
  std::string telegram_bot_token_file;
  std::string webex_api_url = "https://webexapis.com/v1/messages";
  std::string jira_api_url;
  std::string rocketchat_api_url = "https://open.rocket.chat/";
  std::optional<std::string> rocketchat_token;
  std::string rocketchat_token_file;
  std::optional<std::string> rocketchat_token_id;
  std::string rocketchat_token_id_file;
  std::string mattermost_webhook_url;
  std::string mattermost_webhook_url_file;
};

struct Route {
  std::string receiver;  // "" inherits the parent's
  std::vector<std::string> group_by;
  bool group_by_all = false;  // group_by: ['...']
  // Matchers from `matchers`, `match` and `match_re` together, sorted.
  Matchers matchers;
  std::vector<std::string> mute_time_intervals;
  std::vector<std::string> active_time_intervals;
  bool continue_matching = false;  // `continue`
  std::map<std::string, std::string> labels;
  // Effective values (inherited when not given). Defaults at the root: 30s, 5m, 4h.
  Milliseconds group_wait{30 * 1000};
  Milliseconds group_interval{5 * 60 * 1000};
  Milliseconds repeat_interval{4 * 60 * 60 * 1000};
  std::vector<Route> routes;
};

struct InhibitRule {
  std::string name;
  Matchers source_matchers;  // source_matchers + source_match + source_match_re
  Matchers target_matchers;
  std::vector<std::string> equal;
};

struct WebhookConfig {
  bool send_resolved = true;
  NotifierHttpConfig http_config;  // global http_config when not given
  std::string url;
  std::string url_file;
  uint64_t max_alerts = 0;  // 0: all alerts
  Nanoseconds timeout{0};   // 0: no timeout beyond the client's
};

struct EmailConfig {
  bool send_resolved = false;
  std::string to;
  std::string from;
  std::string hello;
  HostPort smarthost;
  std::string auth_username;
  std::string auth_password;
  std::string auth_password_file;
  std::string auth_secret;
  std::string auth_secret_file;
  std::string auth_identity;
  std::map<std::string, std::string> headers;  // canonical MIME header keys
  std::string html = R"({{ template "email.default.html" . }})";
  std::string text;
  bool require_tls = true;  // global smtp_require_tls when not given
  config::TlsClientConfig tls_config;
  std::optional<bool> force_implicit_tls;
  bool threading_enabled = false;
  std::string threading_thread_by_date;
};

struct SlackField {
  std::string title;
  std::string value;
  std::optional<bool> short_field;
};

struct SlackAction {
  std::string type, text, url, style, name, value;
  bool has_confirm = false;
  std::string confirm_text, confirm_title, confirm_ok_text, confirm_dismiss_text;
};

struct SlackConfig {
  bool send_resolved = false;
  NotifierHttpConfig http_config;
  std::string api_url;  // the app URL when an app token is used
  std::string api_url_file;
  std::string app_token;
  std::string app_token_file;
  std::string app_url;
  std::string channel;
  std::string username = R"({{ template "slack.default.username" . }})";
  std::string color = R"({{ template "slack.default.color" . }})";
  std::string title = R"({{ template "slack.default.title" . }})";
  std::string title_link = R"({{ template "slack.default.titlelink" . }})";
  std::string pretext = R"({{ template "slack.default.pretext" . }})";
  std::string text = R"({{ template "slack.default.text" . }})";
  std::string message_text;
  std::vector<SlackField> fields;
  bool short_fields = false;
  std::string footer = R"({{ template "slack.default.footer" . }})";
  std::string fallback = R"({{ template "slack.default.fallback" . }})";
  std::string callback_id = R"({{ template "slack.default.callbackid" . }})";
  std::string icon_emoji = R"({{ template "slack.default.iconemoji" . }})";
  std::string icon_url = R"({{ template "slack.default.iconurl" . }})";
  std::string image_url;
  std::string thumb_url;
  bool link_names = false;
  std::vector<std::string> mrkdwn_in;
  std::vector<SlackAction> actions;
  bool update_message = false;
  Nanoseconds timeout{0};
};

struct DiscordConfig {
  bool send_resolved = true;
  NotifierHttpConfig http_config;
  std::string webhook_url;
  std::string webhook_url_file;
  std::string content;
  std::string title = R"({{ template "discord.default.title" . }})";
  std::string message = R"({{ template "discord.default.message" . }})";
  std::string username;
  std::string avatar_url;
};

struct MSTeamsConfig {
  bool send_resolved = true;
  NotifierHttpConfig http_config;
  std::string webhook_url;
  std::string webhook_url_file;
  std::string title = R"({{ template "msteams.default.title" . }})";
  std::string summary = R"({{ template "msteams.default.summary" . }})";
  std::string text = R"({{ template "msteams.default.text" . }})";
};

struct TelegramConfig {
  bool send_resolved = true;
  NotifierHttpConfig http_config;
  std::string api_url;  // global telegram_api_url when not given
  std::string bot_token;
  std::string bot_token_file;
  int64_t chat_id = 0;
  std::string chat_id_file;
  int message_thread_id = 0;
  std::string message = R"({{ template "telegram.default.message" . }})";
  bool disable_notifications = false;
  std::string parse_mode = "HTML";
};

struct PagerdutyLink {
  std::string href;
  std::string text;
};

struct PagerdutyImage {
  std::string src;
  std::string alt;
  std::string href;
};

struct PagerdutyConfig {
  bool send_resolved = true;
  NotifierHttpConfig http_config;
  std::string service_key;
  std::string service_key_file;
  std::string routing_key;
  std::string routing_key_file;
  std::string url;  // global pagerduty_url when not given
  std::string client = R"({{ template "pagerduty.default.client" . }})";
  std::string client_url = R"({{ template "pagerduty.default.clientURL" . }})";
  std::string description = R"({{ template "pagerduty.default.description" .}})";
  // Default: firing, resolved and num_firing/num_resolved templates, as upstream.
  std::map<std::string, std::string> details;
  std::vector<PagerdutyImage> images;
  std::vector<PagerdutyLink> links;
  std::string source;  // client when empty
  std::string severity;
  std::string class_;
  std::string component;
  std::string group;
  Nanoseconds timeout{0};
};

struct Receiver {
  std::string name;
  std::map<std::string, std::string> labels;  // always holds "name"
  std::vector<WebhookConfig> webhook_configs;
  std::vector<EmailConfig> email_configs;
  std::vector<SlackConfig> slack_configs;
  std::vector<DiscordConfig> discord_configs;
  std::vector<MSTeamsConfig> msteams_configs;
  std::vector<TelegramConfig> telegram_configs;
  std::vector<PagerdutyConfig> pagerduty_configs;
  // Kinds accepted but not sent to ("opsgenie_configs", ...), with their count.
  std::map<std::string, int> unsupported_integrations;
};

struct NamedTimeInterval {
  std::string name;
  std::vector<TimeInterval> time_intervals;
};

struct AlerterConfig {
  GlobalConfig global;
  Route route;
  std::vector<InhibitRule> inhibit_rules;
  std::vector<Receiver> receivers;
  std::vector<std::string> templates;  // globs of notification template files
  // `time_intervals` and the deprecated `mute_time_intervals`, in file order
  // (the deprecated ones first).
  std::vector<NamedTimeInterval> time_intervals;
};

// Decodes and validates an Alertmanager configuration. `dir` is the
// directory relative paths (templates, *_file settings) are joined to; ""
// leaves them as they are.
// Errors: InvalidArgument "line N: <message> (path: p)" or, for the checks
// upstream runs on the whole file, "line N: <message>".
Result<AlerterConfig> ParseAlerterConfig(std::string_view yaml_text, const std::string& dir = "");

// Reads the file at `path`; "" gives the embedded default configuration.
// Errors: the file cannot be read; InvalidArgument "parsing YAML file <path>: ...".
Result<AlerterConfig> LoadAlerterConfig(const std::string& path);

}  // namespace ember::alerter
