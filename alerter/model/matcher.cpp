#include "model/matcher.h"

#include <re2/re2.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>

#include "ember/base/strings.h"
#include "ember/goregexp/go_regexp.h"

namespace ember::alerter {
namespace {

constexpr int32_t kRuneError = 0xFFFD;

// Go's utf8.DecodeRuneInString: an invalid or truncated sequence decodes as
// (RuneError, 1); width 0 only at the end of the input.
std::pair<int32_t, int> DecodeRune(std::string_view s, size_t pos) {
  if (pos >= s.size()) return {kRuneError, 0};
  const auto b0 = static_cast<unsigned char>(s[pos]);
  if (b0 < 0x80) return {b0, 1};
  int n = 0;
  int32_t r = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
    r = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    r = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    r = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return {kRuneError, 1};
  }
  if (pos + n > s.size()) return {kRuneError, 1};
  for (int i = 1; i < n; ++i) {
    const auto b = static_cast<unsigned char>(s[pos + i]);
    if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return {kRuneError, 1};
    r = (r << 6) | (b & 0x3F);
  }
  return {r, n};
}

void AppendRune(std::string& out, int32_t r) {
  if (r < 0x80) {
    out += static_cast<char>(r);
  } else if (r < 0x800) {
    out += static_cast<char>(0xC0 | (r >> 6));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else if (r < 0x10000) {
    out += static_cast<char>(0xE0 | (r >> 12));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (r >> 18));
    out += static_cast<char>(0x80 | ((r >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  }
}

// Go's unicode.IsSpace.
bool IsSpaceRune(int32_t r) {
  switch (r) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return r >= 0x2000 && r <= 0x200A;
  }
}

bool IsReservedRune(int32_t r) {
  if (IsSpaceRune(r)) return true;
  switch (r) {
    case '{':
    case '}':
    case '!':
    case '=':
    case '~':
    case ',':
    case '\\':
    case '"':
    case '\'':
    case '`':
      return true;
    default:
      return false;
  }
}

// Go's strings.TrimSpace.
std::string GoTrimSpace(std::string_view s) {
  size_t first = s.size();
  size_t last = 0;
  for (size_t i = 0; i < s.size();) {
    auto [r, w] = DecodeRune(s, i);
    if (!IsSpaceRune(r)) {
      if (first == s.size()) first = i;
      last = i + w;
    }
    i += w;
  }
  if (first == s.size()) return "";
  return std::string(s.substr(first, last - first));
}

// The `\s` class of Go's regexp: [\t\n\f\r ].
bool IsRegexpSpace(char c) { return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' '; }

Result<std::shared_ptr<const re2::RE2>> CompileAnchored(std::string_view value) {
  std::string wrapped = "^(?:";
  wrapped += value;
  wrapped += ")$";
  if (goregexp::HasByteEscape(wrapped)) {
    return goregexp::SyntaxError(goregexp::ErrorText(re2::RE2::ErrorBadEscape), "\\C");
  }
  re2::RE2::Options options;
  options.set_encoding(re2::RE2::Options::EncodingUTF8);
  options.set_log_errors(false);
  auto re = std::make_shared<const re2::RE2>(wrapped, options);
  if (!re->ok()) {
    const std::string_view fragment = re->error_code() == re2::RE2::ErrorBadUTF8 && re->error_arg().empty()
                                          ? std::string_view(wrapped)
                                          : std::string_view(re->error_arg());
    return goregexp::SyntaxError(goregexp::ErrorText(re->error_code()), fragment);
  }
  return re;
}

// Go's strconv.Unquote for a double-quoted literal; nullopt on a syntax error.
std::optional<std::string> GoUnquote(std::string_view s) {
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') return std::nullopt;
  s = s.substr(1, s.size() - 2);
  std::string out;
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < s.size();) {
    const char c = s[i];
    if (c == '"' || c == '\n') return std::nullopt;
    if (c != '\\') {
      auto [r, w] = DecodeRune(s, i);
      if (r == kRuneError && w == 1) {
        out += c;  // invalid bytes pass through as they are
      } else {
        out.append(s.substr(i, w));
      }
      i += w;
      continue;
    }
    if (i + 1 >= s.size()) return std::nullopt;
    const char e = s[i + 1];
    i += 2;
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
      case '"':
        out += '"';
        break;
      case 'x':
      case 'u':
      case 'U': {
        const size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
        if (i + n > s.size()) return std::nullopt;
        int64_t v = 0;
        for (size_t k = 0; k < n; ++k) {
          const int h = hex(s[i + k]);
          if (h < 0) return std::nullopt;
          v = v * 16 + h;
        }
        i += n;
        if (e == 'x') {
          out += static_cast<char>(v);
        } else {
          if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return std::nullopt;
          AppendRune(out, static_cast<int32_t>(v));
        }
        break;
      }
      case '0':
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
      case '7': {
        if (i + 2 > s.size()) return std::nullopt;
        int v = e - '0';
        for (size_t k = 0; k < 2; ++k) {
          const char d = s[i + k];
          if (d < '0' || d > '7') return std::nullopt;
          v = v * 8 + (d - '0');
        }
        if (v > 255) return std::nullopt;
        i += 2;
        out += static_cast<char>(v);
        break;
      }
      default:
        return std::nullopt;
    }
  }
  return out;
}

std::string OpenMetricsEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

// ---- the UTF-8 parser: a lexer over runes with column positions ----

enum class TokenKind {
  kEof,
  kOpenBrace,
  kCloseBrace,
  kComma,
  kEquals,
  kNotEquals,
  kMatches,
  kNotMatches,
  kQuoted,
  kUnquoted
};

struct Position {
  size_t offset_start = 0;
  size_t offset_end = 0;
  int column_start = 0;
  int column_end = 0;
};

struct Token {
  TokenKind kind = TokenKind::kEof;
  std::string_view value;
  Position pos;
};

constexpr int32_t kEofRune = -1;

class Lexer {
 public:
  explicit Lexer(std::string_view input) : input_(input) {}

