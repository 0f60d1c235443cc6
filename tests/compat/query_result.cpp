#include "query_result.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <variant>

namespace ember::compat {
namespace {

using nlohmann::json;

double ParseValue(const std::string& s) {
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (s == "+Inf") return std::numeric_limits<double>::infinity();
  if (s == "-Inf") return -std::numeric_limits<double>::infinity();
  return std::strtod(s.c_str(), nullptr);
}

std::pair<int64_t, double> ParsePoint(const json& p) {
  return {std::llround(p.at(0).get<double>() * 1000), ParseValue(p.at(1).get<std::string>())};
}

Labels ParseMetric(const json& m) {
  std::vector<Label> labels;
  for (const auto& [k, v] : m.items()) labels.push_back({k, v.get<std::string>()});
  return Labels::FromUnsorted(std::move(labels));
}

std::string Format(double v) {
  std::ostringstream os;
  os.precision(17);
  os << v;
  return os.str();
}

}  // namespace

Result<QueryOutcome> ParsePrometheusResponse(const std::string& body) {
  json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded()) return Status::InvalidArgument("response is not JSON: " + body.substr(0, 200));
  QueryOutcome out;
  try {
    if (doc.at("status") != "success") {
      out.error = doc.value("errorType", "") + ": " + doc.value("error", "");
      return out;
    }
    const json& data = doc.at("data");
    out.type = data.at("resultType").get<std::string>();
    const json& result = data.at("result");
    if (out.type == "scalar") {
      out.series.push_back({Labels{}, {ParsePoint(result)}});
    } else if (out.type == "string") {
      out.text = result.at(1).get<std::string>();
    } else if (out.type == "vector") {
      for (const json& s : result)
        out.series.push_back({ParseMetric(s.at("metric")), {ParsePoint(s.at("value"))}});
    } else {
      for (const json& s : result) {
        ResultSeries rs{ParseMetric(s.at("metric")), {}};
        for (const json& p : s.at("values")) rs.points.push_back(ParsePoint(p));
        out.series.push_back(std::move(rs));
      }
    }
    if (data.contains("stats")) {
      out.exec_seconds = data["stats"].at("timings").at("execTotalTime").get<double>();
    }
  } catch (const json::exception& e) {
    return Status::InvalidArgument(std::string("unexpected response shape: ") + e.what());
  }
  return out;
}

QueryOutcome FromEngine(const Result<promql::QueryResult>& result) {
  QueryOutcome out;
  if (!result.ok()) {
    out.error = result.status().ToString();
    return out;
  }
  out.exec_seconds = result->stats.exec_total_time;
  const promql::Value& v = result->value;
  if (const auto* s = std::get_if<promql::Scalar>(&v)) {
    out.type = "scalar";
    out.series.push_back({Labels{}, {{s->t, s->v}}});
  } else if (const auto* str = std::get_if<promql::String>(&v)) {
    out.type = "string";
    out.text = str->v;
  } else if (const auto* vec = std::get_if<promql::Vector>(&v)) {
    out.type = "vector";
    for (const auto& e : *vec) out.series.push_back({e.labels, {{e.t, e.v}}});
  } else if (const auto* m = std::get_if<promql::Matrix>(&v)) {
    out.type = "matrix";
    for (const auto& series : *m) {
      ResultSeries rs{series.labels, {}};
      for (const auto& p : series.samples) rs.points.push_back({p.t, p.v});
      out.series.push_back(std::move(rs));
    }
  } else {
    out.error = "engine returned no value";
  }
  return out;
}

bool ValuesClose(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  if (std::isinf(a) || std::isinf(b)) return a == b;
  double diff = std::fabs(a - b);
  return diff <= 1e-12 || diff <= 1e-9 * std::max(std::fabs(a), std::fabs(b));
}

std::optional<std::string> FirstDifference(const QueryOutcome& want, const QueryOutcome& got, bool ordered) {
  if (!want.error.empty() || !got.error.empty()) {
    if (!want.error.empty() && !got.error.empty()) return std::nullopt;
    return "prometheus: " + (want.error.empty() ? "ok" : want.error) +
           " | ember: " + (got.error.empty() ? "ok" : got.error);
  }
  if (want.type != got.type) return "result type: prometheus " + want.type + ", ember " + got.type;
  if (want.text != got.text) return "string: prometheus \"" + want.text + "\", ember \"" + got.text + "\"";
  if (ordered) {
    size_t n = std::min(want.series.size(), got.series.size());
    for (size_t i = 0; i < n; ++i) {
      if (want.series[i].points.empty() || got.series[i].points.empty()) continue;
      if (!ValuesClose(want.series[i].points[0].second, got.series[i].points[0].second)) {
        return "order: element " + std::to_string(i) + " is " + want.series[i].labels.ToString() +
               " in prometheus, " + got.series[i].labels.ToString() + " in ember";
      }
    }
  }
  auto sorted = [](std::vector<ResultSeries> s) {
    std::sort(s.begin(), s.end(), [](const auto& a, const auto& b) { return a.labels < b.labels; });
    return s;
  };
  auto w = sorted(want.series);
  auto g = sorted(got.series);
  size_t i = 0;
  size_t j = 0;
  while (i < w.size() || j < g.size()) {
    if (j == g.size() || (i < w.size() && w[i].labels < g[j].labels)) {
      return "series only in prometheus: " + w[i].labels.ToString() + " (" + std::to_string(w.size()) +
             " vs " + std::to_string(g.size()) + " series)";
    }
    if (i == w.size() || g[j].labels < w[i].labels) {
      return "series only in ember: " + g[j].labels.ToString() + " (" + std::to_string(w.size()) + " vs " +
             std::to_string(g.size()) + " series)";
    }
    const auto& wp = w[i].points;
    const auto& gp = g[j].points;
    for (size_t k = 0; k < std::max(wp.size(), gp.size()); ++k) {
      if (k == wp.size() || k == gp.size() || wp[k].first != gp[k].first) {
        auto at = [](const auto& p, size_t idx) {
          return idx < p.size() ? std::to_string(p[idx].first) : std::string("(none)");
        };
        return w[i].labels.ToString() + ": point " + std::to_string(k) + " at t=" + at(wp, k) +
               " in prometheus, " + at(gp, k) + " in ember (" + std::to_string(wp.size()) + " vs " +
               std::to_string(gp.size()) + " points)";
      }
      if (!ValuesClose(wp[k].second, gp[k].second)) {
        return w[i].labels.ToString() + " t=" + std::to_string(wp[k].first) + ": prometheus " +
               Format(wp[k].second) + ", ember " + Format(gp[k].second);
      }
    }
    ++i;
    ++j;
  }
  return std::nullopt;
}

}  // namespace ember::compat
