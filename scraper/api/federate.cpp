#include "api/federate.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "ember/base/strings.h"
#include "ember/promql/parser.h"
#include "ember/tsdb/sample.h"

namespace ember::scraper {
namespace {

void AppendEscapedLabelValue(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
}

// A sample value as the text format writes it: Go's shortest 'g' form and
// the specials spelled "+Inf", "-Inf", "NaN".
void AppendValue(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    out += FormatFloat(v, 'g');
  }
}

}  // namespace

Federate::Federate(tsdb::Db& db, int64_t lookback_delta_ms, std::function<Labels()> external_labels,
                   Clock& clock)
    : db_(db),
      lookback_delta_ms_(lookback_delta_ms),
      external_labels_(std::move(external_labels)),
      clock_(clock) {}

http::Response Federate::Serve(http::Request& request) {
  Result<http::Params> form = request.Form();
  if (!form.ok()) {
    return http::Response::Text(400, "error parsing form values: " + form.status().message() + "\n");
  }
  const int64_t now = clock_.NowMs();
  tsdb::Querier querier = db_.NewQuerier(now - lookback_delta_ms_, now);
  // The newest sample per series, series in label order.
  std::map<Labels, tsdb::Sample> newest;
  for (const std::string& selector : form->GetAll("match[]")) {
    Result<std::vector<tsdb::Matcher>> matchers = promql::ParseMetricSelector(selector);
    if (!matchers.ok()) {
      return http::Response::Text(400, "error parsing match[]: " + matchers.status().message() + "\n");
    }
    Result<tsdb::SeriesSet> set = querier.Select(*matchers);
    if (!set.ok()) return http::Response::Text(500, "federation failed: " + set.status().message() + "\n");
    while (set->Next()) {
      std::span<const tsdb::Sample> samples = set->samples();
      if (samples.empty() || tsdb::IsStaleNaN(samples.back().v)) continue;
      newest.emplace(set->labels(), samples.back());
    }
    if (!set->status().ok()) {
      return http::Response::Text(500, "federation failed: " + set->status().message() + "\n");
    }
  }

  const Labels external = external_labels_ ? external_labels_() : Labels{};
  std::string body;
  std::string_view family;
  for (const auto& [labels, sample] : newest) {
    std::string_view name = labels.MetricName();
    if (body.empty() || name != family) {
      family = name;
      body += "# TYPE ";
      body += name;
      body += " untyped\n";
    }
    body += name;
    std::vector<Label> pairs;
    pairs.reserve(labels.size() + external.size());
    for (const Label& l : labels) {
      if (l.name != kMetricNameLabel) pairs.push_back(l);
    }
    for (const Label& l : external) {
      if (!labels.Has(l.name)) pairs.push_back(l);
    }
    std::sort(pairs.begin(), pairs.end(), [](const Label& a, const Label& b) { return a.name < b.name; });
    if (!pairs.empty()) {
      body += '{';
      for (size_t i = 0; i < pairs.size(); ++i) {
        if (i > 0) body += ',';
        body += pairs[i].name;
        body += "=\"";
        AppendEscapedLabelValue(body, pairs[i].value);
        body += '"';
      }
      body += '}';
    }
    body += ' ';
    AppendValue(body, sample.v);
    body += ' ';
    body += std::to_string(sample.t);
    body += '\n';
  }
  http::Response response = http::Response::Text(200, std::move(body));
  response.headers.Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  return response;
}

}  // namespace ember::scraper
