#include "lexer_common.h"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>

#include "ember/base/strings.h"

namespace ember::textparse {

std::string_view TokName(int t) {
  switch (t) {
    case kTInvalid:
      return "INVALID";
    case kTEof:
      return "EOF";
    case kTLinebreak:
      return "LINEBREAK";
    case kTHelp:
      return "HELP";
    case kTType:
      return "TYPE";
    case kTUnit:
      return "UNIT";
    case kTEofWord:
      return "EOFWORD";
    case kTText:
      return "TEXT";
    case kTComment:
      return "COMMENT";
    case kTMName:
      return "MNAME";
    case kTQString:
      return "QSTRING";
    case kTBraceOpen:
      return "BOPEN";
    case kTBraceClose:
      return "BCLOSE";
    case kTLName:
      return "LNAME";
    case kTLValue:
      return "LVALUE";
    case kTComma:
      return "COMMA";
    case kTEqual:
      return "EQUAL";
    case kTTimestamp:
      return "TIMESTAMP";
    case kTValue:
      return "VALUE";
  }
  return "INVALID";
}

double NormalNaN() { return std::bit_cast<double>(uint64_t{0x7ff8000000000001ULL}); }

namespace {

// True for Go's spellings of infinity: [+-]?(inf|infinity), any case.
bool IsInfLiteral(std::string_view s) {
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.remove_prefix(1);
  return EqualsIgnoreCase(s, "inf") || EqualsIgnoreCase(s, "infinity");
}

}  // namespace

namespace {

constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                             1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

// `[-]digits[.digits]` with at most 15 digits in all: the digits as an
// integer are exact in a double, and so is 10^k, so one IEEE division gives
// the correctly rounded value (Clinger's fast path), as Go would.
bool SimpleDecimal(std::string_view s, double* out) {
  size_t i = 0;
  bool neg = false;
  if (!s.empty() && s[0] == '-') {
    neg = true;
    i = 1;
  }
  uint64_t m = 0;
  int digits = 0, frac = -1;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (IsDigit(c)) {
      m = m * 10 + static_cast<uint64_t>(c - '0');
      if (++digits > 15) return false;
      if (frac >= 0) ++frac;
    } else if (c == '.' && frac < 0) {
      frac = 0;
    } else {
      return false;
    }
  }
  if (digits == 0) return false;
  double v = static_cast<double>(m);
  if (frac > 0) v /= kPow10[frac];
  *out = neg ? -v : v;
  return true;
}

}  // namespace

Status ParseExpositionFloat(std::string_view s, double* out) {
  if (SimpleDecimal(s, out)) return Status::Ok();
  // Fast path: the plain decimal forms exporters write. std::from_chars is
  // exact (round-to-nearest) like Go's ParseFloat, and takes the same
  // decimal syntax, except that it refuses a leading '+' and hex, which go
  // the slow way below.
  if (!s.empty() && (IsDigit(s[0]) || (s.size() > 1 && s[0] == '-' && IsDigit(s[1])))) {
    double v;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, std::chars_format::general);
    if (ec == std::errc() && p == s.data() + s.size()) {
      *out = v;
      return Status::Ok();
    }
  }
  for (char ch : s) {
    if (ch == 'p' || ch == 'P' || ch == '_') return Status::InvalidArgument("unsupported character in float");
  }
  auto v = ParseFloat(s);
  if (!v) return Status::InvalidArgument("strconv.ParseFloat: parsing " + GoQuote(s) + ": invalid syntax");
  if (std::isinf(*v) && !IsInfLiteral(s)) {
    return Status::InvalidArgument("strconv.ParseFloat: parsing " + GoQuote(s) + ": value out of range");
  }
  *out = std::isnan(*v) ? NormalNaN() : *v;
  return Status::Ok();
}

Status ParseExpositionInt(std::string_view s, int64_t* out) {
  auto v = ParseInt(s);
  if (!v) {
    // The lexers only hand over digit runs (with a sign in OpenMetrics'
    // case), so a failure is junk or overflow; Go tells them apart.
    bool digits = !s.empty();
    size_t k = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
    if (k == s.size()) digits = false;
    for (size_t j = k; j < s.size(); ++j) digits = digits && IsDigit(s[j]);
    return Status::InvalidArgument("strconv.ParseInt: parsing " + GoQuote(s) +
                                   (digits ? ": value out of range" : ": invalid syntax"));
  }
  *out = *v;
  return Status::Ok();
}

}  // namespace ember::textparse
