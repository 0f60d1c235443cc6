#include "api/status_api.h"

#include <string>
#include <utility>

#include "api/api_params.h"
#include "api/api_response.h"
#include "api/query_json.h"
#include "ember/app/version.h"
#include "ember/base/clock.h"
#include "ember/base/strings.h"
#include "ember/base/time.h"
#include "ember/promql/parser.h"
#include "ember/tsdb/sample.h"

namespace ember::scraper {
namespace {

void AppendKey(std::string& out, std::string_view key) {
  AppendJsonString(out, key);
  out += ':';
}

void AppendStringField(std::string& out, std::string_view key, std::string_view value) {
  AppendKey(out, key);
  AppendJsonString(out, value);
}

void AppendStatEntries(std::string& out, std::string_view key, const std::vector<tsdb::StatEntry>& entries) {
  AppendKey(out, key);
  out += '[';
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i > 0) out += ',';
    out += "{\"name\":";
    AppendJsonString(out, entries[i].name);
    out += ",\"value\":";
    out += std::to_string(entries[i].value);
    out += '}';
  }
  out += ']';
}

std::string Rfc3339(int64_t ms) { return FormatRfc3339Nano(ms * 1'000'000); }

http::Response AdminDisabled() { return ApiError(ApiErrorType::kUnavailable, "admin APIs disabled"); }

void AppendLabelsObject(std::string& out, const Labels& labels) {
  out += '{';
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ',';
    AppendStringField(out, labels[i].name, labels[i].value);
  }
  out += '}';
}

// Go's net.SplitHostPort, tolerating a missing port as upstream's
// sanitizeSplitHostPort does. False when `hostport` cannot be split.
bool SplitHostPort(std::string_view hostport, std::string* host, std::string* port) {
  host->clear();
  port->clear();
  if (!hostport.empty() && hostport.front() == '[') {
    size_t end = hostport.find(']');
    if (end == std::string_view::npos) return false;
    *host = std::string(hostport.substr(1, end - 1));
    std::string_view rest = hostport.substr(end + 1);
    if (rest.empty()) return true;
    if (rest.front() != ':') return false;
    *port = std::string(rest.substr(1));
    return true;
  }
  size_t colon = hostport.rfind(':');
  if (colon == std::string_view::npos) {
    *host = std::string(hostport);
    return true;
  }
  if (hostport.find(':') != colon) return false;  // an IPv6 address needs brackets
  *host = std::string(hostport.substr(0, colon));
  *port = std::string(hostport.substr(colon + 1));
  return true;
}

std::string JoinHostPort(std::string_view host, std::string_view port) {
  std::string out;
  if (host.find(':') != std::string_view::npos) {
    out = "[" + std::string(host) + "]";
  } else {
    out = std::string(host);
  }
  out += ':';
  out += port;
  return out;
}

struct UrlParts {
  std::string scheme;
  std::string host;  // with the port
  std::string rest;  // path and query
};

UrlParts SplitUrl(std::string_view url) {
  UrlParts p;
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    p.rest = std::string(url);
    return p;
  }
  p.scheme = std::string(url.substr(0, scheme_end));
  std::string_view after = url.substr(scheme_end + 3);
  size_t host_end = after.find_first_of("/?#");
  p.host = std::string(after.substr(0, host_end));
  if (host_end != std::string_view::npos) p.rest = std::string(after.substr(host_end));
  return p;
}

// Upstream's getGlobalURL: a target on this host is shown under the external
// URL's host (and scheme, when it is this server itself).
std::string GlobalUrl(const std::string& scrape_url, const ServerInfo& info) {
  UrlParts u = SplitUrl(scrape_url);
  std::string host, port;
  if (!SplitHostPort(u.host, &host, &port)) return scrape_url;
  if (host != "127.0.0.1" && host != "localhost" && host != "::1") return scrape_url;
  UrlParts external = SplitUrl(info.external_url);
  std::string own_host, own_port;
  if (!SplitHostPort(info.listen_address, &own_host, &own_port)) return scrape_url;
  if (port == own_port) {
    u.scheme = external.scheme;
    u.host = external.host;
  } else {
    std::string ext_host, ext_port;
    if (!SplitHostPort(external.host, &ext_host, &ext_port)) return scrape_url;
    u.host = port.empty() ? ext_host : JoinHostPort(ext_host, port);
  }
  return u.scheme + "://" + u.host + u.rest;
}

std::string LastScrapeTime(int64_t ns) { return ns == 0 ? "0001-01-01T00:00:00Z" : FormatRfc3339Nano(ns); }

}  // namespace