  // The next token, or the lexer's (sticky) error.
  Result<Token> Scan() {
    if (!err_.ok()) return err_;
    for (int32_t r = Next(); r != kEofRune; r = Next()) {
      if (r == '{') return Emit(TokenKind::kOpenBrace);
      if (r == '}') return Emit(TokenKind::kCloseBrace);
      if (r == ',') return Emit(TokenKind::kComma);
      if (r == '=' || r == '!') {
        Rewind();
        return Sticky(ScanOperator());
      }
      if (r == '"') {
        Rewind();
        return Sticky(ScanQuoted());
      }
      if (!IsReservedRune(r)) {
        Rewind();
        return ScanUnquoted();
      }
      if (IsSpaceRune(r)) {
        Skip();
        continue;
      }
      err_ = Status::InvalidArgument(Cols() + ": " + std::string(Text()) + ": invalid input");
      return err_;
    }
    return Token{};
  }

  // Scan() without consuming (the error, if any, stays).
  Result<Token> Peek() {
    const size_t start = start_, pos = pos_;
    const int width = width_, column = column_, cols = cols_;
    Result<Token> t = Scan();
    start_ = start;
    pos_ = pos;
    width_ = width;
    column_ = column;
    cols_ = cols;
    return t;
  }

  int cols() const { return cols_; }

 private:
  Result<Token> Sticky(Result<Token> t) {
    if (!t.ok()) err_ = t.status();
    return t;
  }

  Status ExpectedError(std::string_view expected) const {
    if (pos_ >= input_.size()) {
      return Status::InvalidArgument(Cols() + ": unexpected end of input, expected one of '" +
                                     std::string(expected) + "'");
    }
    return Status::InvalidArgument(Cols() + ": " + std::string(Text()) + ": expected one of '" +
                                   std::string(expected) + "'");
  }

  Result<Token> ScanOperator() {
    if (Accept('!')) {
      if (Accept('=')) return Emit(TokenKind::kNotEquals);
      if (Accept('~')) return Emit(TokenKind::kNotMatches);
      return ExpectedError("=~");
    }
    if (Accept('=')) {
      if (Accept('~')) return Emit(TokenKind::kMatches);
      return Emit(TokenKind::kEquals);
    }
    return ExpectedError("!=");
  }

