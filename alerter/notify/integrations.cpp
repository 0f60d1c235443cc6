#include "notify/integrations.h"

#include <openssl/sha.h>

#include <fstream>
#include <sstream>

#include "ember/base/strings.h"
#include "ember/template/time_value.h"
#include "notify/json_writer.h"

namespace ember::alerter {

namespace {

Result<std::string> ReadTrimmed(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Status::NotFound("read " + std::string(what) + ": open " + path + ": no such file or directory");
  std::ostringstream ss;
  ss << in.rdbuf();
  return std::string(TrimSpace(ss.str()));
}

// Runs the text templates of one message, keeping the first error.
class Texts {
 public:
  Texts(const TemplateSet& t, const NotificationData& d) : t_(t), d_(d) {}
  std::string operator()(std::string_view text) {
    if (!status_.ok()) return "";
    Result<std::string> r = t_.ExecuteText(text, d_);
    if (!r.ok()) {
      status_ = r.status();
      return "";
    }
    return *std::move(r);
  }
  std::string Html(std::string_view text) {
    if (!status_.ok()) return "";
    Result<std::string> r = t_.ExecuteHtml(text, d_);
    if (!r.ok()) {
      status_ = r.status();
      return "";
    }
    return *std::move(r);
  }
  const Status& status() const { return status_; }

 private:
  const TemplateSet& t_;
  const NotificationData& d_;
  Status status_;
};

Status Wrap(const Status& s, std::string_view what) {
  return Status(s.code(), std::string(what) + ": " + std::string(s.message()));
}

void AppendIfSet(json::Writer& w, std::string_view key, const std::string& value) {
  if (!value.empty()) w.Key(key).String(value);
}

size_t RuneCount(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size();) {
    size_t len = Utf8SequenceLength(s, i);
    i += len == 0 ? 1 : len;
    ++n;
  }
  return n;
}

}  // namespace

std::string TruncateRunes(std::string_view s, size_t n, bool* truncated) {
  if (truncated) *truncated = false;
  if (RuneCount(s) <= n) return std::string(s);
  if (truncated) *truncated = true;
  size_t keep = n <= 3 ? n : n - 1;
  size_t i = 0;
  for (size_t r = 0; r < keep && i < s.size(); ++r) {
    size_t len = Utf8SequenceLength(s, i);
    i += len == 0 ? 1 : len;
  }
  std::string out(s.substr(0, i));
  if (n > 3) out += "\xe2\x80\xa6";
  return out;
}

NotificationData TruncateAlerts(const NotificationData& data, uint64_t max_alerts) {
  if (max_alerts == 0 || data.alerts.size() <= max_alerts) return data;
  std::vector<NotifyAlert> kept(data.alerts.begin(),
                                data.alerts.begin() + static_cast<ptrdiff_t>(max_alerts));
  // The receiver is already quoted: rebuild without quoting it again.
  NotificationData out =
      MakeNotificationData("", data.group_labels, std::move(kept), data.external_url, data.group_key);
  out.receiver = data.receiver;
  out.truncated_alerts = data.alerts.size() - max_alerts;
  return out;
}

std::string GroupKeyHash(std::string_view group_key) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(group_key.data()), group_key.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : digest) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

Result<NotifyRequest> BuildWebhookRequest(const WebhookConfig& c, const TemplateSet& t,
                                          const NotificationData& full) {
  NotificationData data = TruncateAlerts(full, c.max_alerts);
  json::Writer w;
  w.BeginObject();
  w.Key("receiver").String(data.receiver);
  w.Key("status").String(data.status);
  w.Key("alerts").BeginArray();
  for (const auto& a : data.alerts) json::WriteAlert(w, a);
  w.EndArray();
  w.Key("groupLabels").KVObject(data.group_labels);
  w.Key("commonLabels").KVObject(data.common_labels);
  w.Key("commonAnnotations").KVObject(data.common_annotations);
  w.Key("externalURL").String(data.external_url);
  w.Key("version").String("4");
  w.Key("groupKey").String(data.group_key);
  w.Key("truncatedAlerts").Uint(data.truncated_alerts);
  w.EndObject();

  Texts tmpl(t, data);
  NotifyRequest req;
  if (!c.url.empty()) {
    req.url = tmpl(c.url);
  } else {
    EMBER_ASSIGN_OR_RETURN(std::string url, ReadTrimmed(c.url_file, "url_file"));
    req.url = tmpl(url);
  }
  if (!tmpl.status().ok()) return Wrap(tmpl.status(), "failed to template webhook URL");
  if (req.url.empty()) return Status::InvalidArgument("webhook URL is empty after templating");
  req.body = w.Finish();
  return req;
}

