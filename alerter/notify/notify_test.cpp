#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "config/alerter_config.h"
#include "ember/template/time_value.h"
#include "notify/integrations.h"
#include "notify/json_writer.h"
#include "notify/template_data.h"
#include "notify/template_set.h"

namespace ember::alerter {
namespace {

constexpr int64_t kSec = 1000000000;

// 2024-01-02T03:04:05.5Z and friends.
constexpr int64_t kT0 = 1704164645 * kSec + kSec / 2;
constexpr int64_t kT1 = 1704164400 * kSec;
constexpr int64_t kT2 = 1704168000 * kSec;

NotificationData Fixture() {
  NotifyAlert a1{"firing",
                 {{"alertname", "HighLatency"}, {"instance", "a:9100"}, {"job", "api"}, {"severity", "page"}},
                 {{"summary", "Latency high"}},
                 kT0,
                 kZeroTime,
                 "http://prom/graph?g0.expr=up",
                 "0123456789abcdef"};
  NotifyAlert a2{"resolved",
                 {{"alertname", "HighLatency"}, {"instance", "b:9100"}, {"job", "api"}, {"severity", "page"}},
                 {{"summary", "Latency high"}},
                 kT1,
                 kT2,
                 "http://prom/g2",
                 "fedcba9876543210"};
  return MakeNotificationData("team-x", {{"job", "api"}}, {a1, a2}, "http://am:9093", R"({}:{job="api"})");
}

std::shared_ptr<const TemplateSet> Defaults() {
  auto t = TemplateSet::FromSources({});
  REQUIRE(t.ok());
  return *t;
}

std::string Exec(std::string_view text, const NotificationData& d = Fixture()) {
  auto r = Defaults()->ExecuteText(text, d);
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return *r;
}

Receiver ParseReceiver(const std::string& receiver_yaml) {
  std::string yaml = "route:\n  receiver: r\nreceivers:\n- name: r\n" + receiver_yaml;
  auto c = ParseAlerterConfig(yaml);
  INFO(c.status().ToString());
  REQUIRE(c.ok());
  return c->receivers.at(0);
}

const char kList1[] =
    "Labels:\n - alertname = HighLatency\n - instance = a:9100\n - job = api\n - severity = page\n"
    "Annotations:\n - summary = Latency high\nSource: http://prom/graph?g0.expr=up\n";
const char kList2[] =
    "Labels:\n - alertname = HighLatency\n - instance = b:9100\n - job = api\n - severity = page\n"
    "Annotations:\n - summary = Latency high\nSource: http://prom/g2\n";

TEST_CASE("data model: common labels, status and quoted receiver", "[alerter][notify]") {
  NotificationData d = Fixture();
  CHECK(d.status == "firing");
  CHECK(d.common_labels == KV{{"alertname", "HighLatency"}, {"job", "api"}, {"severity", "page"}});
  CHECK(d.common_annotations == KV{{"summary", "Latency high"}});
  CHECK(MakeNotificationData("a.b(c)", {}, {}, "", "").receiver == R"(a\.b\(c\))");
  CHECK(MakeNotificationData("x", {}, {}, "", "").status == "resolved");
}

TEST_CASE("data model: fields and methods as upstream names them", "[alerter][notify]") {
  CHECK(Exec("{{ .Receiver }} {{ .Status }} {{ len .Alerts }} {{ len .Alerts.Firing }} {{ len "
             ".Alerts.Resolved }}") == "team-x firing 2 1 1");
  CHECK(Exec("{{ range .CommonLabels.SortedPairs }}{{ .Name }}={{ .Value }};{{ end }}") ==
        "alertname=HighLatency;job=api;severity=page;");
  CHECK(Exec("{{ .CommonLabels.Names }} {{ .CommonLabels.Values | join \",\" }}") ==
        "[alertname job severity] HighLatency,api,page");
  CHECK(Exec("{{ (.CommonLabels.Remove (stringSlice \"job\")).SortedPairs }}") ==
        "alertname=HighLatency, severity=page");
  CHECK(Exec("{{ .CommonLabels }}") == "alertname=HighLatency, job=api, severity=page");
  CHECK(Exec("{{ index .CommonLabels \"job\" }} {{ .CommonLabels.job }}") == "api api");
  CHECK(Exec("{{ with index .Alerts 0 }}{{ .Status }} {{ .Fingerprint }} {{ .GeneratorURL }} {{ .StartsAt "
             "}}{{ end }}") ==
        "firing 0123456789abcdef http://prom/graph?g0.expr=up 2024-01-02 03:04:05.5 +0000 UTC");
  CHECK(Exec("{{ range .Alerts.Resolved }}{{ .EndsAt.Format \"15:04\" }} {{ .Labels.instance }}{{ end }}") ==
        "04:00 b:9100");
  CHECK(Exec("{{ .CommonLabels.SortedPairs.Values.Join \"/\" }}") == "HighLatency/api/page");
  // alertname sorts first.
  NotificationData d = MakeNotificationData("x", {{"a", "1"}, {"alertname", "Z"}}, {}, "", "");
  CHECK(Exec("{{ .GroupLabels.Names }}", d) == "[alertname a]");
}

TEST_CASE("template functions", "[alerter][notify]") {
  CHECK(Exec(R"({{ toUpper "ab" }} {{ toLower "AB" }} {{ title "hello world" }} {{ trimSpace "  x " }})") ==
        "AB ab Hello World x");
  CHECK(
      Exec(
          R"({{ match "^a.c$" "abc" }} {{ reReplaceAll "(a)b" "${1}x" "abab" }} {{ reReplaceAll "(a)b" "$1x" "abab" }})") ==
      "true axax ");
  CHECK(Exec(R"({{ base64encode "hi?>" }} {{ base64decode "aGk_Pg==" }})") == "aGk_Pg== hi?>");
  CHECK(Exec(R"({{ urlUnescape "a%20b+c" }} {{ safeHtml "<b>" }})") == "a b c <b>");
  CHECK(
      Exec(
          R"({{ with index .Alerts 0 }}{{ date "2006-01-02 15:04" .StartsAt }} {{ (tz "UTC" .StartsAt).Year }}{{ end }})") ==
      "2024-01-02 03:04 2024");
  CHECK(Exec(R"({{ humanizeDuration 3661 }})") == "1h 1m 1s");
  CHECK(Exec(R"({{ toJson (dict "b" 1 "a" (list "x" true)) }})") == R"({"a":["x",true],"b":1})");
  CHECK(Exec(R"({{ toJson .CommonLabels }})") ==
        R"({"alertname":"HighLatency","job":"api","severity":"page"})");
  CHECK(Exec(R"({{ len (append (list 1) 2 3) }})") == "3");
  CHECK(
      Exec(R"({{ toJson .Alerts.Resolved }})") ==
      R"([{"status":"resolved","labels":{"alertname":"HighLatency","instance":"b:9100","job":"api","severity":"page"},)"
      R"("annotations":{"summary":"Latency high"},"startsAt":"2024-01-02T03:00:00Z","endsAt":"2024-01-02T04:00:00Z",)"
      R"("generatorURL":"http://prom/g2","fingerprint":"fedcba9876543210"}])");
  auto bad = Defaults()->ExecuteText(R"({{ tz "Mars/Base" now }})", Fixture());
  CHECK_FALSE(bad.ok());
}

TEST_CASE("default templates give upstream's texts", "[alerter][notify]") {
  CHECK(Exec(R"({{ template "__subject" . }})") == "[FIRING:1] api (HighLatency page)");
  CHECK(Exec(R"({{ template "__alertmanagerURL" . }})") == "http://am:9093/#/alerts?receiver=team-x");
  CHECK(Exec(R"({{ template "slack.default.fallback" . }})") ==
        "[FIRING:1] api (HighLatency page) | http://am:9093/#/alerts?receiver=team-x");
  CHECK(
      Exec(
          R"({{ template "slack.default.color" . }}|{{ template "slack.default.username" . }}|{{ template "slack.default.text" . }})") ==
      "danger|Alertmanager|");
  CHECK(Exec(R"({{ template "__text_alert_list" .Alerts }})") == std::string(kList1) + kList2);
  CHECK(Exec(R"({{ template "telegram.default.message" . }})") ==
        std::string("\n\nAlerts Firing:\n") + kList1 + "\n\n\nAlerts Resolved:\n" + kList2 + "\n\n");
  CHECK(Exec(R"({{ template "discord.default.message" . }})") ==
        Exec(R"({{ template "telegram.default.message" . }})"));
  const std::string md1 =
      "\nLabels:\n  - alertname = HighLatency\n  - instance = a:9100\n  - job = api\n  - severity = page\n"
      "\nAnnotations:\n  - summary = Latency high\n\nSource: http://prom/graph?g0.expr=up\n\n";
  const std::string md2 =
      "\nLabels:\n  - alertname = HighLatency\n  - instance = b:9100\n  - job = api\n  - severity = page\n"
      "\nAnnotations:\n  - summary = Latency high\n\nSource: http://prom/g2\n\n";
  CHECK(Exec(R"({{ template "msteams.default.text" . }})") ==
        "\n\n# Alerts Firing:\n" + md1 + "\n\n\n# Alerts Resolved:\n" + md2 + "\n\n");

  // Resolved only; group labels equal to the common ones: no parentheses, the trailing space stays.
  NotificationData d = Fixture();
  d.alerts.erase(d.alerts.begin());
  d = MakeNotificationData("team-x", {{"job", "api"}}, d.alerts, d.external_url, d.group_key);
  CHECK(Exec(R"({{ template "__subject" . }})", d) == "[RESOLVED] api (HighLatency b:9100 page)");
  CHECK(Exec(R"({{ template "telegram.default.message" . }})", d) ==
        "\n\n\nAlerts Resolved:\n" + std::string(kList2) + "\n\n");
  NotificationData same = MakeNotificationData("r", {{"job", "api"}}, {}, "", "");
  CHECK(Exec(R"({{ template "__subject" . }})", same) == "[RESOLVED] api ");
  // Remove leaves nothing: empty parentheses, as upstream.
  NotificationData other = same;
  other.common_labels = {{"job", "x"}, {"zone", "y"}};
  other.group_labels = {{"job", "x"}, {"zone", "y"}, {"a", "b"}};
  CHECK(Exec(R"({{ template "__subject" . }})", other) == "[RESOLVED] b x y ");
}

TEST_CASE("user templates override the defaults; definitions in the text win", "[alerter][notify]") {
  auto t = TemplateSet::FromSources({{"mine.tmpl", R"(
{{ define "__alertmanager" }}Ember{{ end }}
{{ define "slack.default.text" }}{{ len .Alerts }} alerts{{ end }}
{{ define "__subject" }}   {{ end }}
)"}});
  REQUIRE(t.ok());
  NotificationData d = Fixture();
  CHECK(*(*t)->ExecuteText(
            R"({{ template "slack.default.username" . }}: {{ template "slack.default.text" . }})", d) ==
        "Ember: 2 alerts");
  // A blank body does not replace the default.
  CHECK(*(*t)->ExecuteText(R"({{ template "__subject" . }})", d) == "[FIRING:1] api (HighLatency page)");
  CHECK(*(*t)->ExecuteText(R"({{ define "__alertmanager" }}Mine{{ end }}{{ template "__alertmanager" . }}!)",
                           d) == "Mine!");
  CHECK(*(*t)->ExecuteText("", d) == "");
  auto bad = TemplateSet::FromSources({{"bad.tmpl", "{{ define \"x\" }}{{ .Foo "}});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("template: bad.tmpl:1:") != std::string::npos);
  auto exec_err = (*t)->ExecuteText("{{ template \"nope\" . }}", d);
  CHECK_FALSE(exec_err.ok());
}

TEST_CASE("TemplateSet::Load reads the files of each glob", "[alerter][notify]") {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("ember_notify_tmpl_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "a.tmpl") << R"({{ define "x" }}from a{{ end }})";
  std::ofstream(dir / "b.tmpl") << R"({{ define "x" }}from b{{ end }}{{ define "y" }}y{{ end }})";
  auto t = TemplateSet::Load({(dir / "*.tmpl").string(), (dir / "none-*.tmpl").string()});
  std::filesystem::remove_all(dir);
  INFO(t.status().ToString());
  REQUIRE(t.ok());
  CHECK(*(*t)->ExecuteText(R"({{ template "x" . }} {{ template "y" . }})", Fixture()) == "from b y");
}

TEST_CASE("ExecuteHtml escapes the data, not the template", "[alerter][notify]") {
  NotificationData d = Fixture();
  d.common_annotations["summary"] = "<b>a & 'b' + \"c\"</b>";
  auto r = Defaults()->ExecuteHtml("<p>{{ .CommonAnnotations.summary }}</p>", d);
  REQUIRE(r.ok());
  CHECK(*r == "<p>&lt;b&gt;a &amp; &#39;b&#39; &#43; &#34;c&#34;&lt;/b&gt;</p>");
  CHECK(HtmlEscape(std::string("a\0b", 3)) ==
        "a\xef\xbf\xbd"
        "b");
}

TEST_CASE("json writer escapes as Go", "[alerter][notify]") {
  std::string out;
  json::AppendString(out, "a\"\\<>&\n\x01\xe2\x80\xa8\xff");
  CHECK(out == R"("a\"\\\u003c\u003e\u0026\n\u0001\u2028\ufffd")");
  CHECK(json::Rfc3339Nano(kT0) == "2024-01-02T03:04:05.5Z");
  CHECK(json::Rfc3339Nano(kZeroTime) == "0001-01-01T00:00:00Z");
}

const char kAlert1Json[] =
    R"({"status":"firing","labels":{"alertname":"HighLatency","instance":"a:9100","job":"api","severity":"page"},)"
    R"("annotations":{"summary":"Latency high"},"startsAt":"2024-01-02T03:04:05.5Z","endsAt":"0001-01-01T00:00:00Z",)"
    R"("generatorURL":"http://prom/graph?g0.expr=up","fingerprint":"0123456789abcdef"})";
const char kAlert2Json[] =
    R"({"status":"resolved","labels":{"alertname":"HighLatency","instance":"b:9100","job":"api","severity":"page"},)"
    R"("annotations":{"summary":"Latency high"},"startsAt":"2024-01-02T03:00:00Z","endsAt":"2024-01-02T04:00:00Z",)"
    R"("generatorURL":"http://prom/g2","fingerprint":"fedcba9876543210"})";

TEST_CASE("webhook payload version 4", "[alerter][notify]") {
  Receiver r = ParseReceiver("  webhook_configs:\n  - url: 'http://hook/{{ .Status }}'\n");
  auto req = BuildWebhookRequest(r.webhook_configs.at(0), *Defaults(), Fixture());
  REQUIRE(req.ok());
  CHECK(req->method == "POST");
  CHECK(req->url == "http://hook/firing");
  CHECK(req->content_type == "application/json");
  CHECK(req->body ==
        std::string(R"({"receiver":"team-x","status":"firing","alerts":[)") + kAlert1Json + "," +
            kAlert2Json +
            R"(],"groupLabels":{"job":"api"},"commonLabels":{"alertname":"HighLatency","job":"api",)"
            R"("severity":"page"},"commonAnnotations":{"summary":"Latency high"},)"
            R"("externalURL":"http://am:9093","version":"4","groupKey":"{}:{job=\"api\"}",)"
            R"("truncatedAlerts":0})"
            "\n");

  Receiver r2 = ParseReceiver("  webhook_configs:\n  - url: 'http://hook/'\n    max_alerts: 1\n");
  auto req2 = BuildWebhookRequest(r2.webhook_configs.at(0), *Defaults(), Fixture());
  REQUIRE(req2.ok());
  CHECK(req2->body == std::string(R"({"receiver":"team-x","status":"firing","alerts":[)") + kAlert1Json +
                          R"(],"groupLabels":{"job":"api"},"commonLabels":{"alertname":"HighLatency",)"
                          R"("instance":"a:9100","job":"api","severity":"page"},"commonAnnotations":)"
                          R"({"summary":"Latency high"},"externalURL":"http://am:9093","version":"4",)"
                          R"("groupKey":"{}:{job=\"api\"}","truncatedAlerts":1})"
                          "\n");

  WebhookConfig empty = r.webhook_configs.at(0);
  empty.url = "{{ if false }}x{{ end }}";
  auto bad = BuildWebhookRequest(empty, *Defaults(), Fixture());
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() == "webhook URL is empty after templating");
}

TEST_CASE("slack attachment payload with the defaults", "[alerter][notify]") {
  Receiver r = ParseReceiver("  slack_configs:\n  - api_url: 'http://slack/hook'\n    channel: '#ops'\n");
  auto req = BuildSlackRequest(r.slack_configs.at(0), *Defaults(), Fixture());
  REQUIRE(req.ok());
  CHECK(req->url == "http://slack/hook");
  CHECK(
      req->body ==
      R"~({"channel":"#ops","username":"Alertmanager","attachments":[{"title":"[FIRING:1] api (HighLatency page)",)~"
      R"("title_link":"http://am:9093/#/alerts?receiver=team-x","text":"","fallback":"[FIRING:1] api (HighLatency )"
      R"(page) | http://am:9093/#/alerts?receiver=team-x","callback_id":"","footer":"","color":"danger",)"
      R"("mrkdwn_in":["fallback","pretext","text"]}]})"
      "\n");
  CHECK(req->slack_response);
  CHECK(req->headers.empty());
  SlackConfig app = r.slack_configs.at(0);
  app.app_token = "xoxb-1";
  auto app_req = BuildSlackRequest(app, *Defaults(), Fixture());
  REQUIRE(app_req.ok());
  CHECK(app_req->headers ==
        std::vector<std::pair<std::string, std::string>>{{"Authorization", "Bearer xoxb-1"}});
  CHECK(TruncateRunes("héllo", 4) == "hél\xe2\x80\xa6");
  CHECK(TruncateRunes("héllo", 5) == "héllo");
}

TEST_CASE("discord, msteams and telegram payloads", "[alerter][notify]") {
  Receiver r = ParseReceiver(
      "  discord_configs:\n  - webhook_url: 'http://discord/x'\n"
      "  msteams_configs:\n  - webhook_url: 'http://teams/x'\n"
      "  telegram_configs:\n  - bot_token: 'TOKEN'\n    chat_id: 42\n    api_url: 'http://tg'\n");
  NotificationData d = Fixture();
  std::string msg =
      "\n\nAlerts Firing:\n" + std::string(kList1) + "\n\n\nAlerts Resolved:\n" + kList2 + "\n\n";
  std::string msg_json;
  json::AppendString(msg_json, msg);

  auto disc = BuildDiscordRequest(r.discord_configs.at(0), *Defaults(), d);
  REQUIRE(disc.ok());
  CHECK(disc->url == "http://discord/x");
  CHECK(disc->body ==
        R"~({"content":"","embeds":[{"title":"[FIRING:1] api (HighLatency page)","description":)~" +
            msg_json +
            R"(,"color":10038562}]})"
            "\n");

  auto teams = BuildMSTeamsRequest(r.msteams_configs.at(0), *Defaults(), d);
  REQUIRE(teams.ok());
  CHECK(teams->body.rfind(
            R"({"@context":"http://schema.org/extensions","type":"MessageCard","title":"[FIRING:1] api)",
            0) == 0);
  CHECK(teams->body.find(
            R"~("summary":"[FIRING:1] api (HighLatency page)","text":"\n\n# Alerts Firing:\n\nLabels:)~") !=
        std::string::npos);
  CHECK(teams->body.find(R"(,"themeColor":"8C1A1A"})") != std::string::npos);

  auto tg = BuildTelegramRequest(r.telegram_configs.at(0), *Defaults(), d);
  REQUIRE(tg.ok());
  CHECK(tg->url == "http://tg/botTOKEN/sendMessage");
  CHECK(tg->retry_all_failures);
  CHECK(tg->body == R"({"chat_id":"42","disable_web_page_preview":"true","parse_mode":"HTML","text":)" +
                        msg_json + "}\n");
}

TEST_CASE("pagerduty events v2 and v1", "[alerter][notify]") {
  Receiver r = ParseReceiver(
      "  pagerduty_configs:\n  - routing_key: 'rk'\n    url: 'http://pd/v2'\n"
      "  - service_key: 'sk'\n");
  NotificationData d = Fixture();
  const std::string hash = "3c6f6b81d4e9347da42049f1c7c2e7eedff4a6fbc71dc9d88aa37e702e002e19";
  CHECK(GroupKeyHash(d.group_key) == hash);
  std::string firing;
  json::AppendString(firing, std::string("[") + kAlert1Json + "]");
  std::string resolved;
  json::AppendString(resolved, std::string("[") + kAlert2Json + "]");
  auto v2 = BuildPagerdutyRequest(r.pagerduty_configs.at(0), *Defaults(), d);
  REQUIRE(v2.ok());
  CHECK(v2->url == "http://pd/v2");
  CHECK(v2->retry_codes == std::vector<int>{429});
  CHECK(v2->body ==
        R"({"routing_key":"rk","dedup_key":")" + hash +
            R"~(","event_action":"trigger","payload":{"summary":"[FIRING:1] api (HighLatency page)",)~"
            R"("source":"Alertmanager","severity":"error","custom_details":{"firing":)" +
            firing + R"(,"num_firing":"1","num_resolved":"1","resolved":)" + resolved +
            R"(}},"client":"Alertmanager","client_url":"http://am:9093/#/alerts?receiver=team-x"})"
            "\n");

  NotificationData res =
      MakeNotificationData("team-x", {{"job", "api"}}, {d.alerts[1]}, d.external_url, d.group_key);
  auto v1 = BuildPagerdutyRequest(r.pagerduty_configs.at(1), *Defaults(), res);
  REQUIRE(v1.ok());
  CHECK(v1->url == "https://events.pagerduty.com/generic/2010-04-15/create_event.json");
  CHECK(v1->body.rfind(
            R"({"service_key":"sk","incident_key":")" + hash +
                R"~(","event_type":"resolve","description":"[RESOLVED] api (HighLatency b:9100 page)",)~"
                R"("event_action":"","payload":null,"details":{"firing":"[]",)",
            0) == 0);
}