  Result<Token> ScanQuoted() {
    if (!Accept('"')) return ExpectedError("\"");
    bool escaped = false;
    for (int32_t r = Next(); r != kEofRune; r = Next()) {
      if (escaped) {
        escaped = false;
      } else if (r == '\\') {
        escaped = true;
      } else if (r == '"') {
        Rewind();
        break;
      }
    }
    if (!Accept('"'))
      return Status::InvalidArgument(Cols() + ": " + std::string(Text()) + ": missing end \"");
    return Emit(TokenKind::kQuoted);
  }

  Token ScanUnquoted() {
    for (int32_t r = Next(); r != kEofRune; r = Next()) {
      if (IsReservedRune(r)) {
        Rewind();
        break;
      }
    }
    return Emit(TokenKind::kUnquoted);
  }

  std::string Cols() const { return std::to_string(column_) + ":" + std::to_string(cols_); }
  std::string_view Text() const { return input_.substr(start_, pos_ - start_); }

  bool Accept(int32_t want) {
    if (Next() == want) return true;
    Rewind();
    return false;
  }

  Token Emit(TokenKind kind) {
    Token t{kind, Text(), Position{start_, pos_, column_, cols_}};
    start_ = pos_;
    column_ = cols_;
    return t;
  }

  int32_t Next() {
    if (pos_ >= input_.size()) {
      width_ = 0;
      return kEofRune;
    }
    auto [r, w] = DecodeRune(input_, pos_);
    width_ = w;
    pos_ += w;
    ++cols_;
    return r;
  }

  void Rewind() {
    pos_ -= width_;
    if (width_ > 0) --cols_;
  }

  void Skip() {
    start_ = pos_;
    column_ = cols_;
  }

  std::string_view input_;
  Status err_;
  size_t start_ = 0;
  size_t pos_ = 0;
  int width_ = 0;
  int column_ = 0;
  int cols_ = 0;
};

class Utf8Parser {
 public:
  explicit Utf8Parser(std::string_view input) : lexer_(input) {}

  Result<Matchers> Parse() {
    // Open brace (optional).
    Result<Token> t = lexer_.Peek();
    if (!t.ok()) return t.status();
    if (t->kind == TokenKind::kEof) return ParseEof();
    if (t->kind == TokenKind::kOpenBrace) {
      has_open_brace_ = true;
      (void)lexer_.Scan();
      t = lexer_.Peek();
      if (!t.ok()) return t.status();
    }
    if (t->kind == TokenKind::kEof || t->kind == TokenKind::kCloseBrace) return ParseCloseBrace();
    for (;;) {
      EMBER_RETURN_IF_ERROR(ParseOneMatcher());
      // End of matcher: a comma, a close brace or the end.
      Result<Token> end = ExpectPeek({TokenKind::kComma, TokenKind::kCloseBrace});
      if (!end.ok()) {
        if (eof_) return ParseCloseBrace();
        return Status::InvalidArgument(end.status().message() + ": expected a comma or close brace");
      }
      if (end->kind == TokenKind::kCloseBrace) return ParseCloseBrace();
      (void)lexer_.Scan();  // the comma
      Result<Token> next = ExpectPeek({TokenKind::kCloseBrace, TokenKind::kUnquoted, TokenKind::kQuoted});
      if (!next.ok()) {
        if (eof_) return ParseCloseBrace();
        return Status::InvalidArgument(next.status().message() +
                                       ": expected a matcher or close brace after comma");
      }
      if (next->kind == TokenKind::kCloseBrace) return ParseCloseBrace();
    }
  }

