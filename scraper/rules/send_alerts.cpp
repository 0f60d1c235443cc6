#include "rules/send_alerts.h"

#include <utility>
#include <vector>

#include "ember/base/strings.h"

namespace ember::scraper {

std::string GeneratorUrl(std::string_view external_url, std::string_view expr) {
  std::string url(external_url);
  url += "/graph?g0.expr=";
  AppendQueryEscaped(url, expr);
  url += "&g0.tab=1";
  return url;
}

rules::NotifyFunc SendAlertsTo(notifier::Manager& notifier, std::string external_url) {
  return [&notifier, external_url = std::move(external_url)](std::string_view expr,
                                                             std::span<const rules::Alert> alerts) {
    if (alerts.empty()) return;
    const std::string generator_url = GeneratorUrl(external_url, expr);
    std::vector<notifier::Alert> out;
    out.reserve(alerts.size());
    for (const rules::Alert& a : alerts) {
      notifier::Alert& n = out.emplace_back();
      n.labels = a.labels;
      n.annotations = a.annotations;
      n.starts_at_ms = a.fired_at;
      n.ends_at_ms = a.resolved_at != 0 ? a.resolved_at : a.valid_until;
      n.generator_url = generator_url;
    }
    notifier.Send(std::move(out));
  };
}

}  // namespace ember::scraper
