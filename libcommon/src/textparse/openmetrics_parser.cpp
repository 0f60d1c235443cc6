// The OpenMetrics 1.0 text format: upstream's openmetricslex.l states and
// tokens by hand, and openmetricsparse.go's parser structure.
#include "ember/textparse/openmetrics_parser.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "ember/base/strings.h"
#include "lexer_common.h"

namespace ember::textparse {

namespace {

constexpr uint32_t kUnset = UINT32_MAX;

struct OmLexer {
  const char* b;
  size_t n;
  size_t& i;
  size_t& start;
  int& state;

  // `{S}[^ \n]+` at b[i] == ' ': the run after the space, else Invalid.
  int SpaceRun(int token, int next_state) {
    size_t j = i + 1;
    if (j >= n || b[j] == ' ' || b[j] == '\n') {
      i = j;
      return kTInvalid;
    }
    do ++j;
    while (j < n && b[j] != ' ' && b[j] != '\n');
    i = j;
    state = next_state;
    return token;
  }

  int Quoted(bool newline_ok, int token, int next_state) {
    size_t fail;
    size_t end = ScanQuoted(b, n, i, newline_ok, &fail);
    if (end == 0) {
      i = fail;
      return kTInvalid;
    }
    i = end;
    state = next_state;
    return token;
  }

