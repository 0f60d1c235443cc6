#include "promql/lexer/lexer.h"

#include <cstdint>
#include <cstdio>
#include <string>

#include "ember/base/strings.h"

namespace ember::promql::internal {
namespace {

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool IsAlnum(char c) { return IsAlpha(c) || IsDigit(c); }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Go's %q of a single character, as lexer errors quote it.
std::string QuoteChar(std::string_view input, size_t pos) {
  // Take a whole UTF-8 sequence so multi-byte characters print as themselves.
  size_t len = 1;
  unsigned char c = static_cast<unsigned char>(input[pos]);
  if (c >= 0xF0) {
    len = 4;
  } else if (c >= 0xE0) {
    len = 3;
  } else if (c >= 0xC0) {
    len = 2;
  }
  if (pos + len > input.size()) len = 1;
  std::string q = GoQuote(input.substr(pos, len));
  // Go prints runes with single quotes.
  std::string inner = q.substr(1, q.size() - 2);
  if (inner == "\\\"") inner = "\"";
  if (inner == "'") inner = "\\'";
  return "'" + inner + "'";
}

// Go's %#U of a byte-sized rune: `U+0063 'c'`.
std::string GoRuneU(char c) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "U+%04X", static_cast<unsigned char>(c));
  std::string out = buf;
  if (c >= 0x20 && c < 0x7f) {
    out += " '";
    out += c;
    out += "'";
  }
  return out;
}

int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

class Lexer {
 public:
  explicit Lexer(std::string_view input) : in_(input) {}

  std::vector<Token> Run() {
    while (true) {
      if (!Next()) break;
    }
    return std::move(tokens_);
  }

 private:
  // Lexes one token; false after kEof or kError.
  bool Next() {
    while (pos_ < in_.size()) {
      if (IsSpace(in_[pos_])) {
        ++pos_;
      } else if (in_[pos_] == '#') {
        while (pos_ < in_.size() && in_[pos_] != '\n') ++pos_;
      } else {
        break;
      }
    }
    size_t start = pos_;
    if (pos_ >= in_.size()) {
      if (brace_open_) return Error(start, "unexpected end of input inside braces");
      if (paren_depth_ > 0) return Error(start, "unclosed left parenthesis");
      if (bracket_open_) return Error(start, "unexpected end of input in duration expression");
      Emit(TokenKind::kEof, start, "");
      return false;
    }
    char c = in_[pos_];
    char n = pos_ + 1 < in_.size() ? in_[pos_ + 1] : '\0';
    if (brace_open_) return LexInsideBraces(start, c, n);
    if (bracket_open_ && (c == '"' || c == '\'' || c == '`')) {
      return Error(start, "unexpected character in duration expression: " + QuoteChar(in_, pos_));
    }
    switch (c) {
      case ',':
        return Simple(TokenKind::kComma, 1);
      case '+':
        return Simple(TokenKind::kAdd, 1);
      case '-':
        return Simple(TokenKind::kSub, 1);
      case '*':
        return Simple(TokenKind::kMul, 1);
      case '/':
        return Simple(TokenKind::kDiv, 1);
      case '%':
        return Simple(TokenKind::kMod, 1);
      case '^':
        return Simple(TokenKind::kPow, 1);
      case '@':
        return Simple(TokenKind::kAt, 1);
      case ':':
        if (!bracket_open_) return Error(start, "unexpected colon ':'");
        return Simple(TokenKind::kColon, 1);
      case '=':
        if (n == '=') return Simple(TokenKind::kEqlc, 2);
        if (n == '~') return Simple(TokenKind::kRegexMatch, 2);
        return Simple(TokenKind::kAssign, 1);
      case '!':
        if (n == '=') return Simple(TokenKind::kNeq, 2);
        if (n == '~') return Simple(TokenKind::kRegexNoMatch, 2);
        return Error(start, "unexpected character after '!': " + (n ? QuoteChar(in_, pos_ + 1) : "'\\x00'"));
      case '<':
        if (n == '=') return Simple(TokenKind::kLte, 2);
        return Simple(TokenKind::kLss, 1);
      case '>':
        if (n == '=') return Simple(TokenKind::kGte, 2);
        return Simple(TokenKind::kGtr, 1);
      case '(':
        ++paren_depth_;
        return Simple(TokenKind::kLeftParen, 1);
      case ')':
        // Reported after the parenthesis, as Prometheus does.
        if (paren_depth_ == 0) return Error(start + 1, "unexpected right parenthesis ')'");
        --paren_depth_;
        return Simple(TokenKind::kRightParen, 1);
      case '{':
        brace_open_ = true;
        return Simple(TokenKind::kLeftBrace, 1);
      case '}':
        return Error(start, "unexpected character: '}'");
      case '[':
        if (bracket_open_) return Error(start, "unexpected left bracket '['");
        bracket_open_ = true;
        return Simple(TokenKind::kLeftBracket, 1);
      case ']':
        if (!bracket_open_) return Error(start, "unexpected right bracket ']'");
        bracket_open_ = false;
        return Simple(TokenKind::kRightBracket, 1);
      case '"':
      case '\'':
      case '`':
        return LexString(start, c);
      default:
        break;
    }
    if (IsDigit(c) || (c == '.' && IsDigit(n))) return LexNumberOrDuration(start);
    if (IsAlpha(c)) return LexWord(start, /*allow_colon=*/true);
    return Error(start, "unexpected character: " + QuoteChar(in_, pos_));
  }