StatusApi::StatusApi(tsdb::Db& db, ServerInfo info, Logger logger, const ScrapeManager* scrape)
    : db_(db), info_(std::move(info)), logger_(std::move(logger)), scrape_(scrape) {}

std::vector<StatusApi::Route> StatusApi::Routes() {
  const std::vector<std::string> get = {"GET"};
  const std::vector<std::string> write = {"POST", "PUT"};
  return {
      {"/api/v1/status/buildinfo", get, &StatusApi::BuildInfo},
      {"/api/v1/status/config", get, &StatusApi::Config},
      {"/api/v1/status/flags", get, &StatusApi::Flags},
      {"/api/v1/status/runtimeinfo", get, &StatusApi::RuntimeInfo},
      {"/api/v1/status/tsdb", get, &StatusApi::Tsdb},
      {"/api/v1/status/walreplay", get, &StatusApi::WalReplay},
      {"/api/v1/targets", get, &StatusApi::Targets},
      {"/api/v1/targets/metadata", get, &StatusApi::TargetsMetadata},
      {"/api/v1/admin/tsdb/delete_series", write, &StatusApi::DeleteSeries},
      {"/api/v1/admin/tsdb/clean_tombstones", write, &StatusApi::CleanTombstones},
      {"/api/v1/admin/tsdb/snapshot", write, &StatusApi::Snapshot},
  };
}

http::Response StatusApi::BuildInfo(http::Request&) {
  std::string data = "{";
  AppendStringField(data, "version", app::Version());
  data += ',';
  AppendStringField(data, "revision", app::Revision());
  data += ',';
  AppendStringField(data, "branch", "");
  data += ',';
  AppendStringField(data, "buildUser", "ember");
  data += ',';
  AppendStringField(data, "buildDate", "");
  data += ',';
  AppendStringField(data, "goVersion", app::CompilerVersion());
  data += '}';
  return ApiSuccess(data);
}

http::Response StatusApi::Config(http::Request&) {
  std::string data = "{";
  AppendStringField(data, "yaml", info_.config_yaml ? info_.config_yaml() : "");
  data += '}';
  return ApiSuccess(data);
}

http::Response StatusApi::Flags(http::Request&) {
  std::string data = "{";
  for (size_t i = 0; i < info_.flags.size(); ++i) {
    if (i > 0) data += ',';
    AppendStringField(data, info_.flags[i].first, info_.flags[i].second);
  }
  data += '}';
  return ApiSuccess(data);
}

http::Response StatusApi::RuntimeInfo(http::Request&) {
  std::string data = "{";
  AppendStringField(data, "startTime", Rfc3339(info_.start_time_ms));
  data += ',';
  AppendStringField(data, "CWD", info_.working_directory);
  data += ',';
  AppendStringField(data, "hostname", info_.hostname);
  data += ',';
  AppendStringField(data, "serverTime", Rfc3339(Clock::Real().NowMs()));
  data += ",\"reloadConfigSuccess\":";
  data += (!info_.reload_success || info_.reload_success()) ? "true" : "false";
  data += ',';
  AppendStringField(data, "lastConfigTime",
                    Rfc3339(info_.last_config_time_ms ? info_.last_config_time_ms() : info_.start_time_ms));
  data += ",\"corruptionCount\":0";
  data += ",\"goroutineCount\":0";
  data += ",\"GOMAXPROCS\":0";
  data += ",\"GOMEMLIMIT\":0";
  data += ",\"GOGC\":\"\"";
  data += ",\"GODEBUG\":\"\"";
  data += ',';
  AppendStringField(data, "storageRetention", info_.storage_retention);
  data += '}';
  return ApiSuccess(data);
}

http::Response StatusApi::Tsdb(http::Request& request) {
  Result<http::Params> form = request.Form();
  if (!form.ok()) return ApiError(ApiErrorType::kBadData, form.status().message());
  size_t limit = 10;
  if (std::string_view text = form->Get("limit"); !text.empty()) {
    std::optional<int64_t> n = ParseInt(text);
    if (!n || *n <= 0) return ApiError(ApiErrorType::kBadData, "limit must be a positive number");
    limit = static_cast<size_t>(*n);
  }
  const tsdb::HeadStats head = db_.Head();
  const tsdb::CardinalityStats card = db_.Cardinality(limit);
  std::string data = "{\"headStats\":{\"numSeries\":";
  data += std::to_string(card.num_series);
  data += ",\"numLabelPairs\":";
  data += std::to_string(card.num_label_pairs);
  data += ",\"chunkCount\":";
  data += std::to_string(head.num_chunks);
  data += ",\"minTime\":";
  data += std::to_string(head.min_time);
  data += ",\"maxTime\":";
  data += std::to_string(head.max_time);
  data += "},";
  AppendStatEntries(data, "seriesCountByMetricName", card.series_count_by_metric_name);
  data += ',';
  AppendStatEntries(data, "labelValueCountByLabelName", card.label_value_count_by_label_name);
  data += ',';
  AppendStatEntries(data, "memoryInBytesByLabelName", card.memory_in_bytes_by_label_name);
  data += ',';
  AppendStatEntries(data, "seriesCountByLabelValuePair", card.series_count_by_label_value_pair);
  data += '}';
  return ApiSuccess(data);
}