 private:
  Status ParseOneMatcher() {
    Result<Token> name = Expect({TokenKind::kQuoted, TokenKind::kUnquoted});
    if (!name.ok()) return Status::InvalidArgument(ErrText(name.status()) + ": expected label name");
    EMBER_ASSIGN_OR_RETURN(std::string match_name, Unquote(*name));
    Result<Token> op =
        Expect({TokenKind::kEquals, TokenKind::kNotEquals, TokenKind::kMatches, TokenKind::kNotMatches});
    if (!op.ok()) {
      return Status::InvalidArgument(ErrText(op.status()) +
                                     ": expected an operator such as '=', '!=', '=~' or '!~'");
    }
    MatchType type = MatchType::kEqual;
    switch (op->kind) {
      case TokenKind::kNotEquals:
        type = MatchType::kNotEqual;
        break;
      case TokenKind::kMatches:
        type = MatchType::kRegexp;
        break;
      case TokenKind::kNotMatches:
        type = MatchType::kNotRegexp;
        break;
      default:
        break;
    }
    Result<Token> value = Expect({TokenKind::kUnquoted, TokenKind::kQuoted});
    if (!value.ok()) return Status::InvalidArgument(ErrText(value.status()) + ": expected label value");
    EMBER_ASSIGN_OR_RETURN(std::string match_value, Unquote(*value));
    Result<Matcher> m = Matcher::Make(type, std::move(match_name), std::move(match_value));
    if (!m.ok()) return Status::InvalidArgument("failed to create matcher: " + m.status().message());
    matchers_.push_back(std::move(*m));
    return Status::Ok();
  }

  Result<Matchers> ParseCloseBrace() {
    Result<Token> t = ExpectPeek({TokenKind::kCloseBrace});
    if (has_open_brace_) {
      if (!t.ok()) {
        return Status::InvalidArgument("0:" + std::to_string(lexer_.cols()) + ": " + ErrText(t.status()) +
                                       ": expected close brace");
      }
      (void)lexer_.Scan();
    } else if (t.ok()) {
      (void)lexer_.Scan();
      return Status::InvalidArgument("0:" + std::to_string(lexer_.cols()) + ": }: expected opening brace");
    }
    return ParseEof();
  }

  Result<Matchers> ParseEof() {
    Result<Token> t = lexer_.Scan();
    if (!t.ok()) return Status::InvalidArgument(t.status().message() + ": expected end of input");
    if (t->kind != TokenKind::kEof) {
      return Status::InvalidArgument(std::to_string(t->pos.column_start) + ":" +
                                     std::to_string(t->pos.column_end) + ": " + std::string(t->value) +
                                     ": expected end of input");
    }
    return std::move(matchers_);
  }

  static std::string ErrText(const Status& s) { return s.message(); }

  // The next token when it is one of `kinds`; eof_ tells an end of input apart.
  Result<Token> ExpectPeek(std::initializer_list<TokenKind> kinds) {
    eof_ = false;
    Result<Token> t = lexer_.Peek();
    if (!t.ok()) return t;
    if (t->kind == TokenKind::kEof) {
      eof_ = true;
      return Status::InvalidArgument("end of input");
    }
    if (std::find(kinds.begin(), kinds.end(), t->kind) == kinds.end()) {
      return Status::InvalidArgument(std::to_string(t->pos.column_start) + ":" +
                                     std::to_string(t->pos.column_end) + ": unexpected " +
                                     std::string(t->value));
    }
    return t;
  }

  Result<Token> Expect(std::initializer_list<TokenKind> kinds) {
    Result<Token> t = ExpectPeek(kinds);
    if (t.ok()) (void)lexer_.Scan();
    return t;
  }

  static Result<std::string> Unquote(const Token& t) {
    if (t.kind != TokenKind::kQuoted) return std::string(t.value);
    std::optional<std::string> s = GoUnquote(t.value);
    if (!s) {
      return Status::InvalidArgument(std::to_string(t.pos.column_start) + ":" +
                                     std::to_string(t.pos.column_end) + ": " + std::string(t.value) +
                                     ": invalid input");
    }
    if (!IsValidUtf8(*s)) {
      return Status::InvalidArgument(std::to_string(t.pos.column_start) + ":" +
                                     std::to_string(t.pos.column_end) + ": " + std::string(t.value) +
                                     ": invalid input");
    }
    return *s;
  }

  Lexer lexer_;
  Matchers matchers_;
  bool has_open_brace_ = false;
  bool eof_ = false;
};

bool SameMatchers(const Matchers& a, const Matchers& b) { return a == b; }

}  // namespace