  bool LexInsideBraces(size_t start, char c, char n) {
    switch (c) {
      case ',':
        return Simple(TokenKind::kComma, 1);
      case '}':
        brace_open_ = false;
        return Simple(TokenKind::kRightBrace, 1);
      case '=':
        if (n == '~') return Simple(TokenKind::kRegexMatch, 2);
        return Simple(TokenKind::kAssign, 1);
      case '!':
        if (n == '=') return Simple(TokenKind::kNeq, 2);
        if (n == '~') return Simple(TokenKind::kRegexNoMatch, 2);
        return Error(start, "unexpected character after '!' inside braces: " +
                                (n ? QuoteChar(in_, pos_ + 1) : "'\\x00'"));
      case '"':
      case '\'':
      case '`':
        return LexString(start, c);
      case '{':
        return Error(start, "unexpected left brace '{'");
      default:
        break;
    }
    if (IsAlpha(c)) return LexWord(start, /*allow_colon=*/false);
    return Error(start, "unexpected character inside braces: " + QuoteChar(in_, pos_));
  }

  bool LexWord(size_t start, bool allow_colon) {
    while (pos_ < in_.size() && (IsAlnum(in_[pos_]) || (allow_colon && in_[pos_] == ':'))) ++pos_;
    Emit(TokenKind::kIdentifier, start, std::string(in_.substr(start, pos_ - start)));
    return true;
  }

  // Digits with an optional fraction and exponent, or hex; followed by a
  // unit letter it is a duration instead.
  bool LexNumberOrDuration(size_t start) {
    if (in_[pos_] == '0' && pos_ + 1 < in_.size() && (in_[pos_ + 1] == 'x' || in_[pos_ + 1] == 'X')) {
      pos_ += 2;
      while (pos_ < in_.size() && IsHexDigit(in_[pos_])) ++pos_;
      return FinishNumber(start);
    }
    while (pos_ < in_.size() && IsDigit(in_[pos_])) ++pos_;
    // A duration: digits then units (repeated), e.g. 1h30m, 250ms.
    if (pos_ < in_.size() && IsDurationUnitStart(in_[pos_])) return LexDuration(start);
    if (pos_ < in_.size() && in_[pos_] == '.') {
      ++pos_;
      while (pos_ < in_.size() && IsDigit(in_[pos_])) ++pos_;
    }
    if (pos_ < in_.size() && (in_[pos_] == 'e' || in_[pos_] == 'E')) {
      size_t save = pos_;
      ++pos_;
      if (pos_ < in_.size() && (in_[pos_] == '+' || in_[pos_] == '-')) ++pos_;
      if (pos_ < in_.size() && IsDigit(in_[pos_])) {
        while (pos_ < in_.size() && IsDigit(in_[pos_])) ++pos_;
      } else {
        pos_ = save;
      }
    }
    return FinishNumber(start);
  }

  static bool IsDurationUnitStart(char c) {
    return c == 's' || c == 'm' || c == 'h' || c == 'd' || c == 'w' || c == 'y';
  }

