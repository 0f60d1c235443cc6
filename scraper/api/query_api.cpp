#include "query_api.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>
#include <span>

#include "api_params.h"
#include "api_response.h"
#include "ember/base/strings.h"
#include "ember/promql/ast.h"
#include "ember/promql/parser.h"
#include "query_json.h"

namespace ember::scraper {
namespace {

// Series read between two looks at the stop token, as upstream's
// checkContextEveryNIterations.
constexpr size_t kCheckStopEvery = 128;

constexpr std::string_view kTruncated = "results truncated due to limit";

// The error type of a query that parsed but failed while running. Upstream
// reports every evaluation error that is not a timeout, a cancellation or a
// storage failure as `execution`; our engine's InvalidArgument at this stage
// is such an error (parse errors were answered before).
ApiErrorType ExecErrorType(const Status& status) {
  if (status.code() == StatusCode::kInvalidArgument) return ApiErrorType::kExecution;
  return ApiErrorTypeFor(status);
}

http::Response ExecError(const Status& status) { return ApiError(ExecErrorType(status), status.message()); }

// The warnings and infos of an answer, as Prometheus's Annotations.AsStrings
// lists them: one entry per distinct message, at most `max` of each kind and
// then a count of those left out.
class Notes {
 public:
  Notes(size_t max_warnings, size_t max_infos) : max_warnings_(max_warnings), max_infos_(max_infos) {}

  void Add(const promql::Annotation& annotation, std::string_view query) {
    // Upstream keys annotations by their text without position, so the same
    // message at two places is listed once.
    std::string key = annotation.kind == promql::AnnotationKind::kWarning ? "w" : "i";
    key += annotation.message;
    if (std::find(keys_.begin(), keys_.end(), key) != keys_.end()) return;
    keys_.push_back(std::move(key));
    Push(annotation.kind == promql::AnnotationKind::kInfo, promql::RenderAnnotation(annotation, query));
  }
  void AddWarning(std::string text) {
    std::string key = "w" + text;
    if (std::find(keys_.begin(), keys_.end(), key) != keys_.end()) return;
    keys_.push_back(std::move(key));
    Push(false, std::move(text));
  }

  std::vector<std::string> Warnings() const { return Finish(warnings_, warnings_skipped_, "warning"); }
  std::vector<std::string> Infos() const { return Finish(infos_, infos_skipped_, "info"); }

 private:
  void Push(bool info, std::string text) {
    std::vector<std::string>& list = info ? infos_ : warnings_;
    const size_t max = info ? max_infos_ : max_warnings_;
    if (max == 0 || list.size() < max) {
      list.push_back(std::move(text));
    } else {
      ++(info ? infos_skipped_ : warnings_skipped_);
    }
  }
  static std::vector<std::string> Finish(std::vector<std::string> list, size_t skipped,
                                         std::string_view kind) {
    if (skipped > 0) {
      list.push_back(std::to_string(skipped) + " more " + std::string(kind) + " annotations omitted");
    }
    return list;
  }