  int Lex() {
    if (i >= n) return kTEof;
    start = i;
    char c = b[i];
    switch (state) {
      case kSInit:
        if (IsMetricStart(c)) {
          do ++i;
          while (i < n && IsMetricChar(b[i]));
          state = kSValue;
          return kTMName;
        }
        if (c == '#') {
          if (i + 1 >= n || b[i + 1] != ' ') {
            i = i + 1;
            return kTInvalid;
          }
          i += 2;
          std::string_view rest(b + i, n - i);
          for (auto [word, tok] :
               {std::pair<std::string_view, int>{"HELP ", kTHelp}, {"TYPE ", kTType}, {"UNIT ", kTUnit}}) {
            if (rest.substr(0, 5) == word) {
              i += 5;
              state = kSMeta1;
              return tok;
            }
          }
          if (rest.substr(0, 3) == "EOF") {
            i += 3;
            if (i < n && b[i] == '\n') ++i;
            state = kSInit;
            return kTEofWord;
          }
          // Where the keyword match broke.
          size_t k = 0;
          for (std::string_view word : {"HELP ", "TYPE ", "UNIT ", "EOF"}) {
            size_t m = 0;
            while (m < word.size() && m < rest.size() && rest[m] == word[m]) ++m;
            k = std::max(k, m);
          }
          i += k;
          return kTInvalid;
        }
        if (c == '{') {
          ++i;
          state = kSLabels;
          return kTBraceOpen;
        }
        return kTInvalid;
      case kSMeta1:
        if (c == '"') return Quoted(true, kTMName, kSMeta2);
        if (IsMetricStart(c)) {
          do ++i;
          while (i < n && IsMetricChar(b[i]));
          state = kSMeta2;
          return kTMName;
        }
        return kTInvalid;
      case kSMeta2: {
        if (c != ' ') return kTInvalid;
        const void* nl = std::memchr(b + i + 1, '\n', n - i - 1);
        if (nl == nullptr) {
          i = n;
          return kTInvalid;
        }
        i = static_cast<const char*>(nl) - b + 1;
        state = kSInit;
        return kTText;
      }
      case kSValue:
        if (c == '{') {
          ++i;
          state = kSLabels;
          return kTBraceOpen;
        }
        if (c == ' ') return SpaceRun(kTValue, kSTimestamp);
        return kTInvalid;
      case kSLabels:
      case kSExemplar:
        if (IsLabelStart(c)) {
          do ++i;
          while (i < n && IsLabelChar(b[i]));
          return kTLName;
        }
        switch (c) {
          case '"':
            return Quoted(state == kSLabels, kTQString, state);
          case '}':
            ++i;
            state = state == kSLabels ? kSValue : kSEValue;
            return kTBraceClose;
          case '=':
            ++i;
            state = state == kSLabels ? kSLValue : kSEValue;
            return kTEqual;
          case ',':
            ++i;
            return kTComma;
        }
        return kTInvalid;
      case kSLValue:
        if (c == '"') return Quoted(false, kTLValue, kSLabels);
        return kTInvalid;
      case kSTimestamp:
        if (c == '\n') {
          ++i;
          state = kSInit;
          return kTLinebreak;
        }
        if (c == ' ') {
          if (n - i >= 4 && b[i + 1] == '#' && b[i + 2] == ' ' && b[i + 3] == '{') {
            i += 4;
            state = kSExemplar;
            return kTComment;
          }
          return SpaceRun(kTTimestamp, kSTimestamp);
        }
        return kTInvalid;
      case kSEValue:
        if (c == '"') return Quoted(false, kTLValue, kSExemplar);
        if (c == ' ') return SpaceRun(kTValue, kSETimestamp);
        return kTInvalid;
      case kSETimestamp:
        if (c == '\n') {
          ++i;
          state = kSInit;
          return kTLinebreak;
        }
        if (c == ' ') return SpaceRun(kTTimestamp, kSETimestamp);
        return kTInvalid;
      default:
        return kTInvalid;
    }
  }
};

bool TypeHasCreated(MetricType t) {
  return t == MetricType::kCounter || t == MetricType::kSummary || t == MetricType::kHistogram;
}

// Go's %f for the values an OpenMetrics timestamp check rejects.
std::string GoPercentF(double v) {
  if (std::isnan(v)) return "NaN";
  return v > 0 ? "+Inf" : "-Inf";
}

// int64(seconds * 1000) as Go computes it, clamped where Go's conversion is
// undefined.
int64_t SecondsToMs(double seconds) {
  double ms = seconds * 1000.0;
  if (ms >= 9.2233720368547758e18) return INT64_MAX;
  if (ms <= -9.2233720368547758e18) return INT64_MIN;
  return static_cast<int64_t>(ms);
}

}  // namespace

#define EMBER_OM_LEXER \
  OmLexer { b_, n_, i_, tok_start_, state_ }

OpenMetricsParser::OpenMetricsParser(std::string_view body, OpenMetricsOptions options) : options_(options) {
  b_ = body.data();
  n_ = body.size();
  openmetrics_ = true;
  offsets_.reserve(32);
}

Status OpenMetricsParser::ParseError(std::string_view expected, int token) const {
  size_t e = std::min(n_, i_ + 1);
  std::string msg(expected);
  msg += ", got ";
  msg += GoQuote(std::string_view(b_ + tok_start_, e - tok_start_));
  msg += " (";
  msg += GoQuote(TokName(token));
  msg += ") while parsing: ";
  msg += GoQuote(std::string_view(b_ + start_, e - start_));
  return Status::InvalidArgument(std::move(msg));
}

Result<Entry> OpenMetricsParser::Next() {
  for (;;) {
    auto r = NextInternal();
    if (!r.ok() || *r != Entry::kSeries || !options_.skip_created_series || ignore_exemplar_ ||
        !IsCreatedSeries()) {
      return r;
    }
  }
}

// The common sample line without an exemplar, `name{a="b"} 1.5[ 1700000000.5]\n`,
// in one pass. Returns false, having changed nothing the general path depends
// on, for anything else; the general path then parses the line and words any
// error.
bool OpenMetricsParser::FastSeries() {
  const char* b = b_;
  const size_t n = n_;
  size_t p = i_;
  const size_t line = p;
  offsets_.clear();
  do ++p;
  while (p < n && IsMetricChar(b[p]));
  offsets_.push_back(static_cast<uint32_t>(line));
  offsets_.push_back(static_cast<uint32_t>(p));
  bool escapes = false;
  if (p < n && b[p] == '{') {
    ++p;
    for (;;) {
      if (p >= n) return false;
      if (b[p] == '}') break;
      if (!IsLabelStart(b[p])) return false;
      size_t ls = p;
      do ++p;
      while (p < n && IsLabelChar(b[p]));
      if (p + 1 >= n || b[p] != '=' || b[p + 1] != '"') return false;
      offsets_.push_back(static_cast<uint32_t>(ls));
      offsets_.push_back(static_cast<uint32_t>(p));
      p += 2;
      size_t vs = p;
      unsigned char high = 0;
      for (;;) {
        if (p >= n) return false;
        char ch = b[p];
        if (ch == '"') break;
        if (ch == '\n') return false;
        if (ch == '\\') {
          if (p + 1 >= n || b[p + 1] == '\n') return false;
          escapes = true;
          ++p;
        }
        high |= static_cast<unsigned char>(b[p]);
        ++p;
      }
      if ((high & 0x80) && !IsValidUtf8(std::string_view(b + vs, p - vs))) return false;
      offsets_.push_back(static_cast<uint32_t>(vs));
      offsets_.push_back(static_cast<uint32_t>(p));
      ++p;
      if (p >= n) return false;
      if (b[p] == ',') {
        ++p;
      } else if (b[p] != '}') {
        return false;
      }
    }
    ++p;
  }
  const size_t series_end = p;
  if (p >= n || b[p] != ' ') return false;
  size_t vs = ++p;
  while (p < n && b[p] != ' ' && b[p] != '\n') ++p;
  if (p == vs || p >= n) return false;
  double v;
  if (!ParseExpositionFloat(std::string_view(b + vs, p - vs), &v).ok()) return false;
  bool has_ts = false;
  int64_t ts = 0;
  if (b[p] == ' ') {
    size_t ts_start = ++p;
    if (p < n && b[p] == '#') return false;  // perhaps an exemplar
    while (p < n && b[p] != ' ' && b[p] != '\n') ++p;
    if (p == ts_start || p >= n || b[p] != '\n') return false;
    double seconds;
    if (!ParseExpositionFloat(std::string_view(b + ts_start, p - ts_start), &seconds).ok()) return false;
    if (std::isnan(seconds) || std::isinf(seconds)) return false;
    ts = SecondsToMs(seconds);
    has_ts = true;
  }
  // b[p] == '\n'
  start_ = line;
  series_start_ = line;
  series_end_ = series_end;
  value_ = v != v ? NormalNaN() : v;
  has_ts_ = has_ts;
  ts_ = ts;
  escapes_ = escapes;
  i_ = p + 1;
  state_ = kSInit;
  return true;
}

Result<Entry> OpenMetricsParser::NextInternal() {
  if (done_) return Entry::kEof;
  if (!ignore_exemplar_) {
    eoffsets_.clear();
    has_exemplar_ = false;
    exemplar_value_ = 0;
    has_exemplar_ts_ = false;
  }
  if (state_ == kSInit && i_ < n_ && IsMetricStart(b_[i_]) && FastSeries()) return Entry::kSeries;
  OmLexer lex = EMBER_OM_LEXER;
  start_ = i_;
  offsets_.clear();
  escapes_ = true;  // the general path does not track them; Labels() looks
  int t = lex.Lex();
  switch (t) {
    case kTMName: {
      offsets_.push_back(static_cast<uint32_t>(start_));
      offsets_.push_back(static_cast<uint32_t>(i_));
      series_start_ = start_;
      series_end_ = i_;
      int t2 = lex.Lex();
      if (t2 == kTBraceOpen) {
        EMBER_RETURN_IF_ERROR(ParseLabelValues(&offsets_, false));
        series_end_ = i_;
        t2 = lex.Lex();
      }
      EMBER_RETURN_IF_ERROR(ParseSeriesEndOfLine(t2));
      return Entry::kSeries;
    }
    case kTEofWord:
      if (lex.Lex() != kTEof) return Status::InvalidArgument("unexpected data after # EOF");
      done_ = true;
      return Entry::kEof;
    case kTEof:
      return Status::InvalidArgument("data does not end with # EOF");
    case kTHelp:
    case kTType:
    case kTUnit: {
      int t2 = lex.Lex();
      if (t2 != kTMName) return ParseError("expected metric name after " + std::string(TokName(t)), t2);
      name_start_ = tok_start_;
      name_end_ = i_;
      if (b_[name_start_] == '"' && name_end_ - name_start_ >= 2 && b_[name_end_ - 1] == '"') {
        ++name_start_;
        --name_end_;
      }
      family_len_ = name_end_ - name_start_;
      t2 = lex.Lex();
      if (t2 != kTText) return Status::InvalidArgument("expected text in " + std::string(TokName(t)));
      std::string_view buf(b_ + tok_start_, i_ - tok_start_);  // " text\n"
      text_ = buf.size() > 1 ? buf.substr(1, buf.size() - 2) : std::string_view();
      if (t == kTType) {
        static constexpr std::pair<std::string_view, MetricType> kTypes[] = {
            {"counter", MetricType::kCounter},     {"gauge", MetricType::kGauge},
            {"histogram", MetricType::kHistogram}, {"gaugehistogram", MetricType::kGaugeHistogram},
            {"summary", MetricType::kSummary},     {"info", MetricType::kInfo},
            {"stateset", MetricType::kStateset},   {"unknown", MetricType::kUnknown}};
        bool found = false;
        for (const auto& [name, type] : kTypes) {
          if (text_ == name) {
            mtype_ = type;
            found = true;
            break;
          }
        }
        if (!found) return Status::InvalidArgument("invalid metric type " + GoQuote(text_));
        return Entry::kType;
      }
      if (t == kTHelp) {
        if (!IsValidUtf8(text_)) {
          return Status::InvalidArgument("help text " + GoQuote(text_) + " is not a valid utf8 string");
        }
        return Entry::kHelp;
      }
      std::string_view m = MetricFamily();
      std::string_view u = text_;
      if (!u.empty()) {
        if (m.size() < u.size() + 1 || m.substr(m.size() - u.size()) != u ||
            b_[name_end_ - u.size() - 1] != '_') {
          return Status::InvalidArgument("unit " + GoQuote(u) + " not a suffix of metric " + GoQuote(m));
        }
      }
      return Entry::kUnit;
    }
    case kTBraceOpen:
      offsets_.push_back(kUnset);
      offsets_.push_back(kUnset);
      series_start_ = start_;
      EMBER_RETURN_IF_ERROR(ParseLabelValues(&offsets_, false));
      series_end_ = i_;
      EMBER_RETURN_IF_ERROR(ParseSeriesEndOfLine(lex.Lex()));
      return Entry::kSeries;
    default:
      return ParseError("expected a valid start token", t);
  }
}

Status OpenMetricsParser::ParseLabelValues(std::vector<uint32_t>* offsets, bool exemplar) {
  OmLexer lex = EMBER_OM_LEXER;
  int t = lex.Lex();
  for (;;) {
    size_t cur_start = tok_start_, cur_end = i_;
    if (t == kTBraceClose) return Status::Ok();
    if (t != kTLName && t != kTQString) return ParseError("expected label name", t);
    const bool qstring = t == kTQString;
    t = lex.Lex();
    // A quoted string followed by a comma or a brace is the metric name;
    // an exemplar has none. (Upstream takes a bare name there too and then
    // slices out of range; here it needs its `=`.)
    if ((t == kTComma || t == kTBraceClose) && (qstring || exemplar)) {
      if (exemplar) return ParseError("expected label name", t);
      if ((*offsets)[0] != kUnset || (*offsets)[1] != kUnset) {
        return Status::InvalidArgument("metric name already set while parsing: " +
                                       GoQuote(std::string_view(b_ + start_, i_ - start_)));
      }
      (*offsets)[0] = static_cast<uint32_t>(cur_start + 1);
      (*offsets)[1] = static_cast<uint32_t>(cur_end - 1);
      if (t == kTBraceClose) return Status::Ok();
      t = lex.Lex();
      continue;
    }
    if (b_[cur_start] == '"') {
      ++cur_start;
      --cur_end;
    }
    offsets->push_back(static_cast<uint32_t>(cur_start));
    offsets->push_back(static_cast<uint32_t>(cur_end));
    if (t != kTEqual) return ParseError("expected equal", t);
    t = lex.Lex();
    if (t != kTLValue) return ParseError("expected label value", t);
    std::string_view v(b_ + tok_start_, i_ - tok_start_);
    if (!IsValidUtf8(v)) return Status::InvalidArgument("invalid UTF-8 label value: " + GoQuote(v));
    offsets->push_back(static_cast<uint32_t>(tok_start_ + 1));
    offsets->push_back(static_cast<uint32_t>(i_ - 1));
    t = lex.Lex();
    if (t == kTComma) {
      t = lex.Lex();
    } else if (t != kTBraceClose) {
      return ParseError("expected comma or brace close", t);
    }
  }
}

Result<double> OpenMetricsParser::FloatValue(int t, std::string_view after) {
  if (t != kTValue) return ParseError("expected value after " + std::string(after), t);
  double v = 0;
  Status s = ParseExpositionFloat(std::string_view(b_ + tok_start_ + 1, i_ - tok_start_ - 1), &v);
  if (!s.ok()) {
    return Status::InvalidArgument(s.message() +
                                   " while parsing: " + GoQuote(std::string_view(b_ + start_, i_ - start_)));
  }
  if (v != v) v = NormalNaN();
  return v;
}

Status OpenMetricsParser::ParseSeriesEndOfLine(int t) {
  if (offsets_[0] == kUnset) {
    return Status::InvalidArgument("metric name not set while parsing: " +
                                   GoQuote(std::string_view(b_ + start_, i_ - start_)));
  }
  EMBER_ASSIGN_OR_RETURN(value_, FloatValue(t, "metric"));
  has_ts_ = false;
  OmLexer lex = EMBER_OM_LEXER;
  int t2 = lex.Lex();
  switch (t2) {
    case kTEof:
      return Status::InvalidArgument("data does not end with # EOF");
    case kTLinebreak:
      return Status::Ok();
    case kTComment:
      return ParseExemplar();
    case kTTimestamp: {
      has_ts_ = true;
      double ts = 0;
      Status s = ParseExpositionFloat(std::string_view(b_ + tok_start_ + 1, i_ - tok_start_ - 1), &ts);
      if (!s.ok()) {
        return Status::InvalidArgument(
            s.message() + " while parsing: " + GoQuote(std::string_view(b_ + start_, i_ - start_)));
      }
      if (std::isnan(ts) || std::isinf(ts))
        return Status::InvalidArgument("invalid timestamp " + GoPercentF(ts));
      ts_ = SecondsToMs(ts);
      int t3 = lex.Lex();
      if (t3 == kTLinebreak) return Status::Ok();
      if (t3 == kTComment) return ParseExemplar();
      return ParseError("expected next entry after timestamp", t3);
    }
    default:
      // Upstream returns the sample and fails on the next line; failing here
      // reports the same line.
      return ParseError("expected timestamp or comment", t2);
  }
}

Status OpenMetricsParser::ParseExemplar() {
  OmLexer lex = EMBER_OM_LEXER;
  if (ignore_exemplar_) {
    for (int t = lex.Lex(); t != kTLinebreak; t = lex.Lex()) {
      if (t == kTEof) return Status::InvalidArgument("data does not end with # EOF");
      if (t == kTInvalid) return ParseError("expected label name", t);
    }
    return Status::Ok();
  }
  EMBER_RETURN_IF_ERROR(ParseLabelValues(&eoffsets_, true));
  has_exemplar_ = true;
  EMBER_ASSIGN_OR_RETURN(exemplar_value_, FloatValue(lex.Lex(), "exemplar labels"));
  has_exemplar_ts_ = false;
  int t2 = lex.Lex();
  switch (t2) {
    case kTEof:
      return Status::InvalidArgument("data does not end with # EOF");
    case kTLinebreak:
      return Status::Ok();
    case kTTimestamp: {
      has_exemplar_ts_ = true;
      double ts = 0;
      Status s = ParseExpositionFloat(std::string_view(b_ + tok_start_ + 1, i_ - tok_start_ - 1), &ts);
      if (!s.ok()) {
        return Status::InvalidArgument(
            s.message() + " while parsing: " + GoQuote(std::string_view(b_ + start_, i_ - start_)));
      }
      if (std::isnan(ts) || std::isinf(ts)) {
        return Status::InvalidArgument("invalid exemplar timestamp " + GoPercentF(ts));
      }
      exemplar_ts_ = SecondsToMs(ts);
      int t3 = lex.Lex();
      if (t3 != kTLinebreak) return ParseError("expected next entry after exemplar timestamp", t3);
      return Status::Ok();
    }
    default:
      return ParseError("expected timestamp or comment", t2);
  }
}

bool OpenMetricsParser::Exemplar(ExemplarView* out) {
  if (!has_exemplar_) return false;
  out->labels.clear();
  // As upstream, exemplar label values are taken as written (no unescaping).
  for (size_t k = 0; k + 3 < eoffsets_.size(); k += 4) {
    out->labels.push_back({std::string_view(b_ + eoffsets_[k], eoffsets_[k + 1] - eoffsets_[k]),
                           std::string_view(b_ + eoffsets_[k + 2], eoffsets_[k + 3] - eoffsets_[k + 2])});
  }
  std::sort(out->labels.begin(), out->labels.end(),
            [](const LabelView& a, const LabelView& b) { return a.name < b.name; });
  out->value = exemplar_value_;
  out->timestamp_ms = has_exemplar_ts_ ? std::optional<int64_t>(exemplar_ts_) : std::nullopt;
  has_exemplar_ = false;
  return true;
}

bool OpenMetricsParser::IsCreatedSeries() const {
  std::string_view name(b_ + offsets_[0], offsets_[1] - offsets_[0]);
  return TypeHasCreated(mtype_) && name.size() >= 8 && name.substr(name.size() - 8) == "_created";
}

void OpenMetricsParser::SeriesKey(std::string_view family, std::string* out) const {
  out->clear();
  for (size_t k = 2; k + 3 < offsets_.size(); k += 4) {
    std::string_view ln(b_ + offsets_[k], offsets_[k + 1] - offsets_[k]);
    if (mtype_ == MetricType::kSummary && ln == "quantile") continue;
    if (mtype_ == MetricType::kHistogram && ln == "le") continue;
    out->append(ln);
    out->push_back('\xff');
    out->append(b_ + offsets_[k + 2], offsets_[k + 3] - offsets_[k + 2]);
    out->push_back('\xff');
  }
  out->append(family);
}

std::optional<int64_t> OpenMetricsParser::CreatedTimestamp() {
  if (!TypeHasCreated(mtype_)) {
    ct_cached_ = false;
    return std::nullopt;
  }
  std::string_view name(b_ + offsets_[0], offsets_[1] - offsets_[0]);
  SeriesKey(name.substr(0, std::min(family_len_, name.size())), &cur_key_);
  if (ct_cached_ && cur_key_ == ct_key_) return ct_;

  // Look ahead on a copy of the parser's position, then put it back.
  const size_t saved_i = i_, saved_tok = tok_start_, saved_start = start_, saved_series_start = series_start_,
               saved_series_end = series_end_, saved_name_start = name_start_, saved_name_end = name_end_,
               saved_family_len = family_len_;
  const int saved_state = state_;
  const double saved_value = value_;
  const int64_t saved_ts = ts_;
  const bool saved_has_ts = has_ts_;
  const bool saved_escapes = escapes_;
  const std::string_view saved_text = text_;
  const MetricType saved_type = mtype_;
  offsets_.swap(peek_offsets_);
  ignore_exemplar_ = true;

  std::optional<int64_t> found;
  for (;;) {
    auto r = NextInternal();
    if (!r.ok() || *r != Entry::kSeries) break;
    std::string_view peeked(b_ + offsets_[0], offsets_[1] - offsets_[0]);
    if (peeked.size() < 8 || peeked.substr(peeked.size() - 8) != "_created") continue;
    SeriesKey(peeked.substr(0, peeked.size() - 8), &peek_key_);
    if (peek_key_ == cur_key_) found = SecondsToMs(value_);  // OpenMetrics timestamps are seconds
    break;
  }

  ignore_exemplar_ = false;
  done_ = false;  // the look-ahead may have reached `# EOF`; the parser has not
  offsets_.swap(peek_offsets_);
  i_ = saved_i;
  tok_start_ = saved_tok;
  start_ = saved_start;
  series_start_ = saved_series_start;
  series_end_ = saved_series_end;
  name_start_ = saved_name_start;
  name_end_ = saved_name_end;
  family_len_ = saved_family_len;
  state_ = saved_state;
  value_ = saved_value;
  ts_ = saved_ts;
  has_ts_ = saved_has_ts;
  escapes_ = saved_escapes;
  text_ = saved_text;
  mtype_ = saved_type;
  if (found) {
    ct_key_ = cur_key_;
    ct_ = *found;
    ct_cached_ = true;
  } else {
    ct_cached_ = false;
  }
  return found;
}

}  // namespace ember::textparse