Result<NotifyRequest> BuildSlackRequest(const SlackConfig& c, const TemplateSet& t,
                                        const NotificationData& data) {
  Texts tmpl(t, data);
  std::vector<std::string> mrkdwn_in = c.mrkdwn_in;
  if (mrkdwn_in.empty()) mrkdwn_in = {"fallback", "pretext", "text"};
  std::string title = TruncateRunes(tmpl(c.title), 1024);
  json::Writer w;
  w.BeginObject();
  AppendIfSet(w, "channel", tmpl(c.channel));
  AppendIfSet(w, "username", tmpl(c.username));
  AppendIfSet(w, "icon_emoji", tmpl(c.icon_emoji));
  AppendIfSet(w, "icon_url", tmpl(c.icon_url));
  if (c.link_names) w.Key("link_names").Bool(true);
  AppendIfSet(w, "text", tmpl(c.message_text));
  w.Key("attachments").BeginArray().BeginObject();
  AppendIfSet(w, "title", title);
  AppendIfSet(w, "title_link", tmpl(c.title_link));
  AppendIfSet(w, "pretext", tmpl(c.pretext));
  w.Key("text").String(tmpl(c.text));
  w.Key("fallback").String(tmpl(c.fallback));
  w.Key("callback_id").String(tmpl(c.callback_id));
  if (!c.fields.empty()) {
    w.Key("fields").BeginArray();
    for (const SlackField& f : c.fields) {
      w.BeginObject();
      AppendIfSet(w, "title", tmpl(f.title));
      AppendIfSet(w, "value", tmpl(f.value));
      w.Key("short").Bool(f.short_field.value_or(c.short_fields));
      w.EndObject();
    }
    w.EndArray();
  }
  if (!c.actions.empty()) {
    w.Key("actions").BeginArray();
    for (const SlackAction& a : c.actions) {
      w.BeginObject();
      AppendIfSet(w, "type", tmpl(a.type));
      AppendIfSet(w, "text", tmpl(a.text));
      AppendIfSet(w, "url", tmpl(a.url));
      AppendIfSet(w, "style", tmpl(a.style));
      AppendIfSet(w, "name", tmpl(a.name));
      AppendIfSet(w, "value", tmpl(a.value));
      if (a.has_confirm) {
        w.Key("confirm").BeginObject();
        AppendIfSet(w, "text", tmpl(a.confirm_text));
        AppendIfSet(w, "title", tmpl(a.confirm_title));
        AppendIfSet(w, "ok_text", tmpl(a.confirm_ok_text));
        AppendIfSet(w, "dismiss_text", tmpl(a.confirm_dismiss_text));
        w.EndObject();
      }
      w.EndObject();
    }
    w.EndArray();
  }
  AppendIfSet(w, "image_url", tmpl(c.image_url));
  AppendIfSet(w, "thumb_url", tmpl(c.thumb_url));
  w.Key("footer").String(tmpl(c.footer));
  AppendIfSet(w, "color", tmpl(c.color));
  w.Key("mrkdwn_in").StringArray(mrkdwn_in);
  w.EndObject().EndArray().EndObject();
  if (!tmpl.status().ok()) return tmpl.status();

  NotifyRequest req;
  if (!c.api_url.empty()) {
    req.url = c.api_url;
  } else if (!c.api_url_file.empty()) {
    EMBER_ASSIGN_OR_RETURN(req.url, ReadTrimmed(c.api_url_file, "api_url_file"));
  } else {
    req.url = c.app_url;
  }
  std::string token = c.app_token;
  if (token.empty() && !c.app_token_file.empty()) {
    EMBER_ASSIGN_OR_RETURN(token, ReadTrimmed(c.app_token_file, "app_token_file"));
  }
  if (!token.empty()) req.headers.emplace_back("Authorization", "Bearer " + token);
  req.slack_response = true;
  req.body = w.Finish();
  return req;
}

