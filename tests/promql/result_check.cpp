#include "result_check.h"

#include <re2/re2.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>

#include "ember/tsdb/sample.h"

namespace ember::promqltest {
namespace {

using tsdb::Sample;

constexpr double kEpsilon = 1e-6;

bool Matches(const Expectation& e, const std::string& text) {
  switch (e.kind) {
    case Expectation::Kind::kAny:
      return true;
    case Expectation::Kind::kMessage:
      return e.text == text;
    case Expectation::Kind::kRegex:
      return RE2::PartialMatch(text, RE2(e.text));
  }
  return false;
}

std::string Describe(const Expectation& e) {
  switch (e.kind) {
    case Expectation::Kind::kAny:
      return "any";
    case Expectation::Kind::kMessage:
      return "msg: " + e.text;
    case Expectation::Kind::kRegex:
      return "regex: " + e.text;
  }
  return "";
}

std::string FormatValues(const std::vector<SequenceValue>& values) {
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out += ' ';
    switch (v.kind) {
      case SequenceValue::Kind::kFloat:
        out += FormatFloat(v.value);
        break;
      case SequenceValue::Kind::kOmitted:
        out += '_';
        break;
      case SequenceValue::Kind::kHistogram:
        out += "{{" + v.histogram + "}}";
        break;
    }
  }
  return out;
}

std::string FormatSamples(const std::vector<Sample>& samples) {
  std::string out;
  size_t shown = 0;
  for (const auto& s : samples) {
    if (!out.empty()) out += ' ';
    if (++shown > 12) {
      out += "... (" + std::to_string(samples.size()) + " points)";
      break;
    }
    out += FormatFloat(s.v) + "@" + std::to_string(s.t);
  }
  return out;
}

const SeriesLine* FindExpected(const EvalCommand& cmd, const Labels& labels, size_t* index) {
  for (size_t i = 0; i < cmd.results.size(); ++i) {
    if (cmd.results[i].labels == labels) {
      if (index != nullptr) *index = i;
      return &cmd.results[i];
    }
  }
  return nullptr;
}

// Series of a matrix against result lines whose values are at start, start+step, ... <= end.
std::optional<std::string> CheckMatrix(const EvalCommand& cmd, const promql::Matrix& matrix, int64_t start,
                                       int64_t end, int64_t step) {
  if (auto e = CheckMatrixSorted(matrix)) return e;
  std::vector<bool> seen(cmd.results.size());
  for (const auto& series : matrix) {
    size_t index = 0;
    const SeriesLine* exp = FindExpected(cmd, series.labels, &index);
    if (exp == nullptr) {
      return "unexpected metric " + series.labels.ToString() + " in result, has " +
             FormatSamples(series.samples);
    }
    seen[index] = true;
    std::vector<Sample> expected;
    for (size_t i = 0; i < exp->values.size(); ++i) {
      int64_t t = start + static_cast<int64_t>(i) * step;
      if (t > end) {
        return "expected " + std::to_string(exp->values.size()) + " points for " + series.labels.ToString() +
               ", but query time range cannot return this many points";
      }
      const auto& v = exp->values[i];
      if (v.kind == SequenceValue::Kind::kHistogram) return "expected a histogram (not supported)";
      if (v.kind == SequenceValue::Kind::kFloat) expected.push_back({t, v.value});
    }
    if (expected.size() != series.samples.size()) {
      return "expected " + std::to_string(expected.size()) + " float points for " + series.labels.ToString() +
             ", but got " + std::to_string(series.samples.size()) + ": " + FormatSamples(series.samples);
    }
    for (size_t i = 0; i < expected.size(); ++i) {
      const Sample& got = series.samples[i];
      if (got.t != expected[i].t) {
        return "expected float value at index " + std::to_string(i) + " for " + series.labels.ToString() +
               " to have timestamp " + std::to_string(expected[i].t) + ", but it had timestamp " +
               std::to_string(got.t) + " (result has " + FormatSamples(series.samples) + ")";
      }
      if (!AlmostEqual(got.v, expected[i].v)) {
        return "expected float value at index " + std::to_string(i) + " (t=" + std::to_string(got.t) +
               ") for " + series.labels.ToString() + " to be " + FormatFloat(expected[i].v) + ", but got " +
               FormatFloat(got.v) + " (result has " + FormatSamples(series.samples) + ")";
      }
    }
  }
  for (size_t i = 0; i < cmd.results.size(); ++i) {
    if (!seen[i]) return "expected metric " + cmd.results[i].labels.ToString() + " not found";
  }
  return std::nullopt;
}

}  // namespace

