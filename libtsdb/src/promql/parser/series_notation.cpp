#include "ember/promql/series_notation.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <utility>

#include "ember/base/strings.h"
#include "ember/tsdb/sample.h"

namespace ember::promql {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool IsNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':'; }
bool IsNameChar(char c) { return IsNameStart(c) || std::isdigit(static_cast<unsigned char>(c)); }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reads a Go string literal ("...", '...' or `...`) at s[pos]; advances pos past it.
Result<std::string> ReadQuoted(std::string_view s, size_t& pos) {
  char quote = s[pos++];
  std::string out;
  while (pos < s.size()) {
    char c = s[pos++];
    if (c == quote) return out;
    if (c != '\\' || quote == '`') {
      out += c;
      continue;
    }
    if (pos >= s.size()) break;
    char e = s[pos++];
    switch (e) {
      case 'a':
        out += '\a';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'v':
        out += '\v';
        break;
      case '\\':
        out += '\\';
        break;
      case '\'':
        out += '\'';
        break;
      case '"':
        out += '"';
        break;
      case 'x':
      case 'u':
      case 'U': {
        size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
        if (pos + n > s.size()) return Status::InvalidArgument("bad escape in string");
        uint32_t v = 0;
        for (size_t i = 0; i < n; ++i) {
          int h = HexValue(s[pos + i]);
          if (h < 0) return Status::InvalidArgument("bad escape in string");
          v = v * 16 + static_cast<uint32_t>(h);
        }
        pos += n;
        if (e == 'x') {
          out += static_cast<char>(v);
        } else {
          AppendUtf8(out, v);
        }
        break;
      }
      default:
        if (e >= '0' && e <= '7' && pos + 1 < s.size()) {
          uint32_t v = static_cast<uint32_t>(e - '0') * 64 + static_cast<uint32_t>(s[pos] - '0') * 8 +
                       static_cast<uint32_t>(s[pos + 1] - '0');
          pos += 2;
          out += static_cast<char>(v);
          break;
        }
        return Status::InvalidArgument(std::string("unknown escape \\") + e);
    }
  }
  return Status::InvalidArgument("unterminated string");
}

void SkipSpaces(std::string_view s, size_t& pos) {
  while (pos < s.size() && IsSpace(s[pos])) ++pos;
}

Result<std::string> ReadLabelName(std::string_view s, size_t& pos) {
  if (pos < s.size() && (s[pos] == '"' || s[pos] == '\'' || s[pos] == '`')) return ReadQuoted(s, pos);
  size_t start = pos;
  if (pos >= s.size() || !IsNameStart(s[pos])) return Status::InvalidArgument("expected a label name");
  while (pos < s.size() && IsNameChar(s[pos])) ++pos;
  return std::string(s.substr(start, pos - start));
}

// The label block `{...}` at s[pos] (pos at '{'); adds to `labels`.
Status ReadLabelBlock(std::string_view s, size_t& pos, std::vector<Label>& labels) {
  ++pos;  // '{'
  while (true) {
    SkipSpaces(s, pos);
    if (pos >= s.size()) return Status::InvalidArgument("unterminated label set");
    if (s[pos] == '}') {
      ++pos;
      return Status::Ok();
    }
    bool quoted = s[pos] == '"' || s[pos] == '\'' || s[pos] == '`';
    auto name = ReadLabelName(s, pos);
    if (!name.ok()) return name.status();
    SkipSpaces(s, pos);
    if (quoted && pos < s.size() && (s[pos] == ',' || s[pos] == '}')) {
      // `{"metric.name", ...}`: a quoted metric name.
      labels.push_back({std::string(kMetricNameLabel), *name});
    } else {
      if (pos >= s.size() || s[pos] != '=') return Status::InvalidArgument("expected '=' after label name");
      ++pos;
      SkipSpaces(s, pos);
      if (pos >= s.size() || (s[pos] != '"' && s[pos] != '\'' && s[pos] != '`')) {
        return Status::InvalidArgument("expected a quoted label value");
      }
      auto value = ReadQuoted(s, pos);
      if (!value.ok()) return value.status();
      labels.push_back({*name, *value});
    }
    SkipSpaces(s, pos);
    if (pos < s.size() && s[pos] == ',') ++pos;
  }
}