Result<NotifyRequest> BuildDiscordRequest(const DiscordConfig& c, const TemplateSet& t,
                                          const NotificationData& data) {
  Texts tmpl(t, data);
  std::string title = TruncateRunes(tmpl(c.title), 256);
  std::string description = TruncateRunes(tmpl(c.message), 4096);
  std::string content = TruncateRunes(tmpl(c.content), 2000);
  if (!tmpl.status().ok()) return tmpl.status();
  int color = 0x95A5A6;
  if (data.status == "firing") color = 0x992D22;
  if (data.status == "resolved") color = 0x2ECC71;
  json::Writer w;
  w.BeginObject();
  w.Key("content").String(content);
  w.Key("embeds").BeginArray().BeginObject();
  w.Key("title").String(title).Key("description").String(description).Key("color").Int(color);
  w.EndObject().EndArray();
  AppendIfSet(w, "username", c.username);
  AppendIfSet(w, "avatar_url", c.avatar_url);
  w.EndObject();
  NotifyRequest req;
  if (!c.webhook_url.empty()) {
    req.url = c.webhook_url;
  } else {
    EMBER_ASSIGN_OR_RETURN(req.url, ReadTrimmed(c.webhook_url_file, "webhook_url_file"));
  }
  req.body = w.Finish();
  return req;
}

Result<NotifyRequest> BuildMSTeamsRequest(const MSTeamsConfig& c, const TemplateSet& t,
                                          const NotificationData& data) {
  Texts tmpl(t, data);
  std::string title = tmpl(c.title);
  std::string text = tmpl(c.text);
  std::string summary = tmpl(c.summary);
  if (!tmpl.status().ok()) return tmpl.status();
  std::string color = "808080";
  if (data.status == "firing") color = "8C1A1A";
  if (data.status == "resolved") color = "2DC72D";
  json::Writer w;
  w.BeginObject();
  w.Key("@context").String("http://schema.org/extensions");
  w.Key("type").String("MessageCard");
  w.Key("title").String(title).Key("summary").String(summary).Key("text").String(text);
  w.Key("themeColor").String(color);
  w.EndObject();
  NotifyRequest req;
  if (!c.webhook_url.empty()) {
    req.url = c.webhook_url;
  } else {
    EMBER_ASSIGN_OR_RETURN(req.url, ReadTrimmed(c.webhook_url_file, "webhook_url_file"));
  }
  req.body = w.Finish();
  return req;
}

Result<NotifyRequest> BuildTelegramRequest(const TelegramConfig& c, const TemplateSet& t,
                                           const NotificationData& data) {
  Texts tmpl(t, data);
  std::string text;
  if (c.parse_mode == "HTML") {
    text = tmpl.Html(c.message);
    if (tmpl.status().ok() && RuneCount(text) > 4096) {
      text =
          "Alertmanager notification could not be sent: message length exceeds Telegram "
          "limits.\n\t\t\tPlease "
          "check the template used for producing the message content.";
    }
  } else {
    text = TruncateRunes(tmpl(c.message), 4096);
  }
  if (!tmpl.status().ok()) return tmpl.status();
  std::string token = c.bot_token;
  if (!c.bot_token_file.empty()) {
    EMBER_ASSIGN_OR_RETURN(token, ReadTrimmed(c.bot_token_file, "bot_token_file"));
  }
  int64_t chat_id = c.chat_id;
  if (!c.chat_id_file.empty()) {
    EMBER_ASSIGN_OR_RETURN(std::string id, ReadTrimmed(c.chat_id_file, "chat_id_file"));
    char* end = nullptr;
    chat_id = std::strtoll(id.c_str(), &end, 10);
    if (id.empty() || *end != '\0')
      return Status::InvalidArgument("could not parse chat_id from " + c.chat_id_file);
  }
  // The Bot API parameters as a JSON object of strings, keys in order.
  std::map<std::string, std::string> params;
  params["chat_id"] = std::to_string(chat_id);
  params["text"] = text;
  if (!c.parse_mode.empty()) params["parse_mode"] = c.parse_mode;
  params["disable_web_page_preview"] = "true";
  if (c.disable_notifications) params["disable_notification"] = "true";
  if (c.message_thread_id != 0) params["message_thread_id"] = std::to_string(c.message_thread_id);
  json::Writer w;
  w.BeginObject();
  for (const auto& [k, v] : params) w.Key(k).String(v);
  w.EndObject();
  NotifyRequest req;
  std::string api = c.api_url.empty() ? "https://api.telegram.org" : c.api_url;
  while (!api.empty() && api.back() == '/') api.pop_back();
  req.url = api + "/bot" + token + "/sendMessage";
  req.retry_all_failures = true;
  req.body = w.Finish();
  return req;
}

