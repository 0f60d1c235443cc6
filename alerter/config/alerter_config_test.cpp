#include "config/alerter_config.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace ember::alerter {
namespace {

constexpr const char* kTestdata = EMBER_ALERTMANAGER_TESTDATA;

// What upstream's config_test.go expects of each file in config/testdata:
// "" when the file must load, otherwise the text the error must contain
// (upstream compares whole messages; ours add "line N: " and the path).
const std::map<std::string, std::string>& Expectations() {
  static const std::map<std::string, std::string> m = {
      {"conf.good.yml", ""},
      {"conf.empty-fields.yml", ""},
      {"conf.http-config.good.yml", ""},
      {"conf.group-by-all.yml", ""},
      {"conf.smtp-no-username-or-password.yml", ""},
      {"conf.smtp-password-global-and-local.yml", ""},
      {"conf.smtp-both-password-and-file.yml",
       "at most one of smtp_auth_password & smtp_auth_password_file must be configured"},
      {"conf.victorops-default-apikey.yml", ""},
      {"conf.victorops-default-apikey-file.yml", ""},
      {"conf.victorops-both-file-and-apikey.yml",
       "at most one of victorops_api_key & victorops_api_key_file must be configured"},
      {"conf.victorops-no-apikey.yml", "no global VictorOps API Key set"},
      {"conf.telegram-default-bot-token.yml", ""},
      {"conf.telegram-default-bot-token-file.yml", ""},
      {"conf.telegram-both-bot-token-and-file.yml",
       "at most one of telegram_bot_token & telegram_bot_token_file must be configured"},
      {"conf.telegram-valid-receiver-both-bot-token-and-file.yml",
       "at most one of telegram_bot_token & telegram_bot_token_file must be configured"},
      {"conf.telegram-no-bot-token.yml", "missing bot_token or bot_token_file on telegram_config"},
      {"conf.opsgenie-default-apikey.yml", ""},
      {"conf.opsgenie-default-apikey-file.yml", ""},
      {"conf.opsgenie-both-file-and-apikey.yml",
       "at most one of opsgenie_api_key & opsgenie_api_key_file must be configured"},
      {"conf.opsgenie-no-apikey.yml", "no global OpsGenie API Key set either inline or in a file"},
      {"conf.opsgenie-default-apikey-old-team.yml", "line 16: field teams not found in type opsgenie.plain"},
      {"conf.slack-default-app-token.yml", ""},
      {"conf.slack-default-api-url-file.yml", ""},
      {"conf.slack-both-file-and-url.yml",
       "at most one of slack_api_url & slack_api_url_file must be configured"},
      {"conf.slack-both-file-and-token.yml",
       "at most one of slack_app_token & slack_app_token_file must be configured"},
      {"conf.slack-both-url-and-token.yml",
       "at most one of slack_app_token/slack_app_token_file & slack_api_url/slack_api_url_file must be "
       "configured"},
      {"conf.slack-update-message-and-webhook.yml",
       "update_message can only be used with bot tokens. api_url must be set to "
       "https://slack.com/api/chat.postMessage"},
      {"conf.slack-no-api-url-or-token.yml", "no Slack API URL nor App token set either inline or in a file"},
      {"conf.sns-topic-arn.yml", ""},
      {"conf.sns-invalid.yml", "must provide either a Target ARN, Topic ARN, or Phone Number for SNS config"},
      {"conf.rocketchat-default-token.yml", ""},
      {"conf.rocketchat-default-token-file.yml", ""},
      {"conf.rocketchat-both-token-and-tokenfile.yml",
       "at most one of rocketchat_token & rocketchat_token_file must be configured"},
      {"conf.rocketchat-both-tokenid-and-tokenidfile.yml",
       "at most one of rocketchat_token_id & rocketchat_token_id_file must be configured"},
      {"conf.rocketchat-no-token.yml", "no global Rocketchat Token set either inline or in a file"},
      {"conf.wechat-default-api-secret-file.yml", ""},
      {"conf.wechat-both-file-and-secret.yml",
       "at most one of wechat_api_secret & wechat_api_secret_file must be configured"},
      {"conf.wechat-no-api-secret.yml", "no global Wechat Api Secret set either inline or in a file"},
      {"conf.mattermost-default-webhook-url.yml", ""},
      {"conf.mattermost-default-webhook-url-file.yml", ""},
      {"conf.mattermost-both-webhook-url-and-file.yml",
       "at most one of mattermost_webhook_url & mattermost_webhook_url_file must be configured"},
      {"conf.mattermost-valid-receiver-both-webhook-url-and-file.yml",
       "at most one of mattermost_webhook_url & mattermost_webhook_url_file must be configured"},
      {"conf.mattermost-no-webhook-url.yml", "missing webhook_url or webhook_url_file on mattermost_config"},
      {"conf.nil-match_re-route.yml", "invalid_label"},
      {"conf.nil-source_match_re-inhibition.yml", "invalid_source_label"},
      {"conf.nil-target_match_re-inhibition.yml", "invalid_target_label"},
  };
  return m;
}

bool TestdataPresent() {
  if (std::filesystem::is_directory(kTestdata)) return true;
  WARN("skipped: " << kTestdata << " is absent (the reference test data is not checked out)");
  return false;
}

std::string Load(const std::string& name) { return std::string(kTestdata) + "/" + name; }

TEST_CASE("upstream testdata: every file loads or fails as upstream's tests expect", "[alerter][config]") {
  if (!TestdataPresent()) return;
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kTestdata)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".yml") continue;
    ++files;
    INFO(name);
    auto it = Expectations().find(name);
    if (it == Expectations().end()) {
      FAIL("no expectation recorded for " << name);
      continue;
    }
    Result<AlerterConfig> c = LoadAlerterConfig(entry.path().string());
    if (it->second.empty()) {
      CHECK(c.ok());
      if (!c.ok()) WARN(c.status().message());
    } else {
      REQUIRE_FALSE(c.ok());
      CHECK_THAT(c.status().message(), Catch::Matchers::Contains(it->second));
    }
  }
  CHECK(files == static_cast<int>(Expectations().size()));
}

