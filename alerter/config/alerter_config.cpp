#include "config/alerter_config.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <set>
#include <utility>

#include "ember/base/file_system.h"
#include "ember/base/strings.h"
#include "ember/config/field_reader.h"
#include "ember/config/yaml_file.h"

namespace ember::alerter {
namespace {

// One receiver that notifies nobody: alerts are kept and shown, not sent.
constexpr std::string_view kDefaultConfig = R"(route:
  receiver: default
receivers:
  - name: default
)";

constexpr std::string_view kSlackPostMessageUrl = "https://slack.com/api/chat.postMessage";
constexpr std::string_view kSecretToken = "<secret>";

// Alertmanager's URL check (config/common.ParseURL): http or https with a host.
Status CheckUrl(std::string_view s) {
  if (s == kSecretToken) return Status::Ok();
  std::string scheme;
  const size_t colon = s.find(':');
  if (colon != std::string_view::npos && colon > 0 && std::isalpha(static_cast<unsigned char>(s[0]))) {
    bool ok = true;
    for (size_t i = 0; i < colon; ++i) {
      const char c = s[i];
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') ok = false;
    }
    if (ok) {
      for (size_t i = 0; i < colon; ++i)
        scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
    }
  }
  if (scheme != "http" && scheme != "https") {
    return Status::InvalidArgument("unsupported scheme " + GoQuote(scheme) + " for URL");
  }
  std::string_view rest = s.substr(colon + 1);
  std::string_view host;
  if (rest.substr(0, 2) == "//") {
    rest.remove_prefix(2);
    host = rest.substr(0, rest.find_first_of("/?#"));
    if (const size_t at = host.rfind('@'); at != std::string_view::npos) host.remove_prefix(at + 1);
  }
  if (host.empty()) return Status::InvalidArgument("missing host for URL");
  return Status::Ok();
}

// A URL value that may hold Go template syntax (webhook urls): only literal
// URLs are checked.
Status CheckTemplateUrl(std::string_view s) {
  if (s.empty() || s == kSecretToken || s.find("{{") != std::string_view::npos) return Status::Ok();
  Status st = CheckUrl(s);
  if (!st.ok()) return Status::InvalidArgument("invalid URL: " + st.message());
  return st;
}

config::ScalarParser UrlInto(std::string* out) {
  return [out](const std::string& text) -> Status {
    EMBER_RETURN_IF_ERROR(CheckUrl(text));
    *out = text;
    return Status::Ok();
  };
}

Result<HostPort> ParseHostPort(const std::string& s) {
  HostPort hp;
  if (s.empty()) return hp;
  auto addr_error = [&](std::string_view why) {
    return Status::InvalidArgument("address " + s + ": " + std::string(why));
  };
  std::string_view host;
  std::string_view port;
  if (s.front() == '[') {
    const size_t close = s.find(']');
    if (close == std::string::npos) return addr_error("missing ']' in address");
    if (close + 1 == s.size()) return addr_error("missing port in address");
    if (s[close + 1] != ':') return addr_error("missing port in address");
    host = std::string_view(s).substr(1, close - 1);
    port = std::string_view(s).substr(close + 2);
  } else {
    const size_t colon = s.rfind(':');
    if (colon == std::string::npos) return addr_error("missing port in address");
    host = std::string_view(s).substr(0, colon);
    if (host.find(':') != std::string_view::npos) return addr_error("too many colons in address");
    port = std::string_view(s).substr(colon + 1);
  }
  if (host.find_first_of("[]") != std::string_view::npos ||
      port.find_first_of("[]") != std::string_view::npos) {
    return addr_error("unexpected '[' or ']' in address");
  }
  if (port.empty()) return Status::InvalidArgument("address " + GoQuote(s) + ": port cannot be empty");
  hp.host = std::string(host);
  hp.port = std::string(port);
  return hp;
}

config::ScalarParser HostPortInto(HostPort* out) {
  return [out](const std::string& text) -> Status {
    EMBER_ASSIGN_OR_RETURN(*out, ParseHostPort(text));
    return Status::Ok();
  };
}

// Go's textproto.CanonicalMIMEHeaderKey.
std::string CanonicalHeaderKey(const std::string& key) {
  for (char c : key) {
    const bool token = std::isalnum(static_cast<unsigned char>(c)) ||
                       std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!token) return key;
  }
  std::string out = key;
  bool upper = true;
  for (char& c : out) {
    c = upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
              : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    upper = c == '-';
  }
  return out;
}

// ---- shared pieces ----

void DecodeTls(config::FieldReader& r, config::TlsClientConfig& t) {
  r.SetTypeName("config.TLSConfig");
  r.Field("ca", &t.ca);
  r.Field("ca_file", &t.ca_file);
  r.Field("cert", &t.cert);
  r.Field("cert_file", &t.cert_file);
  r.Field("key", &t.key);
  r.Field("key_file", &t.key_file);
  r.Field("server_name", &t.server_name);
  r.Field("insecure_skip_verify", &t.insecure_skip_verify);
  auto version = [](std::string* out) {
    return [out](const std::string& s) -> Status {
      if (s == "TLS10" || s == "TLS11" || s == "TLS12" || s == "TLS13") {
        *out = s;
        return Status::Ok();
      }
      return Status::InvalidArgument("unknown TLS version: " + s);
    };
  };
  r.Parse("min_version", version(&t.min_version));
  r.Parse("max_version", version(&t.max_version));
  r.Skip("ca_ref");
  r.Skip("cert_ref");
  r.Skip("key_ref");
  if (!r.ok()) return;
  if (!t.ca.empty() && !t.ca_file.empty()) return r.Fail("at most one of ca and ca_file must be configured");
  if (!t.cert.empty() && !t.cert_file.empty())
    return r.Fail("at most one of cert and cert_file must be configured");
  if (!t.key.empty() && !t.key_file.empty())
    return r.Fail("at most one of key and key_file must be configured");
  const bool cert = !t.cert.empty() || !t.cert_file.empty();
  const bool key = !t.key.empty() || !t.key_file.empty();
  if (cert && !key) {
    return r.Fail(
        "exactly one of key or key_file must be configured when a client certificate is configured");
  }
  if (key && !cert) {
    return r.Fail("exactly one of cert or cert_file must be configured when a client key is configured");
  }
}