Result<NotifyRequest> BuildPagerdutyRequest(const PagerdutyConfig& c, const TemplateSet& t,
                                            const NotificationData& data) {
  Texts tmpl(t, data);
  const bool v1 = !c.service_key.empty() || !c.service_key_file.empty();
  const bool resolve = data.status == "resolved";
  std::map<std::string, std::string> details;
  for (const auto& [k, v] : c.details) details[k] = tmpl(v);
  if (!tmpl.status().ok()) return Wrap(tmpl.status(), "failed to render details");
  auto write_details = [&](json::Writer& w) {
    w.BeginObject();
    for (const auto& [k, v] : details) w.Key(k).String(v);
    w.EndObject();
  };
  NotifyRequest req;
  json::Writer w;
  w.BeginObject();
  if (v1) {
    std::string key = c.service_key;
    if (key.empty()) {
      EMBER_ASSIGN_OR_RETURN(key, ReadTrimmed(c.service_key_file, "service_key_file"));
    }
    std::string service_key = tmpl(key);
    std::string description = TruncateRunes(tmpl(c.description), 1024);
    std::string client, client_url;
    if (!resolve) {
      client = tmpl(c.client);
      client_url = tmpl(c.client_url);
    }
    if (!tmpl.status().ok()) return Wrap(tmpl.status(), "failed to template PagerDuty v1 message");
    if (service_key.empty()) return Status::InvalidArgument("service key cannot be empty");
    w.Key("service_key").String(service_key);
    w.Key("incident_key").String(GroupKeyHash(data.group_key));
    w.Key("event_type").String(resolve ? "resolve" : "trigger");
    AppendIfSet(w, "description", description);
    w.Key("event_action").String("");
    w.Key("payload").Raw("null");
    AppendIfSet(w, "client", client);
    AppendIfSet(w, "client_url", client_url);
    if (!details.empty()) {
      w.Key("details");
      write_details(w);
    }
    req.url = "https://events.pagerduty.com/generic/2010-04-15/create_event.json";
    req.retry_codes = {403};
  } else {
    std::string key = c.routing_key;
    if (key.empty()) {
      EMBER_ASSIGN_OR_RETURN(key, ReadTrimmed(c.routing_key_file, "routing_key_file"));
    }
    std::string client = tmpl(c.client), client_url = tmpl(c.client_url), routing_key = tmpl(key);
    std::string summary = TruncateRunes(tmpl(c.description), 1024);
    std::string source = tmpl(c.source), severity = tmpl(c.severity.empty() ? "error" : c.severity);
    std::string klass = tmpl(c.class_), component = tmpl(c.component), group = tmpl(c.group);
    std::vector<PagerdutyImage> images;
    for (const auto& i : c.images) {
      PagerdutyImage x{tmpl(i.src), tmpl(i.alt), tmpl(i.href)};
      if (!x.src.empty()) images.push_back(std::move(x));
    }
    std::vector<PagerdutyLink> links;
    for (const auto& l : c.links) {
      PagerdutyLink x{tmpl(l.href), tmpl(l.text)};
      if (!x.href.empty()) links.push_back(std::move(x));
    }
    if (!tmpl.status().ok()) return Wrap(tmpl.status(), "failed to template PagerDuty v2 message");
    if (routing_key.empty()) return Status::InvalidArgument("routing key cannot be empty");
    w.Key("routing_key").String(routing_key);
    w.Key("dedup_key").String(GroupKeyHash(data.group_key));
    w.Key("event_action").String(resolve ? "resolve" : "trigger");
    w.Key("payload").BeginObject();
    w.Key("summary").String(summary).Key("source").String(source).Key("severity").String(severity);
    AppendIfSet(w, "class", klass);
    AppendIfSet(w, "component", component);
    AppendIfSet(w, "group", group);
    if (!details.empty()) {
      w.Key("custom_details");
      write_details(w);
    }
    w.EndObject();
    AppendIfSet(w, "client", client);
    AppendIfSet(w, "client_url", client_url);
    if (!images.empty()) {
      w.Key("images").BeginArray();
      for (const auto& i : images)
        w.BeginObject()
            .Key("src")
            .String(i.src)
            .Key("alt")
            .String(i.alt)
            .Key("href")
            .String(i.href)
            .EndObject();
      w.EndArray();
    }
    if (!links.empty()) {
      w.Key("links").BeginArray();
      for (const auto& l : links)
        w.BeginObject().Key("href").String(l.href).Key("text").String(l.text).EndObject();
      w.EndArray();
    }
    req.url = c.url.empty() ? "https://events.pagerduty.com/v2/enqueue" : c.url;
    req.retry_codes = {429};
  }
  w.EndObject();
  req.body = w.Finish();
  return req;
}