  size_t max_warnings_;
  size_t max_infos_;
  std::vector<std::string> keys_;
  std::vector<std::string> warnings_;
  std::vector<std::string> infos_;
  size_t warnings_skipped_ = 0;
  size_t infos_skipped_ = 0;
};

http::Response Success(std::string_view data_json, const Notes& notes) {
  const std::vector<std::string> warnings = notes.Warnings();
  const std::vector<std::string> infos = notes.Infos();
  return ApiSuccess(data_json, warnings, infos);
}

void AppendStringArray(std::string& out, std::span<const std::string> items) {
  out += '[';
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    AppendJsonString(out, items[i]);
  }
  out += ']';
}

// `[{"__name__":"up","job":"a"},...]`: each set an object in label order.
void AppendLabelSets(std::string& out, const std::vector<Labels>& sets) {
  out.reserve(out.size() + 2 + sets.size() * 64);
  out += '[';
  for (size_t i = 0; i < sets.size(); ++i) {
    if (i > 0) out += ',';
    out += '{';
    for (size_t k = 0; k < sets[i].size(); ++k) {
      if (k > 0) out += ',';
      AppendJsonString(out, sets[i][k].name);
      out += ':';
      AppendJsonString(out, sets[i][k].value);
    }
    out += '}';
  }
  out += ']';
}

// `{"up":[{"type":"gauge","help":"...","unit":""}],...}`, families in the
// map's (byte) order, as Go's encoding/json sorts map keys.
void AppendMetadata(std::string& out, const std::map<std::string, std::vector<MetricMetadata>>& families) {
  out += '{';
  bool first_family = true;
  for (const auto& [family, entries] : families) {
    if (!first_family) out += ',';
    first_family = false;
    AppendJsonString(out, family);
    out += ":[";
    for (size_t i = 0; i < entries.size(); ++i) {
      if (i > 0) out += ',';
      out += "{\"type\":";
      AppendJsonString(out, entries[i].type);
      out += ",\"help\":";
      AppendJsonString(out, entries[i].help);
      out += ",\"unit\":";
      AppendJsonString(out, entries[i].unit);
      out += '}';
    }
    out += ']';
  }
  out += '}';
}

// The success answer of query and query_range: `data` is the result, with
// `stats` inside it when asked for. Written into one string (AppendQueryData
// sizes it for large matrices): copying them again would show.
http::Response QueryAnswer(const promql::QueryResult& result, bool with_stats, const Notes& notes) {
  std::string body = "{\"status\":\"success\",\"data\":";
  AppendQueryData(body, result.value);
  if (with_stats) {
    body.pop_back();  // the data object's '}'
    body += ",\"stats\":";
    AppendQueryStats(body, result.stats);
    body += '}';
  }
  for (const auto& [key, list] :
       {std::pair{"warnings", notes.Warnings()}, std::pair{"infos", notes.Infos()}}) {
    if (list.empty()) continue;
    body += ",\"";
    body += key;
    body += "\":";
    AppendStringArray(body, list);
  }
  body += '}';
  return http::Response::Json(200, std::move(body));
}

// Keeps the first `limit` series of a vector or matrix (upstream's
// truncateResults); whether any were dropped.
bool Truncate(promql::Value& value, size_t limit) {
  if (auto* matrix = std::get_if<promql::Matrix>(&value); matrix && matrix->size() > limit) {
    matrix->resize(limit);
    return true;
  }
  if (auto* vector = std::get_if<promql::Vector>(&value); vector && vector->size() > limit) {
    vector->resize(limit);
    return true;
  }
  return false;
}

// Whether `expr` reads any series (upstream's ExtractSelectors is not empty).
bool HasSelector(const promql::Expr& expr) {
  using promql::NodeKind;
  switch (expr.kind) {
    case NodeKind::kVectorSelector:
      return true;
    case NodeKind::kMatrixSelector:
      return HasSelector(*static_cast<const promql::MatrixSelector&>(expr).selector);
    case NodeKind::kSubquery:
      return HasSelector(*static_cast<const promql::Subquery&>(expr).expr);
    case NodeKind::kParen:
      return HasSelector(*static_cast<const promql::Paren&>(expr).expr);
    case NodeKind::kUnary:
      return HasSelector(*static_cast<const promql::Unary&>(expr).expr);
    case NodeKind::kBinary: {
      const auto& b = static_cast<const promql::Binary&>(expr);
      return HasSelector(*b.lhs) || HasSelector(*b.rhs);
    }
    case NodeKind::kAggregate: {
      const auto& a = static_cast<const promql::Aggregate&>(expr);
      return HasSelector(*a.expr) || (a.param != nullptr && HasSelector(*a.param));
    }
    case NodeKind::kCall: {
      const auto& c = static_cast<const promql::Call&>(expr);
      return std::any_of(c.args.begin(), c.args.end(),
                         [](const promql::ExprPtr& a) { return HasSelector(*a); });
    }
    default:
      return false;
  }
}

// "11,000" for 11000, as the upstream message spells its limit.
std::string WithThousandsSeparators(int64_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    const size_t left = digits.size() - i;  // digits from here to the end
    if (i > 0 && digits[i - 1] != '-' && left % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// Whether (end - start) / step exceeds `max`, computed as Go computes
// end.Sub(start)/step: in nanoseconds, the difference saturating at the
// largest time.Duration.
bool TooManyPoints(int64_t start_ms, int64_t end_ms, int64_t step_ms, int64_t max) {
  constexpr int64_t kMaxNs = std::numeric_limits<int64_t>::max();
  const int64_t diff_ms = end_ms - start_ms;  // both within ±9.3e15, no overflow
  const int64_t diff_ns = diff_ms > kMaxNs / 1'000'000 ? kMaxNs : diff_ms * 1'000'000;
  const int64_t step_ns = step_ms > kMaxNs / 1'000'000 ? kMaxNs : step_ms * 1'000'000;
  return diff_ns / step_ns > max;
}

}  // namespace

struct QueryApi::EvalParams {
  int64_t limit = 0;
  promql::QueryOptions options;
  // The `timeout` given is already over (zero or negative).
  bool expired = false;
  std::string stats;  // the `stats` parameter
};

QueryApi::QueryApi(const tsdb::Db& db, promql::Engine& engine, const promql::Queryable& queryable,
                   const MetadataStore& metadata, const Clock& clock, Options options)
    : db_(db),
      engine_(engine),
      queryable_(queryable),
      metadata_(metadata),
      clock_(clock),
      options_(std::move(options)) {}

std::vector<QueryApi::Route> QueryApi::Routes() {
  return {
      {"/api/v1/query", true, &QueryApi::Query},
      {"/api/v1/query_range", true, &QueryApi::QueryRange},
      {"/api/v1/query_exemplars", true, &QueryApi::QueryExemplars},
      {"/api/v1/format_query", true, &QueryApi::FormatQuery},
      {"/api/v1/series", true, &QueryApi::Series},
      {"/api/v1/labels", true, &QueryApi::LabelNames},
      {"/api/v1/label/:name/values", true, &QueryApi::LabelValues},
      {"/api/v1/metadata", true, &QueryApi::Metadata},
  };
}

std::optional<http::Response> QueryApi::ParseEvalParams(const http::Params& form, EvalParams& out) const {
  if (std::string_view to = form.Get("timeout"); !to.empty()) {
    auto timeout = ParseApiDuration(to);
    if (!timeout.ok()) return InvalidParamError(timeout.status(), "timeout");
    // Upstream sets a deadline of now + timeout: a timeout that is not
    // positive has passed before the query starts.
    if (*timeout <= 0) out.expired = true;
    out.options.timeout = std::chrono::milliseconds(std::max<int64_t>(*timeout, 0));
  }
  if (std::string_view lookback = form.Get("lookback_delta"); !lookback.empty()) {
    auto delta = ParseApiDuration(lookback);
    if (!delta.ok()) {
      return ApiError(ApiErrorType::kBadData,
                      "error parsing lookback delta duration: " + delta.status().message());
    }
    // Not positive: the engine's default, as upstream.
    out.options.lookback_delta_ms = std::max<int64_t>(*delta, 0);
  }
  out.stats = std::string(form.Get("stats"));
  out.options.per_step_stats = options_.per_step_stats && out.stats == "all";
  return std::nullopt;
}

http::Response QueryApi::Query(http::Request& request) {
  const http::Params form = ApiForm(request, nullptr);
  EvalParams params;
  auto limit = ParseApiLimit(form.Get("limit"));
  if (!limit.ok()) return InvalidParamError(limit.status(), "limit");
  params.limit = *limit;
  auto time = ParseApiTimeParam(form, "time", clock_.NowMs());
  if (!time.ok()) return InvalidParamError(time.status(), "time");
  if (auto error = ParseEvalParams(form, params)) return std::move(*error);
  return Evaluate(request, form, params, *time, *time, 0);
}

http::Response QueryApi::QueryRange(http::Request& request) {
  const http::Params form = ApiForm(request, nullptr);
  EvalParams params;
  auto limit = ParseApiLimit(form.Get("limit"));
  if (!limit.ok()) return InvalidParamError(limit.status(), "limit");
  params.limit = *limit;
  // Unlike the optional times elsewhere, these are required: an empty value
  // fails to parse.
  auto start = ParseApiTime(form.Get("start"));
  if (!start.ok()) return InvalidParamError(start.status(), "start");
  auto end = ParseApiTime(form.Get("end"));
  if (!end.ok()) return InvalidParamError(end.status(), "end");
  if (*end < *start) {
    return InvalidParamError(Status::InvalidArgument("end timestamp must not be before start time"), "end");
  }
  auto step = ParseApiDuration(form.Get("step"));
  if (!step.ok()) return InvalidParamError(step.status(), "step");
  if (*step <= 0) {
    return InvalidParamError(Status::InvalidArgument("zero or negative query resolution step widths are not "
                                                     "accepted. Try a positive integer"),
                             "step");
  }
  if (TooManyPoints(*start, *end, *step, options_.max_points_per_series)) {
    return ApiError(ApiErrorType::kBadData,
                    "exceeded maximum resolution of " +
                        WithThousandsSeparators(options_.max_points_per_series) +
                        " points per timeseries. Try decreasing the query resolution (?step=XX)");
  }
  if (auto error = ParseEvalParams(form, params)) return std::move(*error);
  return Evaluate(request, form, params, *start, *end, *step);
}

http::Response QueryApi::Evaluate(const http::Request& request, const http::Params& form,
                                  const EvalParams& params, int64_t start_ms, int64_t end_ms,
                                  int64_t step_ms) {
  const std::string_view query = form.Get("query");
  const auto parse_begin = std::chrono::steady_clock::now();
  auto expr = promql::ParseExpr(query, engine_.options().parse);
  if (!expr.ok()) return InvalidParamError(expr.status(), "query");
  const bool range = step_ms > 0;
  if (range) {
    const promql::ValueType type = (*expr)->type();
    if (type != promql::ValueType::kScalar && type != promql::ValueType::kVector) {
      return InvalidParamError(
          Status::InvalidArgument("invalid expression type \"" + std::string(promql::ValueTypeDocName(type)) +
                                  "\" for range query, must be Scalar or instant Vector"),
          "query");
    }
  }
  const double prep_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - parse_begin).count();
  if (params.expired) return ApiError(ApiErrorType::kTimeout, "query timed out in query execution");

  auto result =
      range ? engine_.RangeQuery(queryable_, **expr, query, start_ms, end_ms, step_ms, params.options,
                                 request.stop_token)
            : engine_.InstantQuery(queryable_, **expr, query, start_ms, params.options, request.stop_token);
  if (!result.ok()) return ExecError(result.status());

  Notes notes(options_.max_warnings, options_.max_infos);
  for (const promql::Annotation& a : result->annotations) notes.Add(a, query);
  if (params.limit > 0 && Truncate(result->value, static_cast<size_t>(params.limit))) {
    notes.AddWarning(std::string(kTruncated));
  }
  if (!params.stats.empty() && params.stats != "true" && params.stats != "all") {
    notes.AddWarning("value " + GoQuote(params.stats) +
                     " for parameter \"stats\" is deprecated and will be rejected in the next major release, "
                     "use \"true\" or \"all\"");
  }

  if (!params.stats.empty()) {
    // The engine was handed a parsed tree; its preparation time is ours.
    result->stats.query_preparation_time += prep_seconds;
    result->stats.exec_total_time += prep_seconds;
  }
  return QueryAnswer(*result, !params.stats.empty(), notes);
}

http::Response QueryApi::FormatQuery(http::Request& request) {
  const http::Params form = ApiForm(request, nullptr);
  auto expr = promql::ParseExpr(form.Get("query"), engine_.options().parse);
  if (!expr.ok()) return InvalidParamError(expr.status(), "query");
  std::string data;
  AppendJsonString(data, promql::Prettify(**expr));
  return ApiSuccess(data);
}

http::Response QueryApi::Series(http::Request& request) {
  Status form_error;
  const http::Params form = ApiForm(request, &form_error);
  if (!form_error.ok()) {
    return ApiError(ApiErrorType::kBadData, "error parsing form values: " + form_error.message());
  }
  const std::vector<std::string> match = form.GetAll("match[]");
  if (match.empty()) return ApiError(ApiErrorType::kBadData, "no match[] parameter provided");
  auto limit = ParseApiLimit(form.Get("limit"));
  if (!limit.ok()) return InvalidParamError(limit.status(), "limit");
  auto start = ParseApiTimeParam(form, "start", kApiMinTimeMs);
  if (!start.ok()) return InvalidParamError(start.status(), "start");
  auto end = ParseApiTimeParam(form, "end", kApiMaxTimeMs);
  if (!end.ok()) return InvalidParamError(end.status(), "end");
  auto sets = ParseApiMatchers(match);
  if (!sets.ok()) return InvalidParamError(sets.status(), "match[]");

  const tsdb::Querier querier = db_.NewQuerier(*start, *end);
  const size_t max = *limit > 0 ? static_cast<size_t>(*limit) : std::numeric_limits<size_t>::max();
  std::vector<Labels> series;
  size_t seen = 0;
  for (const auto& set : *sets) {
    auto selected = querier.Select(set);
    if (!selected.ok()) return ExecError(selected.status());
    while (selected->Next()) {
      if (++seen % kCheckStopEvery == 0 && request.stop_token.stop_requested()) {
        return ApiError(ApiErrorType::kCanceled, "context canceled");
      }
      series.push_back(selected->labels());
      // One set comes sorted: stop one past the limit, enough to warn.
      if (sets->size() == 1 && series.size() > max) break;
    }
    if (!selected->status().ok()) return ExecError(selected->status());
  }
  if (sets->size() > 1) {
    std::sort(series.begin(), series.end());
    series.erase(std::unique(series.begin(), series.end()), series.end());
  }
  Notes notes(options_.max_warnings, options_.max_infos);
  if (series.size() > max) {
    series.resize(max);
    notes.AddWarning(std::string(kTruncated));
  }

  std::string data;
  AppendLabelSets(data, series);
  return Success(data, notes);
}

namespace {

// The sorted union of what `fetch` gives for each matcher set; one call with
// no matchers (every series) when there is no set.
template <class Fetch>
Result<std::vector<std::string>> SortedUnion(const std::vector<std::vector<tsdb::Matcher>>& sets,
                                             Fetch fetch) {
  if (sets.empty()) return fetch(std::span<const tsdb::Matcher>());
  if (sets.size() == 1) return fetch(sets[0]);
  std::vector<std::string> all;
  for (const auto& set : sets) {
    EMBER_ASSIGN_OR_RETURN(std::vector<std::string> got, fetch(set));
    all.insert(all.end(), std::make_move_iterator(got.begin()), std::make_move_iterator(got.end()));
  }
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  return all;
}

}  // namespace

http::Response QueryApi::StringList(std::vector<std::string> items, int64_t limit) const {
  Notes notes(options_.max_warnings, options_.max_infos);
  if (limit > 0 && items.size() > static_cast<size_t>(limit)) {
    items.resize(static_cast<size_t>(limit));
    notes.AddWarning(std::string(kTruncated));
  }
  std::string data;
  AppendStringArray(data, items);
  return Success(data, notes);
}

http::Response QueryApi::LabelList(const http::Request& request, const LabelFetch& fetch) const {
  const http::Params form = ApiForm(request, nullptr);
  auto limit = ParseApiLimit(form.Get("limit"));
  if (!limit.ok()) return InvalidParamError(limit.status(), "limit");
  auto start = ParseApiTimeParam(form, "start", kApiMinTimeMs);
  if (!start.ok()) return InvalidParamError(start.status(), "start");
  auto end = ParseApiTimeParam(form, "end", kApiMaxTimeMs);
  if (!end.ok()) return InvalidParamError(end.status(), "end");
  auto sets = ParseApiMatchers(form.GetAll("match[]"));
  if (!sets.ok()) return ApiError(ApiErrorType::kBadData, sets.status().message());

  const tsdb::Querier querier = db_.NewQuerier(*start, *end);
  auto items = SortedUnion(*sets, [&](std::span<const tsdb::Matcher> set) { return fetch(querier, set); });
  if (!items.ok()) return ExecError(items.status());
  return StringList(std::move(items).value(), *limit);
}

http::Response QueryApi::LabelNames(http::Request& request) {
  return LabelList(
      request, [](const tsdb::Querier& q, std::span<const tsdb::Matcher> set) { return q.LabelNames(set); });
}

http::Response QueryApi::LabelValues(http::Request& request) {
  auto name = ParseApiLabelName(request.path_params.Get("name"));
  if (!name.ok()) return ApiError(ApiErrorType::kBadData, name.status().message());
  return LabelList(request, [&](const tsdb::Querier& q, std::span<const tsdb::Matcher> set) {
    return q.LabelValues(*name, set);
  });
}

http::Response QueryApi::Metadata(http::Request& request) {
  const http::Params form = ApiForm(request, nullptr);
  int64_t limit = -1;
  if (std::string_view s = form.Get("limit"); !s.empty()) {
    auto n = GoAtoi(s);
    if (!n.ok()) return ApiError(ApiErrorType::kBadData, "limit must be a number");
    limit = *n;
  }
  int64_t limit_per_metric = -1;
  if (std::string_view s = form.Get("limit_per_metric"); !s.empty()) {
    auto n = GoAtoi(s);
    if (!n.ok()) return ApiError(ApiErrorType::kBadData, "limit_per_metric must be a number");
    limit_per_metric = *n;
  }
  // Upstream: a negative limit is no limit and 0 lists nothing; a
  // limit_per_metric that is not positive is no limit.
  const auto families = metadata_.List(form.Get("metric"), static_cast<long>(limit),
                                       limit_per_metric > 0 ? static_cast<long>(limit_per_metric) : -1);
  std::string data;
  AppendMetadata(data, families);
  return ApiSuccess(data);
}

http::Response QueryApi::QueryExemplars(http::Request& request) {
  const http::Params form = ApiForm(request, nullptr);
  auto start = ParseApiTimeParam(form, "start", kApiMinTimeMs);
  if (!start.ok()) return InvalidParamError(start.status(), "start");
  auto end = ParseApiTimeParam(form, "end", kApiMaxTimeMs);
  if (!end.ok()) return InvalidParamError(end.status(), "end");
  if (*end < *start) {
    return ApiError(ApiErrorType::kBadData, "end timestamp must not be before start timestamp");
  }
  auto expr = promql::ParseExpr(form.Get("query"), engine_.options().parse);
  if (!expr.ok()) return ApiError(ApiErrorType::kBadData, expr.status().message());
  // Upstream answers a query without selectors with no data at all.
  if (!HasSelector(**expr)) return http::Response{.status = 204};
  return ApiSuccess("[]");
}

}  // namespace ember::scraper