// prometheus/common's HTTPClientConfig with the proxy settings notifiers use.
void DecodeHttpConfig(config::FieldReader& r, NotifierHttpConfig& h) {
  r.SetTypeName("config.plain");
  config::HttpClientConfig& c = h.client;
  c = config::HttpClientConfig{};
  r.Struct("basic_auth", [&](config::FieldReader& b) {
    b.SetTypeName("config.BasicAuth");
    config::BasicAuthConfig& auth = c.basic_auth.emplace();
    b.Field("username", &auth.username);
    b.Field("username_file", &auth.username_file);
    b.Field("password", &auth.password);
    b.Field("password_file", &auth.password_file);
    b.Skip("username_ref");
    b.Skip("password_ref");
  });
  bool authorization_given = false;
  r.Struct("authorization", [&](config::FieldReader& a) {
    a.SetTypeName("config.Authorization");
    authorization_given = true;
    config::AuthorizationConfig& auth = c.authorization.emplace();
    auth.type.clear();
    a.Field("type", &auth.type);
    a.Field("credentials", &auth.credentials);
    a.Field("credentials_file", &auth.credentials_file);
    a.Skip("credentials_ref");
  });
  std::string bearer_token;
  std::string bearer_token_file;
  r.Field("bearer_token", &bearer_token);
  r.Field("bearer_token_file", &bearer_token_file);
  r.Struct("tls_config", [&](config::FieldReader& t) { DecodeTls(t, c.tls_config); });
  r.Field("follow_redirects", &c.follow_redirects);
  r.Field("enable_http2", &c.enable_http2);
  r.Field("proxy_url", &h.proxy_url);
  r.Field("no_proxy", &h.no_proxy);
  r.Field("proxy_from_environment", &h.proxy_from_environment);
  r.Field("proxy_connect_header", &h.proxy_connect_header);
  h.oauth2 = r.Has("oauth2");
  r.Skip("oauth2");
  h.http_headers = r.Has("http_headers");
  r.Skip("http_headers");
  if (!r.ok()) return;
  const bool bearer = !bearer_token.empty() || !bearer_token_file.empty();
  if (!bearer_token.empty() && !bearer_token_file.empty()) {
    return r.Fail("at most one of bearer_token & bearer_token_file must be configured");
  }
  if (c.basic_auth && (bearer || h.oauth2)) {
    return r.Fail("at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured");
  }
  if (c.basic_auth && !c.basic_auth->username.empty() && !c.basic_auth->username_file.empty()) {
    return r.Fail("at most one of basic_auth username & username_file must be configured");
  }
  if (c.basic_auth && !c.basic_auth->password.empty() && !c.basic_auth->password_file.empty()) {
    return r.Fail("at most one of basic_auth password & password_file must be configured");
  }
  if (authorization_given) {
    if (bearer) return r.Fail("authorization is not compatible with bearer_token & bearer_token_file");
    if (!c.authorization->credentials.empty() && !c.authorization->credentials_file.empty()) {
      return r.Fail("at most one of authorization credentials & credentials_file must be configured");
    }
    std::string type = c.authorization->type;
    std::transform(type.begin(), type.end(), type.begin(), [](unsigned char ch) { return std::tolower(ch); });
    if (type == "basic")
      return r.Fail(R"(authorization type cannot be set to "basic", use "basic_auth" instead)");
    if (c.authorization->type.empty()) c.authorization->type = "Bearer";
    if (c.basic_auth || h.oauth2)
      return r.Fail("at most one of basic_auth, oauth2 & authorization must be configured");
  } else if (bearer) {
    c.authorization = config::AuthorizationConfig{"Bearer", bearer_token, bearer_token_file};
  }
  if (h.oauth2 && c.authorization && !authorization_given) {
    return r.Fail("at most one of basic_auth, oauth2 & authorization must be configured");
  }
  if (!h.proxy_url.empty() && h.proxy_from_environment) {
    return r.Fail("if proxy_from_environment is configured, proxy_url must not be configured");
  }
  if (!h.no_proxy.empty() && h.proxy_url.empty())
    return r.Fail("if no_proxy is configured, proxy_url must also be configured");
}

// The receiver's http_config, or a copy of the global one.
void DecodeReceiverHttpConfig(config::FieldReader& r, const GlobalConfig& g, NotifierHttpConfig& h) {
  h = g.http_config;
  r.Struct("http_config", [&](config::FieldReader& hr) { DecodeHttpConfig(hr, h); });
}

// Matcher-list keys (`matchers`, `source_matchers`, ...): each line may hold
// several comma-separated matchers; the result is sorted.
void DecodeMatcherLines(config::FieldReader& r, std::string_view key, Matchers& out) {
  r.ParseList(key, [&](const std::string& line) -> Status {
    EMBER_ASSIGN_OR_RETURN(Matchers ms, ParseMatchers(line));
    for (Matcher& m : ms) out.push_back(std::move(m));
    return Status::Ok();
  });
}

// Legacy `match` (equality) maps; keys must be classic label names.
void DecodeMatchMap(config::FieldReader& r, std::string_view key, Matchers& out) {
  if (!r.Has(key)) return;
  std::map<std::string, std::string> m;
  r.Field(key, &m);
  if (!r.ok()) return;
  for (const auto& [name, value] : m) {
    if (!IsClassicLabelName(name)) return r.Fail("invalid label name " + GoQuote(name));
  }
  for (const auto& [name, value] : m) {
    Result<Matcher> matcher = Matcher::Make(MatchType::kEqual, name, value);
    if (!matcher.ok()) return r.Fail(matcher.status().message());
    out.push_back(std::move(*matcher));
  }
}

// Legacy `match_re` maps: anchored regexes; a null value is rejected.
void DecodeMatchReMap(config::FieldReader& r, std::string_view key, Matchers& out) {
  r.Struct(key, [&](config::FieldReader& m) {
    m.SetTypeName("common.MatchRegexps");
    for (const std::string& name : m.Keys()) {
      bool given = false;
      m.Parse(name, [&](const std::string& value) -> Status {
        given = true;
        EMBER_ASSIGN_OR_RETURN(Matcher matcher, Matcher::Make(MatchType::kRegexp, name, value));
        out.push_back(std::move(matcher));
        return Status::Ok();
      });
      if (!m.ok()) return;
      if (!IsClassicLabelName(name)) return m.Fail("invalid label name " + GoQuote(name));
      if (!given) return m.Fail("invalid regexp value for " + GoQuote(name));
    }
  });
}

// ---- global ----

void DecodeGlobal(config::FieldReader& r, GlobalConfig& g) {
  r.SetTypeName("config.plain");
  g = GlobalConfig{};
  r.Duration("resolve_timeout", &g.resolve_timeout);
  r.Struct("http_config", [&](config::FieldReader& h) { DecodeHttpConfig(h, g.http_config); });
  r.Parse("jira_api_url", UrlInto(&g.jira_api_url));
  r.Field("smtp_from", &g.smtp_from);
  r.Field("smtp_hello", &g.smtp_hello);
  r.Parse("smtp_smarthost", HostPortInto(&g.smtp_smarthost));
  r.Field("smtp_auth_username", &g.smtp_auth_username);
  r.Field("smtp_auth_password", &g.smtp_auth_password);
  r.Field("smtp_auth_password_file", &g.smtp_auth_password_file);
  r.Field("smtp_auth_secret", &g.smtp_auth_secret);
  r.Field("smtp_auth_secret_file", &g.smtp_auth_secret_file);
  r.Field("smtp_auth_identity", &g.smtp_auth_identity);
  r.Field("smtp_require_tls", &g.smtp_require_tls);
  r.Struct("smtp_tls_config", [&](config::FieldReader& t) { DecodeTls(t, g.smtp_tls_config); });
  if (r.Has("smtp_force_implicit_tls")) {
    bool v = false;
    r.Field("smtp_force_implicit_tls", &v);
    g.smtp_force_implicit_tls = v;
  }
  r.Parse("slack_api_url", UrlInto(&g.slack_api_url));
  r.Field("slack_api_url_file", &g.slack_api_url_file);
  r.Field("slack_app_token", &g.slack_app_token);
  r.Field("slack_app_token_file", &g.slack_app_token_file);
  r.Parse("slack_app_url", UrlInto(&g.slack_app_url));
  r.Parse("pagerduty_url", UrlInto(&g.pagerduty_url));
  r.Parse("opsgenie_api_url", UrlInto(&g.opsgenie_api_url));
  r.Field("opsgenie_api_key", &g.opsgenie_api_key);
  r.Field("opsgenie_api_key_file", &g.opsgenie_api_key_file);
  r.Parse("wechat_api_url", UrlInto(&g.wechat_api_url));
  r.Field("wechat_api_secret", &g.wechat_api_secret);
  r.Field("wechat_api_secret_file", &g.wechat_api_secret_file);
  r.Field("wechat_api_corp_id", &g.wechat_api_corp_id);
  r.Parse("victorops_api_url", UrlInto(&g.victorops_api_url));
  r.Field("victorops_api_key", &g.victorops_api_key);
  r.Field("victorops_api_key_file", &g.victorops_api_key_file);
  r.Parse("telegram_api_url", UrlInto(&g.telegram_api_url));
  r.Field("telegram_bot_token", &g.telegram_bot_token);
  r.Field("telegram_bot_token_file", &g.telegram_bot_token_file);
  r.Parse("webex_api_url", UrlInto(&g.webex_api_url));
  r.Parse("rocketchat_api_url", UrlInto(&g.rocketchat_api_url));
  r.Parse("rocketchat_token", [&](const std::string& s) {
    g.rocketchat_token = s;
    return Status::Ok();
  });
  r.Field("rocketchat_token_file", &g.rocketchat_token_file);
  r.Parse("rocketchat_token_id", [&](const std::string& s) {
    g.rocketchat_token_id = s;
    return Status::Ok();
  });
  r.Field("rocketchat_token_id_file", &g.rocketchat_token_id_file);
  r.Parse("mattermost_webhook_url", UrlInto(&g.mattermost_webhook_url));
  r.Field("mattermost_webhook_url_file", &g.mattermost_webhook_url_file);
}