// ---- e-mail ----

std::string QuotedPrintable(std::string_view p) {
  constexpr size_t kLineMax = 76;
  std::string out, line;
  bool cr = false;
  auto flush = [&] {
    out += line;
    line.clear();
  };
  auto insert_crlf = [&] {
    line += "\r\n";
    flush();
  };
  auto soft_break = [&] {
    line.push_back('=');
    insert_crlf();
  };
  auto encode = [&](unsigned char b) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    if (kLineMax - 1 - line.size() < 3) soft_break();
    line.push_back('=');
    line.push_back(kHex[b >> 4]);
    line.push_back(kHex[b & 15]);
  };
  auto check_last = [&] {
    if (line.empty()) return;
    unsigned char b = static_cast<unsigned char>(line.back());
    if (b == ' ' || b == '\t') {
      line.pop_back();
      encode(b);
    }
  };
  auto write = [&](std::string_view s) {
    for (char ch : s) {
      if (ch == '\n' || ch == '\r') {
        if (cr && ch == '\n') {
          cr = false;
          continue;
        }
        if (ch == '\r') cr = true;
        check_last();
        insert_crlf();
        continue;
      }
      if (line.size() == kLineMax - 1) soft_break();
      line.push_back(ch);
      cr = false;
    }
  };
  size_t n = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    unsigned char b = static_cast<unsigned char>(p[i]);
    if ((b >= '!' && b <= '~' && b != '=') || b == ' ' || b == '\t' || b == '\n' || b == '\r') continue;
    if (i > n) write(p.substr(n, i - n));
    encode(b);
    n = i + 1;
  }
  if (n < p.size()) write(p.substr(n));
  check_last();
  flush();
  return out;
}

std::string MimeQEncode(std::string_view s) {
  bool needs = false;
  for (char c : s) {
    unsigned char b = static_cast<unsigned char>(c);
    if ((b < ' ' || b > '~') && b != '\t') needs = true;
  }
  if (!needs) return std::string(s);
  // Encoded words of at most 75 characters, never splitting a UTF-8 sequence.
  static constexpr std::string_view kPrefix = "=?utf-8?q?";
  static constexpr size_t kMaxContent = 75 - kPrefix.size() - 2;
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out, word;
  auto close_word = [&] {
    if (!out.empty()) out += " ";
    out += std::string(kPrefix) + word + "?=";
    word.clear();
  };
  for (size_t i = 0; i < s.size();) {
    size_t len = Utf8SequenceLength(s, i);
    if (len == 0) len = 1;
    std::string enc;
    for (size_t j = i; j < i + len; ++j) {
      unsigned char b = static_cast<unsigned char>(s[j]);
      if (b == ' ') {
        enc += '_';
      } else if (b >= '!' && b <= '~' && b != '=' && b != '?' && b != '_') {
        enc += static_cast<char>(b);
      } else {
        enc += '=';
        enc += kHex[b >> 4];
        enc += kHex[b & 15];
      }
    }
    if (word.size() + enc.size() > kMaxContent) close_word();
    word += enc;
    i += len;
  }
  close_word();
  return out;
}

