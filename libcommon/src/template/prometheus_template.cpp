// Prometheus's template functions and alert-template expansion
// (prometheus/template/template.go and rules/alerting.go).
#include "ember/template/prometheus_template.h"

#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <unordered_map>

#include "ember/base/strings.h"
#include "ember/base/time.h"
#include "ember/goregexp/go_regexp.h"
#include "ember/template/format.h"
#include "ember/template/template.h"
#include "ember/template/time_value.h"

namespace ember::tmpl {
namespace {

constexpr std::string_view kSampleType = "*template.sample";
constexpr std::string_view kQueryResultType = "template.queryResult";

class SampleObject : public Object {
 public:
  SampleObject(Value labels, double value) : labels_(std::move(labels)), value_(value) {}
  std::string TypeName() const override { return std::string(kSampleType); }
  Member Lookup(std::string_view name) const override {
    Member m;
    if (name == "Labels" || name == "Value") m.kind = Member::Kind::kField;
    return m;
  }
  Value Field(std::string_view name) const override { return name == "Labels" ? labels_ : Value(value_); }
  std::string String() const override {
    return "&{" + FormatValue(labels_) + " " + FormatValue(Value(value_)) + "}";
  }
  const Value& labels() const { return labels_; }
  double value() const { return value_; }

 private:
  Value labels_;
  double value_;
};

class QueryResultObject : public Object {
 public:
  explicit QueryResultObject(Value list) : list_(std::move(list)) {}
  std::string TypeName() const override { return std::string(kQueryResultType); }
  Member Lookup(std::string_view) const override { return {}; }
  const Value* Underlying() const override { return &list_; }