std::string_view MatchTypeString(MatchType type) {
  switch (type) {
    case MatchType::kEqual:
      return "=";
    case MatchType::kNotEqual:
      return "!=";
    case MatchType::kRegexp:
      return "=~";
    case MatchType::kNotRegexp:
      return "!~";
  }
  return "=";
}

Result<Matcher> Matcher::Make(MatchType type, std::string name, std::string value) {
  Matcher m;
  m.type_ = type;
  m.name_ = std::move(name);
  m.value_ = std::move(value);
  if (type == MatchType::kRegexp || type == MatchType::kNotRegexp) {
    EMBER_ASSIGN_OR_RETURN(m.re_, CompileAnchored(m.value_));
  }
  return m;
}

bool Matcher::Matches(std::string_view label_value) const {
  switch (type_) {
    case MatchType::kEqual:
      return label_value == value_;
    case MatchType::kNotEqual:
      return label_value != value_;
    case MatchType::kRegexp:
      return re2::RE2::FullMatch(re2::StringPiece(label_value.data(), label_value.size()), *re_);
    case MatchType::kNotRegexp:
      return !re2::RE2::FullMatch(re2::StringPiece(label_value.data(), label_value.size()), *re_);
  }
  return false;
}

std::string Matcher::String() const {
  bool reserved = false;
  for (size_t i = 0; i < name_.size();) {
    auto [r, w] = DecodeRune(name_, i);
    if (IsReservedRune(r)) reserved = true;
    i += w;
  }
  if (reserved) return GoQuote(name_) + std::string(MatchTypeString(type_)) + GoQuote(value_);
  return name_ + std::string(MatchTypeString(type_)) + "\"" + OpenMetricsEscape(value_) + "\"";
}

bool MatchesAll(const Matchers& matchers, const Labels& labels) {
  return std::all_of(matchers.begin(), matchers.end(), [&](const Matcher& m) { return m.Matches(labels); });
}

void SortMatchers(Matchers& matchers) {
  std::stable_sort(matchers.begin(), matchers.end(), [](const Matcher& a, const Matcher& b) {
    if (a.name() != b.name()) return a.name() < b.name();
    if (a.value() != b.value()) return a.value() < b.value();
    return a.type() < b.type();
  });
}

std::string MatchersString(const Matchers& matchers) {
  std::string out = "{";
  for (size_t i = 0; i < matchers.size(); ++i) {
    if (i > 0) out += ',';
    out += matchers[i].String();
  }
  out += '}';
  return out;
}

Result<Matcher> ParseClassicMatcher(std::string_view s) {
  // ^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*((?s).*?)\s*$
  auto bad = [&] { return Status::InvalidArgument("bad matcher format: " + std::string(s)); };
  size_t i = 0;
  while (i < s.size() && IsRegexpSpace(s[i])) ++i;
  auto name_start = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
  };
  auto name_char = [&](char c) { return name_start(c) || (c >= '0' && c <= '9'); };
  if (i >= s.size() || !name_start(s[i])) return bad();
  const size_t name_begin = i;
  while (i < s.size() && name_char(s[i])) ++i;
  const std::string_view name = s.substr(name_begin, i - name_begin);
  while (i < s.size() && IsRegexpSpace(s[i])) ++i;
  MatchType type;
  if (s.substr(i, 2) == "=~") {
    type = MatchType::kRegexp;
    i += 2;
  } else if (s.substr(i, 1) == "=") {
    type = MatchType::kEqual;
    i += 1;
  } else if (s.substr(i, 2) == "!=") {
    type = MatchType::kNotEqual;
    i += 2;
  } else if (s.substr(i, 2) == "!~") {
    type = MatchType::kNotRegexp;
    i += 2;
  } else {
    return bad();
  }
  while (i < s.size() && IsRegexpSpace(s[i])) ++i;
  size_t end = s.size();
  while (end > i && IsRegexpSpace(s[end - 1])) --end;
  const std::string_view captured = s.substr(i, end - i);

  std::string_view raw = captured;
  bool expect_trailing_quote = false;
  if (!raw.empty() && raw.front() == '"') {
    raw.remove_prefix(1);
    expect_trailing_quote = true;
  }
  if (!IsValidUtf8(raw))
    return Status::InvalidArgument("matcher value not valid UTF-8: " + std::string(captured));
  auto unescaped_quote = [&] {
    return Status::InvalidArgument("matcher value contains unescaped double quote: " + std::string(captured));
  };
  std::string value;
  bool escaped = false;
  for (size_t k = 0; k < raw.size(); ++k) {
    const char c = raw[k];
    if (escaped) {
      escaped = false;
      if (c == 'n') {
        value += '\n';
      } else if (c == '"' || c == '\\') {
        value += c;
      } else {
        value += '\\';
        value += c;
      }
      continue;
    }
    if (c == '\\') {
      if (k < raw.size() - 1) {
        escaped = true;
        continue;
      }
      value += '\\';
    } else if (c == '"') {
      if (!expect_trailing_quote || k < raw.size() - 1) return unescaped_quote();
      expect_trailing_quote = false;
    } else {
      value += c;
    }
  }
  if (expect_trailing_quote) return unescaped_quote();
  return Matcher::Make(type, std::string(name), std::move(value));
}

