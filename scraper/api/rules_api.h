// /api/v1/rules, /api/v1/alerts and /api/v1/alertmanagers: what rule
// evaluation and the notifier hold, in Prometheus's shapes.
//
// Without a rules manager the lists are empty, as are the Alertmanager lists
// without a notifier.
//
// Thread-safe: requests are handled concurrently.
#pragma once

#include <string>
#include <vector>

#include "ember/http/request.h"
#include "ember/http/response.h"
#include "ember/notifier/notifier.h"
#include "ember/rules/manager.h"

namespace ember::scraper {

class RulesApi {
 public:
  // Either may be null; both outlive the RulesApi.
  RulesApi(const rules::Manager* rules, const notifier::Manager* notifier)
      : rules_(rules), notifier_(notifier) {}

  // Parameters as Prometheus 3: type=alert|record, rule_name[], rule_group[],
  // file[], match[] (on the rules' labels), exclude_alerts, group_limit and
  // group_next_token.
  http::Response Rules(http::Request&);
  http::Response Alerts(http::Request&);
  http::Response Alertmanagers(http::Request&);

  struct Route {
    std::string path;
    http::Response (RulesApi::*handler)(http::Request&);
  };
  static std::vector<Route> Routes();

 private:
  const rules::Manager* rules_;
  const notifier::Manager* notifier_;
};

// The group_next_token of a group: hex SHA-256 of "file;name", as upstream.
std::string RuleGroupToken(std::string_view file, std::string_view name);

}  // namespace ember::scraper