// A float at s[pos] as the series notation writes it: [+-]? (Inf | NaN | digits[.digits][e[+-]digits]).
bool ReadFloat(std::string_view s, size_t& pos, double* out) {
  size_t start = pos;
  size_t p = pos;
  if (p < s.size() && (s[p] == '+' || s[p] == '-')) ++p;
  std::string rest = Lower(s.substr(p, 3));
  if (rest == "inf" || rest == "nan") {
    p += 3;
  } else {
    size_t digits = 0;
    while (p < s.size() && std::isdigit(static_cast<unsigned char>(s[p]))) ++p, ++digits;
    if (p < s.size() && s[p] == '.') {
      ++p;
      while (p < s.size() && std::isdigit(static_cast<unsigned char>(s[p]))) ++p, ++digits;
    }
    if (digits == 0) return false;
    if (p < s.size() && (s[p] == 'e' || s[p] == 'E')) {
      size_t q = p + 1;
      if (q < s.size() && (s[q] == '+' || s[q] == '-')) ++q;
      if (q < s.size() && std::isdigit(static_cast<unsigned char>(s[q]))) {
        while (q < s.size() && std::isdigit(static_cast<unsigned char>(s[q]))) ++q;
        p = q;
      }
    }
  }
  std::string text(s.substr(start, p - start));
  *out = std::strtod(text.c_str(), nullptr);
  pos = p;
  return true;
}

bool ReadCount(std::string_view s, size_t& pos, int64_t* out) {
  size_t start = pos;
  int64_t v = 0;
  while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
    v = v * 10 + (s[pos] - '0');
    if (v > 10'000'000) return false;
    ++pos;
  }
  *out = v;
  return pos > start;
}

// The `{{...}}` literal at s[pos]; returns its inside and advances past it.
Result<std::string> ReadHistogram(std::string_view s, size_t& pos) {
  size_t end = s.find("}}", pos + 2);
  if (end == std::string_view::npos) return Status::InvalidArgument("unterminated histogram {{");
  std::string inner(Trim(s.substr(pos + 2, end - pos - 2)));
  pos = end + 2;
  return inner;
}

bool AtItemEnd(std::string_view s, size_t pos) { return pos >= s.size() || IsSpace(s[pos]); }

std::string MetricHint(std::string_view text) {
  std::string out = "\"";
  out.append(text.substr(0, 40));
  if (text.size() > 40) out.append("...");
  out.push_back('"');
  return out;
}

}  // namespace

bool SeriesLine::HasHistogram() const {
  for (const auto& v : values) {
    if (v.kind == SequenceValue::Kind::kHistogram) return true;
  }
  return false;
}

Result<int64_t> ParseNotationDuration(std::string_view text) {
  std::string_view s = Trim(text);
  bool negative = false;
  if (!s.empty() && s[0] == '-') {
    negative = true;
    s.remove_prefix(1);
  }
  auto bad = [&] {
    return Status::InvalidArgument("not a valid duration string: \"" + std::string(text) + "\"");
  };
  if (s.empty()) return bad();
  if (s == "0") return int64_t{0};
  static constexpr std::pair<std::string_view, int64_t> kUnits[] = {{"y", int64_t{365} * 24 * 3600 * 1000},
                                                                    {"w", int64_t{7} * 24 * 3600 * 1000},
                                                                    {"d", int64_t{24} * 3600 * 1000},
                                                                    {"h", int64_t{3600} * 1000},
                                                                    {"m", 60 * 1000},
                                                                    {"s", 1000},
                                                                    {"ms", 1}};
  int64_t total = 0;
  size_t pos = 0;
  size_t next_unit = 0;  // units must come largest first, each at most once
  while (pos < s.size()) {
    int64_t n = 0;
    size_t start = pos;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      n = n * 10 + (s[pos] - '0');
      if (n > (int64_t{1} << 40)) return bad();
      ++pos;
    }
    if (pos == start) return bad();
    size_t ustart = pos;
    while (pos < s.size() && std::isalpha(static_cast<unsigned char>(s[pos]))) ++pos;
    std::string_view unit = s.substr(ustart, pos - ustart);
    size_t i = next_unit;
    while (i < std::size(kUnits) && kUnits[i].first != unit) ++i;
    if (i == std::size(kUnits)) return bad();
    total += n * kUnits[i].second;
    next_unit = i + 1;
  }
  return negative ? -total : total;
}