TEST_CASE("upstream testdata: conf.good.yml decodes with inherited settings", "[alerter][config]") {
  if (!TestdataPresent()) return;
  Result<AlerterConfig> c = LoadAlerterConfig(Load("conf.good.yml"));
  REQUIRE(c.ok());
  CHECK(c->global.resolve_timeout == Milliseconds(5 * 60 * 1000));
  CHECK(c->global.smtp_hello == "host.example.org");
  CHECK(c->global.http_config.proxy_url == "http://127.0.0.1:1025");
  CHECK(c->global.pagerduty_url == "https://events.pagerduty.com/v2/enqueue");
  CHECK(c->global.telegram_api_url == "https://api.telegram.org");
  REQUIRE(c->templates.size() == 1);
  CHECK(c->templates[0] == "/etc/alertmanager/template/*.tmpl");

  const Route& root = c->route;
  CHECK(root.receiver == "team-X-mails");
  CHECK(root.group_by == std::vector<std::string>{"alertname", "cluster", "service"});
  CHECK(root.repeat_interval == Milliseconds(3 * 3600 * 1000));
  REQUIRE(root.routes.size() == 3);
  const Route& first = root.routes[0];
  REQUIRE(first.matchers.size() == 1);
  CHECK(first.matchers[0].type() == MatchType::kRegexp);
  CHECK(first.matchers[0].Matches("foo1"));
  CHECK_FALSE(first.matchers[0].Matches("foo3"));
  CHECK(first.repeat_interval == Milliseconds(3 * 3600 * 1000));  // inherited
  CHECK(first.group_by == root.group_by);
  const Route& db = root.routes[2];
  CHECK(db.group_by == std::vector<std::string>{"alertname", "cluster", "database"});
  REQUIRE(db.routes.size() == 2);
  CHECK(db.routes[0].continue_matching);
  CHECK(db.routes[0].group_by == db.group_by);

  REQUIRE(c->inhibit_rules.size() == 1);
  CHECK(c->inhibit_rules[0].equal == std::vector<std::string>{"alertname", "cluster", "service"});
  CHECK(c->inhibit_rules[0].source_matchers[0].String() == "severity=\"critical\"");

  REQUIRE(c->receivers.size() == 9);
  const EmailConfig& email = c->receivers[0].email_configs.at(0);
  CHECK(email.smarthost.String() == "localhost:25");
  CHECK(email.from == "alertmanager@example.org");
  CHECK(email.hello == "host.example.org");
  CHECK(email.auth_password == "multiline\nmysecret");
  CHECK(email.require_tls);
  CHECK_FALSE(email.send_resolved);
  CHECK(email.html == R"({{ template "email.default.html" . }})");
  const PagerdutyConfig& pd = c->receivers[1].pagerduty_configs.at(0);
  CHECK(pd.url == "https://events.pagerduty.com/v2/enqueue");
  CHECK(pd.routing_key == "mysecret");
  CHECK(pd.details.count("num_firing") == 1);
  const SlackConfig& slack = c->receivers[8].slack_configs.at(0);
  CHECK(slack.api_url == "http://mysecret.example.com/");
  CHECK(c->receivers[6].unsupported_integrations.at("opsgenie_configs") == 1);
  CHECK(c->receivers[0].labels.at("name") == "team-X-mails");
}