Result<std::vector<std::string>> ParseAddressList(std::string_view list) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  int angle = 0;
  auto finish = [&]() -> Status {
    std::string_view item = TrimSpace(cur);
    std::string addr;
    size_t lt = item.rfind('<');
    if (lt != std::string_view::npos) {
      size_t gt = item.find('>', lt);
      if (gt == std::string_view::npos) return Status::InvalidArgument("mail: unclosed angle-addr");
      addr = std::string(item.substr(lt + 1, gt - lt - 1));
    } else {
      addr = std::string(item);
    }
    size_t at = addr.find('@');
    if (addr.empty() || at == std::string::npos || at == 0 || at + 1 == addr.size() ||
        addr.find_first_of(" \t<>") != std::string::npos)
      return Status::InvalidArgument(addr.empty() ? "mail: no address" : "mail: missing @ in addr-spec");
    out.push_back(addr);
    cur.clear();
    return Status::Ok();
  };
  for (char c : list) {
    if (c == '"') quoted = !quoted;
    if (!quoted && c == '<') ++angle;
    if (!quoted && c == '>') --angle;
    if (c == ',' && !quoted && angle == 0) {
      EMBER_RETURN_IF_ERROR(finish());
      continue;
    }
    cur.push_back(c);
  }
  EMBER_RETURN_IF_ERROR(finish());
  return out;
}

Result<EmailMessage> BuildEmailMessage(const EmailConfig& c, const TemplateSet& t,
                                       const NotificationData& data, const EmailEnvironment& env) {
  Texts tmpl(t, data);
  EmailMessage m;
  std::string from = tmpl(c.from);
  if (!tmpl.status().ok()) return Wrap(tmpl.status(), "execute 'from' template");
  std::string to = tmpl(c.to);
  if (!tmpl.status().ok()) return Wrap(tmpl.status(), "execute 'to' template");
  Result<std::vector<std::string>> from_addrs = ParseAddressList(from);
  if (!from_addrs.ok()) return Wrap(from_addrs.status(), "parse 'from' addresses");
  if (from_addrs->size() != 1)
    return Status::InvalidArgument(
        "must be exactly one 'from' address (got: " + std::to_string(from_addrs->size()) + ")");
  m.from = (*from_addrs)[0];
  Result<std::vector<std::string>> to_addrs = ParseAddressList(to);
  if (!to_addrs.ok()) return Wrap(to_addrs.status(), "parse 'to' addresses");
  m.to = *std::move(to_addrs);

  std::map<std::string, std::string> headers = c.headers;
  headers.emplace("To", c.to);
  headers.emplace("From", c.from);
  headers.emplace("Subject", R"({{ template "email.default.subject" . }})");
  std::string& out = m.data;
  for (const auto& [name, text] : headers) {
    Result<std::string> v = t.ExecuteText(text, data);
    if (!v.ok()) return Wrap(v.status(), "execute \"" + name + "\" header template");
    out += name + ": " + MimeQEncode(*v) + "\r\n";
  }
  if (headers.count("Message-Id") == 0) {
    out += "Message-Id: <" + std::to_string(env.now_nanos) + "." + std::to_string(env.random) + "@" +
           env.hostname + ">\r\n";
  }
  if (c.threading_enabled) {
    std::string by =
        c.threading_thread_by_date == "none" ? "" : tmpl::FormatGoTime(env.now_nanos, "2006-01-02");
    std::string root = "<alert-" + GroupKeyHash(data.group_key).substr(0, 16) + "-" + by + "@alertmanager>";
    out += "References: " + root + "\r\n";
    out += "In-Reply-To: " + root + "\r\n";
  }
  out += "Date: " + tmpl::FormatGoTime(env.now_nanos, "Mon, 02 Jan 2006 15:04:05 -0700") + "\r\n";
  out += "Content-Type: multipart/alternative;  boundary=" + env.boundary + "\r\n";
  out += "MIME-Version: 1.0\r\n\r\n";
  bool first = true;
  auto part = [&](std::string_view type, const std::string& body) {
    out += first ? "--" : "\r\n--";
    first = false;
    out += env.boundary + "\r\n";
    out += "Content-Transfer-Encoding: quoted-printable\r\n";
    out += "Content-Type: " + std::string(type) + "; charset=UTF-8\r\n\r\n";
    out += QuotedPrintable(body);
  };
  if (!c.text.empty()) {
    Result<std::string> body = t.ExecuteText(c.text, data);
    if (!body.ok()) return Wrap(body.status(), "execute text template");
    part("text/plain", *body);
  }
  if (!c.html.empty()) {
    Result<std::string> body = t.ExecuteHtml(c.html, data);
    if (!body.ok()) return Wrap(body.status(), "execute html template");
    part("text/html", *body);
  }
  out += first ? "--" : "\r\n--";
  out += env.boundary + "--\r\n";
  return m;
}

}  // namespace ember::alerter