// ---- receivers Ember notifies ----

void DecodeWebhook(config::FieldReader& r, const GlobalConfig& g, WebhookConfig& c) {
  r.SetTypeName("webhook.plain");
  r.Field("send_resolved", &c.send_resolved);
  DecodeReceiverHttpConfig(r, g, c.http_config);
  r.Parse("url", [&](const std::string& s) -> Status {
    EMBER_RETURN_IF_ERROR(CheckTemplateUrl(s));
    c.url = s;
    return Status::Ok();
  });
  r.Field("url_file", &c.url_file);
  r.Field("max_alerts", &c.max_alerts);
  r.GoDuration("timeout", &c.timeout);
  r.Skip("payload");
  if (!r.ok()) return;
  if (c.url.empty() && c.url_file.empty()) return r.Fail("one of url or url_file must be configured");
  if (!c.url.empty() && !c.url_file.empty())
    return r.Fail("at most one of url & url_file must be configured");
}

void DecodeEmail(config::FieldReader& r, const GlobalConfig& g, EmailConfig& c) {
  r.SetTypeName("config.plain");
  r.Field("send_resolved", &c.send_resolved);
  r.Field("to", &c.to);
  r.Field("from", &c.from);
  r.Field("hello", &c.hello);
  r.Parse("smarthost", HostPortInto(&c.smarthost));
  r.Field("auth_username", &c.auth_username);
  r.Field("auth_password", &c.auth_password);
  r.Field("auth_password_file", &c.auth_password_file);
  r.Field("auth_secret", &c.auth_secret);
  r.Field("auth_secret_file", &c.auth_secret_file);
  r.Field("auth_identity", &c.auth_identity);
  std::map<std::string, std::string> headers;
  r.Field("headers", &headers);
  r.Field("html", &c.html);
  r.Field("text", &c.text);
  c.require_tls = g.smtp_require_tls;
  r.Field("require_tls", &c.require_tls);
  c.tls_config = g.smtp_tls_config;
  r.Struct("tls_config", [&](config::FieldReader& t) {
    c.tls_config = config::TlsClientConfig{};
    DecodeTls(t, c.tls_config);
  });
  c.force_implicit_tls = g.smtp_force_implicit_tls;
  if (r.Has("force_implicit_tls")) {
    bool v = false;
    r.Field("force_implicit_tls", &v);
    c.force_implicit_tls = v;
  }
  r.Struct("threading", [&](config::FieldReader& t) {
    t.SetTypeName("config.ThreadingConfig");
    t.Field("enabled", &c.threading_enabled);
    t.Field("thread_by_date", &c.threading_thread_by_date);
  });
  if (!r.ok()) return;
  if (c.to.empty()) return r.Fail("missing to address in email config");
  for (const auto& [key, value] : headers) {
    std::string canonical = CanonicalHeaderKey(key);
    if (c.headers.count(canonical) != 0)
      return r.Fail("duplicate header " + GoQuote(canonical) + " in email config");
    c.headers[canonical] = value;
  }
  if (c.threading_enabled) {
    if (c.headers.count("References") != 0) {
      return r.Fail("conflicting configuration: threading.enabled conflicts with custom References header");
    }
    if (c.headers.count("In-Reply-To") != 0) {
      return r.Fail("conflicting configuration: threading.enabled conflicts with custom In-Reply-To header");
    }
    if (c.threading_thread_by_date != "none" && c.threading_thread_by_date != "daily") {
      return r.Fail("threading.thread_by_date must be either 'none' or 'daily'");
    }
  }
}

void DecodeSlack(config::FieldReader& r, const GlobalConfig& g, SlackConfig& c, bool& own_authorization) {
  r.SetTypeName("config.plain");
  r.Field("send_resolved", &c.send_resolved);
  own_authorization = false;
  c.http_config = g.http_config;
  r.Struct("http_config", [&](config::FieldReader& hr) {
    DecodeHttpConfig(hr, c.http_config);
    own_authorization = c.http_config.client.authorization.has_value();
  });
  r.Parse("api_url", UrlInto(&c.api_url));
  r.Field("api_url_file", &c.api_url_file);
  r.Field("app_token", &c.app_token);
  r.Field("app_token_file", &c.app_token_file);
  r.Parse("app_url", UrlInto(&c.app_url));
  r.Field("channel", &c.channel);
  r.Field("username", &c.username);
  r.Field("color", &c.color);
  r.Field("title", &c.title);
  r.Field("title_link", &c.title_link);
  r.Field("pretext", &c.pretext);
  r.Field("text", &c.text);
  r.Field("message_text", &c.message_text);
  r.List("fields", [&](config::FieldReader& f) {
    f.SetTypeName("config.plain");
    SlackField& field = c.fields.emplace_back();
    f.Field("title", &field.title);
    f.Field("value", &field.value);
    if (f.Has("short")) {
      bool v = false;
      f.Field("short", &v);
      field.short_field = v;
    }
    if (!f.ok()) return;
    if (field.title.empty()) return f.Fail("missing title in Slack field configuration");
    if (field.value.empty()) return f.Fail("missing value in Slack field configuration");
  });
  r.Field("short_fields", &c.short_fields);
  r.Field("footer", &c.footer);
  r.Field("fallback", &c.fallback);
  r.Field("callback_id", &c.callback_id);
  r.Field("icon_emoji", &c.icon_emoji);
  r.Field("icon_url", &c.icon_url);
  r.Field("image_url", &c.image_url);
  r.Field("thumb_url", &c.thumb_url);
  r.Field("link_names", &c.link_names);
  r.Field("mrkdwn_in", &c.mrkdwn_in);
  r.List("actions", [&](config::FieldReader& a) {
    a.SetTypeName("config.plain");
    SlackAction& action = c.actions.emplace_back();
    a.Field("type", &action.type);
    a.Field("text", &action.text);
    a.Field("url", &action.url);
    a.Field("style", &action.style);
    a.Field("name", &action.name);
    a.Field("value", &action.value);
    a.Struct("confirm", [&](config::FieldReader& cf) {
      cf.SetTypeName("config.plain");
      action.has_confirm = true;
      cf.Field("text", &action.confirm_text);
      cf.Field("title", &action.confirm_title);
      cf.Field("ok_text", &action.confirm_ok_text);
      cf.Field("dismiss_text", &action.confirm_dismiss_text);
      if (cf.ok() && action.confirm_text.empty()) cf.Fail("missing text in Slack confirmation configuration");
    });
    if (!a.ok()) return;
    if (action.type.empty()) return a.Fail("missing type in Slack action configuration");
    if (action.text.empty()) return a.Fail("missing text in Slack action configuration");
    if (!action.url.empty()) {
      action.name.clear();
      action.value.clear();
      action.has_confirm = false;
    } else if (action.name.empty()) {
      return a.Fail("missing name or url in Slack action configuration");
    }
  });
  r.Field("update_message", &c.update_message);
  r.GoDuration("timeout", &c.timeout);
  if (!r.ok()) return;
  const bool url = !c.api_url.empty() || !c.api_url_file.empty();
  const bool token = !c.app_token.empty() || !c.app_token_file.empty();
  if (!c.api_url.empty() && !c.api_url_file.empty()) {
    return r.Fail("at most one of api_url & api_url_file must be configured");
  }
  if (!c.app_token.empty() && !c.app_token_file.empty()) {
    return r.Fail("at most one of app_token & app_token_file must be configured");
  }
  if (url && token)
    return r.Fail("at most one of api_url/api_url_file & app_token/app_token_file must be configured");
  if (c.update_message && c.api_url != kSlackPostMessageUrl) {
    return r.Fail(
        "update_message can only be used with bot tokens. api_url must be set to "
        "https://slack.com/api/chat.postMessage");
  }
}