std::optional<double> ParseNotationNumber(std::string_view text) {
  std::string s(Trim(text));
  if (s.empty()) return std::nullopt;
  // Go's strconv.ParseInt(s, 0, 64) first: 0x/0o/0b prefixes and leading-0 octal.
  {
    std::string body = s;
    bool negative = false;
    if (body[0] == '+' || body[0] == '-') {
      negative = body[0] == '-';
      body = body.substr(1);
    }
    int base = 10;
    std::string digits = body;
    if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) {
      base = 16;
      digits = body.substr(2);
    } else if (body.size() > 2 && body[0] == '0' && (body[1] == 'o' || body[1] == 'O')) {
      base = 8;
      digits = body.substr(2);
    } else if (body.size() > 2 && body[0] == '0' && (body[1] == 'b' || body[1] == 'B')) {
      base = 2;
      digits = body.substr(2);
    } else if (body.size() > 1 && body[0] == '0') {
      base = 8;
      digits = body.substr(1);
    }
    bool all_digits = !digits.empty();
    for (char c : digits) {
      int v = HexValue(c);
      if (v < 0 || v >= base) all_digits = false;
    }
    if (all_digits) {
      errno = 0;
      long long v = std::strtoll(digits.c_str(), nullptr, base);
      if (errno == 0) return static_cast<double>(negative ? -v : v);
    }
  }
  // Then strconv.ParseFloat: decimal or hex floats, Inf/Infinity/NaN in any case.
  std::string lower = Lower(s);
  std::string unsigned_part = lower[0] == '+' || lower[0] == '-' ? lower.substr(1) : lower;
  if (unsigned_part == "inf" || unsigned_part == "infinity") {
    return lower[0] == '-' ? -std::numeric_limits<double>::infinity()
                           : std::numeric_limits<double>::infinity();
  }
  if (unsigned_part == "nan") {
    if (lower[0] == '+' || lower[0] == '-') return std::nullopt;
    return std::numeric_limits<double>::quiet_NaN();
  }
  for (char c : unsigned_part) {
    if (!(std::isxdigit(static_cast<unsigned char>(c)) || c == '.' || c == 'x' || c == 'p' || c == '+' ||
          c == '-')) {
      return std::nullopt;
    }
  }
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return std::nullopt;
  return v;
}

