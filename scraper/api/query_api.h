// QueryApi: the read endpoints of the Prometheus HTTP API over the local
// store -- /api/v1/query, query_range, format_query, series, labels,
// label/<name>/values, metadata and query_exemplars.
//
// Each handler parses its parameters as Prometheus does (api_params.h),
// calls the engine or the store, and writes the answer byte for byte as
// Prometheus writes it, errors included. GET and POST (form-encoded, merged
// with the URL query) are served alike; unknown parameters are ignored.
//
// Thread-safe: handlers may run concurrently; QueryApi holds no mutable state.
// The Db, Engine, Queryable, MetadataStore and Clock must outlive it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ember/base/clock.h"
#include "ember/http/request.h"
#include "ember/http/response.h"
#include "ember/promql/engine.h"
#include "ember/promql/queryable.h"
#include "ember/tsdb/db.h"
#include "metadata/metadata_store.h"

namespace ember::scraper {

class QueryApi {
 public:
  // Fixed at construction.
  struct Options {
    // Most points a range query may ask for per series ((end - start) / step);
    // more is a 400 `exceeded maximum resolution of 11,000 points per
    // timeseries...`. Default: 11,000, as Prometheus (not configurable there).
    int64_t max_points_per_series = 11000;
    // Whether `stats=all` adds `totalQueryableSamplesPerStep`
    // (Prometheus's --enable-feature=promql-per-step-stats); without it
    // `stats=all` gives the plain stats, as upstream. Default: false.
    bool per_step_stats = false;
    // Most warnings and infos listed in an answer; the rest are counted in a
    // last `N more warning annotations omitted` entry. 0: no limit.
    // Default: 10 each, as Prometheus.
    size_t max_warnings = 10;
    size_t max_infos = 10;
  };

  QueryApi(const tsdb::Db& db, promql::Engine& engine, const promql::Queryable& queryable,
           const MetadataStore& metadata, const Clock& clock, Options options);

  // GET/POST /api/v1/query: `query`, `time` (default now), `timeout`,
  // `limit`, `lookback_delta`, `stats`.
  http::Response Query(http::Request& request);
  // GET/POST /api/v1/query_range: `query`, `start`, `end`, `step` (all
  // required), `timeout`, `limit`, `lookback_delta`, `stats`.
  http::Response QueryRange(http::Request& request);
  // GET/POST /api/v1/format_query: `query`, answered as a prettified string.
  http::Response FormatQuery(http::Request& request);
  // GET/POST /api/v1/series: `match[]` (required), `start`, `end`, `limit`.
  http::Response Series(http::Request& request);
  // GET/POST /api/v1/labels: `match[]`, `start`, `end`, `limit`.
  http::Response LabelNames(http::Request& request);
  // GET/POST /api/v1/label/:name/values (path parameter "name", which may be
  // `U__`-escaped): `match[]`, `start`, `end`, `limit`.
  http::Response LabelValues(http::Request& request);
  // GET/POST /api/v1/metadata: `metric`, `limit`, `limit_per_metric`.
  http::Response Metadata(http::Request& request);
  // GET/POST /api/v1/query_exemplars: `query`, `start`, `end` are checked as
  // upstream checks them; no exemplars are stored, so the data is `[]` (and
  // 204 for a query without selectors, as upstream).
  http::Response QueryExemplars(http::Request& request);

  struct Route {
    std::string path;  // router pattern, e.g. "/api/v1/label/:name/values"
    bool allow_post;   // register POST as well as GET
    http::Response (QueryApi::*handler)(http::Request&);
  };
  // Every endpoint above, for the owner to register.
  static std::vector<Route> Routes();

 private:
  struct EvalParams;
  // /labels and /label/<name>/values: their shared parameters (start, end,
  // match[], limit) and the sorted union of what `fetch` finds per matcher set.
  using LabelFetch = std::function<Result<std::vector<std::string>>(const tsdb::Querier& querier,
                                                                    std::span<const tsdb::Matcher> matchers)>;
  http::Response LabelList(const http::Request& request, const LabelFetch& fetch) const;
  // The answer of /labels and /label/<name>/values: `items` (sorted), cut
  // to `limit` (when positive) with a warning.
  http::Response StringList(std::vector<std::string> items, int64_t limit) const;
  // Parses timeout, lookback_delta and stats (shared by query and
  // query_range); returns a response when a parameter is bad.
  std::optional<http::Response> ParseEvalParams(const http::Params& form, EvalParams& out) const;
  // Runs an instant (step_ms == 0) or range query and encodes its answer.
  http::Response Evaluate(const http::Request& request, const http::Params& form, const EvalParams& params,
                          int64_t start_ms, int64_t end_ms, int64_t step_ms);

  const tsdb::Db& db_;
  promql::Engine& engine_;
  const promql::Queryable& queryable_;
  const MetadataStore& metadata_;
  const Clock& clock_;
  const Options options_;
};

}  // namespace ember::scraper