 private:
  Value list_;
};

Value MakeQueryResult(std::vector<Value> samples) {
  return Value(std::shared_ptr<const Object>(
      std::make_shared<QueryResultObject>(Value::List(std::move(samples), std::string(kSampleType)))));
}

const SampleObject* AsSample(const Value& v) {
  if (v.kind() != Value::Kind::kObject) return nullptr;
  return dynamic_cast<const SampleObject*>(&v.AsObject());
}

Status NilDereference() {
  return Status::InvalidArgument("runtime error: invalid memory address or nil pointer dereference");
}

Result<double> ConvertToFloat(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kFloat:
      return v.AsFloat();
    case Value::Kind::kInt:
      return static_cast<double>(v.AsInt());
    case Value::Kind::kUint:
      return static_cast<double>(v.AsUint());
    case Value::Kind::kString: {
      const std::string& s = v.AsString();
      std::optional<double> f = ParseFloat(s);
      if (!f)
        return Status::InvalidArgument("strconv.ParseFloat: parsing " + GoQuote(s) + ": invalid syntax");
      if (std::isinf(*f)) {
        std::string lower = ToLower(s);
        if (lower.find("inf") == std::string::npos) {
          return Status::InvalidArgument("strconv.ParseFloat: parsing " + GoQuote(s) +
                                         ": value out of range");
        }
      }
      return *f;
    }
    case Value::Kind::kObject:
      if (v.TypeName() == "time.Duration" || v.TypeName() == "*time.Duration") {
        std::vector<Value> none;
        auto r = v.AsObject().Call("Seconds", none);
        if (r.ok()) return r->AsFloat();
      }
      break;
    default:
      break;
  }
  return Status::InvalidArgument("can't convert " + v.TypeName() + " to float");
}

std::string G4(double v) { return Sprintf("%.4g", {Value(v)}); }

Result<Value> Humanize(std::vector<Value>& a) {
  EMBER_ASSIGN_OR_RETURN(double v, ConvertToFloat(a[0]));
  if (v == 0 || std::isnan(v) || std::isinf(v)) return Value(G4(v));
  std::string prefix;
  if (std::fabs(v) >= 1) {
    for (const char* p : {"k", "M", "G", "T", "P", "E", "Z", "Y"}) {
      if (std::fabs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return Value(G4(v) + prefix);
  }
  for (const char* p : {"m", "u", "n", "p", "f", "a", "z", "y"}) {
    if (std::fabs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return Value(G4(v) + prefix);
}

Result<Value> Humanize1024(std::vector<Value>& a) {
  EMBER_ASSIGN_OR_RETURN(double v, ConvertToFloat(a[0]));
  if (std::fabs(v) <= 1 || std::isnan(v) || std::isinf(v)) return Value(G4(v));
  std::string prefix;
  for (const char* p : {"ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"}) {
    if (std::fabs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return Value(G4(v) + prefix);
}

Result<Value> HumanizeDuration(std::vector<Value>& a) {
  EMBER_ASSIGN_OR_RETURN(double v, ConvertToFloat(a[0]));
  if (std::isnan(v) || std::isinf(v)) return Value(G4(v));
  if (v == 0) return Value(G4(v) + "s");
  if (std::fabs(v) >= 1) {
    std::string sign;
    if (v < 0) {
      sign = "-";
      v = -v;
    }
    int64_t d = v >= 9.2e18 ? INT64_MAX : static_cast<int64_t>(v);
    int64_t seconds = d % 60, minutes = (d / 60) % 60, hours = (d / 60 / 60) % 24, days = d / 60 / 60 / 24;
    auto s = [](int64_t x) { return std::to_string(x); };
    if (days != 0)
      return Value(sign + s(days) + "d " + s(hours) + "h " + s(minutes) + "m " + s(seconds) + "s");
    if (hours != 0) return Value(sign + s(hours) + "h " + s(minutes) + "m " + s(seconds) + "s");
    if (minutes != 0) return Value(sign + s(minutes) + "m " + s(seconds) + "s");
    return Value(sign + G4(v) + "s");
  }
  std::string prefix;
  for (const char* p : {"m", "u", "n", "p", "f", "a", "z", "y"}) {
    if (std::fabs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return Value(G4(v) + prefix + "s");
}

// Prometheus's floatToTime: seconds to a UTC time truncated to milliseconds.
Result<int64_t> FloatToTimeNanos(double v) {
  if (std::isnan(v) || std::isinf(v)) return Status::InvalidArgument("value is NaN or Inf");
  double ts = v * 1e9;
  if (ts >= 9.223372036854775807e18 || ts < -9.223372036854775808e18) {
    return Status::InvalidArgument(
        Sprintf("%v", {Value(v)}) +
        " cannot be represented as a nanoseconds timestamp since it overflows int64");
  }
  int64_t ms = static_cast<int64_t>(ts) / 1000000;
  return ms * 1000000;
}

struct Regex {
  std::unique_ptr<re2::RE2> re;
};

Result<Regex> CompileGo(std::string_view pattern) {
  if (goregexp::HasByteEscape(pattern)) {
    return goregexp::SyntaxError(goregexp::ErrorText(re2::RE2::ErrorBadEscape), "\\C");
  }
  re2::RE2::Options options;
  options.set_encoding(re2::RE2::Options::EncodingUTF8);
  options.set_log_errors(false);
  auto re = std::make_unique<re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re->ok()) {
    std::string_view fragment = re->error_code() == re2::RE2::ErrorBadUTF8 && re->error_arg().empty()
                                    ? pattern
                                    : std::string_view(re->error_arg());
    return goregexp::SyntaxError(goregexp::ErrorText(re->error_code()), fragment);
  }
  return Regex{std::move(re)};
}

// Go's regexp package quotes patterns in MustCompile panics this way.
std::string RegexpQuote(std::string_view s) {
  bool back = IsValidUtf8(s);
  for (unsigned char c : s) {
    if (c == '`' || (c < ' ' && c != '\t') || c == 0x7f) back = false;
  }
  if (s.find("\xEF\xBB\xBF") != std::string_view::npos) back = false;
  return back ? "`" + std::string(s) + "`" : GoQuote(s);
}

Result<Value> ReReplaceAll(std::vector<Value>& a) {
  const std::string& pattern = a[0].AsString();
  const std::string& repl = a[1].AsString();
  const std::string& src = a[2].AsString();
  auto compiled = CompileGo(pattern);
  if (!compiled.ok()) {
    return Status::InvalidArgument("regexp: Compile(" + RegexpQuote(pattern) +
                                   "): " + compiled.status().message());
  }
  const re2::RE2& re = *compiled->re;
  int n = 1 + std::max(0, goregexp::MaxGroup(repl, re));
  std::vector<re2::StringPiece> groups(static_cast<size_t>(n));
  std::string out;
  size_t last_match_end = 0;
  size_t search = 0;
  re2::StringPiece text(src);
  while (search <= src.size()) {
    if (!re.Match(text, search, src.size(), re2::RE2::UNANCHORED, groups.data(), n)) break;
    size_t a0 = static_cast<size_t>(groups[0].data() - src.data());
    size_t a1 = a0 + groups[0].size();
    out.append(src, last_match_end, a0 - last_match_end);
    if (a1 > last_match_end || a0 == 0) goregexp::Expand(out, repl, re, groups.data(), n);
    last_match_end = a1;
    size_t width = 0;
    if (search < src.size()) {
      width = Utf8SequenceLength(src, search);
      if (width == 0) width = 1;
    }
    if (search + width > a1) {
      search += width;
    } else if (search + 1 > a1) {
      ++search;
    } else {
      search = a1;
    }
  }
  out.append(src, last_match_end, std::string::npos);
  return Value(std::move(out));
}

Result<Value> Match(std::vector<Value>& a) {
  auto compiled = CompileGo(a[0].AsString());
  if (!compiled.ok()) return compiled.status();
  return Value(re2::RE2::PartialMatch(a[1].AsString(), *compiled->re));
}

// strings.Title: the first letter of each word upper-cased (ASCII letters).
std::string Title(std::string_view s) {
  std::string out(s);
  bool prev_sep = true;
  for (size_t i = 0; i < out.size();) {
    unsigned char c = out[i];
    size_t n = c < 0x80 ? 1 : std::max<size_t>(1, Utf8SequenceLength(out, i));
    if (prev_sep && c >= 'a' && c <= 'z') out[i] = static_cast<char>(c - 32);
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (c < 0x80) {
      prev_sep = !alnum;
    } else {
      prev_sep = false;
    }
    i += n;
  }
  return out;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  return out;
}

// net.SplitHostPort; false on any error.
bool SplitHostPort(std::string_view hp, std::string& host, std::string& port) {
  size_t i = hp.rfind(':');
  if (i == std::string_view::npos) return false;
  size_t j = 0, k = 0;
  if (!hp.empty() && hp[0] == '[') {
    size_t end = hp.find(']');
    if (end == std::string_view::npos) return false;
    if (end + 1 == hp.size()) return false;
    if (end + 1 != i) return false;
    host = std::string(hp.substr(1, end - 1));
    j = 1;
    k = end + 1;
  } else {
    host = std::string(hp.substr(0, i));
    if (host.find(':') != std::string::npos) return false;
  }
  if (hp.find('[', j) != std::string_view::npos) return false;
  if (hp.find(']', k) != std::string_view::npos) return false;
  port = std::string(hp.substr(i + 1));
  return true;
}

bool IsIPv4(std::string_view s) {
  int parts = 0;
  size_t i = 0;
  while (true) {
    size_t st = i;
    int v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      v = v * 10 + (s[i] - '0');
      if (v > 255) return false;
      ++i;
    }
    if (i == st || i - st > 3 || (i - st > 1 && s[st] == '0')) return false;
    ++parts;
    if (i == s.size()) break;
    if (s[i] != '.') return false;
    ++i;
  }
  return parts == 4;
}

bool IsIP(std::string_view s) {
  if (IsIPv4(s)) return true;
  if (s.find(':') == std::string_view::npos) return false;
  // IPv6: hex groups, at most one "::", optional trailing IPv4.
  size_t dc = s.find("::");
  if (dc != std::string_view::npos && s.find("::", dc + 1) != std::string_view::npos) return false;
  int groups = 0;
  size_t i = 0;
  std::string_view rest = s;
  while (i < rest.size()) {
    size_t e = rest.find(':', i);
    std::string_view g = rest.substr(i, e == std::string_view::npos ? std::string_view::npos : e - i);
    if (g.empty()) {
      if (e == std::string_view::npos) break;
      i = e + 1;
      continue;
    }
    if (e == std::string_view::npos && g.find('.') != std::string_view::npos) {
      if (!IsIPv4(g)) return false;
      groups += 2;
      break;
    }
    if (g.size() > 4) return false;
    for (char c : g) {
      if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    }
    ++groups;
    if (e == std::string_view::npos) break;
    i = e + 1;
  }
  return dc != std::string_view::npos ? groups < 8 : groups == 8;
}

std::string JoinHostPort(const std::string& host, const std::string& port) {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + port;
  return host + ":" + port;
}

// The path of a URL ("http://h:9090/prom/x?y" gives "/prom/x"), percent-decoded.
std::string UrlPath(std::string_view url) {
  size_t p = url.find("://");
  std::string_view rest = p == std::string_view::npos ? url : url.substr(p + 3);
  if (p != std::string_view::npos) {
    size_t slash = rest.find_first_of("/?#");
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  }
  size_t q = rest.find_first_of("?#");
  if (q != std::string_view::npos) rest = rest.substr(0, q);
  std::string out;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '%' && i + 2 < rest.size() + 0 && std::isxdigit(static_cast<unsigned char>(rest[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(rest[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(rest.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += rest[i];
    }
  }
  return out;
}

Status Unbound(std::string_view name) {
  return Status::FailedPrecondition(std::string(name) + " is not available outside an alert expansion");
}

FuncMap MakePrometheusFuncs() {
  FuncMap m;
  const auto any = ArgType::Any();
  const auto str = ArgType::String();
  const auto sample = ArgType::ObjectOf(std::string(kSampleType));
  const auto result = ArgType::ObjectOf(std::string(kQueryResultType));
  m["query"] =
      Func::Make({str}, std::nullopt, [](std::vector<Value>&) -> Result<Value> { return Unbound("query"); });
  m["now"] =
      Func::Make({}, std::nullopt, [](std::vector<Value>&) -> Result<Value> { return Unbound("now"); });
  m["externalURL"] =
      Func::Make({}, std::nullopt, [](std::vector<Value>&) -> Result<Value> { return Value(""); });
  m["pathPrefix"] =
      Func::Make({}, std::nullopt, [](std::vector<Value>&) -> Result<Value> { return Value(""); });
  m["first"] = Func::Make({result}, std::nullopt, [](std::vector<Value>& a) -> Result<Value> {
    const ListData* l = a[0].ListOrNull();
    if (l == nullptr || l->items.empty()) {
      return Status::InvalidArgument("first() called on vector with no elements");
    }
    return l->items[0];
  });
  m["label"] = Func::Make({str, sample}, std::nullopt, [](std::vector<Value>& a) -> Result<Value> {
    const SampleObject* s = AsSample(a[1]);
    if (s == nullptr) return NilDereference();
    const auto& entries = s->labels().AsMap().entries;
    auto it = entries.find(a[0].AsString());
    return it == entries.end() ? Value("") : it->second;
  });
  m["value"] = Func::Make({sample}, std::nullopt, [](std::vector<Value>& a) -> Result<Value> {
    const SampleObject* s = AsSample(a[0]);
    if (s == nullptr) return NilDereference();
    return Value(s->value());
  });
  m["strvalue"] = Func::Make({sample}, std::nullopt, [](std::vector<Value>& a) -> Result<Value> {
    const SampleObject* s = AsSample(a[0]);
    if (s == nullptr) return NilDereference();
    const auto& entries = s->labels().AsMap().entries;
    auto it = entries.find("__value__");
    return it == entries.end() ? Value("") : it->second;
  });
  m["args"] = Func::Make({}, any, [](std::vector<Value>& a) -> Result<Value> {
    std::map<std::string, Value, std::less<>> out;
    for (size_t i = 0; i < a.size(); ++i) out["arg" + std::to_string(i)] = a[i];
    return Value::Map(std::move(out));
  });
  m["reReplaceAll"] = Func::Make({str, str, str}, std::nullopt, ReReplaceAll);
  m["safeHtml"] =
      Func::Make({str}, std::nullopt, [](std::vector<Value>& a) -> Result<Value> { return a[0]; });
  m["match"] = Func::Make({str, str}, std::nullopt, Match);
  m["title"] = Func::Make({str}, std::nullopt, [](std::vector<Value>& a) -> Result<Value> {
    return Value(Title(a[0].AsString()));
  });
  m["toUpper"] = Func::Make({str}, std::nullopt, [](std::vector<Value>& a) -> Result<Value> {
    return Value(Upper(a[0].AsString()));
  });
  m["toLower"] = Func::Make({str}, std::nullopt, [](std::vector<Value>& a) -> Result<Value> {
    return Value(ToLower(a[0].AsString()));
  });
  m["graphLink"] = Func::Make({str}, std::nullopt, [](std::vector<Value>& a) -> Result<Value> {
    std::string out = "/graph?g0.expr=";
    AppendQueryEscaped(out, a[0].AsString());
    out += "&g0.tab=0";
    return Value(std::move(out));
  });
  m["tableLink"] = Func::Make({str}, std::nullopt, [](std::vector<Value>& a) -> Result<Value> {
    std::string out = "/graph?g0.expr=";
    AppendQueryEscaped(out, a[0].AsString());
    out += "&g0.tab=1";
    return Value(std::move(out));
  });
  m["sortByLabel"] = Func::Make({str, result}, std::nullopt, [](std::vector<Value>& a) -> Result<Value> {
    const ListData* l = a[1].ListOrNull();
    if (l == nullptr) return MakeQueryResult({});
    std::vector<Value> items = l->items;
    const std::string& by = a[0].AsString();
    auto key = [&by](const Value& v) -> std::string_view {
      const SampleObject* s = AsSample(v);
      if (s == nullptr) return {};
      const auto& e = s->labels().AsMap().entries;
      auto it = e.find(by);
      return it == e.end() ? std::string_view() : std::string_view(it->second.AsString());
    };
    std::stable_sort(items.begin(), items.end(),
                     [&](const Value& x, const Value& y) { return key(x) < key(y); });
    return MakeQueryResult(std::move(items));
  });
  m["stripPort"] = Func::Make({str}, std::nullopt, [](std::vector<Value>& a) -> Result<Value> {
    std::string host, port;
    if (!SplitHostPort(a[0].AsString(), host, port)) return a[0];
    return Value(std::move(host));
  });
  m["stripDomain"] = Func::Make({str}, std::nullopt, [](std::vector<Value>& a) -> Result<Value> {
    const std::string& hp = a[0].AsString();
    std::string host, port;
    if (!SplitHostPort(hp, host, port)) {
      host = hp;
      port.clear();
    }
    if (IsIP(host)) return a[0];
    host = host.substr(0, host.find('.'));
    if (!port.empty()) return Value(JoinHostPort(host, port));
    return Value(std::move(host));
  });
  m["humanize"] = Func::Make({any}, std::nullopt, Humanize);
  m["humanize1024"] = Func::Make({any}, std::nullopt, Humanize1024);
  m["humanizeDuration"] = Func::Make({any}, std::nullopt, HumanizeDuration);
  m["humanizePercentage"] = Func::Make({any}, std::nullopt, [](std::vector<Value>& a) -> Result<Value> {
    EMBER_ASSIGN_OR_RETURN(double v, ConvertToFloat(a[0]));
    return Value(G4(v * 100) + "%");
  });
  m["humanizeTimestamp"] = Func::Make({any}, std::nullopt, [](std::vector<Value>& a) -> Result<Value> {
    EMBER_ASSIGN_OR_RETURN(double v, ConvertToFloat(a[0]));
    if (std::isnan(v) || std::isinf(v)) return Value(G4(v));
    EMBER_ASSIGN_OR_RETURN(int64_t ns, FloatToTimeNanos(v));
    return Value(FormatValue(TimeValue(ns)));
  });
  m["toTime"] = Func::Make({any}, std::nullopt, [](std::vector<Value>& a) -> Result<Value> {
    EMBER_ASSIGN_OR_RETURN(double v, ConvertToFloat(a[0]));
    EMBER_ASSIGN_OR_RETURN(int64_t ns, FloatToTimeNanos(v));
    return TimeValue(ns, true);
  });
  m["toDuration"] = Func::Make({any}, std::nullopt, [](std::vector<Value>& a) -> Result<Value> {
    EMBER_ASSIGN_OR_RETURN(double v, ConvertToFloat(a[0]));
    double ns = v * 1e9;
    int64_t d = std::isnan(ns)                   ? INT64_MIN
                : ns >= 9.223372036854775807e18  ? INT64_MAX
                : ns <= -9.223372036854775808e18 ? INT64_MIN
                                                 : static_cast<int64_t>(ns);
    return DurationValue(d, true);
  });
  m["parseDuration"] = Func::Make({str}, std::nullopt, [](std::vector<Value>& a) -> Result<Value> {
    EMBER_ASSIGN_OR_RETURN(Milliseconds d, ParseDuration(a[0].AsString()));
    return Value(static_cast<double>(d.count()) / 1000.0);
  });
  return m;
}

// What an alerting rule's template sees as `.`.
class AlertDataObject : public Object {
 public:
  AlertDataObject(const AlertTemplateData& d)
      : labels_(Value::FromLabels(d.labels)),
        external_labels_(Value::FromLabels(d.external_labels)),
        external_url_(d.external_url),
        value_(d.value) {}
  std::string TypeName() const override {
    return "struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value "
           "interface {} }";
  }
  Member Lookup(std::string_view name) const override {
    Member m;
    if (name == "Labels" || name == "ExternalLabels" || name == "ExternalURL" || name == "Value") {
      m.kind = Member::Kind::kField;
    }
    return m;
  }
  Value Field(std::string_view name) const override {
    if (name == "Labels") return labels_;
    if (name == "ExternalLabels") return external_labels_;
    if (name == "ExternalURL") return external_url_;
    return value_;
  }
  std::string String() const override {
    return "{" + FormatValue(labels_) + " " + FormatValue(external_labels_) + " " +
           FormatValue(external_url_) + " " + FormatValue(value_) + "}";
  }

 private:
  Value labels_, external_labels_, external_url_, value_;
};

constexpr std::string_view kAlertDefs =
    "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := "
    ".Value}}";

// Parsed alert templates by name and text: rules expand the same templates at
// every evaluation. Bounded: cleared when full.
class TemplateCache {
 public:
  std::pair<std::shared_ptr<const Template>, Status> Get(std::string_view name, std::string_view text) {
    std::string key;
    key.reserve(name.size() + text.size() + 1);
    key.append(name).push_back('\0');
    key.append(text);
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = entries_.find(key);
      if (it != entries_.end()) return it->second;
    }
    ParseOptions opts;
    opts.funcs = &PrometheusFuncs();
    opts.missing_key = MissingKey::kZero;
    std::string full(kAlertDefs);
    full += text;
    auto parsed = Template::Parse(name, full, opts);
    std::pair<std::shared_ptr<const Template>, Status> entry;
    if (parsed.ok()) {
      entry.first = std::move(parsed).value();
    } else {
      entry.second = parsed.status();
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (entries_.size() >= kMaxEntries) entries_.clear();
    entries_.emplace(std::move(key), entry);
    return entry;
  }

 private:
  static constexpr size_t kMaxEntries = 4096;
  std::mutex mu_;
  std::unordered_map<std::string, std::pair<std::shared_ptr<const Template>, Status>>
      entries_;  // GUARDED_BY(mu_)
};

TemplateCache& Cache() {
  static TemplateCache* cache = new TemplateCache();  // never freed: shared by all threads
  return *cache;
}

}  // namespace

const FuncMap& PrometheusFuncs() {
  static const FuncMap kFuncs = MakePrometheusFuncs();
  return kFuncs;
}

Value QueryResultValue(const std::vector<QuerySample>& samples) {
  std::vector<Value> items;
  items.reserve(samples.size());
  for (const auto& s : samples) {
    items.push_back(Value(
        std::shared_ptr<const Object>(std::make_shared<SampleObject>(Value::FromLabels(s.labels), s.value))));
  }
  return MakeQueryResult(std::move(items));
}

FuncMap ExpansionFuncs(const ExpandOptions& options) {
  FuncMap m;
  const ExpandOptions* o = &options;
  m["query"] = Func::Make({ArgType::String()}, std::nullopt, [o](std::vector<Value>& a) -> Result<Value> {
    if (!o->query) return Status::FailedPrecondition("no query function available");
    EMBER_ASSIGN_OR_RETURN(std::vector<QuerySample> samples, o->query(a[0].AsString(), o->time_ms));
    return QueryResultValue(samples);
  });
  m["now"] = Func::Make({}, std::nullopt, [o](std::vector<Value>&) -> Result<Value> {
    return Value(static_cast<double>(o->time_ms) / 1000.0);
  });
  m["externalURL"] = Func::Make({}, std::nullopt,
                                [o](std::vector<Value>&) -> Result<Value> { return Value(o->external_url); });
  m["pathPrefix"] = Func::Make({}, std::nullopt, [o](std::vector<Value>&) -> Result<Value> {
    return Value(UrlPath(o->external_url));
  });
  return m;
}

Result<std::string> ExpandAlertTemplate(std::string_view name, std::string_view text,
                                        const AlertTemplateData& data, const ExpandOptions& options) {
  std::string tname = "__alert_" + std::string(name);
  auto [tmpl, status] = Cache().Get(tname, text);
  if (!status.ok())
    return Status::InvalidArgument("error parsing template " + tname + ": " + status.message());
  FuncMap funcs = ExpansionFuncs(options);
  ExecOptions exec;
  exec.funcs = &funcs;
  Value dot(std::shared_ptr<const Object>(std::make_shared<AlertDataObject>(data)));
  std::string out;
  Status s = tmpl->Execute(out, dot, exec);
  if (!s.ok()) return Status(s.code(), "error executing template " + tname + ": " + s.message());
  return out;
}

Status CheckAlertTemplate(std::string_view name, std::string_view text) {
  auto [tmpl, status] = Cache().Get("__alert_" + std::string(name), text);
  return status;
}

}  // namespace ember::tmpl