TEST_CASE("upstream testdata: group by all, http config, SMTP credentials", "[alerter][config]") {
  if (!TestdataPresent()) return;
  Result<AlerterConfig> all = LoadAlerterConfig(Load("conf.group-by-all.yml"));
  REQUIRE(all.ok());
  CHECK(all->route.group_by_all);
  CHECK(all->route.group_by.empty());

  Result<AlerterConfig> http = LoadAlerterConfig(Load("conf.http-config.good.yml"));
  REQUIRE(http.ok());
  CHECK_FALSE(http->global.http_config.client.follow_redirects);

  Result<AlerterConfig> smtp = LoadAlerterConfig(Load("conf.smtp-password-global-and-local.yml"));
  REQUIRE(smtp.ok());
  const auto& e = smtp->receivers.at(0).email_configs;
  REQUIRE(e.size() == 5);
  CHECK(e[0].auth_username == "globaluser");
  CHECK(e[0].auth_password_file == "/tmp/globaluserpassword");
  CHECK(e[0].auth_secret_file == "/tmp/globalusersecret");
  CHECK(e[1].auth_password_file == "/tmp/localuser1password");
  CHECK(e[1].auth_password.empty());
  CHECK(e[2].auth_password == "mysecret");
  CHECK(e[2].auth_password_file.empty());
  CHECK(e[3].auth_secret == "myprecious");
  CHECK(e[3].auth_secret_file.empty());
  CHECK(e[3].auth_password_file == "/tmp/globaluserpassword");

  Result<AlerterConfig> tg = LoadAlerterConfig(Load("conf.telegram-default-bot-token.yml"));
  REQUIRE(tg.ok());
  CHECK(tg->receivers[0].telegram_configs[0].bot_token == "asd132");
  CHECK(tg->receivers[1].telegram_configs[0].bot_token == "qwe456");

  Result<AlerterConfig> app = LoadAlerterConfig(Load("conf.slack-default-app-token.yml"));
  REQUIRE(app.ok());
  const auto& s = app->receivers[0].slack_configs;
  REQUIRE(s.size() == 5);
  CHECK(s[0].app_token == "xoxb-1234-abcdefgh");
  CHECK(s[0].api_url == "https://slack.com/api/chat.postMessage");
  REQUIRE(s[0].http_config.client.authorization.has_value());
  CHECK(s[0].http_config.client.authorization->credentials == "xoxb-1234-abcdefgh");
  CHECK(s[1].app_token == "xoxb-1234-xxxxxx");
  CHECK(s[2].api_url == "http://api.fakeslack.example/");
  CHECK(s[3].app_token.empty());
  CHECK(s[3].http_config.client.authorization->credentials == "xoxb-my-bot-token");
  CHECK(s[4].app_token.empty());
  CHECK(s[4].api_url == "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX");
}