void DecodeUrlAndFile(config::FieldReader& r, std::string& url, std::string& file) {
  r.Parse("webhook_url", UrlInto(&url));
  r.Field("webhook_url_file", &file);
}

void DecodeDiscord(config::FieldReader& r, const GlobalConfig& g, DiscordConfig& c) {
  r.SetTypeName("discord.plain");
  r.Field("send_resolved", &c.send_resolved);
  DecodeReceiverHttpConfig(r, g, c.http_config);
  DecodeUrlAndFile(r, c.webhook_url, c.webhook_url_file);
  r.Field("content", &c.content);
  r.Field("title", &c.title);
  r.Field("message", &c.message);
  r.Field("username", &c.username);
  r.Field("avatar_url", &c.avatar_url);
  if (!r.ok()) return;
  if (c.webhook_url.empty() && c.webhook_url_file.empty()) {
    return r.Fail("one of webhook_url or webhook_url_file must be configured");
  }
  if (!c.webhook_url.empty() && !c.webhook_url_file.empty()) {
    return r.Fail("at most one of webhook_url & webhook_url_file must be configured");
  }
}

void DecodeMSTeams(config::FieldReader& r, const GlobalConfig& g, MSTeamsConfig& c) {
  r.SetTypeName("msteams.plain");
  r.Field("send_resolved", &c.send_resolved);
  DecodeReceiverHttpConfig(r, g, c.http_config);
  DecodeUrlAndFile(r, c.webhook_url, c.webhook_url_file);
  r.Field("title", &c.title);
  r.Field("summary", &c.summary);
  r.Field("text", &c.text);
  if (!r.ok()) return;
  if (c.webhook_url.empty() && c.webhook_url_file.empty()) {
    return r.Fail("one of webhook_url or webhook_url_file must be configured");
  }
  if (!c.webhook_url.empty() && !c.webhook_url_file.empty()) {
    return r.Fail("at most one of webhook_url & webhook_url_file must be configured");
  }
}

void DecodeTelegram(config::FieldReader& r, const GlobalConfig& g, TelegramConfig& c) {
  r.SetTypeName("telegram.plain");
  r.Field("send_resolved", &c.send_resolved);
  DecodeReceiverHttpConfig(r, g, c.http_config);
  c.api_url = g.telegram_api_url;
  r.Parse("api_url", UrlInto(&c.api_url));
  r.Field("bot_token", &c.bot_token);
  r.Field("bot_token_file", &c.bot_token_file);
  r.Field("chat_id", &c.chat_id);
  r.Field("chat_id_file", &c.chat_id_file);
  r.Field("message_thread_id", &c.message_thread_id);
  r.Field("message", &c.message);
  r.Field("disable_notifications", &c.disable_notifications);
  r.Field("parse_mode", &c.parse_mode);
  if (!r.ok()) return;
  if (!c.bot_token.empty() && !c.bot_token_file.empty()) {
    return r.Fail("at most one of bot_token & bot_token_file must be configured");
  }
  if (c.chat_id == 0 && c.chat_id_file.empty())
    return r.Fail("missing chat_id or chat_id_file on telegram_config");
  if (c.chat_id != 0 && !c.chat_id_file.empty()) {
    return r.Fail("at most one of chat_id & chat_id_file must be configured");
  }
  if (!c.parse_mode.empty() && c.parse_mode != "Markdown" && c.parse_mode != "MarkdownV2" &&
      c.parse_mode != "HTML") {
    return r.Fail(
        "unknown parse_mode on telegram_config, must be Markdown, MarkdownV2, HTML or empty string");
  }
}

void DecodePagerduty(config::FieldReader& r, const GlobalConfig& g, PagerdutyConfig& c) {
  r.SetTypeName("pagerduty.plain");
  r.Field("send_resolved", &c.send_resolved);
  DecodeReceiverHttpConfig(r, g, c.http_config);
  r.Field("service_key", &c.service_key);
  r.Field("service_key_file", &c.service_key_file);
  r.Field("routing_key", &c.routing_key);
  r.Field("routing_key_file", &c.routing_key_file);
  c.url = g.pagerduty_url;
  r.Parse("url", UrlInto(&c.url));
  r.Field("client", &c.client);
  r.Field("client_url", &c.client_url);
  r.Field("description", &c.description);
  r.Field("details", &c.details);
  r.List("images", [&](config::FieldReader& i) {
    i.SetTypeName("pagerduty.PagerdutyImage");
    PagerdutyImage& image = c.images.emplace_back();
    i.Field("src", &image.src);
    i.Field("alt", &image.alt);
    i.Field("href", &image.href);
  });
  r.List("links", [&](config::FieldReader& l) {
    l.SetTypeName("pagerduty.PagerdutyLink");
    PagerdutyLink& link = c.links.emplace_back();
    l.Field("href", &link.href);
    l.Field("text", &link.text);
  });
  r.Field("source", &c.source);
  r.Field("severity", &c.severity);
  r.Field("class", &c.class_);
  r.Field("component", &c.component);
  r.Field("group", &c.group);
  r.GoDuration("timeout", &c.timeout);
  if (!r.ok()) return;
  if (c.routing_key.empty() && c.service_key.empty() && c.routing_key_file.empty() &&
      c.service_key_file.empty()) {
    return r.Fail("missing service or routing key in PagerDuty config");
  }
  if (!c.routing_key.empty() && !c.routing_key_file.empty()) {
    return r.Fail("at most one of routing_key & routing_key_file must be configured");
  }
  if (!c.service_key.empty() && !c.service_key_file.empty()) {
    return r.Fail("at most one of service_key & service_key_file must be configured");
  }
  if (c.source.empty()) c.source = c.client;
  static const std::pair<const char*, const char*> kDefaultDetails[] = {
      {"firing", "{{ .Alerts.Firing | toJson }}"},
      {"resolved", "{{ .Alerts.Resolved | toJson }}"},
      {"num_firing", "{{ .Alerts.Firing | len }}"},
      {"num_resolved", "{{ .Alerts.Resolved | len }}"},
  };
  for (const auto& [key, value] : kDefaultDetails) c.details.emplace(key, value);
}

