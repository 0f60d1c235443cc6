#include "query_json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "ember/base/strings.h"

namespace ember::scraper {
namespace {

// Writes a timestamp in ms as seconds (see AppendJsonTimestamp); at most 24
// characters.
char* WriteJsonTimestamp(char* p, int64_t ms) {
  // Seconds and milliseconds are written apart, so no float rounding can
  // change the timestamp.
  uint64_t abs = ms < 0 ? 0 - static_cast<uint64_t>(ms) : static_cast<uint64_t>(ms);
  if (ms < 0) *p++ = '-';
  p = std::to_chars(p, p + 24, abs / 1000).ptr;
  unsigned frac = static_cast<unsigned>(abs % 1000);
  if (frac == 0) return p;
  *p++ = '.';
  *p++ = static_cast<char>('0' + frac / 100);
  if (frac % 100 == 0) return p;
  *p++ = static_cast<char>('0' + frac / 10 % 10);
  if (frac % 10 == 0) return p;
  *p++ = static_cast<char>('0' + frac % 10);
  return p;
}

// Writes a sample value as a JSON string (see AppendJsonSampleValue); needs
// up to 400 characters before `end`.
char* WriteJsonSampleValue(char* p, char* end, double v) {
  *p++ = '"';
  if (std::isnan(v)) {
    p = std::copy_n("NaN", 3, p);
  } else if (std::isinf(v)) {
    p = std::copy_n(v > 0 ? "+Inf" : "-Inf", 4, p);
  } else if (v == std::trunc(v) && std::fabs(v) < 9007199254740992.0 && !(v == 0 && std::signbit(v))) {
    // Integers (most counters) take a shorter path with the same output.
    p = std::to_chars(p, end, static_cast<int64_t>(v)).ptr;
  } else if (const double abs = std::fabs(v); abs != 0 && (abs < 1e-6 || abs >= 1e21)) {
    // Exponent form at the extremes, as Prometheus's jsonutil.MarshalFloat;
    // Go's shortest 'g' form is that exponent form in these ranges.
    const std::string e = FormatFloat(v, 'g');
    p = std::copy(e.begin(), e.end(), p);
  } else {
    // Go's shortest fixed form.
    p = WriteFloatF(p, v);
  }
  *p++ = '"';
  return p;
}

void AppendSampleArray(std::string& out, int64_t t, double v) {
  // Formatted in a local buffer and appended once: this runs for every
  // sample of a large matrix.
  char buf[512];
  char* p = buf;
  *p++ = '[';
  p = WriteJsonTimestamp(p, t);
  *p++ = ',';
  p = WriteJsonSampleValue(p, buf + sizeof(buf), v);
  *p++ = ']';
  out.append(buf, p);
}

void AppendMetric(std::string& out, const Labels& labels) {
  out += "\"metric\":{";
  bool first = true;
  for (const Label& l : labels) {
    if (!first) out += ',';
    first = false;
    AppendJsonString(out, l.name);
    out += ':';
    AppendJsonString(out, l.value);
  }
  out += '}';
}

void AppendSeconds(std::string& out, std::string_view key, double seconds) {
  AppendJsonString(out, key);
  out += ':';
  AppendJsonNumber(out, seconds);
}

}  // namespace

void AppendJsonNumber(std::string& out, double v) {
  const double abs = std::fabs(v);
  if (abs == 0 || (abs >= 1e-6 && abs < 1e21)) {
    out += FormatFloat(v, 'f');
    return;
  }
  std::string g = FormatFloat(v, 'g');
  const size_t e = g.find("e-0");
  if (e != std::string::npos && e + 4 <= g.size()) g.erase(e + 2, 1);
  out += g;
}

void AppendJsonTimestamp(std::string& out, int64_t ms) {
  char buf[32];
  out.append(buf, WriteJsonTimestamp(buf, ms));
}

void AppendJsonSampleValue(std::string& out, double v) {
  char buf[448];
  out.append(buf, WriteJsonSampleValue(buf, buf + sizeof(buf), v));
}

void AppendQueryData(std::string& out, const promql::Value& value) {
  out += "{\"resultType\":";
  AppendJsonString(out, promql::ValueTypeName(promql::TypeOf(value)));
  out += ",\"result\":";
  if (const auto* scalar = std::get_if<promql::Scalar>(&value)) {
    AppendSampleArray(out, scalar->t, scalar->v);
  } else if (const auto* str = std::get_if<promql::String>(&value)) {
    out += '[';
    AppendJsonTimestamp(out, str->t);
    out += ',';
    AppendJsonString(out, str->v);
    out += ']';
  } else if (const auto* vector = std::get_if<promql::Vector>(&value)) {
    out += '[';
    for (size_t i = 0; i < vector->size(); ++i) {
      const promql::VectorSample& s = (*vector)[i];
      if (i > 0) out += ',';
      out += '{';
      AppendMetric(out, s.labels);
      out += ",\"value\":";
      AppendSampleArray(out, s.t, s.v);
      out += '}';
    }
    out += ']';
  } else if (const auto* matrix = std::get_if<promql::Matrix>(&value)) {
    // Growing a string of many megabytes by doubling copies it again and
    // again and faults in twice the pages; an estimate up front avoids both.
    size_t estimate = 0;
    for (const promql::Series& series : *matrix) {
      estimate += series.labels.ByteSize() + 8 * series.labels.size() + 32 + series.samples.size() * 32;
    }
    out.reserve(out.size() + estimate);
    out += '[';
    for (size_t i = 0; i < matrix->size(); ++i) {
      const promql::Series& series = (*matrix)[i];
      if (i > 0) out += ',';
      out += '{';
      AppendMetric(out, series.labels);
      out += ",\"values\":[";
      for (size_t k = 0; k < series.samples.size(); ++k) {
        if (k > 0) out += ',';
        AppendSampleArray(out, series.samples[k].t, series.samples[k].v);
      }
      out += "]}";
    }
    out += ']';
  } else {
    out += "null";
  }
  out += '}';
}

void AppendQueryStats(std::string& out, const promql::QueryStats& stats) {
  out += "{\"timings\":{";
  AppendSeconds(out, "evalTotalTime", stats.eval_total_time);
  out += ',';
  AppendSeconds(out, "resultSortTime", stats.result_sort_time);
  out += ',';
  AppendSeconds(out, "queryPreparationTime", stats.query_preparation_time);
  out += ',';
  AppendSeconds(out, "innerEvalTime", stats.inner_eval_time);
  out += ',';
  AppendSeconds(out, "execQueueTime", stats.exec_queue_time);
  out += ',';
  AppendSeconds(out, "execTotalTime", stats.exec_total_time);
  out += "},\"samples\":{";
  if (!stats.total_queryable_samples_per_step.empty()) {
    out += "\"totalQueryableSamplesPerStep\":[";
    for (size_t i = 0; i < stats.total_queryable_samples_per_step.size(); ++i) {
      const auto& [t, n] = stats.total_queryable_samples_per_step[i];
      if (i > 0) out += ',';
      out += '[';
      AppendJsonTimestamp(out, t);
      out += ',';
      out += std::to_string(n);
      out += ']';
    }
    out += "],";
  }
  out += "\"totalQueryableSamples\":";
  out += std::to_string(stats.total_queryable_samples);
  out += ",\"peakSamples\":";
  out += std::to_string(stats.peak_samples);
  out += "}}";
}

}  // namespace ember::scraper