// Inline cases from upstream's config_test.go.
struct InlineCase {
  const char* yaml;
  const char* error;  // "" when the config must load
};

TEST_CASE("inline configs fail with upstream's messages", "[alerter][config]") {
  const InlineCase cases[] = {
      {"", "no route provided in config"},
      {"route:\n  group_wait: 30s\nreceivers:\n- name: a\n", "root route must specify a default receiver"},
      {"route:\n  receiver: team-X\nreceivers:\n- name: team-X\n- name: team-X\n",
       "notification config name \"team-X\" is not unique"},
      {"route:\n  receiver: team-X\nreceivers:\n- name: team-Y\n",
       "undefined receiver \"team-X\" used in route"},
      {"route:\n  receiver: a\n  routes:\n  - routes:\n    - receiver: nonexistent\nreceivers:\n- name: a\n",
       "undefined receiver \"nonexistent\" used in route"},
      {"route:\n  receiver: a\nreceivers:\n- email_configs: []\n", "missing name in receiver"},
      {"route:\n  receiver: team-X\nreceivers:\n- name: team-X\n  labels:\n    name: different-name\n",
       "receiver label \"name\" must match receiver name \"team-X\", got \"different-name\""},
      {"route:\n  receiver: a\n  routes:\n  - receiver: a\n    mute_time_intervals: [business_hours]\n"
       "receivers:\n- name: a\n",
       "undefined time interval \"business_hours\" used in route"},
      {"route:\n  receiver: a\n  routes:\n  - receiver: a\n    active_time_intervals: [business_hours]\n"
       "receivers:\n- name: a\n",
       "undefined time interval \"business_hours\" used in route"},
      {"route:\n  receiver: a\nreceivers:\n- name: a\ntime_intervals:\n- time_intervals:\n  - times:\n"
       "    - start_time: '09:00'\n      end_time: '17:00'\n",
       "missing name in time interval"},
      {"route:\n  receiver: a\nreceivers:\n- name: a\nmute_time_intervals:\n- name: duplicate\n"
       "  time_intervals: []\n- name: duplicate\n  time_intervals: []\n",
       "mute time interval \"duplicate\" is not unique"},
      {"route:\n  receiver: a\n  group_by: [cluster, cluster]\nreceivers:\n- name: a\n",
       "duplicated label \"cluster\" in group_by"},
      {"route:\n  receiver: a\n  group_by: [cluster, '...']\nreceivers:\n- name: a\n",
       "cannot have wildcard group_by (`...`) and other labels at the same time"},
      {"receivers:\n- name: a\n", "no routes provided"},
      {"route:\n  receiver: a\n  mute_time_intervals: [x]\nreceivers:\n- name: a\ntime_intervals:\n- name: "
       "x\n",
       "root route must not have any mute time intervals"},
      {"route:\n  receiver: a\n  active_time_intervals: [x]\nreceivers:\n- name: a\ntime_intervals:\n- name: "
       "x\n",
       "root route must not have any active time intervals"},
      {"route:\n  receiver: a\n  matchers: ['foo=bar']\nreceivers:\n- name: a\n",
       "root route must not have any matchers"},
      {"route:\n  receiver: a\n  match: {foo: bar}\nreceivers:\n- name: a\n",
       "root route must not have any matchers"},
      {"route:\n  receiver: a\n  continue: true\nreceivers:\n- name: a\n",
       "cannot have continue in root route"},
      {"route:\n  receiver: a\n  group_interval: 0s\nreceivers:\n- name: a\n",
       "group_interval cannot be zero"},
      {"route:\n  receiver: a\n  repeat_interval: 0s\nreceivers:\n- name: a\n",
       "repeat_interval cannot be zero"},
      {"route:\n  receiver: a\n  routes:\n  - matchers: ['foo=\"bar']\nreceivers:\n- name: a\n",
       "matcher value contains unescaped double quote: \"bar"},
      {"route:\n  receiver: a\n  routes:\n  - match: {'-x': y}\nreceivers:\n- name: a\n",
       "invalid label name \"-x\""},
      {"route:\n  receiver: a\n  routez: []\nreceivers:\n- name: a\n",
       "field routez not found in type config.plain"},
      {"route:\n  receiver: a\nreceivers:\n- name: a\n  email_configs:\n  - to: x@example.org\n",
       "no global SMTP smarthost set"},
      {"global:\n  smtp_smarthost: 'localhost:25'\nroute:\n  receiver: a\nreceivers:\n- name: a\n  "
       "email_configs:\n"
       "  - to: x@example.org\n",
       "no global SMTP from set"},
      {"global:\n  smtp_smarthost: 'localhost'\nroute:\n  receiver: a\nreceivers:\n- name: a\n",
       "address localhost: missing port in address"},
      {"route:\n  receiver: a\nreceivers:\n- name: a\n  webhook_configs:\n  - send_resolved: true\n",
       "one of url or url_file must be configured"},
      {"route:\n  receiver: a\nreceivers:\n- name: a\n  webhook_configs:\n  - url: ftp://x/\n",
       "invalid URL: unsupported scheme \"ftp\" for URL"},
      {"route:\n  receiver: a\nreceivers:\n- name: a\n  discord_configs:\n  - title: x\n",
       "one of webhook_url or webhook_url_file must be configured"},
      {"route:\n  receiver: a\nreceivers:\n- name: a\n  msteams_configs:\n  - webhook_url: http://x/\n"
       "    webhook_url_file: /f\n",
       "at most one of webhook_url & webhook_url_file must be configured"},
      {"route:\n  receiver: a\nreceivers:\n- name: a\n  pagerduty_configs:\n  - severity: x\n",
       "missing service or routing key in PagerDuty config"},
      {"route:\n  receiver: a\nreceivers:\n- name: a\n  telegram_configs:\n  - bot_token: x\n",
       "missing chat_id or chat_id_file on telegram_config"},
      {"route:\n  receiver: a\nreceivers:\n- name: a\n  telegram_configs:\n  - bot_token: x\n    chat_id: 1\n"
       "    parse_mode: Plain\n",
       "unknown parse_mode on telegram_config"},
      {"route:\n  receiver: a\nreceivers:\n- name: a\n  email_configs:\n  - smarthost: 'h:25'\n    from: "
       "a@b\n",
       "missing to address in email config"},
      {"route:\n  receiver: a\nreceivers:\n- name: a\ntime_intervals:\n- name: x\n  time_intervals:\n"
       "  - weekdays: ['monday:funday']\n",
       "funday is not a valid weekday"},
      {"route:\n  receiver: a\nreceivers:\n- name: a\ntime_intervals:\n- name: x\n  time_intervals:\n"
       "  - times:\n    - start_time: '17:00'\n      end_time: '09:00'\n",
       "start time cannot be equal or greater than end time"},
      {"route:\n  receiver: a\nreceivers:\n- name: a\ntime_intervals:\n- name: x\n  time_intervals:\n"
       "  - location: 'Mars/Olympus'\n",
       "unknown time zone Mars/Olympus"},
      {"route:\n  receiver: a\nreceivers:\n- name: a\ntime_intervals:\n- name: x\n  time_intervals:\n"
       "  - days_of_month: ['-1:5']\n",
       "end day must be negative if start day is negative"},
      {"route:\n  receiver: a\ninhibit_rules:\n- equal: ['']\nreceivers:\n- name: a\n",
       "invalid label name \"\" in equal list"},
  };
  for (const InlineCase& tc : cases) {
    INFO(tc.yaml);
    Result<AlerterConfig> c = ParseAlerterConfig(tc.yaml);
    REQUIRE_FALSE(c.ok());
    CHECK_THAT(c.status().message(), Catch::Matchers::Contains(tc.error));
  }
}