Result<std::vector<SequenceValue>> ParseValueSequence(std::string_view text) {
  std::vector<SequenceValue> out;
  size_t pos = 0;
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument(why + " in values " + MetricHint(text.substr(std::min(pos, text.size()))));
  };
  while (true) {
    SkipSpaces(text, pos);
    if (pos >= text.size()) break;
    if (StartsWith(text.substr(pos), "{{")) {
      auto first = ReadHistogram(text, pos);
      if (!first.ok()) return first.status();
      size_t p = pos;
      SkipSpaces(text, p);
      int64_t n = 0;
      if (p < text.size() && (text[p] == '+' || text[p] == '-')) {
        char sign = text[p];
        ++p;
        SkipSpaces(text, p);
        if (!StartsWith(text.substr(p), "{{"))
          return bad("expected {{ after histogram " + std::string(1, sign));
        auto delta = ReadHistogram(text, p);
        if (!delta.ok()) return delta.status();
        SkipSpaces(text, p);
        if (p >= text.size() || text[p] != 'x') return bad("expected x after histogram increment");
        ++p;
        if (!ReadCount(text, p, &n)) return bad("expected a count after x");
        pos = p;
        // Bucket-wise sums are not computed: the runner does not store histograms.
        for (int64_t i = 0; i <= n; ++i) {
          out.push_back(
              {SequenceValue::Kind::kHistogram, 0,
               i == 0 ? *first : *first + " " + sign + " " + std::to_string(i) + "*(" + *delta + ")"});
        }
        continue;
      }
      if (p < text.size() && text[p] == 'x' && p + 1 < text.size() &&
          std::isdigit(static_cast<unsigned char>(text[p + 1]))) {
        ++p;
        if (!ReadCount(text, p, &n)) return bad("expected a count after x");
        pos = p;
        for (int64_t i = 0; i <= n; ++i) out.push_back({SequenceValue::Kind::kHistogram, 0, *first});
        continue;
      }
      out.push_back({SequenceValue::Kind::kHistogram, 0, *first});
      continue;
    }
    if (text[pos] == '_') {
      ++pos;
      int64_t n = 1;
      if (pos < text.size() && text[pos] == 'x') {
        ++pos;
        if (!ReadCount(text, pos, &n)) return bad("expected a count after _x");
      }
      if (!AtItemEnd(text, pos)) return bad("unexpected character");
      for (int64_t i = 0; i < n; ++i) out.push_back({SequenceValue::Kind::kOmitted, 0, {}});
      continue;
    }
    double first = 0;
    if (StartsWith(Lower(text.substr(pos, 5)), "stale")) {
      first = tsdb::StaleNaN();
      pos += 5;
    } else if (!ReadFloat(text, pos, &first)) {
      return bad("expected a value");
    }
    double delta = 0;
    int64_t n = 0;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
      bool minus = text[pos] == '-';
      ++pos;
      if (!ReadFloat(text, pos, &delta)) return bad("expected an increment");
      if (minus) delta = -delta;
      if (pos >= text.size() || text[pos] != 'x') return bad("expected x after increment");
      ++pos;
      if (!ReadCount(text, pos, &n)) return bad("expected a count after x");
    } else if (pos < text.size() && text[pos] == 'x') {
      ++pos;
      if (!ReadCount(text, pos, &n)) return bad("expected a count after x");
    }
    if (!AtItemEnd(text, pos)) return bad("unexpected character");
    // Accumulated as upstream does (v += delta); a repeated value keeps its
    // exact bits, so a repeated stale marker stays one.
    double v = first;
    for (int64_t i = 0; i <= n; ++i) {
      out.push_back({SequenceValue::Kind::kFloat, v, {}});
      if (delta != 0) v += delta;
    }
  }
  return out;
}

Result<SeriesLine> ParseSeriesLine(std::string_view text, bool* start_timestamps) {
  SeriesLine out;
  std::string_view s = Trim(text);
  size_t pos = 0;
  std::vector<Label> labels;
  if (pos < s.size() && IsNameStart(s[pos])) {
    size_t start = pos;
    while (pos < s.size() && IsNameChar(s[pos])) ++pos;
    labels.push_back({std::string(kMetricNameLabel), std::string(s.substr(start, pos - start))});
  }
  if (pos < s.size() && s[pos] == '{') {
    Status st = ReadLabelBlock(s, pos, labels);
    if (!st.ok()) return st;
  }
  if (labels.empty() && (pos == 0)) return Status::InvalidArgument("expected a series in " + MetricHint(s));
  bool st_line = false;
  if (start_timestamps != nullptr && StartsWith(s.substr(pos), "@st")) {
    st_line = true;
    pos += 3;
  }
  if (pos < s.size() && !IsSpace(s[pos]))
    return Status::InvalidArgument("unexpected text after series in " + MetricHint(s));
  out.labels = Labels::FromUnsorted(std::move(labels));
  if (out.labels.HasDuplicateNames())
    return Status::InvalidArgument("duplicate label name in " + MetricHint(s));
  if (start_timestamps != nullptr) *start_timestamps = st_line;
  if (st_line) return out;  // the offsets are not kept
  auto values = ParseValueSequence(s.substr(pos));
  if (!values.ok()) return values.status();
  out.values = std::move(*values);
  return out;
}

Result<std::string> ReadGoStringLiteral(std::string_view text, size_t* pos) {
  if (*pos >= text.size() || (text[*pos] != '"' && text[*pos] != '\'' && text[*pos] != '`')) {
    return Status::InvalidArgument("expected a quoted string");
  }
  return ReadQuoted(text, *pos);
}

}  // namespace ember::promql
