// The accessors both text parsers share: label extraction, unescaping and
// the OpenMetrics float form of bucket bounds and quantiles.
#include "ember/textparse/parser.h"

#include <cmath>
#include <cstring>

#include "ember/base/strings.h"

namespace ember::textparse {

std::string_view MetricTypeName(MetricType type) {
  switch (type) {
    case MetricType::kUnknown:
      return "unknown";
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
    case MetricType::kGaugeHistogram:
      return "gaugehistogram";
    case MetricType::kSummary:
      return "summary";
    case MetricType::kInfo:
      return "info";
    case MetricType::kStateset:
      return "stateset";
  }
  return "unknown";
}

namespace {

bool IsDigitChar(char c) { return static_cast<unsigned>(c - '0') < 10; }

// Undoes `\"`, `\\` and `\n` (with help_only, only the last two) as Go's
// strings.Replacer does: any other backslash stays as written. Appends to
// `out` (whose capacity the caller reserved) and returns a view of the part
// appended, or `s` itself when it holds no backslash.
std::string_view Unescape(std::string_view s, bool help_only, std::string& out) {
  if (s.empty() || std::memchr(s.data(), '\\', s.size()) == nullptr) return s;
  size_t from = out.size();
  for (size_t i = 0; i < s.size(); ++i) {
    char ch = s[i];
    if (ch == '\\' && i + 1 < s.size()) {
      char nx = s[i + 1];
      if (nx == '\\') {
        out.push_back('\\');
        ++i;
        continue;
      }
      if (nx == 'n') {
        out.push_back('\n');
        ++i;
        continue;
      }
      if (nx == '"' && !help_only) {
        out.push_back('"');
        ++i;
        continue;
      }
    }
    out.push_back(ch);
  }
  return std::string_view(out.data() + from, out.size() - from);
}

// Go's %g exponent form, "1e+09", "2.5e-07": a mantissa of at most 15
// significant digits without a trailing zero, a signed exponent of at least
// two digits, and a decimal exponent %g does print this way (>= 6 or < -4).
// `e` is the position of 'e' in `v` (no leading minus).
bool CanonicalExponentForm(std::string_view v, size_t e) {
  std::string_view m = v.substr(0, e), x = v.substr(e + 1);
  if (m.empty() || m[0] < '1' || m[0] > '9') return false;
  if (m.size() > 1) {
    if (m.size() < 3 || m[1] != '.' || m.back() == '0' || m.size() - 1 > 15) return false;
    for (size_t k = 2; k < m.size(); ++k) {
      if (!IsDigitChar(m[k])) return false;
    }
  }
  if (x.size() < 3 || x.size() > 4 || (x[0] != '+' && x[0] != '-')) return false;
  int ev = 0;
  for (size_t k = 1; k < x.size(); ++k) {
    if (!IsDigitChar(x[k])) return false;
    ev = ev * 10 + (x[k] - '0');
  }
  if (x.size() == 4 && x[1] == '0') return false;  // three digits only when needed
  if (x[0] == '-') ev = -ev;
  return (ev >= 6 || ev < -4) && ev <= 300 && ev >= -300;
}

// Whether `v` is already what formatOpenMetricsFloat prints for it, or
// needs only ".0" (*append_zero): the bucket bounds and quantiles exporters
// write ("0.005", "0.25", "1", "+Inf"). A plain decimal with at most 15
// significant digits is the shortest form of its double, and Go's %g prints
// it without an exponent when its decimal exponent is in [-4, 6).
bool CanonicalFloat(std::string_view v, bool* append_zero) {
  *append_zero = false;
  if (v == "+Inf" || v == "-Inf" || v == "NaN") return true;
  size_t i = (!v.empty() && v[0] == '-') ? 1 : 0;
  if (size_t e = v.find('e'); e != std::string_view::npos) return CanonicalExponentForm(v.substr(i), e - i);
  size_t int_start = i;
  while (i < v.size() && IsDigitChar(v[i])) ++i;
  size_t int_len = i - int_start;
  if (int_len == 0 || int_len > 6 || (int_len > 1 && v[int_start] == '0')) return false;
  if (i == v.size()) {
    // An integer: "0" and "-0" print as "0.0" but "1" as "1.0": both just gain ".0".
    *append_zero = true;
    return !(int_len == 1 && v[int_start] == '0' && int_start == 1);  // "-0" prints "0.0"
  }
  if (v[i] != '.') return false;
  size_t frac_start = ++i;
  while (i < v.size() && IsDigitChar(v[i])) ++i;
  if (i != v.size() || i == frac_start || v.back() == '0') return false;
  size_t sig = int_len + (i - frac_start);
  if (v[int_start] == '0') {
    size_t zeros = 0;
    while (frac_start + zeros < v.size() && v[frac_start + zeros] == '0') ++zeros;
    if (zeros > 3) return false;  // exponent below -4: Go prints 1e-05
    sig = (i - frac_start) - zeros;
  }
  return sig <= 15;
}

// Upstream's formatOpenMetricsFloat over a value parsed as Go would, or
// `v` unchanged when it does not parse.
std::string_view NormalizeFloat(std::string_view v, std::string& out) {
  bool append_zero;
  if (CanonicalFloat(v, &append_zero)) {
    if (!append_zero) return v;
    size_t from = out.size();
    out.append(v);
    out.append(".0");
    return std::string_view(out.data() + from, v.size() + 2);
  }
  auto f = ParseFloat(v);
  if (!f) return v;
  if (std::isinf(*f)) {
    std::string_view s = v;
    if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.remove_prefix(1);
    if (!EqualsIgnoreCase(s, "inf") && !EqualsIgnoreCase(s, "infinity")) return v;  // Go: out of range
  }
  std::string formatted;
  if (*f == 1) {
    formatted = "1.0";
  } else if (*f == 0) {
    formatted = "0.0";
  } else if (*f == -1) {
    formatted = "-1.0";
  } else {
    formatted = FormatFloat(*f, 'g');
    if (!std::isnan(*f) && !std::isinf(*f) && formatted.find_first_of("e.") == std::string::npos) {
      formatted += ".0";
    }
  }
  if (formatted == v) return v;
  size_t from = out.size();
  out.append(formatted);
  return std::string_view(out.data() + from, formatted.size());
}

// a < b byte-wise; the first bytes settle almost every comparison.
inline bool NameLess(std::string_view a, std::string_view b) {
  if (!a.empty() && !b.empty() && a[0] != b[0]) {
    return static_cast<unsigned char>(a[0]) < static_cast<unsigned char>(b[0]);
  }
  return a < b;
}

}  // namespace

std::string_view Parser::MetricName() {
  std::string_view raw(b_ + offsets_[0], offsets_[1] - offsets_[0]);
  if (!escapes_) return raw;
  // A buffer of its own, so that views Labels() gave out stay valid.
  name_scratch_.clear();
  name_scratch_.reserve(raw.size());
  return Unescape(raw, false, name_scratch_);
}

void Parser::Labels(std::vector<LabelView>* out) {
  out->clear();
  size_t pairs = (offsets_.size() - 2) / 4;
  scratch_.clear();
  // Unescaping only shrinks; a normalised float is at most ~26 bytes. With
  // this much reserved, no append below reallocates, so earlier views hold.
  scratch_.reserve((series_end_ - series_start_) + pairs * 32 + 8);
  std::string_view name(b_ + offsets_[0], offsets_[1] - offsets_[0]);
  out->push_back({kMetricNameLabel, escapes_ ? Unescape(name, false, scratch_) : name});
  bool normalize = mtype_ == MetricType::kHistogram || mtype_ == MetricType::kSummary;
  for (size_t k = 2; k + 3 < offsets_.size(); k += 4) {
    std::string_view ln(b_ + offsets_[k], offsets_[k + 1] - offsets_[k]);
    std::string_view lv(b_ + offsets_[k + 2], offsets_[k + 3] - offsets_[k + 2]);
    if (escapes_) {
      ln = Unescape(ln, false, scratch_);
      lv = Unescape(lv, false, scratch_);
    }
    if (normalize && ((mtype_ == MetricType::kHistogram && ln.size() == 2 && ln[0] == 'l' && ln[1] == 'e') ||
                      (mtype_ == MetricType::kSummary && ln == "quantile"))) {
      lv = NormalizeFloat(lv, scratch_);
    }
    out->push_back({ln, lv});
  }
  // Insertion sort: exposition labels are few and usually sorted already.
  auto& v = *out;
  for (size_t i = 1; i < v.size(); ++i) {
    if (!NameLess(v[i].name, v[i - 1].name)) continue;
    LabelView x = v[i];
    size_t j = i;
    while (j > 0 && NameLess(x.name, v[j - 1].name)) {
      v[j] = v[j - 1];
      --j;
    }
    v[j] = x;
  }
}

ember::Labels Parser::BuildLabels() {
  std::vector<LabelView> views;
  Labels(&views);
  std::vector<Label> labels;
  labels.reserve(views.size());
  for (const auto& l : views) labels.push_back({std::string(l.name), std::string(l.value)});
  return ember::Labels::FromUnsorted(std::move(labels));
}

std::string_view Parser::Help() {
  scratch_.clear();
  scratch_.reserve(text_.size());
  return Unescape(text_, !openmetrics_, scratch_);
}

}  // namespace ember::textparse