std::string FormatFloat(double v) {
  if (tsdb::IsStaleNaN(v)) return "stale";
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, r.ptr);
}

bool AlmostEqual(double a, double b) {
  if (tsdb::IsStaleNaN(a) || tsdb::IsStaleNaN(b)) return tsdb::IsStaleNaN(a) && tsdb::IsStaleNaN(b);
  if (std::isnan(a) && std::isnan(b)) return true;
  if (a == b) return true;
  const double min_normal = std::numeric_limits<double>::min();
  double abs_sum = std::fabs(a) + std::fabs(b);
  double diff = std::fabs(a - b);
  if (a == 0 || b == 0 || abs_sum < min_normal) return diff < kEpsilon * min_normal;
  return diff / std::min(abs_sum, std::numeric_limits<double>::max()) < kEpsilon;
}

std::optional<std::string> CheckMatrixSorted(const promql::Matrix& matrix) {
  for (size_t i = 1; i < matrix.size(); ++i) {
    if (!(matrix[i - 1].labels < matrix[i].labels)) {
      return "matrix results should always be sorted by labels, but " + matrix[i - 1].labels.ToString() +
             " (at index " + std::to_string(i - 1) + ") sorts before " + matrix[i].labels.ToString();
    }
  }
  return std::nullopt;
}

std::optional<std::string> CheckResult(const EvalCommand& cmd, const promql::Value& value) {
  if (cmd.expect_string) {
    const auto* s = std::get_if<promql::String>(&value);
    if (s == nullptr) return "expected string \"" + *cmd.expect_string + "\" but got " + FormatValue(value);
    if (s->v != *cmd.expect_string)
      return "expected string \"" + *cmd.expect_string + "\" but got \"" + s->v + "\"";
    return std::nullopt;
  }
  if (const auto* m = std::get_if<promql::Matrix>(&value)) {
    if (cmd.ordered) return "expected ordered result, but query returned a matrix";
    if (cmd.scalar) return "expected scalar result, but got matrix " + FormatValue(value);
    if (cmd.range) return CheckMatrix(cmd, *m, cmd.start_ms, cmd.end_ms, cmd.step_ms);
    if (cmd.range_vector) {
      return CheckMatrix(cmd, *m, cmd.range_vector->start_ms, cmd.range_vector->end_ms,
                         cmd.range_vector->step_ms);
    }
    return "received range result on instant evaluation";
  }
  if (cmd.range_vector) return "expected range vector result, but got " + FormatValue(value);
  if (const auto* v = std::get_if<promql::Vector>(&value)) {
    if (cmd.scalar) return "expected scalar result, but got vector " + FormatValue(value);
    std::vector<bool> seen(cmd.results.size());
    for (size_t pos = 0; pos < v->size(); ++pos) {
      const auto& sample = (*v)[pos];
      size_t index = 0;
      const SeriesLine* exp = FindExpected(cmd, sample.labels, &index);
      if (exp == nullptr) {
        return "unexpected metric " + sample.labels.ToString() + " in result, has value " +
               FormatFloat(sample.v);
      }
      if (cmd.ordered && index != pos) {
        return "expected metric " + sample.labels.ToString() + " at position " + std::to_string(index + 1) +
               " but was at " + std::to_string(pos + 1);
      }
      const SequenceValue& e = exp->values.at(0);
      if (e.kind == SequenceValue::Kind::kHistogram) {
        return "expected histogram for " + sample.labels.ToString() + " but got float " +
               FormatFloat(sample.v);
      }
      if (e.kind == SequenceValue::Kind::kOmitted || !AlmostEqual(e.value, sample.v)) {
        return "expected " + FormatValues(exp->values) + " for " + sample.labels.ToString() + " but got " +
               FormatFloat(sample.v);
      }
      seen[index] = true;
    }
    for (size_t i = 0; i < cmd.results.size(); ++i) {
      if (!seen[i]) {
        return "expected metric " + cmd.results[i].labels.ToString() + " with " +
               FormatValues(cmd.results[i].values) + " not found";
      }
    }
    return std::nullopt;
  }
  if (const auto* s = std::get_if<promql::Scalar>(&value)) {
    if (!cmd.scalar) return "expected vector or matrix result, but got scalar " + FormatFloat(s->v);
    if (!AlmostEqual(*cmd.scalar, s->v))
      return "expected scalar " + FormatFloat(*cmd.scalar) + " but got " + FormatFloat(s->v);
    return std::nullopt;
  }
  if (std::holds_alternative<promql::String>(value)) return "unexpected string result " + FormatValue(value);
  return std::string("query returned no value");
}