// ---- receiver kinds Ember accepts without sending to ----

// The scalar settings of one such config, by key (only keys given a value).
struct LooseConfig {
  std::map<std::string, std::string> values;
  bool has_authorization = false;

  bool Has(const std::string& key) const { return values.count(key) != 0; }
  std::string Get(const std::string& key) const {
    auto it = values.find(key);
    return it == values.end() ? std::string() : it->second;
  }
};

struct LooseKind {
  std::string_view key;        // "opsgenie_configs"
  std::string_view type_name;  // for unknown-key errors
  std::vector<std::string_view> scalars;
  std::vector<std::string_view> nested;  // accepted without being read
  std::vector<std::string_view> urls;    // scalars checked as URLs
  // Upstream's per-config checks; "" when fine.
  std::function<std::string(const LooseConfig&)> check;
};

std::string BothSet(const LooseConfig& c, const std::string& a, const std::string& b) {
  if (!c.Get(a).empty() && !c.Get(b).empty())
    return "at most one of " + a + " & " + b + " must be configured";
  return "";
}

std::string OneOf(const LooseConfig& c, const std::string& a, const std::string& b) {
  if (c.Get(a).empty() && c.Get(b).empty()) return "one of " + a + " or " + b + " must be configured";
  return BothSet(c, a, b);
}

const std::vector<LooseKind>& LooseKinds() {
  static const std::vector<LooseKind> kinds = {
      {"incidentio_configs",
       "incidentio.plain",
       {"send_resolved", "url", "url_file", "alert_source_token", "alert_source_token_file", "max_alerts",
        "timeout"},
       {},
       {},
       [](const LooseConfig& c) {
         std::string e = OneOf(c, "url", "url_file");
         if (!e.empty()) return e;
         e = BothSet(c, "alert_source_token", "alert_source_token_file");
         if (!e.empty()) return e;
         const bool token = !c.Get("alert_source_token").empty() || !c.Get("alert_source_token_file").empty();
         if (token && c.has_authorization) {
           return std::string(
               "cannot specify alert_source_token or alert_source_token_file when using "
               "http_config.authorization");
         }
         if (!token && !c.has_authorization) {
           return std::string(
               "at least one of alert_source_token, alert_source_token_file or http_config.authorization "
               "must be "
               "configured");
         }
         return std::string();
       }},
      {"opsgenie_configs",
       "opsgenie.plain",
       {"send_resolved", "api_key", "api_key_file", "api_url", "message", "description", "source", "entity",
        "actions", "tags", "note", "priority", "update_alerts"},
       {"details", "responders"},
       {"api_url"},
       [](const LooseConfig& c) { return BothSet(c, "api_key", "api_key_file"); }},
      {"wechat_configs",
       "config.plain",
       {"send_resolved", "api_secret", "api_secret_file", "corp_id", "message", "api_url", "to_user",
        "to_party", "to_tag", "agent_id", "message_type"},
       {},
       {"api_url"},
       [](const LooseConfig& c) {
         const std::string type = c.Has("message_type") ? c.Get("message_type") : "text";
         if (type != "text" && type != "markdown") {
           return "weChat message type " + GoQuote(type) + " does not match valid options ^(text|markdown)$";
         }
         return BothSet(c, "api_secret", "api_secret_file");
       }},
      {"pushover_configs",
       "pushover.plain",
       {"send_resolved", "user_key", "user_key_file", "token", "token_file", "title", "message", "url",
        "url_title", "device", "sound", "priority", "retry", "expire", "ttl", "html", "monospace"},
       {},
       {},
       [](const LooseConfig& c) {
         std::string e = OneOf(c, "user_key", "user_key_file");
         if (e.empty()) e = OneOf(c, "token", "token_file");
         if (e.empty() && c.Get("html") == "true" && c.Get("monospace") == "true") {
           e = "at most one of monospace & html must be configured";
         }
         return e;
       }},
      {"victorops_configs",
       "config.plain",
       {"send_resolved", "api_key", "api_key_file", "api_url", "routing_key", "message_type", "state_message",
        "entity_display_name", "monitoring_tool"},
       {"custom_fields"},
       {"api_url"},
       [](const LooseConfig& c) {
         if (c.Get("routing_key").empty()) return std::string("missing Routing key in VictorOps config");
         return BothSet(c, "api_key", "api_key_file");
       }},
      {"sns_configs",
       "sns.plain",
       {"send_resolved", "api_url", "topic_arn", "phone_number", "target_arn", "subject", "message",
        "use_aws_http_client"},
       {"sigv4", "attributes"},
       {},
       [](const LooseConfig& c) {
         if (c.Get("target_arn").empty() && c.Get("topic_arn").empty() && c.Get("phone_number").empty()) {
           return std::string("must provide either a Target ARN, Topic ARN, or Phone Number for SNS config");
         }
         return std::string();
       }},
      {"webex_configs",
       "config.plain",
       {"send_resolved", "api_url", "message", "room_id"},
       {},
       {"api_url"},
       [](const LooseConfig& c) {
         if (c.Get("room_id").empty()) return std::string("missing room_id on webex_config");
         if (!c.has_authorization) return std::string("missing webex_configs.http_config.authorization");
         return std::string();
       }},
      {"msteamsv2_configs",
       "msteamsv2.plain",
       {"send_resolved", "webhook_url", "webhook_url_file", "title", "text"},
       {},
       {"webhook_url"},
       [](const LooseConfig& c) { return OneOf(c, "webhook_url", "webhook_url_file"); }},
      {"jira_configs",
       "jira.plain",
       {"send_resolved", "api_url", "api_type", "project", "summary", "description", "priority", "issue_type",
        "reopen_transition", "resolve_transition", "wont_fix_resolution", "reopen_duration"},
       {"labels", "fields"},
       {"api_url"},
       [](const LooseConfig& c) {
         if (c.Get("project").empty()) return std::string("missing project in jira_config");
         if (c.Get("issue_type").empty()) return std::string("missing issue_type in jira_config");
         const std::string t = c.Get("api_type");
         if (!t.empty() && t != "auto" && t != "cloud" && t != "datacenter") {
           return std::string("unknown api_type on jira_config, must be auto, cloud or datacenter");
         }
         return std::string();
       }},
      {"rocketchat_configs",
       "rocketchat.plain",
       {"send_resolved", "api_url", "token_id", "token_id_file", "token", "token_file", "channel", "color",
        "title", "title_link", "text", "short_fields", "emoji", "icon_url", "image_url", "thumb_url",
        "link_names"},
       {"fields", "actions"},
       {"api_url"},
       [](const LooseConfig& c) {
         if (c.Has("token") && !c.Get("token_file").empty()) {
           return std::string("at most one of token & token_file must be configured");
         }
         if (c.Has("token_id") && !c.Get("token_id_file").empty()) {
           return std::string("at most one of token_id & token_id_file must be configured");
         }
         return std::string();
       }},
      {"mattermost_configs",
       "mattermost.plain",
       {"send_resolved", "webhook_url", "webhook_url_file", "channel",
        "username",      "text",        "fallback",         "color",
        "pretext",       "author_name", "author_link",      "author_icon",
        "title",         "title_link",  "thumb_url",        "footer",
        "footer_icon",   "image_url",   "icon_url",         "icon_emoji",
        "type"},
       {"fields", "attachments", "props", "priority"},
       {"webhook_url"},
       [](const LooseConfig& c) { return BothSet(c, "webhook_url", "webhook_url_file"); }},
  };
  return kinds;
}

