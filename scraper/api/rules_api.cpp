#include "api/rules_api.h"

#include <openssl/sha.h>

#include <chrono>
#include <set>
#include <string>
#include <utility>

#include "api/api_params.h"
#include "api/api_response.h"
#include "api/query_json.h"
#include "ember/base/strings.h"
#include "ember/base/time.h"

namespace ember::scraper {
namespace {

// Go's zero time.Time as encoding/json writes it.
constexpr char kZeroTime[] = "0001-01-01T00:00:00Z";

void AppendKey(std::string& out, std::string_view key) {
  AppendJsonString(out, key);
  out += ':';
}

void AppendTime(std::string& out, std::string_view key, int64_t ms) {
  AppendKey(out, key);
  AppendJsonString(out, ms == 0 ? std::string(kZeroTime) : FormatRfc3339Nano(ms * 1'000'000));
}

void AppendLabels(std::string& out, std::string_view key, const Labels& labels) {
  AppendKey(out, key);
  out += '{';
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ',';
    AppendKey(out, labels[i].name);
    AppendJsonString(out, labels[i].value);
  }
  out += '}';
}

void AppendSeconds(std::string& out, std::string_view key, double seconds) {
  AppendKey(out, key);
  AppendJsonNumber(out, seconds);
}

double Seconds(Milliseconds d) { return static_cast<double>(d.count()) / 1e3; }
double Seconds(std::chrono::nanoseconds d) { return static_cast<double>(d.count()) / 1e9; }

// One alert as upstream's rulesAlertsToAPIAlerts shows it.
void AppendAlert(std::string& out, const rules::Alert& a) {
  out += '{';
  AppendLabels(out, "labels", a.labels);
  out += ',';
  AppendLabels(out, "annotations", a.annotations);
  out += ',';
  AppendKey(out, "state");
  AppendJsonString(out, rules::AlertStateName(a.state));
  out += ',';
  AppendTime(out, "activeAt", a.active_at);
  if (a.keep_firing_since != 0) {
    out += ',';
    AppendTime(out, "keepFiringSince", a.keep_firing_since);
  }
  out += ',';
  AppendKey(out, "value");
  AppendJsonString(out, FormatFloat(a.value, 'e'));
  out += '}';
}

bool MatchesAny(const std::vector<std::vector<tsdb::Matcher>>& sets, const Labels& labels) {
  if (sets.empty()) return true;
  for (const std::vector<tsdb::Matcher>& set : sets) {
    bool all = true;
    for (const tsdb::Matcher& m : set) {
      if (!m.Matches(labels.Get(m.name()))) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

std::set<std::string> AsSet(std::vector<std::string> values) {
  return std::set<std::string>(std::make_move_iterator(values.begin()),
                               std::make_move_iterator(values.end()));
}

}  // namespace

std::string RuleGroupToken(std::string_view file, std::string_view name) {
  const std::string key = std::string(file) + ";" + std::string(name);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * SHA256_DIGEST_LENGTH);
  for (unsigned char b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 0xf];
  }
  return out;
}

std::vector<RulesApi::Route> RulesApi::Routes() {
  return {
      {"/api/v1/rules", &RulesApi::Rules},
      {"/api/v1/alerts", &RulesApi::Alerts},
      {"/api/v1/alertmanagers", &RulesApi::Alertmanagers},
  };
}

http::Response RulesApi::Rules(http::Request& request) {
  Result<http::Params> form = request.Form();
  if (!form.ok()) {
    return ApiError(ApiErrorType::kBadData, "error parsing form values: " + form.status().message());
  }
  Result<http::Params> url_query = request.Query();
  if (!url_query.ok()) return ApiError(ApiErrorType::kBadData, url_query.status().message());
  const std::set<std::string> rule_names = AsSet(form->GetAll("rule_name[]"));
  const std::set<std::string> group_names = AsSet(form->GetAll("rule_group[]"));
  const std::set<std::string> files = AsSet(form->GetAll("file[]"));
  auto matcher_sets = ParseApiMatchers(form->GetAll("match[]"));
  if (!matcher_sets.ok()) return ApiError(ApiErrorType::kBadData, matcher_sets.status().message());

  const std::string type = ToLower(url_query->Get("type"));
  if (!type.empty() && type != "alert" && type != "record") {
    return InvalidParamError(Status::InvalidArgument("not supported value " + GoQuote(type)), "type");
  }
  const bool want_alerting = type.empty() || type == "alert";
  const bool want_recording = type.empty() || type == "record";

  bool exclude_alerts = false;
  if (const std::string v = ToLower(url_query->Get("exclude_alerts")); !v.empty()) {
    std::optional<bool> parsed = ParseBool(v);
    if (!parsed) {
      return InvalidParamError(
          Status::InvalidArgument("error converting exclude_alerts: strconv.ParseBool: parsing " +
                                  GoQuote(v) + ": invalid syntax"),
          "exclude_alerts");
    }
    exclude_alerts = *parsed;
  }

  int64_t max_groups = -1;
  const std::string next_token(url_query->Get("group_next_token"));
  const std::string group_limit(url_query->Get("group_limit"));
  if (!next_token.empty() && group_limit.empty()) {
    return InvalidParamError(
        Status::InvalidArgument("group_limit needs to be present in order to paginate over the groups"),
        "group_next_token");
  }
  if (!group_limit.empty()) {
    Result<int64_t> parsed = GoAtoi(group_limit);
    if (parsed.ok() && (*parsed > INT32_MAX || *parsed < INT32_MIN)) {
      parsed = Status::InvalidArgument("strconv.ParseInt: parsing " + GoQuote(group_limit) +
                                       ": value out of range");
    }
    if (!parsed.ok()) {
      std::string message = parsed.status().message();
      if (message.starts_with("strconv.Atoi")) message.replace(0, 12, "strconv.ParseInt");
      return InvalidParamError(Status::InvalidArgument("group_limit needs to be a valid number: " + message),
                               "group_limit");
    }
    if (*parsed <= 0) {
      return InvalidParamError(Status::InvalidArgument("group_limit needs to be greater than 0"),
                               "group_limit");
    }
    max_groups = *parsed;
  }

  std::string data = "{\"groups\":[";
  std::string group_next_token;
  bool found_token = false;
  int64_t groups_written = 0;
  const std::vector<rules::GroupStatus> groups =
      rules_ != nullptr ? rules_->GroupStatuses() : std::vector<rules::GroupStatus>{};
  for (const rules::GroupStatus& g : groups) {
    if (max_groups > 0 && !next_token.empty() && !found_token) {
      if (next_token != RuleGroupToken(g.file, g.name)) continue;
      found_token = true;
    }
    if (!group_names.empty() && !group_names.contains(g.name)) continue;
    if (!files.empty() && !files.contains(g.file)) continue;

    std::string rules_json;
    bool any_rule = false;
    for (const rules::RuleStatus& r : g.rules) {
      if (!MatchesAny(*matcher_sets, r.labels)) continue;
      if (!rule_names.empty() && !rule_names.contains(r.name)) continue;
      const bool alerting = r.type == rules::RuleType::kAlerting;
      if (alerting ? !want_alerting : !want_recording) continue;
      if (any_rule) rules_json += ',';
      any_rule = true;
      rules_json += '{';
      if (alerting) {
        AppendKey(rules_json, "state");
        AppendJsonString(rules_json, rules::AlertStateName(r.state == rules::AlertState::kUnknown
                                                               ? rules::AlertState::kInactive
                                                               : r.state));
        rules_json += ',';
      }
      AppendKey(rules_json, "name");
      AppendJsonString(rules_json, r.name);
      rules_json += ',';
      AppendKey(rules_json, "query");
      AppendJsonString(rules_json, r.query);
      rules_json += ',';
      if (alerting) {
        AppendSeconds(rules_json, "duration", Seconds(r.for_duration));
        rules_json += ',';
        AppendSeconds(rules_json, "keepFiringFor", Seconds(r.keep_firing_for));
        rules_json += ',';
      }
      AppendLabels(rules_json, "labels", r.labels);
      rules_json += ',';
      if (alerting) {
        AppendLabels(rules_json, "annotations", r.annotations);
        rules_json += ",\"alerts\":";
        if (exclude_alerts) {
          rules_json += "null";
        } else {
          rules_json += '[';
          for (size_t i = 0; i < r.active_alerts.size(); ++i) {
            if (i > 0) rules_json += ',';
            AppendAlert(rules_json, r.active_alerts[i]);
          }
          rules_json += ']';
        }
        rules_json += ',';
      }
      AppendKey(rules_json, "health");
      AppendJsonString(rules_json, rules::RuleHealthName(r.health));
      rules_json += ',';
      if (!r.last_error.empty()) {
        AppendKey(rules_json, "lastError");
        AppendJsonString(rules_json, r.last_error);
        rules_json += ',';
      }
      AppendSeconds(rules_json, "evaluationTime", Seconds(r.evaluation_time));
      rules_json += ',';
      AppendTime(rules_json, "lastEvaluation", r.last_evaluation);
      rules_json += ',';
      AppendKey(rules_json, "type");
      AppendJsonString(rules_json, alerting ? "alerting" : "recording");
      rules_json += '}';
    }
    // A group whose rules were all filtered out is left out.
    if (!any_rule) continue;
    if (max_groups > 0 && groups_written == max_groups) {
      group_next_token = RuleGroupToken(g.file, g.name);
      break;
    }
    if (groups_written > 0) data += ',';
    ++groups_written;
    data += '{';
    AppendKey(data, "name");
    AppendJsonString(data, g.name);
    data += ',';
    AppendKey(data, "file");
    AppendJsonString(data, g.file);
    data += ",\"rules\":[";
    data += rules_json;
    data += "],";
    AppendSeconds(data, "interval", Seconds(g.interval));
    data += ",\"limit\":";
    data += std::to_string(g.limit);
    data += ',';
    AppendSeconds(data, "evaluationTime", Seconds(g.evaluation_time));
    data += ',';
    AppendTime(data, "lastEvaluation", g.last_evaluation);
    data += '}';
  }
  if (max_groups > 0 && !next_token.empty() && !found_token) {
    return InvalidParamError(
        Status::InvalidArgument("invalid group_next_token '" + next_token + "'. were rule groups changed?"),
        "group_next_token");
  }
  data += ']';
  if (!group_next_token.empty()) {
    data += ',';
    AppendKey(data, "groupNextToken");
    AppendJsonString(data, group_next_token);
  }
  data += '}';
  return ApiSuccess(data);
}

http::Response RulesApi::Alerts(http::Request&) {
  std::string data = "{\"alerts\":[";
  bool first = true;
  if (rules_ != nullptr) {
    for (const rules::GroupStatus& g : rules_->GroupStatuses()) {
      for (const rules::RuleStatus& r : g.rules) {
        for (const rules::Alert& a : r.active_alerts) {
          if (!first) data += ',';
          first = false;
          AppendAlert(data, a);
        }
      }
    }
  }
  data += "]}";
  return ApiSuccess(data);
}

http::Response RulesApi::Alertmanagers(http::Request&) {
  std::string data = "{\"activeAlertmanagers\":[";
  auto append_urls = [&data](const std::vector<std::string>& urls) {
    for (size_t i = 0; i < urls.size(); ++i) {
      if (i > 0) data += ',';
      data += "{\"url\":";
      AppendJsonString(data, urls[i]);
      data += '}';
    }
  };
  if (notifier_ != nullptr) append_urls(notifier_->Alertmanagers());
  data += "],\"droppedAlertmanagers\":[";
  if (notifier_ != nullptr) append_urls(notifier_->DroppedAlertmanagers());
  data += "]}";
  return ApiSuccess(data);
}

}  // namespace ember::scraper