  bool LexDuration(size_t start) {
    while (true) {
      // Unit.
      if (pos_ < in_.size() && in_[pos_] == 'm' && pos_ + 1 < in_.size() && in_[pos_ + 1] == 's') {
        pos_ += 2;
      } else if (pos_ < in_.size() && IsDurationUnitStart(in_[pos_])) {
        ++pos_;
      } else {
        break;
      }
      if (pos_ < in_.size() && IsDigit(in_[pos_])) {
        while (pos_ < in_.size() && IsDigit(in_[pos_])) ++pos_;
        continue;
      }
      break;
    }
    if (pos_ < in_.size() && (IsAlnum(in_[pos_]) || in_[pos_] == '.')) {
      while (pos_ < in_.size() && (IsAlnum(in_[pos_]) || in_[pos_] == '.')) ++pos_;
      return Error(start, "bad number or duration syntax: " + GoQuote(in_.substr(start, pos_ - start)));
    }
    Emit(TokenKind::kDuration, start, std::string(in_.substr(start, pos_ - start)));
    return true;
  }

  bool FinishNumber(size_t start) {
    if (pos_ < in_.size() && (IsAlnum(in_[pos_]) || in_[pos_] == '.')) {
      while (pos_ < in_.size() && (IsAlnum(in_[pos_]) || in_[pos_] == '.')) ++pos_;
      return Error(start, "bad number or duration syntax: " + GoQuote(in_.substr(start, pos_ - start)));
    }
    Emit(TokenKind::kNumber, start, std::string(in_.substr(start, pos_ - start)));
    return true;
  }

  bool LexString(size_t start, char quote) {
    ++pos_;
    std::string value;
    if (quote == '`') {
      while (pos_ < in_.size() && in_[pos_] != '`') value += in_[pos_++];
      if (pos_ >= in_.size()) return Error(start, "unterminated raw string");
      if (!IsValidUtf8(value)) return Error(start, "invalid UTF-8 rune");
      ++pos_;
      Emit(TokenKind::kString, start, std::move(value));
      return true;
    }
    while (true) {
      if (pos_ >= in_.size() || in_[pos_] == '\n') return Error(start, "unterminated quoted string");
      char c = in_[pos_];
      if (c == quote) {
        ++pos_;
        break;
      }
      if (c != '\\') {
        value += c;
        ++pos_;
        continue;
      }
      ++pos_;
      if (pos_ >= in_.size()) return Error(start, "escape sequence not terminated");
      char e = in_[pos_++];
      switch (e) {
        case 'a':
          value += '\a';
          break;
        case 'b':
          value += '\b';
          break;
        case 'f':
          value += '\f';
          break;
        case 'n':
          value += '\n';
          break;
        case 'r':
          value += '\r';
          break;
        case 't':
          value += '\t';
          break;
        case 'v':
          value += '\v';
          break;
        case '\\':
          value += '\\';
          break;
        case '"':
        case '\'':
          if (e != quote) return Error(start, "unknown escape sequence " + GoRuneU(e));
          value += e;
          break;
        case '0':
        case '1':
        case '2':
        case '3':
        case '4':
        case '5':
        case '6':
        case '7': {
          int v = e - '0';
          for (int i = 0; i < 2; ++i) {
            if (pos_ >= in_.size() || in_[pos_] == quote)
              return Error(start, "escape sequence not terminated");
            if (in_[pos_] < '0' || in_[pos_] > '7') {
              return Error(start, "illegal character " + GoRuneU(in_[pos_]) + " in escape sequence");
            }
            v = v * 8 + (in_[pos_++] - '0');
          }
          if (v > 255) return Error(start, "escape sequence is an invalid Unicode code point");
          value += static_cast<char>(v);
          break;
        }
        case 'x':
        case 'u':
        case 'U': {
          int digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
          uint32_t v = 0;
          for (int i = 0; i < digits; ++i) {
            if (pos_ >= in_.size() || in_[pos_] == quote)
              return Error(start, "escape sequence not terminated");
            if (!IsHexDigit(in_[pos_])) {
              return Error(start, "illegal character " + GoRuneU(in_[pos_]) + " in escape sequence");
            }
            v = v * 16 + HexValue(in_[pos_++]);
          }
          if (e == 'x') {
            value += static_cast<char>(v);
          } else {
            if (v > 0x10FFFF || (v >= 0xD800 && v < 0xE000)) {
              return Error(start, "escape sequence is an invalid Unicode code point");
            }
            AppendUtf8(value, v);
          }
          break;
        }
        default:
          return Error(start, "unknown escape sequence " + GoRuneU(e));
      }
    }
    // Escapes are ASCII, so checking the text as written finds raw bytes
    // that are not UTF-8.
    if (!IsValidUtf8(in_.substr(start, pos_ - start))) return Error(start, "invalid UTF-8 rune");
    Emit(TokenKind::kString, start, std::move(value));
    return true;
  }