http::Response StatusApi::WalReplay(http::Request&) {
  const tsdb::Db::WalReplayStatus s = db_.WalReplay();
  return ApiSuccess("{\"min\":" + std::to_string(s.min_segment) +
                    ",\"max\":" + std::to_string(s.max_segment) +
                    ",\"current\":" + std::to_string(s.current_segment) + "}");
}

http::Response StatusApi::Targets(http::Request& request) {
  Result<http::Params> query = request.Query();
  if (!query.ok()) return ApiError(ApiErrorType::kBadData, query.status().message());
  const std::string_view pool_filter = query->Get("scrapePool");
  const std::string state = ToLower(query->Get("state"));
  const bool show_active = state.empty() || state == "any" || state == "active";
  const bool show_dropped = state.empty() || state == "any" || state == "dropped";

  std::string data = "{\"activeTargets\":[";
  if (show_active && scrape_ != nullptr) {
    bool first = true;
    for (const auto& [pool, targets] : scrape_->TargetsActive()) {
      if (!pool_filter.empty() && pool != pool_filter) continue;
      for (const std::shared_ptr<Target>& t : targets) {
        if (!first) data += ',';
        first = false;
        const TargetScrapeStatus st = t->status();
        data += '{';
        AppendKey(data, "discoveredLabels");
        AppendLabelsObject(data, t->discovered_labels());
        data += ',';
        AppendKey(data, "labels");
        AppendLabelsObject(data, t->public_labels());
        data += ',';
        AppendStringField(data, "scrapePool", pool);
        data += ',';
        AppendStringField(data, "scrapeUrl", t->url());
        data += ',';
        AppendStringField(data, "globalUrl", GlobalUrl(t->url(), info_));
        data += ',';
        AppendStringField(data, "lastError", st.last_error);
        data += ',';
        AppendStringField(data, "lastScrape", LastScrapeTime(st.last_scrape_ns));
        data += ",\"lastScrapeDuration\":";
        data += FormatFloat(st.last_scrape_duration);
        data += ',';
        AppendStringField(data, "health", TargetHealthName(st.health));
        data += ',';
        AppendStringField(data, "scrapeInterval", t->Get("__scrape_interval__"));
        data += ',';
        AppendStringField(data, "scrapeTimeout", t->Get("__scrape_timeout__"));
        data += '}';
      }
    }
  }
  data += "],\"droppedTargets\":[";
  if (show_dropped && scrape_ != nullptr) {
    bool first = true;
    for (const auto& [pool, targets] : scrape_->TargetsDropped()) {
      if (!pool_filter.empty() && pool != pool_filter) continue;
      for (const std::shared_ptr<Target>& t : targets) {
        if (!first) data += ',';
        first = false;
        data += '{';
        AppendKey(data, "discoveredLabels");
        AppendLabelsObject(data, t->discovered_labels());
        data += ',';
        AppendStringField(data, "scrapePool", pool);
        data += '}';
      }
    }
  }
  data += "],\"droppedTargetCounts\":";
  if (show_dropped) {
    data += '{';
    if (scrape_ != nullptr) {
      bool first = true;
      for (const auto& [pool, count] : scrape_->TargetsDroppedCounts()) {
        if (!first) data += ',';
        first = false;
        AppendKey(data, pool);
        data += std::to_string(count);
      }
    }
    data += '}';
  } else {
    data += "null";
  }
  data += '}';
  return ApiSuccess(data);
}

