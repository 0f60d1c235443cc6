#include <cstdio>

#include "ember/base/strings.h"
#include "ember/base/time.h"
#include "ember/notifier/alert.h"

namespace ember::notifier {
namespace {

// A JSON string as Go's encoding/json (Go 1.22 and later) writes it with
// HTML escaping on, which json.Marshal always uses.
void AppendJsonString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        default:
          if (c < 0x20 || c == '<' || c == '>' || c == '&') {
            out += "\\u00";
            out += kHex[c >> 4];
            out += kHex[c & 0xf];
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    const size_t n = Utf8SequenceLength(s, i);
    if (n == 0) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    // U+2028 and U+2029 (E2 80 A8/A9) break JavaScript string literals.
    if (n == 3 && c == 0xE2 && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(s[i + 2]) & 0xFE) == 0xA8) {
      out += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  out += '"';
}

void AppendLabelSet(std::string& out, const Labels& labels) {
  out += '{';
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
      AppendJsonString(out, a.generator_url);
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
