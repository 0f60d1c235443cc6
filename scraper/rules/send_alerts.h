// The notify function of ember-scraper's rules: alerts due for sending become
// Alertmanager alerts for the notifier, as Prometheus's server does.
#pragma once

#include <string>

#include "ember/notifier/notifier.h"
#include "ember/rules/alert.h"

namespace ember::scraper {

// startsAt is when the alert fired; endsAt when it resolved, else its
// valid-until time; generatorURL is `external_url` + "/graph?g0.expr=<expr,
// query-escaped>&g0.tab=1". `notifier` outlives the function.
rules::NotifyFunc SendAlertsTo(notifier::Manager& notifier, std::string external_url);

// The generatorURL of an alert of the rule with query `expr`.
std::string GeneratorUrl(std::string_view external_url, std::string_view expr);

}  // namespace ember::scraper