Result<Matchers> ParseClassicMatchers(std::string_view s) {
  if (!s.empty() && s.front() == '{') s.remove_prefix(1);
  if (!s.empty() && s.back() == '}') s.remove_suffix(1);
  std::vector<std::string> tokens;
  std::string token;
  bool inside_quotes = false;
  bool escaped = false;
  for (size_t i = 0; i < s.size();) {
    auto [r, w] = DecodeRune(s, i);
    const bool invalid = r == kRuneError && w == 1;
    i += w;
    if (r == ',' && !inside_quotes) {
      tokens.push_back(std::move(token));
      token.clear();
      continue;
    }
    if (r == '"') {
      if (!escaped) {
        inside_quotes = !inside_quotes;
      } else {
        escaped = false;
      }
    } else if (r == '\\') {
      escaped = !escaped;
    } else if (r != ',') {
      escaped = false;
    }
    if (invalid) {
      AppendRune(token, kRuneError);  // Go's range loop re-encodes a bad byte as U+FFFD
    } else {
      AppendRune(token, r);
    }
  }
  if (std::string trimmed = GoTrimSpace(token); !trimmed.empty()) tokens.push_back(std::move(trimmed));
  Matchers out;
  for (const std::string& t : tokens) {
    EMBER_ASSIGN_OR_RETURN(Matcher m, ParseClassicMatcher(t));
    out.push_back(std::move(m));
  }
  return out;
}

Result<Matchers> ParseUtf8Matchers(std::string_view s) { return Utf8Parser(s).Parse(); }

Result<Matcher> ParseUtf8Matcher(std::string_view s) {
  EMBER_ASSIGN_OR_RETURN(Matchers ms, ParseUtf8Matchers(s));
  if (ms.size() == 1) return std::move(ms[0]);
  if (ms.empty()) return Status::InvalidArgument("no matchers");
  return Status::InvalidArgument("expected 1 matcher, found " + std::to_string(ms.size()));
}

Result<Matchers> ParseMatchers(std::string_view s) {
  Result<Matchers> utf8 = ParseUtf8Matchers(s);
  Result<Matchers> classic = ParseClassicMatchers(s);
  if (!utf8.ok()) return classic;
  if (classic.ok() && !SameMatchers(*utf8, *classic)) return classic;
  return utf8;
}

Result<Matcher> ParseMatcher(std::string_view s) {
  if ((!s.empty() && s.front() == '{') || (!s.empty() && s.back() == '}')) {
    return Status::InvalidArgument("unexpected open or close brace: " + std::string(s));
  }
  Result<Matcher> utf8 = ParseUtf8Matcher(s);
  Result<Matcher> classic = ParseClassicMatcher(s);
  if (!utf8.ok()) return classic;
  if (classic.ok() && !(*utf8 == *classic)) return classic;
  return utf8;
}

bool IsClassicLabelName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool IsUtf8LabelName(std::string_view name) { return !name.empty() && IsValidUtf8(name); }

}  // namespace ember::alerter
