// The Prometheus text format: a hand-written lexer with upstream's states
// and tokens (promlex.l), so that errors name the same tokens, and a parser
// that follows promparse.go's structure.
#include "ember/textparse/prom_parser.h"

#include <algorithm>
#include <cstring>

#include "ember/base/strings.h"
#include "lexer_common.h"

namespace ember::textparse {

namespace {
constexpr uint32_t kUnset = UINT32_MAX;
}

PromParser::PromParser(std::string_view body) {
  if (body.empty() || body.back() != '\n') {
    owned_.reserve(body.size() + 1);
    owned_.append(body);
    owned_.push_back('\n');
    body = owned_;
  }
  b_ = body.data();
  n_ = body.size();
  offsets_.reserve(32);
}

namespace {

// The lexer, inlined into the parser's loop. Whitespace tokens are skipped
// here, as the parser's nextToken does.
struct PromLexer {
  const char* b;
  size_t n;
  size_t& i;
  size_t& start;
  int& state;

  int ConsumeComment() {
    const void* nl = std::memchr(b + i, '\n', n - i);
    if (nl == nullptr) {
      i = n;
      return kTEof;
    }
    i = static_cast<const char*>(nl) - b;
    state = kSInit;
    return kTComment;
  }

  int Lex() {
    for (;;) {
      if (i >= n) return kTEof;
      start = i;
      char c = b[i];
      if ((c == ' ' || c == '\t') && state != kSMeta2) {
        do ++i;
        while (i < n && (b[i] == ' ' || b[i] == '\t'));
        continue;
      }
      switch (state) {
        case kSInit:
          if (IsMetricStart(c)) {
            do ++i;
            while (IsMetricChar(b[i]));  // b ends with '\n'
            state = kSValue;
            return kTMName;
          }
          if (c == '\n') {
            ++i;
            return kTLinebreak;
          }
          if (c == '#') {
            ++i;
            if (b[i] != ' ' && b[i] != '\t') return ConsumeComment();
            do ++i;
            while (b[i] == ' ' || b[i] == '\t');
            // sComment: HELP or TYPE and white space, else a comment.
            if (n - i > 4 && (std::memcmp(b + i, "HELP", 4) == 0 || std::memcmp(b + i, "TYPE", 4) == 0) &&
                (b[i + 4] == ' ' || b[i + 4] == '\t')) {
              int t = b[i] == 'H' ? kTHelp : kTType;
              i += 5;
              while (b[i] == ' ' || b[i] == '\t') ++i;
              state = kSMeta1;
              return t;
            }
            state = kSComment;
            return ConsumeComment();
          }
          if (c == '{') {
            ++i;
            state = kSLabels;
            return kTBraceOpen;
          }
          if (c == '\0') return kTEof;
          return kTInvalid;
        case kSMeta1:
          if (c == '"') {
            size_t fail;
            size_t end = ScanQuoted(b, n, i, true, &fail);
            if (end == 0) {
              i = fail;
              return kTInvalid;
            }
            i = end;
            state = kSMeta2;
            return kTMName;
          }
          if (IsMetricStart(c)) {
            do ++i;
            while (IsMetricChar(b[i]));
            state = kSMeta2;
            return kTMName;
          }
          return kTInvalid;
        case kSMeta2: {
          const void* nl = std::memchr(b + i, '\n', n - i);
          i = nl ? static_cast<const char*>(nl) - b : n;
          state = kSInit;
          return kTText;
        }
        case kSValue:
          if (c == '{') {
            ++i;
            state = kSLabels;
            return kTBraceOpen;
          }
          if (c == '\n') return kTInvalid;
          do ++i;
          while (b[i] != ' ' && b[i] != '\t' && b[i] != '\n' && b[i] != '{');
          state = kSTimestamp;
          return kTValue;
        case kSLabels:
          if (IsLabelStart(c)) {
            do ++i;
            while (IsLabelChar(b[i]));
            return kTLName;
          }
          switch (c) {
            case '"': {
              size_t fail;
              size_t end = ScanQuoted(b, n, i, true, &fail);
              if (end == 0) {
                i = fail;
                return kTInvalid;
              }
              i = end;
              return kTQString;
            }
            case '}':
              ++i;
              state = kSValue;
              return kTBraceClose;
            case '=':
              ++i;
              state = kSLValue;
              return kTEqual;
            case ',':
              ++i;
              return kTComma;
          }
          return kTInvalid;
        case kSLValue:
          if (c == '"') {
            size_t fail;
            size_t end = ScanQuoted(b, n, i, true, &fail);
            if (end == 0) {
              i = fail;
              return kTInvalid;
            }
            i = end;
            state = kSLabels;
            return kTLValue;
          }
          return kTInvalid;
        case kSTimestamp:
          if (IsDigit(c)) {
            do ++i;
            while (IsDigit(b[i]));
            return kTTimestamp;
          }
          if (c == '\n') {
            ++i;
            state = kSInit;
            return kTLinebreak;
          }
          return kTInvalid;
        default:
          return kTInvalid;
      }
    }
  }
};

}  // namespace

#define EMBER_PROM_LEXER \
  PromLexer { b_, n_, i_, tok_start_, state_ }

Status PromParser::ParseError(std::string_view expected, int token) const {
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

// The common sample line, `name{a="b",c="d"} 1.5 123\n` with single spaces
// and nothing unusual, in one pass without tokens. Returns false, having
// changed nothing the general path depends on, for anything else: the
// general path then parses the line and words any error.
bool PromParser::FastSeries() {
  const char* b = b_;
  size_t p = i_;
  const size_t line = p;
  offsets_.clear();
  do ++p;
  while (IsMetricChar(b[p]));  // b ends with '\n'
  offsets_.push_back(static_cast<uint32_t>(line));
  offsets_.push_back(static_cast<uint32_t>(p));
  bool escapes = false;
  if (b[p] == '{') {
    ++p;
    while (b[p] != '}') {
      if (!IsLabelStart(b[p])) return false;
      size_t ls = p;
      do ++p;
      while (IsLabelChar(b[p]));
      if (b[p] != '=' || b[p + 1] != '"') return false;
      offsets_.push_back(static_cast<uint32_t>(ls));
      offsets_.push_back(static_cast<uint32_t>(p));
      p += 2;
      size_t vs = p;
      unsigned char high = 0;
      for (;;) {
        char ch = b[p];
        if (ch == '"') break;
        if (ch == '\\') {
          if (b[p + 1] == '\n') return false;
          escapes = true;
          ++p;
          if (p >= n_) return false;
        }
        high |= static_cast<unsigned char>(ch);
        if (++p >= n_) return false;
      }
      if ((high & 0x80) && !IsValidUtf8(std::string_view(b + vs, p - vs))) return false;
      offsets_.push_back(static_cast<uint32_t>(vs));
      offsets_.push_back(static_cast<uint32_t>(p));
      ++p;
      if (b[p] == ',') {
        ++p;
      } else if (b[p] != '}') {
        return false;
      }
    }
    ++p;
  }
  const size_t series_end = p;
  if (b[p] != ' ') return false;
  size_t vs = ++p;
  while (b[p] != ' ' && b[p] != '\n' && b[p] != '\t' && b[p] != '{') ++p;
  if (p == vs || b[p] == '\t' || b[p] == '{') return false;
  double v;
  if (!ParseExpositionFloat(std::string_view(b + vs, p - vs), &v).ok()) return false;
  bool has_ts = false;
  int64_t ts = 0;
  if (b[p] == ' ') {
    size_t ts_start = ++p;
    uint64_t digits = 0;  // unsigned: a long run wraps harmlessly and is refused below
    while (IsDigit(b[p])) digits = digits * 10 + static_cast<uint64_t>(b[p++] - '0');
    if (p == ts_start || p - ts_start > 18 || b[p] != '\n') return false;
    ts = static_cast<int64_t>(digits);
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
  return true;
}

Result<Entry> PromParser::Next() {
  PromLexer lex = EMBER_PROM_LEXER;
  for (;;) {
    if (state_ == kSInit && i_ < n_ && IsMetricStart(b_[i_]) && FastSeries()) return Entry::kSeries;
    start_ = i_;
    offsets_.clear();
    escapes_ = true;  // the general path does not track them; Labels() looks
    int t = lex.Lex();
    switch (t) {
      case kTMName: {
        offsets_.push_back(static_cast<uint32_t>(tok_start_));
        offsets_.push_back(static_cast<uint32_t>(i_));
        series_start_ = start_;
        series_end_ = i_;
        int t2 = lex.Lex();
        if (t2 == kTBraceOpen) {
          EMBER_RETURN_IF_ERROR(ParseLabelValues());
          series_end_ = i_;
          t2 = lex.Lex();
        }
        return ParseMetricSuffix(t2);
      }
      case kTEof:
        return Entry::kEof;
      case kTLinebreak:
        continue;  // blank lines are allowed
      case kTHelp:
      case kTType: {
        int t2 = lex.Lex();
        if (t2 != kTMName) return ParseError("expected metric name after " + std::string(TokName(t)), t2);
        name_start_ = tok_start_;
        name_end_ = i_;
        if (b_[name_start_] == '"' && name_end_ - name_start_ >= 2 && b_[name_end_ - 1] == '"') {
          ++name_start_;
          --name_end_;
        }
        t2 = lex.Lex();
        if (t2 != kTText) {
          return Status::InvalidArgument("expected text in " + std::string(TokName(t)) + ", got " +
                                         std::string(TokName(t2)));
        }
        std::string_view buf(b_ + tok_start_, i_ - tok_start_);
        text_ = buf.size() > 1 ? buf.substr(1) : std::string_view();
        if (buf.find_first_not_of(" \t") == std::string_view::npos) text_ = std::string_view();
        if (t == kTType) {
          if (text_ == "counter") {
            mtype_ = MetricType::kCounter;
          } else if (text_ == "gauge") {
            mtype_ = MetricType::kGauge;
          } else if (text_ == "histogram") {
            mtype_ = MetricType::kHistogram;
          } else if (text_ == "summary") {
            mtype_ = MetricType::kSummary;
          } else if (text_ == "untyped") {
            mtype_ = MetricType::kUnknown;
          } else {
            return Status::InvalidArgument("invalid metric type " + GoQuote(text_));
          }
        } else if (!IsValidUtf8(text_)) {
          return Status::InvalidArgument("help text " + GoQuote(text_) + " is not a valid utf8 string");
        }
        int t3 = lex.Lex();
        if (t3 != kTLinebreak) return ParseError("linebreak expected after metadata", t3);
        return t == kTHelp ? Entry::kHelp : Entry::kType;
      }
      case kTComment: {
        text_ = std::string_view(b_ + tok_start_, i_ - tok_start_);
        int t2 = lex.Lex();
        if (t2 != kTLinebreak) return ParseError("linebreak expected after comment", t2);
        return Entry::kComment;
      }
      case kTBraceOpen:
        offsets_.push_back(kUnset);
        offsets_.push_back(kUnset);
        series_start_ = start_;
        EMBER_RETURN_IF_ERROR(ParseLabelValues());
        series_end_ = i_;
        return ParseMetricSuffix(lex.Lex());
      default:
        return ParseError("expected a valid start token", t);
    }
  }
}

Status PromParser::ParseLabelValues() {
  PromLexer lex = EMBER_PROM_LEXER;
  int t = lex.Lex();
  for (;;) {
    size_t cur_start = tok_start_, cur_end = i_;
    bool qstring = false;
    if (t == kTBraceClose) return Status::Ok();
    if (t == kTQString) {
      qstring = true;
    } else if (t != kTLName) {
      return ParseError("expected label name", t);
    }
    t = lex.Lex();
    // A quoted string followed by a comma or a brace is the metric name.
    if (qstring && (t == kTComma || t == kTBraceClose)) {
      if (offsets_[0] != kUnset || offsets_[1] != kUnset) {
        return Status::InvalidArgument("metric name already set while parsing: " +
                                       GoQuote(std::string_view(b_ + start_, i_ - start_)));
      }
      offsets_[0] = static_cast<uint32_t>(cur_start + 1);
      offsets_[1] = static_cast<uint32_t>(cur_end - 1);
      if (t == kTBraceClose) return Status::Ok();
      t = lex.Lex();
      continue;
    }
    if (b_[cur_start] == '"') {
      ++cur_start;
      --cur_end;
    }
    offsets_.push_back(static_cast<uint32_t>(cur_start));
    offsets_.push_back(static_cast<uint32_t>(cur_end));
    if (t != kTEqual) return ParseError("expected equal", t);
    t = lex.Lex();
    if (t != kTLValue) return ParseError("expected label value", t);
    std::string_view v(b_ + tok_start_, i_ - tok_start_);
    // Fast check: ASCII needs no UTF-8 validation.
    bool ascii = true;
    for (char ch : v) ascii &= static_cast<unsigned char>(ch) < 0x80;
    if (!ascii && !IsValidUtf8(v)) return Status::InvalidArgument("invalid UTF-8 label value: " + GoQuote(v));
    offsets_.push_back(static_cast<uint32_t>(tok_start_ + 1));
    offsets_.push_back(static_cast<uint32_t>(i_ - 1));
    // Trailing commas are allowed, and so (unlike OpenMetrics) is white
    // space between pairs without a comma, as upstream.
    t = lex.Lex();
    if (t == kTComma) t = lex.Lex();
  }
}

Result<Entry> PromParser::ParseMetricSuffix(int t) {
  if (offsets_[0] == kUnset) {
    return Status::InvalidArgument("metric name not set while parsing: " +
                                   GoQuote(std::string_view(b_ + start_, i_ - start_)));
  }
  if (t != kTValue) return ParseError("expected value after metric", t);
  Status s = ParseExpositionFloat(std::string_view(b_ + tok_start_, i_ - tok_start_), &value_);
  if (!s.ok()) {
    return Status::InvalidArgument(s.message() +
                                   " while parsing: " + GoQuote(std::string_view(b_ + start_, i_ - start_)));
  }
  if (value_ != value_) value_ = NormalNaN();
  has_ts_ = false;
  PromLexer lex = EMBER_PROM_LEXER;
  int t2 = lex.Lex();
  if (t2 == kTLinebreak) return Entry::kSeries;
  if (t2 != kTTimestamp) return ParseError("expected timestamp or new record", t2);
  has_ts_ = true;
  std::string_view digits(b_ + tok_start_, i_ - tok_start_);
  // Up to 18 digits cannot overflow int64.
  if (digits.size() <= 18) {
    int64_t v = 0;
    for (char ch : digits) v = v * 10 + (ch - '0');
    ts_ = v;
  } else {
    Status ts = ParseExpositionInt(digits, &ts_);
    if (!ts.ok()) {
      return Status::InvalidArgument(
          ts.message() + " while parsing: " + GoQuote(std::string_view(b_ + start_, i_ - start_)));
    }
  }
  int t3 = lex.Lex();
  if (t3 != kTLinebreak) return ParseError("expected next entry after timestamp", t3);
  return Entry::kSeries;
}

}  // namespace ember::textparse