void DecodeLoose(config::FieldReader& r, const LooseKind& kind, LooseConfig& c) {
  r.SetTypeName(std::string(kind.type_name));
  NotifierHttpConfig http;
  r.Struct("http_config", [&](config::FieldReader& hr) {
    DecodeHttpConfig(hr, http);
    c.has_authorization = http.client.authorization.has_value();
  });
  for (std::string_view key : kind.scalars) {
    const bool url = std::find(kind.urls.begin(), kind.urls.end(), key) != kind.urls.end();
    r.Parse(key, [&, key, url](const std::string& text) -> Status {
      if (url && !text.empty()) EMBER_RETURN_IF_ERROR(CheckUrl(text));
      c.values[std::string(key)] = text;
      return Status::Ok();
    });
  }
  for (std::string_view key : kind.nested) r.Skip(key);
  if (!r.ok()) return;
  if (std::string e = kind.check(c); !e.empty()) r.Fail(e);
}

// ---- routes, inhibit rules, time intervals ----

// Route fields not given are inherited from `parent` (null at the root).
void DecodeRoute(config::FieldReader& r, const Route* parent, Route& route) {
  r.SetTypeName("config.plain");
  if (parent != nullptr) {
    route.receiver = parent->receiver;
    route.group_by = parent->group_by;
    route.group_by_all = parent->group_by_all;
    route.group_wait = parent->group_wait;
    route.group_interval = parent->group_interval;
    route.repeat_interval = parent->repeat_interval;
  }
  std::string receiver;
  r.Field("receiver", &receiver);
  if (!receiver.empty()) route.receiver = receiver;
  std::optional<std::vector<std::string>> group_by;
  if (r.Has("group_by")) {
    std::vector<std::string> g;
    r.Field("group_by", &g);
    group_by = std::move(g);
  }
  DecodeMatchMap(r, "match", route.matchers);
  DecodeMatchReMap(r, "match_re", route.matchers);
  DecodeMatcherLines(r, "matchers", route.matchers);
  r.Field("mute_time_intervals", &route.mute_time_intervals);
  r.Field("active_time_intervals", &route.active_time_intervals);
  r.Field("continue", &route.continue_matching);
  r.Field("labels", &route.labels);
  const bool group_interval_given = r.Has("group_interval");
  const bool repeat_interval_given = r.Has("repeat_interval");
  r.Duration("group_wait", &route.group_wait);
  r.Duration("group_interval", &route.group_interval);
  r.Duration("repeat_interval", &route.repeat_interval);
  if (!r.ok()) return;
  SortMatchers(route.matchers);
  for (const auto& [name, value] : route.labels) {
    if (!IsUtf8LabelName(name)) return r.Fail("invalid label name " + GoQuote(name) + " in route labels");
  }
  if (group_by) {
    route.group_by.clear();
    route.group_by_all = false;
    for (const std::string& l : *group_by) {
      if (l == "...") {
        route.group_by_all = true;
      } else {
        if (!IsUtf8LabelName(l)) return r.Fail("invalid label name " + GoQuote(l) + " in group_by list");
        route.group_by.push_back(l);
      }
    }
    if (!route.group_by.empty() && route.group_by_all) {
      return r.Fail("cannot have wildcard group_by (`...`) and other labels at the same time");
    }
    std::set<std::string> seen;
    for (const std::string& l : route.group_by) {
      if (!seen.insert(l).second) return r.Fail("duplicated label " + GoQuote(l) + " in group_by");
    }
  }
  if (group_interval_given && route.group_interval.count() == 0)
    return r.Fail("group_interval cannot be zero");
  if (repeat_interval_given && route.repeat_interval.count() == 0)
    return r.Fail("repeat_interval cannot be zero");
  r.List("routes",
         [&](config::FieldReader& child) { DecodeRoute(child, &route, route.routes.emplace_back()); });
}

void DecodeInhibitRule(config::FieldReader& r, InhibitRule& rule) {
  r.SetTypeName("common.plain");
  r.Field("name", &rule.name);
  DecodeMatchMap(r, "source_match", rule.source_matchers);
  DecodeMatchReMap(r, "source_match_re", rule.source_matchers);
  DecodeMatcherLines(r, "source_matchers", rule.source_matchers);
  DecodeMatchMap(r, "target_match", rule.target_matchers);
  DecodeMatchReMap(r, "target_match_re", rule.target_matchers);
  DecodeMatcherLines(r, "target_matchers", rule.target_matchers);
  r.Field("equal", &rule.equal);
  if (!r.ok()) return;
  SortMatchers(rule.source_matchers);
  SortMatchers(rule.target_matchers);
  for (const std::string& l : rule.equal) {
    if (!IsUtf8LabelName(l)) return r.Fail("invalid label name " + GoQuote(l) + " in equal list");
  }
}

template <class Range>
void DecodeRanges(config::FieldReader& r, std::string_view key,
                  std::optional<std::vector<InclusiveRange>>& out, Range parse) {
  if (!r.Has(key)) return;
  std::vector<InclusiveRange> ranges;
  bool given = false;
  r.ParseList(key, [&](const std::string& s) -> Status {
    given = true;
    EMBER_ASSIGN_OR_RETURN(InclusiveRange range, parse(s));
    ranges.push_back(range);
    return Status::Ok();
  });
  (void)given;
  out = std::move(ranges);
}

void DecodeTimeInterval(config::FieldReader& r, TimeInterval& ti) {
  r.SetTypeName("timeinterval.TimeInterval");
  if (r.Has("times")) {
    ti.times.emplace();
    r.List("times", [&](config::FieldReader& t) {
      t.SetTypeName("timeinterval.yamlTimeRange");
      std::string start;
      std::string end;
      t.Field("start_time", &start);
      t.Field("end_time", &end);
      if (!t.ok()) return;
      Result<TimeRange> range = ParseTimeRange(start, end);
      if (!range.ok()) return t.Fail(range.status().message());
      ti.times->push_back(*range);
    });
  }
  DecodeRanges(r, "weekdays", ti.weekdays, ParseWeekdayRange);
  DecodeRanges(r, "days_of_month", ti.days_of_month, ParseDayOfMonthRange);
  DecodeRanges(r, "months", ti.months, ParseMonthRange);
  DecodeRanges(r, "years", ti.years, ParseYearRange);
  r.Parse("location", [&](const std::string& name) -> Status {
    EMBER_ASSIGN_OR_RETURN(ti.location, TimeZone::Load(name));
    return Status::Ok();
  });
}

void DecodeNamedTimeInterval(config::FieldReader& r, NamedTimeInterval& n, std::string_view missing_name) {
  r.SetTypeName("config.plain");
  r.Field("name", &n.name);
  r.List("time_intervals",
         [&](config::FieldReader& t) { DecodeTimeInterval(t, n.time_intervals.emplace_back()); });
  if (r.ok() && n.name.empty()) r.Fail(missing_name);
}

// ---- whole-file checks (upstream's Config.UnmarshalYAML) ----

using LooseByKind = std::map<std::string, std::vector<LooseConfig>>;

