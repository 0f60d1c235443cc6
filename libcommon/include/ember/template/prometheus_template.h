// Prometheus's alerting-rule templates: the text/template language with
// Prometheus's template functions (humanize, query, reReplaceAll, ...) and
// the `$labels`, `$externalLabels`, `$externalURL` and `$value` variables.
//
// Thread-safe: every function may be called from many threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "ember/base/labels.h"
#include "ember/base/status.h"
#include "ember/template/value.h"

namespace ember::tmpl {

// One sample of a template `query` result.
struct QuerySample {
  Labels labels;
  double value = 0;
  int64_t timestamp_ms = 0;
};

// Runs a PromQL (or LogQL) instant query at time_ms; a scalar result is one sample with no labels.
using QueryFunc = std::function<Result<std::vector<QuerySample>>(std::string_view query, int64_t time_ms)>;

// What an alerting rule's templates see as `.`: .Labels, .ExternalLabels, .ExternalURL, .Value.
struct AlertTemplateData {
  Labels labels;
  Labels external_labels;
  std::string external_url;
  double value = 0;
};

struct ExpandOptions {
  int64_t time_ms = 0;       // evaluation time (the `query` function's time)
  QueryFunc query;           // may be empty: `query` then fails
  std::string external_url;  // for externalURL, pathPrefix, graphLink, tableLink
};

// clang-format off
// Expands an alerting rule's label or annotation template as Prometheus does: the text is prefixed with
// {{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}
// and executed as template "__alert_<name>". Error: the template error text (the caller formats
// "<error expanding template: ...>").
// clang-format on
//
// The error is Prometheus's Expander error: "error parsing template __alert_<name>: template: ..." or
// "error executing template __alert_<name>: template: ...: error calling query: ...". Parsed templates are
// cached by (name, text), so repeated expansions do not parse again. Thread-safe.
Result<std::string> ExpandAlertTemplate(std::string_view name, std::string_view text,
                                        const AlertTemplateData& data, const ExpandOptions& options);

// Parses only (promtool check rules' template check, with the same prefix). Error: InvalidArgument with Go's
// parse error text.
Status CheckAlertTemplate(std::string_view name, std::string_view text);

// The Prometheus template functions that need nothing from the expansion:
// humanize, humanize1024, humanizeDuration, humanizePercentage,
// humanizeTimestamp, toTime, toDuration, first, label, value, strvalue,
// sortByLabel, args, reReplaceAll, match, title, toUpper, toLower, graphLink,
// tableLink, safeHtml, stripPort, stripDomain, parseDuration; plus `query`,
// `now`, `externalURL` and `pathPrefix` as placeholders that fail unless
// ExpansionFuncs supplies them. Pass as ParseOptions::funcs.
const FuncMap& PrometheusFuncs();

// The functions bound to one expansion (`query`, `now`, `externalURL`,
// `pathPrefix`), for ExecOptions::funcs. The result refers to `options`,
// which must outlive its use.
FuncMap ExpansionFuncs(const ExpandOptions& options);

// A query result as Prometheus's templates see it: a `template.queryResult`
// list of `*template.sample` objects with .Labels (map[string]string, the
// metric name under __name__) and .Value (float64).
Value QueryResultValue(const std::vector<QuerySample>& samples);

}  // namespace ember::tmpl
