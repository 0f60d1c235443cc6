#include <cstdio>

#include "ember/base/strings.h"
#include "ember/base/time.h"
#include "ember/notifier/alert.h"

namespace ember::notifier {
namespace {

void AppendLabelSet(std::string& out, const Labels& labels) {
  out += '{';
  bool first = true;
  for (const Label& l : labels) {
    if (!first) out += ',';
    first = false;
    AppendGoJsonString(out, l.name);
    out += ':';
    AppendGoJsonString(out, l.value);
  }
  out += '}';
}

}  // namespace

std::string FormatAlertTime(int64_t unix_ms) {
  if (unix_ms == 0) return "0001-01-01T00:00:00.000Z";
  return FormatRfc3339Millis(unix_ms);
}

std::string EncodeAlertsV2(std::span<const Alert> alerts) {
  std::string out = "[";
  bool first = true;
  for (const Alert& a : alerts) {
    if (!first) out += ',';
    first = false;
    out += '{';
    if (!a.annotations.empty()) {
      out += "\"annotations\":";
      AppendLabelSet(out, a.annotations);
      out += ',';
    }
    out += "\"endsAt\":\"";
    out += FormatAlertTime(a.ends_at_ms);
    out += "\",\"startsAt\":\"";
    out += FormatAlertTime(a.starts_at_ms);
    out += "\",";
    if (!a.generator_url.empty()) {
      out += "\"generatorURL\":";
      AppendGoJsonString(out, a.generator_url);
      out += ',';
    }
    out += "\"labels\":";
    AppendLabelSet(out, a.labels);
    out += '}';
  }
  out += ']';
  return out;
}

}  // namespace ember::notifier