std::string CheckGlobal(const GlobalConfig& g) {
  if (!g.slack_app_token.empty() && !g.slack_app_token_file.empty()) {
    return "at most one of slack_app_token & slack_app_token_file must be configured";
  }
  if (!g.slack_api_url.empty() && !g.slack_api_url_file.empty()) {
    return "at most one of slack_api_url & slack_api_url_file must be configured";
  }
  if ((!g.slack_app_token.empty() || !g.slack_app_token_file.empty()) &&
      (!g.slack_api_url.empty() || !g.slack_api_url_file.empty()) && g.slack_api_url != g.slack_app_url) {
    return "at most one of slack_app_token/slack_app_token_file & slack_api_url/slack_api_url_file must be "
           "configured";
  }
  if (!g.opsgenie_api_key.empty() && !g.opsgenie_api_key_file.empty()) {
    return "at most one of opsgenie_api_key & opsgenie_api_key_file must be configured";
  }
  if (!g.victorops_api_key.empty() && !g.victorops_api_key_file.empty()) {
    return "at most one of victorops_api_key & victorops_api_key_file must be configured";
  }
  if (!g.telegram_bot_token.empty() && !g.telegram_bot_token_file.empty()) {
    return "at most one of telegram_bot_token & telegram_bot_token_file must be configured";
  }
  if (!g.smtp_auth_password.empty() && !g.smtp_auth_password_file.empty()) {
    return "at most one of smtp_auth_password & smtp_auth_password_file must be configured";
  }
  if (g.rocketchat_token && !g.rocketchat_token_file.empty()) {
    return "at most one of rocketchat_token & rocketchat_token_file must be configured";
  }
  if (g.rocketchat_token_id && !g.rocketchat_token_id_file.empty()) {
    return "at most one of rocketchat_token_id & rocketchat_token_id_file must be configured";
  }
  if (!g.smtp_auth_secret.empty() && !g.smtp_auth_secret_file.empty()) {
    return "at most one of smtp_auth_secret & smtp_auth_secret_file must be configured";
  }
  if (!g.wechat_api_secret.empty() && !g.wechat_api_secret_file.empty()) {
    return "at most one of wechat_api_secret & wechat_api_secret_file must be configured";
  }
  if (!g.mattermost_webhook_url.empty() && !g.mattermost_webhook_url_file.empty()) {
    return "at most one of mattermost_webhook_url & mattermost_webhook_url_file must be configured";
  }
  return "";
}

// Fills in what receivers inherit from `global`, in upstream's order of checks.
std::string CompleteReceiver(const GlobalConfig& g, Receiver& rcv, std::vector<bool>& slack_own_auth,
                             LooseByKind& loose) {
  for (EmailConfig& ec : rcv.email_configs) {
    if (ec.smarthost.empty()) ec.smarthost = g.smtp_smarthost;
    if (ec.smarthost.empty()) return "no global SMTP smarthost set";
    if (ec.from.empty()) ec.from = g.smtp_from;
    if (ec.from.empty()) return "no global SMTP from set";
    if (ec.hello.empty()) ec.hello = g.smtp_hello;
    if (ec.auth_username.empty()) ec.auth_username = g.smtp_auth_username;
    if (ec.auth_password.empty() && ec.auth_password_file.empty()) {
      ec.auth_password = g.smtp_auth_password;
      ec.auth_password_file = g.smtp_auth_password_file;
    }
    if (ec.auth_secret.empty() && ec.auth_secret_file.empty()) {
      ec.auth_secret = g.smtp_auth_secret;
      ec.auth_secret_file = g.smtp_auth_secret_file;
    }
    if (ec.auth_identity.empty()) ec.auth_identity = g.smtp_auth_identity;
  }
  for (size_t i = 0; i < rcv.slack_configs.size(); ++i) {
    SlackConfig& sc = rcv.slack_configs[i];
    if (sc.app_url.empty()) sc.app_url = g.slack_app_url;
    if (sc.app_url.empty()) return "no global Slack App URL set";
    if (sc.app_token.empty() && sc.app_token_file.empty() && !slack_own_auth[i] && sc.api_url.empty()) {
      sc.app_token = g.slack_app_token;
      sc.app_token_file = g.slack_app_token_file;
    }
    if (sc.api_url.empty() && sc.api_url_file.empty()) {
      sc.api_url = g.slack_api_url;
      sc.api_url_file = g.slack_api_url_file;
    }
    if (sc.api_url.empty() && sc.api_url_file.empty() && sc.app_token.empty() && sc.app_token_file.empty()) {
      return "no Slack API URL nor App token set either inline or in a file";
    }
    if (!sc.app_token.empty() || !sc.app_token_file.empty()) {
      if (sc.http_config.client.authorization)
        return "http authorization can't be set when using Slack App tokens";
      sc.http_config.client.authorization =
          config::AuthorizationConfig{"Bearer", sc.app_token, sc.app_token_file};
      sc.api_url = sc.app_url;
    }
  }
  for (LooseConfig& c : loose["opsgenie_configs"]) {
    if (c.Get("api_key").empty()) c.values["api_key"] = g.opsgenie_api_key;
    if (c.Get("api_key_file").empty()) c.values["api_key_file"] = g.opsgenie_api_key_file;
    if (c.Get("api_key").empty() && c.Get("api_key_file").empty()) {
      return "no global OpsGenie API Key set either inline or in a file";
    }
  }
  for (LooseConfig& c : loose["wechat_configs"]) {
    if (c.Get("api_secret").empty() && c.Get("api_secret_file").empty()) {
      if (g.wechat_api_secret.empty() && g.wechat_api_secret_file.empty()) {
        return "no global Wechat Api Secret set either inline or in a file";
      }
    }
    if (c.Get("corp_id").empty() && g.wechat_api_corp_id.empty()) return "no global Wechat CorpID set";
  }
  for (LooseConfig& c : loose["victorops_configs"]) {
    if (c.Get("api_key").empty() && c.Get("api_key_file").empty() && g.victorops_api_key.empty() &&
        g.victorops_api_key_file.empty()) {
      return "no global VictorOps API Key set";
    }
  }
  for (TelegramConfig& tc : rcv.telegram_configs) {
    if (tc.bot_token.empty() && tc.bot_token_file.empty()) {
      if (g.telegram_bot_token.empty() && g.telegram_bot_token_file.empty()) {
        return "missing bot_token or bot_token_file on telegram_config";
      }
      tc.bot_token = g.telegram_bot_token;
      tc.bot_token_file = g.telegram_bot_token_file;
    }
  }
  for (LooseConfig& c : loose["jira_configs"]) {
    if (c.Get("api_url").empty() && g.jira_api_url.empty()) return "no global Jira Cloud URL set";
  }
  for (LooseConfig& c : loose["rocketchat_configs"]) {
    if (!c.Has("token_id") && c.Get("token_id_file").empty() && !g.rocketchat_token_id &&
        g.rocketchat_token_id_file.empty()) {
      return "no global Rocketchat TokenID set either inline or in a file";
    }
    if (!c.Has("token") && c.Get("token_file").empty() && !g.rocketchat_token &&
        g.rocketchat_token_file.empty()) {
      return "no global Rocketchat Token set either inline or in a file";
    }
  }
  for (LooseConfig& c : loose["mattermost_configs"]) {
    if (c.Get("webhook_url").empty() && c.Get("webhook_url_file").empty() &&
        g.mattermost_webhook_url.empty() && g.mattermost_webhook_url_file.empty()) {
      return "missing webhook_url or webhook_url_file on mattermost_config";
    }
  }
  return "";
}

std::string CheckReceivers(const Route& r, const std::set<std::string>& names) {
  for (const Route& child : r.routes) {
    if (std::string e = CheckReceivers(child, names); !e.empty()) return e;
  }
  if (!r.receiver.empty() && names.count(r.receiver) == 0) {
    return "undefined receiver " + GoQuote(r.receiver) + " used in route";
  }
  return "";
}