TEST_CASE("email message", "[alerter][notify]") {
  Receiver r = ParseReceiver(
      "  email_configs:\n  - to: 'Ops <ops@example.com>, dev@example.com'\n    from: 'am@example.com'\n"
      "    smarthost: 'localhost:25'\n    text: '{{ .Status }} = ünïcode {{ len .Alerts }}'\n"
      "    headers:\n      subject: 'Süb {{ .Status }}'\n");
  EmailEnvironment env{kT0, "host.local", 7, "b0undary"};
  auto m = BuildEmailMessage(r.email_configs.at(0), *Defaults(), Fixture(), env);
  INFO(m.status().ToString());
  REQUIRE(m.ok());
  CHECK(m->from == "am@example.com");
  CHECK(m->to == std::vector<std::string>{"ops@example.com", "dev@example.com"});
  const std::string head =
      "From: am@example.com\r\n"
      "Subject: =?utf-8?q?S=C3=BCb_firing?=\r\n"
      "To: Ops <ops@example.com>, dev@example.com\r\n"
      "Message-Id: <1704164645500000000.7@host.local>\r\n"
      "Date: Tue, 02 Jan 2024 03:04:05 +0000\r\n"
      "Content-Type: multipart/alternative;  boundary=b0undary\r\n"
      "MIME-Version: 1.0\r\n\r\n"
      "--b0undary\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n"
      "Content-Type: text/plain; charset=UTF-8\r\n\r\n"
      "firing =3D =C3=BCn=C3=AFcode 2\r\n"
      "--b0undary\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n"
      "Content-Type: text/html; charset=UTF-8\r\n\r\n"
      "<!DOCTYPE html>\r\n";
  CHECK(m->data.substr(0, head.size()) == head);
  CHECK(m->data.size() > head.size() + 20);
  CHECK(m->data.substr(m->data.size() - 16) == "\r\n--b0undary--\r\n");
  CHECK(m->data.find("<title>[FIRING:1] api (HighLatency page)</title>") != std::string::npos);

  EmailConfig bad = r.email_configs.at(0);
  bad.from = "a@x, b@y";
  auto e = BuildEmailMessage(bad, *Defaults(), Fixture(), env);
  REQUIRE_FALSE(e.ok());
  CHECK(e.status().message() == "must be exactly one 'from' address (got: 2)");
}

TEST_CASE("quoted-printable and Q-encoding as Go", "[alerter][notify]") {
  CHECK(QuotedPrintable("a=b \nc\td  ") == "a=3Db=20\r\nc\td =20");
  CHECK(QuotedPrintable(std::string(80, 'x')) == std::string(75, 'x') + "=\r\n" + std::string(5, 'x'));
  CHECK(QuotedPrintable("x\r\ny") == "x\r\ny");
  CHECK(MimeQEncode("plain text") == "plain text");
  CHECK(MimeQEncode("a_b ü?") == "=?utf-8?q?a=5Fb_=C3=BC=3F?=");
  std::string long_value(100, 0);
  for (size_t i = 0; i < long_value.size(); ++i) long_value[i] = i % 2 ? 'a' : '\x01';
  std::string enc = MimeQEncode(long_value);
  CHECK(enc.find("?= =?utf-8?q?") != std::string::npos);
}

}  // namespace
}  // namespace ember::alerter