std::optional<std::string> CheckFailure(const EvalCommand& cmd, const std::string& message) {
  if (!cmd.fail) return "unexpected error: " + message;
  if (!Matches(*cmd.fail, message)) {
    return "expected error matching " + Describe(*cmd.fail) + ", got: " + message;
  }
  return std::nullopt;
}

std::optional<std::string> CheckAnnotations(const EvalCommand& cmd,
                                            const std::vector<std::string>& rendered) {
  struct Kind {
    const char* prefix;
    const char* name;
    const std::vector<Expectation>& expected;
    bool none;
  };
  Kind kinds[] = {{"PromQL warning: ", "warning", cmd.warn, cmd.no_warn},
                  {"PromQL info: ", "info", cmd.info, cmd.no_info}};
  for (const Kind& kind : kinds) {
    std::vector<std::string> got;
    for (const auto& r : rendered) {
      if (r.rfind(kind.prefix, 0) == 0) got.push_back(r);
    }
    if (kind.none && !got.empty()) return std::string("unexpected ") + kind.name + ": " + got[0];
    if (kind.expected.empty()) continue;
    for (const auto& e : kind.expected) {
      bool found = std::any_of(got.begin(), got.end(), [&](const std::string& g) { return Matches(e, g); });
      if (!found) {
        std::string list;
        for (const auto& g : got) list += (list.empty() ? "" : "; ") + g;
        return std::string("expected ") + kind.name + " matching " + Describe(e) + " (line " +
               std::to_string(e.line) + "), got [" + list + "]";
      }
    }
    for (const auto& g : got) {
      bool matched = std::any_of(kind.expected.begin(), kind.expected.end(),
                                 [&](const Expectation& e) { return Matches(e, g); });
      if (!matched) return std::string("unexpected ") + kind.name + ": " + g;
    }
  }
  return std::nullopt;
}

std::string FormatValue(const promql::Value& value, size_t max_series) {
  if (const auto* s = std::get_if<promql::Scalar>(&value)) return "scalar " + FormatFloat(s->v);
  if (const auto* s = std::get_if<promql::String>(&value)) return "string \"" + s->v + "\"";
  std::string out;
  size_t n = 0;
  if (const auto* v = std::get_if<promql::Vector>(&value)) {
    if (v->empty()) return "empty vector";
    for (const auto& s : *v) {
      if (n++ == max_series) {
        out += "\n    ... " + std::to_string(v->size()) + " series";
        break;
      }
      out += "\n    " + s.labels.ToString() + " " + FormatFloat(s.v);
    }
    return out;
  }
  if (const auto* m = std::get_if<promql::Matrix>(&value)) {
    if (m->empty()) return "empty matrix";
    for (const auto& s : *m) {
      if (n++ == max_series) {
        out += "\n    ... " + std::to_string(m->size()) + " series";
        break;
      }
      out += "\n    " + s.labels.ToString() + " " + FormatSamples(s.samples);
    }
    return out;
  }
  return "no value";
}

std::string FormatExpected(const EvalCommand& cmd, size_t max_series) {
  if (cmd.fail) return "failure (" + Describe(*cmd.fail) + ")";
  if (cmd.expect_string) return "string \"" + *cmd.expect_string + "\"";
  if (cmd.scalar) return "scalar " + FormatFloat(*cmd.scalar);
  if (cmd.results.empty()) return "empty result";
  std::string out;
  size_t n = 0;
  for (const auto& s : cmd.results) {
    if (n++ == max_series) {
      out += "\n    ... " + std::to_string(cmd.results.size()) + " series";
      break;
    }
    out += "\n    " + s.labels.ToString() + " " + FormatValues(s.values);
  }
  return out;
}

}  // namespace ember::promqltest