std::string CheckTimeIntervals(const Route& r, const std::set<std::string>& names) {
  for (const Route& child : r.routes) {
    if (std::string e = CheckTimeIntervals(child, names); !e.empty()) return e;
  }
  for (const std::string& n : r.active_time_intervals) {
    if (names.count(n) == 0) return "undefined time interval " + GoQuote(n) + " used in route";
  }
  for (const std::string& n : r.mute_time_intervals) {
    if (names.count(n) == 0) return "undefined time interval " + GoQuote(n) + " used in route";
  }
  return "";
}

std::string JoinDir(const std::string& dir, const std::string& path) {
  if (path.empty() || path.front() == '/' || dir.empty()) return path;
  return dir + "/" + path;
}

void JoinPaths(AlerterConfig& c, const std::string& dir) {
  if (dir.empty()) return;
  for (std::string& t : c.templates) t = JoinDir(dir, t);
  auto http = [&](NotifierHttpConfig& h) { config::JoinDirectory(h.client, dir); };
  http(c.global.http_config);
  for (Receiver& rcv : c.receivers) {
    for (WebhookConfig& x : rcv.webhook_configs) http(x.http_config);
    for (SlackConfig& x : rcv.slack_configs) http(x.http_config);
    for (DiscordConfig& x : rcv.discord_configs) http(x.http_config);
    for (MSTeamsConfig& x : rcv.msteams_configs) http(x.http_config);
    for (TelegramConfig& x : rcv.telegram_configs) http(x.http_config);
    for (PagerdutyConfig& x : rcv.pagerduty_configs) http(x.http_config);
  }
}

void DecodeConfig(config::FieldReader& r, AlerterConfig& c) {
  r.SetTypeName("config.plain");
  if (r.Keys().empty()) return r.Fail("no route provided in config");
  r.Struct("global", [&](config::FieldReader& g) { DecodeGlobal(g, c.global); });
  const bool route_given = r.Has("route");
  bool route_decoded = false;
  r.Struct("route", [&](config::FieldReader& rt) {
    route_decoded = true;
    DecodeRoute(rt, nullptr, c.route);
  });
  r.List("inhibit_rules",
         [&](config::FieldReader& item) { DecodeInhibitRule(item, c.inhibit_rules.emplace_back()); });
  std::vector<LooseByKind> loose;
  std::vector<std::vector<bool>> slack_own_auth;
  r.List("receivers", [&](config::FieldReader& item) {
    item.SetTypeName("config.plain");
    Receiver& rcv = c.receivers.emplace_back();
    LooseByKind& rcv_loose = loose.emplace_back();
    std::vector<bool>& own_auth = slack_own_auth.emplace_back();
    item.Field("name", &rcv.name);
    item.Field("labels", &rcv.labels);
    const GlobalConfig& g = c.global;
    item.List("discord_configs",
              [&](config::FieldReader& x) { DecodeDiscord(x, g, rcv.discord_configs.emplace_back()); });
    item.List("email_configs",
              [&](config::FieldReader& x) { DecodeEmail(x, g, rcv.email_configs.emplace_back()); });
    item.List("pagerduty_configs",
              [&](config::FieldReader& x) { DecodePagerduty(x, g, rcv.pagerduty_configs.emplace_back()); });
    item.List("slack_configs", [&](config::FieldReader& x) {
      bool own = false;
      DecodeSlack(x, g, rcv.slack_configs.emplace_back(), own);
      own_auth.push_back(own);
    });
    item.List("webhook_configs",
              [&](config::FieldReader& x) { DecodeWebhook(x, g, rcv.webhook_configs.emplace_back()); });
    item.List("telegram_configs",
              [&](config::FieldReader& x) { DecodeTelegram(x, g, rcv.telegram_configs.emplace_back()); });
    item.List("msteams_configs",
              [&](config::FieldReader& x) { DecodeMSTeams(x, g, rcv.msteams_configs.emplace_back()); });
    for (const LooseKind& kind : LooseKinds()) {
      item.List(kind.key, [&](config::FieldReader& x) {
        DecodeLoose(x, kind, rcv_loose[std::string(kind.key)].emplace_back());
        ++rcv.unsupported_integrations[std::string(kind.key)];
      });
    }
    if (!item.ok()) return;
    if (rcv.name.empty()) return item.Fail("missing name in receiver");
    if (auto it = rcv.labels.find("name"); it != rcv.labels.end() && it->second != rcv.name) {
      return item.Fail("receiver label \"name\" must match receiver name " + GoQuote(rcv.name) + ", got " +
                       GoQuote(it->second));
    }
    rcv.labels["name"] = rcv.name;
  });
  r.Field("templates", &c.templates);
  r.List("mute_time_intervals", [&](config::FieldReader& item) {
    DecodeNamedTimeInterval(item, c.time_intervals.emplace_back(), "missing name in mute time interval");
  });
  const size_t deprecated_intervals = c.time_intervals.size();
  r.List("time_intervals", [&](config::FieldReader& item) {
    DecodeNamedTimeInterval(item, c.time_intervals.emplace_back(), "missing name in time interval");
  });
  r.Skip("tracing");
  if (!r.ok()) return;

  if (std::string e = CheckGlobal(c.global); !e.empty()) return r.Fail(e);
  std::set<std::string> names;
  for (size_t i = 0; i < c.receivers.size(); ++i) {
    Receiver& rcv = c.receivers[i];
    if (names.count(rcv.name) != 0)
      return r.Fail("notification config name " + GoQuote(rcv.name) + " is not unique");
    if (std::string e = CompleteReceiver(c.global, rcv, slack_own_auth[i], loose[i]); !e.empty())
      return r.Fail(e);
    names.insert(rcv.name);
  }
  if (!route_given || !route_decoded) return r.Fail("no routes provided");
  const Route& root = c.route;
  if (root.receiver.empty()) return r.Fail("root route must specify a default receiver");
  if (!root.matchers.empty()) return r.Fail("root route must not have any matchers");
  if (!root.mute_time_intervals.empty()) return r.Fail("root route must not have any mute time intervals");
  if (!root.active_time_intervals.empty())
    return r.Fail("root route must not have any active time intervals");
  if (std::string e = CheckReceivers(root, names); !e.empty()) return r.Fail(e);
  std::set<std::string> intervals;
  for (size_t i = 0; i < c.time_intervals.size(); ++i) {
    const std::string& n = c.time_intervals[i].name;
    if (!intervals.insert(n).second) {
      return r.Fail((i < deprecated_intervals ? "mute time interval " : "time interval ") + GoQuote(n) +
                    " is not unique");
    }
  }
  if (std::string e = CheckTimeIntervals(root, intervals); !e.empty()) return r.Fail(e);
  if (root.continue_matching) return r.Fail("cannot have continue in root route");
}

}  // namespace

std::string HostPort::String() const {
  if (host.empty() && port.empty()) return "";
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + port;
  return host + ":" + port;
}

Result<AlerterConfig> ParseAlerterConfig(std::string_view yaml_text, const std::string& dir) {
  AlerterConfig c;
  EMBER_RETURN_IF_ERROR(
      config::DecodeYaml(yaml_text, "config.plain", [&](config::FieldReader& r) { DecodeConfig(r, c); }));
  JoinPaths(c, dir);
  return c;
}

Result<AlerterConfig> LoadAlerterConfig(const std::string& path) {
  EMBER_ASSIGN_OR_RETURN(
      AlerterConfig c, config::LoadYamlFileOrDefault<AlerterConfig>(FileSystem::Real(), path, kDefaultConfig,
                                                                    "config.plain", DecodeConfig));
  if (!path.empty()) {
    const size_t slash = path.rfind('/');
    JoinPaths(c, slash == std::string::npos ? std::string() : path.substr(0, slash == 0 ? 1 : slash));
  }
  return c;
}

}  // namespace ember::alerter
