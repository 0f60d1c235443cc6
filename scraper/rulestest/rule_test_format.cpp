#include "rulestest/rule_test_format.h"

#include <charconv>
#include <cmath>

#include "ember/base/strings.h"

namespace ember::scraper {
namespace {

bool IsLegacyName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string FormatTestLabels(const Labels& labels) {
  std::string s = "{";
  bool first = true;
  for (const Label& l : labels) {
    if (!first) s += ", ";
    first = false;
    s += IsLegacyName(l.name) ? l.name : GoQuote(l.name);
    s += '=';
    s += GoQuote(l.value);
  }
  s += '}';
  return s;
}

std::string FormatFloatE(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  std::string out(buf, res.ptr);
  for (char& c : out) {
    if (c == 'e') c = 'E';
  }
  return out;
}

std::string IndentLines(std::string_view text, std::string_view indent) {
  std::string out;
  size_t start = 0;
  bool first = true;
  while (true) {
    size_t nl = text.find('\n', start);
    if (!first) out.append(indent);
    first = false;
    if (nl == std::string_view::npos) {
      out.append(text.substr(start));
      break;
    }
    out.append(text.substr(start, nl - start));
    out.push_back('\n');
    start = nl + 1;
  }
  return out;
}

std::string FormatAlerts(const std::vector<TestAlert>& alerts) {
  if (alerts.empty()) return "[]";
  std::string s = "[";
  for (size_t i = 0; i < alerts.size(); ++i) {
    std::string one = "\nLabels:" + FormatTestLabels(alerts[i].labels) +
                      "\nAnnotations:" + FormatTestLabels(alerts[i].annotations);
    s += i == 0 ? "\n" : ",\n";
    s += std::to_string(i) + ":" + IndentLines(one, "  ");
  }
  s += "\n]";
  return s;
}

std::string FormatSamples(const std::vector<TestSample>& samples) {
  if (samples.empty()) return "nil";
  std::string s;
  for (size_t i = 0; i < samples.size(); ++i) {
    if (i > 0) s += ", ";
    s += FormatTestLabels(samples[i].labels) + " " + FormatFloatE(samples[i].value);
  }
  return s;
}

bool AlertLess(const TestAlert& a, const TestAlert& b) {
  if (auto c = a.labels <=> b.labels; c != 0) return c < 0;
  return (a.annotations <=> b.annotations) < 0;
}

bool SampleLess(const TestSample& a, const TestSample& b) { return (a.labels <=> b.labels) < 0; }

}  // namespace ember::scraper