http::Response StatusApi::TargetsMetadata(http::Request& request) {
  Result<http::Params> form = request.Form();
  if (!form.ok()) return ApiError(ApiErrorType::kBadData, form.status().message());
  int64_t limit = -1;
  if (std::string_view text = form->Get("limit"); !text.empty()) {
    std::optional<int64_t> n = ParseInt(text);
    if (!n) return ApiError(ApiErrorType::kBadData, "limit must be a number");
    limit = *n;
  }
  std::vector<tsdb::Matcher> matchers;
  const std::string_view match = form->Get("match_target");
  if (!match.empty()) {
    Result<std::vector<tsdb::Matcher>> parsed = promql::ParseMetricSelector(match);
    if (!parsed.ok()) {
      return ApiError(ApiErrorType::kBadData,
                      "invalid parameter \"match_target\": " + parsed.status().message());
    }
    matchers = std::move(parsed).value();
  }
  const std::string_view metric = form->Get("metric");
  std::string data = "[";
  int64_t count = 0;
  auto append = [&](const Labels& target, std::string_view family, const MetricMetadata& md) {
    if (count++ > 0) data += ',';
    data += '{';
    AppendKey(data, "target");
    AppendLabelsObject(data, target);
    if (!family.empty()) {
      data += ',';
      AppendStringField(data, "metric", family);
    }
    data += ',';
    AppendStringField(data, "type", md.type);
    data += ',';
    AppendStringField(data, "help", md.help);
    data += ',';
    AppendStringField(data, "unit", md.unit);
    data += '}';
  };
  if (scrape_ != nullptr) {
    for (const auto& [pool, targets] : scrape_->TargetsActive()) {
      for (const std::shared_ptr<Target>& t : targets) {
        if (limit >= 0 && count >= limit) break;
        const Labels& labels = t->public_labels();
        bool matches = true;
        for (const tsdb::Matcher& m : matchers) {
          if (!m.Matches(labels.Get(m.name()))) {
            matches = false;
            break;
          }
        }
        if (!matches) continue;
        for (const FamilyMetadata& md : scrape_->TargetMetadata(pool, *t)) {
          if (metric.empty()) {
            append(labels, md.family, md.metadata);
          } else if (md.family == metric) {
            append(labels, "", md.metadata);
          }
        }
      }
    }
  }
  data += ']';
  return ApiSuccess(data);
}

http::Response StatusApi::DeleteSeries(http::Request& request) {
  if (!info_.admin_api_enabled) return AdminDisabled();
  Result<http::Params> form = request.Form();
  if (!form.ok()) return ApiError(ApiErrorType::kBadData, form.status().message());
  std::vector<std::string> selectors = form->GetAll("match[]");
  if (selectors.empty()) return ApiError(ApiErrorType::kBadData, "no match[] parameter provided");
  int64_t start = tsdb::kMinTime;
  int64_t end = tsdb::kMaxTime;
  if (form->Has("start")) {
    Result<int64_t> t = ParseApiTime(form->Get("start"));
    if (!t.ok())
      return ApiError(ApiErrorType::kBadData, "invalid parameter \"start\": " + t.status().message());
    start = *t;
  }
  if (form->Has("end")) {
    Result<int64_t> t = ParseApiTime(form->Get("end"));
    if (!t.ok())
      return ApiError(ApiErrorType::kBadData, "invalid parameter \"end\": " + t.status().message());
    end = *t;
  }
  for (const std::string& selector : selectors) {
    Result<std::vector<tsdb::Matcher>> matchers = promql::ParseMetricSelector(selector);
    if (!matchers.ok()) return ApiError(ApiErrorType::kBadData, matchers.status().message());
    if (Status st = db_.DeleteSeries(*matchers, start, end); !st.ok()) {
      logger_.Error("Deleting series failed", {{"err", st}});
      return ApiError(ApiErrorType::kInternal, st.message());
    }
  }
  http::Response response;
  response.status = 204;
  return response;
}

http::Response StatusApi::CleanTombstones(http::Request&) {
  if (!info_.admin_api_enabled) return AdminDisabled();
  if (Status st = db_.CleanTombstones(); !st.ok()) {
    logger_.Error("Cleaning tombstones failed", {{"err", st}});
    return ApiError(ApiErrorType::kInternal, st.message());
  }
  http::Response response;
  response.status = 204;
  return response;
}

http::Response StatusApi::Snapshot(http::Request& request) {
  if (!info_.admin_api_enabled) return AdminDisabled();
  Result<http::Params> form = request.Form();
  if (!form.ok()) return ApiError(ApiErrorType::kBadData, form.status().message());
  if (std::string_view skip = form->Get("skip_head"); !skip.empty()) {
    if (!ParseBool(skip)) {
      return ApiError(ApiErrorType::kBadData,
                      "unable to parse boolean 'skip_head' argument: strconv.ParseBool: parsing " +
                          GoQuote(skip) + ": invalid syntax");
    }
  }
  Result<std::string> name = db_.Snapshot();
  if (!name.ok()) {
    logger_.Error("Creating a snapshot failed", {{"err", name.status()}});
    return ApiError(ApiErrorType::kInternal, "create snapshot: " + name.status().message());
  }
  std::string data = "{";
  AppendStringField(data, "name", *name);
  data += '}';
  return ApiSuccess(data);
}

}  // namespace ember::scraper