TEST_CASE("routes inherit timing, receivers and grouping; matchers merge and sort", "[alerter][config]") {
  Result<AlerterConfig> c = ParseAlerterConfig(R"(
route:
  receiver: a
  group_by: [alertname]
  group_wait: 10s
  routes:
  - matchers: ['zone=~"eu.*"', 'team="db", env!=prod']
    match: {severity: critical}
    group_interval: 1m
    routes:
    - receiver: b
      group_by: ['...']
      mute_time_intervals: [nights]
      active_time_intervals: [weekdays]
receivers:
- name: a
- name: b
  webhook_configs:
  - url: 'http://127.0.0.1:1/{{ .GroupLabels.x }}'
    max_alerts: 5
    timeout: 1.5s
time_intervals:
- name: weekdays
  time_intervals:
  - weekdays: ['monday:friday']
mute_time_intervals:
- name: nights
  time_intervals:
  - times: [{start_time: '00:00', end_time: '06:00'}]
    location: Europe/Berlin
)");
  REQUIRE(c.ok());
  const Route& root = c->route;
  CHECK(root.group_wait == Milliseconds(10000));
  CHECK(root.group_interval == Milliseconds(5 * 60 * 1000));
  CHECK(root.repeat_interval == Milliseconds(4 * 3600 * 1000));
  const Route& child = root.routes.at(0);
  CHECK(child.receiver == "a");
  CHECK(child.group_wait == Milliseconds(10000));
  CHECK(child.group_interval == Milliseconds(60000));
  CHECK(MatchersString(child.matchers) == R"({env!="prod",severity="critical",team="db",zone=~"eu.*"})");
  const Route& leaf = child.routes.at(0);
  CHECK(leaf.receiver == "b");
  CHECK(leaf.group_by_all);
  CHECK(leaf.group_interval == Milliseconds(60000));
  CHECK(leaf.mute_time_intervals == std::vector<std::string>{"nights"});
  const WebhookConfig& wh = c->receivers.at(1).webhook_configs.at(0);
  CHECK(wh.send_resolved);
  CHECK(wh.max_alerts == 5);
  CHECK(wh.timeout == Nanoseconds(1500000000));
  REQUIRE(c->time_intervals.size() == 2);
  CHECK(c->time_intervals[0].name == "nights");  // deprecated list first
  REQUIRE(c->time_intervals[0].time_intervals.at(0).location != nullptr);
  CHECK(c->time_intervals[0].time_intervals.at(0).location->name() == "Europe/Berlin");
}

TEST_CASE("the embedded default loads", "[alerter][config]") {
  Result<AlerterConfig> c = LoadAlerterConfig("");
  REQUIRE(c.ok());
  CHECK(c->route.receiver == "default");
  CHECK(c->receivers.size() == 1);
}

TEST_CASE("relative paths are joined to the file's directory", "[alerter][config]") {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "ember_alerter_config_test";
  std::filesystem::create_directories(dir);
  {
    std::ofstream out(dir / "am.yml");
    out << "route:\n  receiver: a\nreceivers:\n- name: a\ntemplates: ['t/*.tmpl', '/abs/*.tmpl']\n";
  }
  Result<AlerterConfig> c = LoadAlerterConfig((dir / "am.yml").string());
  std::filesystem::remove_all(dir);
  REQUIRE(c.ok());
  CHECK(c->templates == std::vector<std::string>{(dir / "t/*.tmpl").string(), "/abs/*.tmpl"});
}

}  // namespace
}  // namespace ember::alerter