  bool Simple(TokenKind kind, size_t len) {
    size_t start = pos_;
    pos_ += len;
    Emit(kind, start, std::string(in_.substr(start, len)));
    return true;
  }

  bool Error(size_t start, std::string message) {
    Emit(TokenKind::kError, start, std::move(message));
    return false;
  }

  void Emit(TokenKind kind, size_t start, std::string text) {
    Token t;
    t.kind = kind;
    t.text = std::move(text);
    t.raw = std::string(in_.substr(start, pos_ - start));
    t.start = static_cast<int>(start);
    t.end = static_cast<int>(pos_);
    tokens_.push_back(std::move(t));
  }

  std::string_view in_;
  size_t pos_ = 0;
  int paren_depth_ = 0;
  bool brace_open_ = false;
  bool bracket_open_ = false;
  std::vector<Token> tokens_;
};

}  // namespace

std::vector<Token> Lex(std::string_view input) { return Lexer(input).Run(); }

bool IsAggregatorWord(std::string_view w) {
  static constexpr std::string_view kWords[] = {"sum",          "avg",      "count",  "min",        "max",
                                                "group",        "stddev",   "stdvar", "topk",       "bottomk",
                                                "count_values", "quantile", "limitk", "limit_ratio"};
  for (std::string_view k : kWords) {
    if (EqualsIgnoreCase(k, w)) return true;
  }
  return false;
}

namespace {

// Go's %q, shortened as Prometheus prints long token values (`%.10q...`).
std::string QuoteValue(std::string_view v) {
  size_t runes = 0;
  size_t cut = 0;
  while (cut < v.size() && runes < 10) {
    ++cut;
    while (cut < v.size() && (static_cast<unsigned char>(v[cut]) & 0xC0) == 0x80) ++cut;
    ++runes;
  }
  if (cut < v.size()) return GoQuote(v.substr(0, cut)) + "...";
  return GoQuote(v);
}

}  // namespace

std::string DescribeToken(const Token& t) {
  switch (t.kind) {
    case TokenKind::kEof:
      return "end of input";
    case TokenKind::kError:
      return t.text;
    case TokenKind::kNumber:
      return "number " + QuoteValue(t.text);
    case TokenKind::kDuration:
      return "duration " + QuoteValue(t.text);
    case TokenKind::kString:
      return "string " + QuoteValue(t.raw);
    case TokenKind::kLeftParen:
    case TokenKind::kRightParen:
    case TokenKind::kLeftBrace:
    case TokenKind::kRightBrace:
    case TokenKind::kLeftBracket:
    case TokenKind::kRightBracket:
    case TokenKind::kComma:
    case TokenKind::kColon:
    case TokenKind::kAssign:
      return GoQuote(t.text);
    case TokenKind::kIdentifier: {
      std::string lower = ToLower(t.text);
      static constexpr std::string_view kKeywords[] = {"bool",     "by",     "group_left", "group_right",
                                                       "ignoring", "offset", "on",         "without"};
      for (std::string_view k : kKeywords) {
        if (lower == k) return "<" + lower + ">";
      }
      if (lower == "and" || lower == "or" || lower == "unless" || lower == "atan2")
        return "<op:" + lower + ">";
      if (IsAggregatorWord(lower)) return "<aggr:" + lower + ">";
      if (lower == "inf" || lower == "nan") return "number " + QuoteValue(t.text);
      if (t.text.find(':') != std::string::npos) return "metric identifier " + GoQuote(t.text);
      return "identifier " + GoQuote(t.text);
    }
    default:
      return "<op:" + t.text + ">";
  }
}

}  // namespace ember::promql::internal
