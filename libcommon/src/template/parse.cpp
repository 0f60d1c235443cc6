// Lexer and parser for Go's text/template language, following the token
// rules and error messages of Go's text/template/parse.
#include <cctype>
#include <cstdio>
#include <cstring>

#include "ember/base/strings.h"
#include "node.h"

namespace ember::tmpl::internal {

void TextNode::Write(std::string& out) const { out += text; }

void TemplateNode::Write(std::string& out) const {
  out += "{{template ";
  out += GoQuote(name);
  if (pipe) {
    out += ' ';
    pipe->Write(out);
  }
  out += "}}";
}

bool IsEmptyTree(const Node* n) {
  if (n == nullptr) return true;
  switch (n->type) {
    case NodeType::kComment:
      return true;
    case NodeType::kList:
      for (const auto& c : static_cast<const ListNode*>(n)->nodes) {
        if (!IsEmptyTree(c.get())) return false;
      }
      return true;
    case NodeType::kText: {
      const auto& t = static_cast<const TextNode*>(n)->text;
      return TrimSpace(t).empty();
    }
    default:
      return false;
  }
}

namespace {

enum class Item {
  kError,
  kBool,
  kChar,
  kCharConstant,
  kComment,
  kComplex,
  kAssign,   // =
  kDeclare,  // :=
  kEOF,
  kField,
  kIdentifier,
  kLeftDelim,
  kLeftParen,
  kNumber,
  kPipe,
  kRawString,
  kRightDelim,
  kRightParen,
  kSpace,
  kString,
  kText,
  kVariable,
  kKeyword,  // keywords follow
  kBlock,
  kBreak,
  kContinue,
  kDot,
  kDefine,
  kElse,
  kEnd,
  kIf,
  kNil,
  kRange,
  kTemplate,
  kWith,
};

struct Token {
  Item typ = Item::kEOF;
  int pos = 0;
  std::string val;
  int line = 1;
};

// Go's %.10q: the first ten runes, quoted.
std::string QuoteTruncated(std::string_view s) {
  size_t i = 0;
  int runes = 0;
  while (i < s.size() && runes < 10) {
    size_t n = Utf8SequenceLength(s, i);
    i += n == 0 ? 1 : n;
    ++runes;
  }
  return GoQuote(s.substr(0, i));
}

std::string TokenString(const Token& t) {
  if (t.typ == Item::kEOF) return "EOF";
  if (t.typ == Item::kError) return t.val;
  if (t.typ > Item::kKeyword) return "<" + t.val + ">";
  if (t.val.size() > 10) {
    // Go counts bytes for the length test and runes for the cut.
    return QuoteTruncated(t.val) + "...";
  }
  return GoQuote(t.val);
}

bool IsSpace(int r) { return r == ' ' || r == '\t' || r == '\r' || r == '\n'; }
// Go's unicode.IsLetter || unicode.IsDigit, approximated outside ASCII:
// Latin-1 symbols, general and CJK punctuation, spaces and specials are
// not letters; other scripts are taken as letters.
bool IsAlphaNumeric(int r) {
  if (r < 0x80) return r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9');
  if (r < 0xC0) return r == 0xAA || r == 0xB5 || r == 0xBA;
  if (r == 0xD7 || r == 0xF7) return false;
  if (r >= 0x2000 && r <= 0x2BFF) return false;  // punctuation, symbols, arrows, boxes
  if (r >= 0x3000 && r <= 0x303F) return false;
  if (r >= 0xD800 && r <= 0xF8FF) return false;  // surrogates, private use
  if (r >= 0xFE00 && r <= 0xFE0F) return false;
  if (r == 0xFEFF || (r >= 0xFF00 && r <= 0xFF0F) || r >= 0xFFF0) return r >= 0x10000 && r <= 0x10FFFF;
  return true;
}

// Go's %#U: "U+0041 'A'" for printable runes, "U+0001" otherwise.
std::string FormatRuneU(uint32_t r) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "U+%04X", r);
  std::string s = buf;
  // Go's strconv.IsPrint: graphic runes and the ASCII space only.
  bool printable = r >= 0x20 && r != 0x7f && !(r >= 0x80 && r <= 0xa0) && r != 0xad &&
                   !(r >= 0x2000 && r <= 0x200f) && !(r >= 0x2028 && r <= 0x202f) &&
                   !(r >= 0x205f && r <= 0x206f) && r != 0x3000 && r != 0xfeff &&
                   !(r >= 0xd800 && r < 0xe000) && !(r >= 0xfff9 && r <= 0xfffb) && r <= 0x10ffff;
  if (printable) {
    s += " '";
    AppendUtf8(s, r);
    s += "'";
  }
  return s;
}

class Lexer {
 public:
  Lexer(std::string_view input, std::string_view left, std::string_view right, bool break_ok,
        bool continue_ok)
      : in_(input), left_(left), right_(right), break_ok_(break_ok), continue_ok_(continue_ok) {}

  // Lexes everything up to EOF or the first error.
  std::vector<Token> Run() {
    std::vector<Token> out;
    out_ = &out;
    State s = kText;
    while (s != kDone) s = Step(s);
    return out;
  }

 private:
  enum State { kText, kLeftDelim, kComment, kRightDelim, kInside, kDone };

  bool HasLeftTrim(size_t at) const {
    return at + 1 < in_.size() && in_[at] == '-' && IsSpace(static_cast<unsigned char>(in_[at + 1]));
  }
  bool HasRightTrim(size_t at) const {
    return at + 1 < in_.size() && IsSpace(static_cast<unsigned char>(in_[at])) && in_[at + 1] == '-';
  }
  bool StartsWith(size_t at, std::string_view s) const {
    return at <= in_.size() && in_.substr(at).starts_with(s);
  }

  // Returns whether at a right delimiter and whether a trim marker precedes it.
  std::pair<bool, bool> AtRightDelim() const {
    if (HasRightTrim(pos_) && StartsWith(pos_ + 2, right_)) return {true, true};
    if (StartsWith(pos_, right_)) return {true, false};
    return {false, false};
  }

  void CountLines(size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
      if (in_[i] == '\n') ++line_;
    }
  }

  void Emit(Item t) {
    out_->push_back(
        Token{t, static_cast<int>(start_), std::string(in_.substr(start_, pos_ - start_)), start_line_});
    start_ = pos_;
    start_line_ = line_;
  }
  void Ignore() {
    CountLines(start_, pos_);
    start_ = pos_;
    start_line_ = line_;
  }
  State Error(std::string msg) {
    out_->push_back(Token{Item::kError, static_cast<int>(start_), std::move(msg), start_line_});
    return kDone;
  }

  int Next() {
    if (pos_ >= in_.size()) {
      width_ = 0;
      return -1;
    }
    unsigned char c = in_[pos_];
    if (c < 0x80) {
      width_ = 1;
      ++pos_;
      if (c == '\n') ++line_;
      return c;
    }
    size_t n = Utf8SequenceLength(in_, pos_);
    if (n == 0) {
      width_ = 1;
      ++pos_;
      return 0xFFFD;
    }
    uint32_t r = c & (0xFF >> (n + 1));
    for (size_t i = 1; i < n; ++i) r = (r << 6) | (static_cast<unsigned char>(in_[pos_ + i]) & 0x3F);
    width_ = n;
    pos_ += n;
    return static_cast<int>(r);
  }
  void Backup() {
    pos_ -= width_;
    if (width_ == 1 && in_[pos_] == '\n') --line_;
  }
  int Peek() {
    int r = Next();
    Backup();
    return r;
  }
  bool Accept(std::string_view valid) {
    int r = Next();
    if (r >= 0 && r < 0x80 && valid.find(static_cast<char>(r)) != std::string_view::npos) return true;
    Backup();
    return false;
  }
  void AcceptRun(std::string_view valid) {
    while (Accept(valid)) {
    }
  }

  State Step(State s) {
    switch (s) {
      case kText:
        return LexText();
      case kLeftDelim:
        return LexLeftDelim();
      case kComment:
        return LexComment();
      case kRightDelim:
        return LexRightDelim();
      case kInside:
        return LexInside();
      case kDone:
        break;
    }
    return kDone;
  }

  State LexText() {
    size_t x = in_.find(left_, pos_);
    if (x != std::string_view::npos) {
      if (x > pos_) {
        pos_ = x;
        size_t trim = 0;
        if (HasLeftTrim(pos_ + left_.size())) {
          size_t e = pos_;
          while (e > start_ && IsSpace(static_cast<unsigned char>(in_[e - 1]))) --e;
          trim = pos_ - e;
        }
        pos_ -= trim;
        size_t text_start = start_;
        int text_line = start_line_;
        CountLines(start_, pos_);
        std::string val(in_.substr(start_, pos_ - start_));
        start_ = pos_;
        start_line_ = line_;
        pos_ += trim;
        Ignore();
        if (!val.empty())
          out_->push_back(Token{Item::kText, static_cast<int>(text_start), std::move(val), text_line});
      }
      return kLeftDelim;
    }
    pos_ = in_.size();
    if (pos_ > start_) {
      int l = start_line_;
      size_t st = start_;
      CountLines(start_, pos_);
      out_->push_back(Token{Item::kText, static_cast<int>(st), std::string(in_.substr(st)), l});
      start_ = pos_;
      start_line_ = line_;
    }
    out_->push_back(Token{Item::kEOF, static_cast<int>(pos_), "", line_});
    return kDone;
  }

  State LexLeftDelim() {
    pos_ += left_.size();
    bool trim = HasLeftTrim(pos_);
    size_t after = trim ? 2 : 0;
    if (StartsWith(pos_ + after, "/*")) {
      pos_ += after;
      Ignore();
      return kComment;
    }
    Emit(Item::kLeftDelim);
    pos_ += after;
    Ignore();
    paren_depth_ = 0;
    return kInside;
  }

  State LexComment() {
    pos_ += 2;
    size_t x = in_.find("*/", pos_);
    if (x == std::string_view::npos) return Error("unclosed comment");
    pos_ = x + 2;
    auto [delim, trim] = AtRightDelim();
    if (!delim) return Error("comment ends before closing delimiter");
    if (trim) pos_ += 2;
    pos_ += right_.size();
    if (trim) {
      while (pos_ < in_.size() && IsSpace(static_cast<unsigned char>(in_[pos_]))) ++pos_;
    }
    Ignore();
    return kText;
  }

  State LexRightDelim() {
    auto [delim, trim] = AtRightDelim();
    (void)delim;
    if (trim) {
      pos_ += 2;
      Ignore();
    }
    pos_ += right_.size();
    Emit(Item::kRightDelim);
    if (trim) {
      while (pos_ < in_.size() && IsSpace(static_cast<unsigned char>(in_[pos_]))) ++pos_;
      Ignore();
    }
    return kText;
  }

  bool AtTerminator() {
    int r = Peek();
    if (IsSpace(r)) return true;
    switch (r) {
      case -1:
      case '.':
      case ',':
      case '|':
      case ':':
      case ')':
      case '(':
        return true;
      default:
        break;
    }
    return !right_.empty() && r == static_cast<unsigned char>(right_[0]) && r < 0x80;
  }

  State LexInside() {
    auto [delim, trim] = AtRightDelim();
    (void)trim;
    if (delim) {
      if (paren_depth_ == 0) return kRightDelim;
      return Error("unclosed left paren");
    }
    int r = Next();
    if (r == -1) return Error("unclosed action");
    if (IsSpace(r)) {
      Backup();
      return LexSpace();
    }
    switch (r) {
      case '=':
        Emit(Item::kAssign);
        return kInside;
      case ':':
        if (Next() != '=') return Error("expected :=");
        Emit(Item::kDeclare);
        return kInside;
      case '|':
        Emit(Item::kPipe);
        return kInside;
      case '"':
        return LexQuote();
      case '`':
        return LexRawQuote();
      case '$':
        return LexVariable();
      case '\'':
        return LexChar();
      case '(':
        Emit(Item::kLeftParen);
        ++paren_depth_;
        return kInside;
      case ')':
        Emit(Item::kRightParen);
        --paren_depth_;
        if (paren_depth_ < 0) return Error("unexpected right paren");
        return kInside;
      default:
        break;
    }
    if (r == '.') {
      if (pos_ < in_.size()) {
        char c = in_[pos_];
        if (c < '0' || c > '9') return LexFieldOrVariable(Item::kField);
      }
      Backup();
      return LexNumber();
    }
    if (r == '+' || r == '-' || (r >= '0' && r <= '9')) {
      Backup();
      return LexNumber();
    }
    if (IsAlphaNumeric(r)) {
      Backup();
      return LexIdentifier();
    }
    if (r < 0x80 && r >= 0x20 && r != 0x7f) {
      Emit(Item::kChar);
      return kInside;
    }
    return Error("unrecognized character in action: " + FormatRuneU(static_cast<uint32_t>(r)));
  }

  State LexSpace() {
    int n = 0;
    while (IsSpace(Peek())) {
      Next();
      ++n;
    }
    if (HasRightTrim(pos_ - 1) && StartsWith(pos_ + 1, right_)) {
      Backup();
      if (n == 1) return kRightDelim;
    }
    Emit(Item::kSpace);
    return kInside;
  }

  State LexIdentifier() {
    while (true) {
      int r = Next();
      if (IsAlphaNumeric(r)) continue;
      Backup();
      std::string word(in_.substr(start_, pos_ - start_));
      if (!AtTerminator()) {
        Next();
        return Error("bad character " + FormatRuneU(static_cast<uint32_t>(r < 0 ? 0xFFFD : r)));
      }
      static const std::map<std::string_view, Item> kKeys = {{".", Item::kDot},
                                                             {"block", Item::kBlock},
                                                             {"break", Item::kBreak},
                                                             {"continue", Item::kContinue},
                                                             {"define", Item::kDefine},
                                                             {"else", Item::kElse},
                                                             {"end", Item::kEnd},
                                                             {"if", Item::kIf},
                                                             {"range", Item::kRange},
                                                             {"nil", Item::kNil},
                                                             {"template", Item::kTemplate},
                                                             {"with", Item::kWith}};
      auto it = kKeys.find(word);
      if (it != kKeys.end()) {
        if ((it->second == Item::kBreak && !break_ok_) || (it->second == Item::kContinue && !continue_ok_)) {
          Emit(Item::kIdentifier);
        } else {
          Emit(it->second);
        }
      } else if (word == "true" || word == "false") {
        Emit(Item::kBool);
      } else {
        Emit(Item::kIdentifier);
      }
      return kInside;
    }
  }

  State LexVariable() {
    if (AtTerminator()) {
      Emit(Item::kVariable);
      return kInside;
    }
    return LexFieldOrVariable(Item::kVariable);
  }

  State LexFieldOrVariable(Item typ) {
    if (AtTerminator()) {
      Emit(typ == Item::kVariable ? Item::kVariable : Item::kDot);
      return kInside;
    }
    int r;
    while (true) {
      r = Next();
      if (!IsAlphaNumeric(r)) {
        Backup();
        break;
      }
    }
    if (!AtTerminator()) {
      Next();
      return Error("bad character " + FormatRuneU(static_cast<uint32_t>(r < 0 ? 0xFFFD : r)));
    }
    Emit(typ);
    return kInside;
  }

  State LexChar() {
    while (true) {
      int r = Next();
      if (r == '\\') {
        int r2 = Next();
        if (r2 != -1 && r2 != '\n') continue;
        return Error("unterminated character constant");
      }
      if (r == -1 || r == '\n') return Error("unterminated character constant");
      if (r == '\'') break;
    }
    Emit(Item::kCharConstant);
    return kInside;
  }

  bool ScanNumber() {
    Accept("+-");
    std::string_view digits = "0123456789_";
    if (Accept("0")) {
      if (Accept("xX")) {
        digits = "0123456789abcdefABCDEF_";
      } else if (Accept("oO")) {
        digits = "01234567_";
      } else if (Accept("bB")) {
        digits = "01_";
      }
    }
    AcceptRun(digits);
    if (Accept(".")) AcceptRun(digits);
    if (digits.size() == 11 && Accept("eE")) {
      Accept("+-");
      AcceptRun("0123456789_");
    }
    if (digits.size() == 23 && Accept("pP")) {
      Accept("+-");
      AcceptRun("0123456789_");
    }
    Accept("i");
    if (IsAlphaNumeric(Peek())) {
      Next();
      return false;
    }
    return true;
  }

  State LexNumber() {
    if (!ScanNumber()) return Error("bad number syntax: " + GoQuote(in_.substr(start_, pos_ - start_)));
    int sign = Peek();
    if (sign == '+' || sign == '-') {
      if (!ScanNumber() || in_[pos_ - 1] != 'i') {
        return Error("bad number syntax: " + GoQuote(in_.substr(start_, pos_ - start_)));
      }
      Emit(Item::kComplex);
    } else {
      Emit(Item::kNumber);
    }
    return kInside;
  }

  State LexQuote() {
    while (true) {
      int r = Next();
      if (r == '\\') {
        int r2 = Next();
        if (r2 != -1 && r2 != '\n') continue;
        return Error("unterminated quoted string");
      }
      if (r == -1 || r == '\n') return Error("unterminated quoted string");
      if (r == '"') break;
    }
    Emit(Item::kString);
    return kInside;
  }

  State LexRawQuote() {
    while (true) {
      int r = Next();
      if (r == -1) return Error("unterminated raw quoted string");
      if (r == '`') break;
    }
    size_t st = start_;
    int l = start_line_;
    out_->push_back(Token{Item::kRawString, static_cast<int>(st), std::string(in_.substr(st, pos_ - st)), l});
    start_ = pos_;
    start_line_ = line_;
    return kInside;
  }

  std::string_view in_, left_, right_;
  bool break_ok_, continue_ok_;
  std::vector<Token>* out_ = nullptr;
  size_t pos_ = 0, start_ = 0, width_ = 0;
  int line_ = 1, start_line_ = 1;
  int paren_depth_ = 0;
};

// strconv.Unquote for "..." , `...` and '...' literals. Returns false on
// invalid syntax.
bool UnquoteChar(std::string_view s, size_t& i, char quote, std::string& out) {
  unsigned char c = s[i];
  if (c == quote && (quote == '\'' || quote == '"')) return false;
  if (c >= 0x80) {
    size_t n = Utf8SequenceLength(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
      return true;
    }
    out.append(s.substr(i, n));
    i += n;
    return true;
  }
  if (c != '\\') {
    out += static_cast<char>(c);
    ++i;
    return true;
  }
  if (i + 1 >= s.size()) return false;
  char e = s[i + 1];
  i += 2;
  auto hexval = [](char h) -> int {
    if (h >= '0' && h <= '9') return h - '0';
    if (h >= 'a' && h <= 'f') return h - 'a' + 10;
    if (h >= 'A' && h <= 'F') return h - 'A' + 10;
    return -1;
  };
  switch (e) {
    case 'a':
      out += '\a';
      return true;
    case 'b':
      out += '\b';
      return true;
    case 'f':
      out += '\f';
      return true;
    case 'n':
      out += '\n';
      return true;
    case 'r':
      out += '\r';
      return true;
    case 't':
      out += '\t';
      return true;
    case 'v':
      out += '\v';
      return true;
    case '\\':
      out += '\\';
      return true;
    case '\'':
    case '"':
      if (e != quote) return false;
      out += e;
      return true;
    case 'x':
    case 'u':
    case 'U': {
      size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
      if (i + n > s.size()) return false;
      uint32_t v = 0;
      for (size_t k = 0; k < n; ++k) {
        int h = hexval(s[i + k]);
        if (h < 0) return false;
        v = v * 16 + static_cast<uint32_t>(h);
      }
      i += n;
      if (e == 'x') {
        if (quote == '\'') {
          AppendUtf8(out, v);
        } else {
          out += static_cast<char>(v);
        }
        return true;
      }
      if (v > 0x10FFFF || (v >= 0xD800 && v < 0xE000)) return false;
      AppendUtf8(out, v);
      return true;
    }
    default:
      if (e >= '0' && e <= '7') {
        if (i + 2 > s.size()) return false;
        uint32_t v = static_cast<uint32_t>(e - '0');
        for (int k = 0; k < 2; ++k) {
          char d = s[i + k];
          if (d < '0' || d > '7') return false;
          v = v * 8 + static_cast<uint32_t>(d - '0');
        }
        if (v > 255) return false;
        i += 2;
        if (quote == '\'') {
          AppendUtf8(out, v);
        } else {
          out += static_cast<char>(v);
        }
        return true;
      }
      return false;
  }
}

bool Unquote(std::string_view q, std::string& out) {
  if (q.size() < 2 || q.front() != q.back()) return false;
  char quote = q.front();
  std::string_view body = q.substr(1, q.size() - 2);
  if (quote == '`') {
    if (body.find('`') != std::string_view::npos) return false;
    out.clear();
    for (char c : body) {
      if (c != '\r') out += c;
    }
    return true;
  }
  if (quote != '"') return false;
  out.clear();
  size_t i = 0;
  while (i < body.size()) {
    if (body[i] == '\n') return false;
    if (!UnquoteChar(body, i, '"', out)) return false;
  }
  return true;
}

// Go's strconv.ParseInt/ParseUint(s, 0, 64) syntax: optional sign (int only),
// base prefix, underscores only between digits after a prefix or in base 10
// (Go allows them only with base prefix 0; for base 10 too when base == 0).
bool ParseGoInteger(std::string_view s, bool allow_sign, bool& neg, uint64_t& mag, bool& overflow) {
  neg = false;
  overflow = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    if (!allow_sign) return false;
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return false;
  int base = 10;
  bool prefixed = false;
  if (s.size() >= 2 && s[0] == '0') {
    char p = s[1] | 0x20;
    if (p == 'x') {
      base = 16;
      prefixed = true;
    } else if (p == 'o') {
      base = 8;
      prefixed = true;
    } else if (p == 'b') {
      base = 2;
      prefixed = true;
    } else {
      base = 8;
    }
  }
  std::string_view digits = prefixed ? s.substr(2) : s;
  // Underscores: Go's underscoreOK — only with base 0, each between digits
  // (or after a prefix).
  char last = prefixed ? '0' : '^';
  if (base == 8 && !prefixed) last = '0';
  bool saw_digit = false;
  mag = 0;
  for (size_t i = 0; i < digits.size(); ++i) {
    char c = digits[i];
    if (c == '_') {
      if (last == '_' || last == '^') return false;
      last = '_';
      continue;
    }
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
      d = (c | 0x20) - 'a' + 10;
    } else {
      return false;
    }
    if (d >= base) return false;
    saw_digit = true;
    last = '0';
    if (mag > (UINT64_MAX - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base)) overflow = true;
    mag = mag * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
  }
  if (last == '_') return false;
  if (!saw_digit && !(base == 8 && !prefixed)) return false;
  return true;
}

class Parser {
 public:
  Parser(std::string_view name, std::shared_ptr<const std::string> text, const ParseOptions& opts,
         std::map<std::string, std::unique_ptr<Tree>, std::less<>>& trees)
      : parse_name_(name), text_(std::move(text)), opts_(opts), trees_(trees) {}

  Status Run() {
    bool break_ok = !HasFunction("break");
    bool continue_ok = !HasFunction("continue");
    std::string_view l = opts_.left_delim.empty() ? "{{" : std::string_view(opts_.left_delim);
    std::string_view r = opts_.right_delim.empty() ? "}}" : std::string_view(opts_.right_delim);
    tokens_ = Lexer(*text_, l, r, break_ok, continue_ok).Run();
    auto tree = std::make_unique<Tree>();
    tree->name = std::string(parse_name_);
    tree->parse_name = std::string(parse_name_);
    tree->text = text_;
    vars_ = {"$"};
    tree->root = std::make_unique<ListNode>(Peek().pos);
    while (Peek().typ != Item::kEOF) {
      if (!error_.empty()) break;
      if (Peek().typ == Item::kLeftDelim) {
        Token delim = Next();
        if (NextNonSpace().typ == Item::kDefine) {
          ParseDefinition();
          if (!error_.empty()) break;
          continue;
        }
        Backup2(delim);
      }
      NodePtr n = TextOrAction();
      if (!error_.empty()) break;
      if (n->type == NodeType::kEnd || n->type == NodeType::kElse) {
        Errorf("unexpected " + n->String());
        break;
      }
      tree->root->nodes.push_back(std::move(n));
    }
    if (!error_.empty()) return Status::InvalidArgument(error_);
    Add(std::move(tree));
    if (!error_.empty()) return Status::InvalidArgument(error_);
    return Status::Ok();
  }

 private:
  // Token stream with Go's three-token pushback.
  Token Next() {
    if (peek_count_ > 0) {
      --peek_count_;
    } else {
      token_[0] = Lex();
    }
    return token_[peek_count_];
  }
  Token Lex() {
    if (next_token_ < tokens_.size()) {
      last_line_ = tokens_[next_token_].line;
      return tokens_[next_token_++];
    }
    Token eof;
    eof.typ = Item::kEOF;
    eof.pos = static_cast<int>(text_->size());
    eof.line = last_line_;
    return eof;
  }
  void Backup() { ++peek_count_; }
  void Backup2(Token t1) {
    token_[1] = std::move(t1);
    peek_count_ = 2;
  }
  void Backup3(Token t2, Token t1) {
    token_[1] = std::move(t1);
    token_[2] = std::move(t2);
    peek_count_ = 3;
  }
  Token Peek() {
    if (peek_count_ > 0) return token_[peek_count_ - 1];
    peek_count_ = 1;
    token_[0] = Lex();
    return token_[0];
  }
  Token NextNonSpace() {
    Token t;
    do {
      t = Next();
    } while (t.typ == Item::kSpace);
    return t;
  }
  Token PeekNonSpace() {
    Token t = NextNonSpace();
    Backup();
    return t;
  }

  // Records the first error; parsing unwinds by checking error_.
  void Errorf(const std::string& msg) {
    if (!error_.empty()) return;
    error_ = "template: " + std::string(parse_name_) + ":" + std::to_string(last_line_) + ": " + msg;
  }
  void Unexpected(const Token& t, std::string_view context) {
    if (t.typ == Item::kError) {
      std::string extra;
      if (action_line_ != 0 && action_line_ != t.line) {
        extra = " in action started at " + std::string(parse_name_) + ":" + std::to_string(action_line_);
        if (t.val.ends_with(" action")) extra = extra.substr(std::strlen(" in action"));
      }
      Errorf(t.val + extra);
      return;
    }
    Errorf("unexpected " + TokenString(t) + " in " + std::string(context));
  }
  bool Failed() const { return !error_.empty(); }

  bool HasFunction(std::string_view name) const {
    if (Builtins().count(name) > 0) return true;
    return opts_.funcs != nullptr && opts_.funcs->count(name) > 0;
  }

  void Add(std::unique_ptr<Tree> tree) {
    auto it = trees_.find(tree->name);
    if (it == trees_.end() || IsEmptyTree(it->second->root.get())) {
      std::string n = tree->name;
      trees_[n] = std::move(tree);
      return;
    }
    if (!IsEmptyTree(tree->root.get()))
      Errorf("template: multiple definition of template " + GoQuote(tree->name));
  }

  void ParseDefinition() {
    constexpr std::string_view kContext = "define clause";
    Token name = NextNonSpace();
    if (name.typ != Item::kString && name.typ != Item::kRawString) return Unexpected(name, kContext);
    std::string tname;
    if (!Unquote(name.val, tname)) return Errorf("invalid syntax");
    Token rd = NextNonSpace();
    if (rd.typ != Item::kRightDelim) return Unexpected(rd, kContext);
    auto saved_vars = std::move(vars_);
    vars_ = {"$"};
    int saved_range = range_depth_;
    range_depth_ = 0;
    auto tree = std::make_unique<Tree>();
    tree->name = tname;
    tree->parse_name = std::string(parse_name_);
    tree->text = text_;
    NodePtr end;
    tree->root = ItemList(end);
    vars_ = std::move(saved_vars);
    range_depth_ = saved_range;
    if (Failed()) return;
    if (end->type != NodeType::kEnd)
      return Errorf("unexpected " + end->String() + " in " + std::string(kContext));
    Add(std::move(tree));
  }

  std::unique_ptr<ListNode> ItemList(NodePtr& next) {
    auto list = std::make_unique<ListNode>(PeekNonSpace().pos);
    while (PeekNonSpace().typ != Item::kEOF) {
      NodePtr n = TextOrAction();
      if (Failed()) return list;
      if (n->type == NodeType::kEnd || n->type == NodeType::kElse) {
        next = std::move(n);
        return list;
      }
      list->nodes.push_back(std::move(n));
    }
    Errorf("unexpected EOF");
    return list;
  }

  NodePtr TextOrAction() {
    Token t = NextNonSpace();
    switch (t.typ) {
      case Item::kText:
        return std::make_unique<TextNode>(t.pos, t.val);
      case Item::kLeftDelim: {
        action_line_ = t.line;
        NodePtr n = Action();
        action_line_ = 0;
        return n;
      }
      case Item::kComment:
        return std::make_unique<CommentNode>(t.pos, t.val);
      default:
        Unexpected(t, "input");
        return std::make_unique<TextNode>(t.pos, "");
    }
  }

  NodePtr Action() {
    Token t = NextNonSpace();
    switch (t.typ) {
      case Item::kBlock:
        return BlockControl();
      case Item::kBreak:
        return BreakControl(t, NodeType::kBreak, "{{break}}");
      case Item::kContinue:
        return BreakControl(t, NodeType::kContinue, "{{continue}}");
      case Item::kElse:
        return ElseControl();
      case Item::kEnd: {
        Token e = NextNonSpace();
        if (e.typ != Item::kRightDelim) Unexpected(e, "end");
        return std::make_unique<SimpleNode>(NodeType::kEnd, e.pos, e.line);
      }
      case Item::kIf:
        return Control(NodeType::kIf, "if");
      case Item::kRange:
        return Control(NodeType::kRange, "range");
      case Item::kTemplate:
        return TemplateControl();
      case Item::kWith:
        return Control(NodeType::kWith, "with");
      default:
        break;
    }
    Backup();
    Token p = Peek();
    auto pipe = Pipeline("command", Item::kRightDelim);
    return std::make_unique<ActionNode>(p.pos, p.line, std::move(pipe));
  }

  NodePtr BreakControl(const Token& t, NodeType type, std::string_view ctx) {
    Token n = NextNonSpace();
    if (n.typ != Item::kRightDelim) {
      Unexpected(n, ctx);
    } else if (range_depth_ == 0) {
      Errorf(std::string(ctx) + " outside {{range}}");
    }
    return std::make_unique<SimpleNode>(type, t.pos, t.line);
  }

  NodePtr ElseControl() {
    Token peek = PeekNonSpace();
    if (peek.typ == Item::kIf || peek.typ == Item::kWith) {
      return std::make_unique<SimpleNode>(NodeType::kElse, peek.pos, peek.line);
    }
    Token t = NextNonSpace();
    if (t.typ != Item::kRightDelim) Unexpected(t, "else");
    return std::make_unique<SimpleNode>(NodeType::kElse, t.pos, t.line);
  }

  NodePtr Control(NodeType type, std::string_view context) {
    auto node = std::make_unique<BranchNode>(type, 0, 0);
    if (++depth_ > kMaxParseDepth) {
      Errorf("max expression depth exceeded");
      return node;
    }
    size_t vars_mark = vars_.size();
    node->pipe = Pipeline(context, Item::kRightDelim);
    node->pos = node->pipe->pos;
    node->line = node->pipe->line;
    if (Failed()) return node;
    if (type == NodeType::kRange) ++range_depth_;
    NodePtr next;
    node->list = ItemList(next);
    if (type == NodeType::kRange) --range_depth_;
    if (Failed()) return node;
    if (next->type == NodeType::kElse) {
      if (type == NodeType::kIf && Peek().typ == Item::kIf) {
        Next();
        node->else_list = std::make_unique<ListNode>(next->pos);
        node->else_list->nodes.push_back(Control(NodeType::kIf, "if"));
      } else if (type == NodeType::kWith && Peek().typ == Item::kWith) {
        Next();
        node->else_list = std::make_unique<ListNode>(next->pos);
        node->else_list->nodes.push_back(Control(NodeType::kWith, "with"));
      } else {
        NodePtr end;
        node->else_list = ItemList(end);
        if (Failed()) return node;
        if (end->type != NodeType::kEnd) Errorf("expected end; found " + end->String());
      }
    }
    vars_.resize(vars_mark);
    --depth_;
    return node;
  }

  std::string ParseTemplateName(const Token& t, std::string_view context) {
    if (t.typ == Item::kString || t.typ == Item::kRawString) {
      std::string s;
      if (!Unquote(t.val, s)) Errorf("invalid syntax");
      return s;
    }
    Unexpected(t, context);
    return "";
  }

  NodePtr BlockControl() {
    constexpr std::string_view kContext = "block clause";
    Token t = NextNonSpace();
    std::string name = ParseTemplateName(t, kContext);
    if (Failed()) return std::make_unique<TextNode>(0, "");
    auto pipe = Pipeline(kContext, Item::kRightDelim);
    if (Failed()) return std::make_unique<TextNode>(0, "");
    auto saved_vars = std::move(vars_);
    vars_ = {"$"};
    int saved_range = range_depth_;
    range_depth_ = 0;
    auto tree = std::make_unique<Tree>();
    tree->name = name;
    tree->parse_name = std::string(parse_name_);
    tree->text = text_;
    NodePtr end;
    tree->root = ItemList(end);
    vars_ = std::move(saved_vars);
    range_depth_ = saved_range;
    if (Failed()) return std::make_unique<TextNode>(0, "");
    if (end->type != NodeType::kEnd) {
      Errorf("unexpected " + end->String() + " in " + std::string(kContext));
      return std::make_unique<TextNode>(0, "");
    }
    Add(std::move(tree));
    return std::make_unique<TemplateNode>(t.pos, t.line, name, std::move(pipe));
  }

  NodePtr TemplateControl() {
    constexpr std::string_view kContext = "template clause";
    Token t = NextNonSpace();
    std::string name = ParseTemplateName(t, kContext);
    if (Failed()) return std::make_unique<TextNode>(0, "");
    std::unique_ptr<PipeNode> pipe;
    if (NextNonSpace().typ != Item::kRightDelim) {
      Backup();
      pipe = Pipeline(kContext, Item::kRightDelim);
    }
    return std::make_unique<TemplateNode>(t.pos, t.line, name, std::move(pipe));
  }

  std::unique_ptr<PipeNode> Pipeline(std::string_view context, Item end) {
    Token first = PeekNonSpace();
    auto pipe = std::make_unique<PipeNode>(first.pos, first.line);
  decls:
    if (Token v = PeekNonSpace(); v.typ == Item::kVariable) {
      Next();
      Token after_var = Peek();
      Token next = PeekNonSpace();
      if (next.typ == Item::kAssign || next.typ == Item::kDeclare) {
        pipe->is_assign = next.typ == Item::kAssign;
        NextNonSpace();
        pipe->decl.push_back(std::make_unique<VariableNode>(v.pos, std::vector<std::string>{v.val}));
        vars_.push_back(v.val);
      } else if (next.typ == Item::kChar && next.val == ",") {
        NextNonSpace();
        pipe->decl.push_back(std::make_unique<VariableNode>(v.pos, std::vector<std::string>{v.val}));
        vars_.push_back(v.val);
        if (context == "range" && pipe->decl.size() < 2) {
          Item t = PeekNonSpace().typ;
          if (t == Item::kVariable || t == Item::kRightDelim || t == Item::kRightParen) goto decls;
          Errorf("range can only initialize variables");
          return pipe;
        }
        Errorf("too many declarations in " + std::string(context));
        return pipe;
      } else if (after_var.typ == Item::kSpace) {
        Backup3(v, after_var);
      } else {
        Backup2(v);
      }
    }
    while (true) {
      Token t = NextNonSpace();
      if (t.typ == end) {
        CheckPipeline(*pipe, context);
        return pipe;
      }
      switch (t.typ) {
        case Item::kBool:
        case Item::kCharConstant:
        case Item::kComplex:
        case Item::kDot:
        case Item::kField:
        case Item::kIdentifier:
        case Item::kNumber:
        case Item::kNil:
        case Item::kRawString:
        case Item::kString:
        case Item::kVariable:
        case Item::kLeftParen:
          Backup();
          pipe->cmds.push_back(Command());
          if (Failed()) return pipe;
          break;
        default:
          Unexpected(t, context);
          return pipe;
      }
    }
  }

  void CheckPipeline(const PipeNode& pipe, std::string_view context) {
    if (pipe.cmds.empty()) return Errorf("missing value for " + std::string(context));
    for (size_t i = 1; i < pipe.cmds.size(); ++i) {
      switch (pipe.cmds[i]->args[0]->type) {
        case NodeType::kBool:
        case NodeType::kDot:
        case NodeType::kNil:
        case NodeType::kNumber:
        case NodeType::kString:
          return Errorf("non executable command in pipeline stage " + std::to_string(i + 1));
        default:
          break;
      }
    }
  }

  std::unique_ptr<CommandNode> Command() {
    auto cmd = std::make_unique<CommandNode>(PeekNonSpace().pos);
    while (true) {
      PeekNonSpace();
      NodePtr operand = Operand();
      if (Failed()) return cmd;
      if (operand) cmd->args.push_back(std::move(operand));
      Token t = Next();
      if (t.typ == Item::kSpace) continue;
      if (t.typ == Item::kRightDelim || t.typ == Item::kRightParen) {
        Backup();
      } else if (t.typ != Item::kPipe) {
        Unexpected(t, "operand");
        return cmd;
      }
      break;
    }
    if (cmd->args.empty()) Errorf("empty command");
    return cmd;
  }

  NodePtr Operand() {
    NodePtr node = Term();
    if (!node || Failed()) return node;
    if (Peek().typ == Item::kField) {
      auto chain = std::make_unique<ChainNode>(Peek().pos, nullptr);
      while (Peek().typ == Item::kField) chain->field.push_back(Next().val.substr(1));
      switch (node->type) {
        case NodeType::kField: {
          auto* f = static_cast<FieldNode*>(node.get());
          std::vector<std::string> ids = f->ident;
          ids.insert(ids.end(), chain->field.begin(), chain->field.end());
          return std::make_unique<FieldNode>(chain->pos, std::move(ids));
        }
        case NodeType::kVariable: {
          auto* v = static_cast<VariableNode*>(node.get());
          std::vector<std::string> ids = v->ident;
          ids.insert(ids.end(), chain->field.begin(), chain->field.end());
          return std::make_unique<VariableNode>(chain->pos, std::move(ids));
        }
        case NodeType::kBool:
        case NodeType::kString:
        case NodeType::kNumber:
        case NodeType::kNil:
        case NodeType::kDot:
          Errorf("unexpected . after term " + GoQuote(node->String()));
          return node;
        default:
          chain->node = std::move(node);
          return chain;
      }
    }
    return node;
  }

  NodePtr Term() {
    Token t = NextNonSpace();
    switch (t.typ) {
      case Item::kIdentifier:
        if (!HasFunction(t.val)) {
          Errorf("function " + GoQuote(t.val) + " not defined");
          return nullptr;
        }
        return std::make_unique<IdentifierNode>(t.pos, t.val);
      case Item::kDot:
        return std::make_unique<DotNode>(t.pos);
      case Item::kNil:
        return std::make_unique<NilNode>(t.pos);
      case Item::kVariable:
        return UseVar(t.pos, t.val);
      case Item::kField:
        return std::make_unique<FieldNode>(t.pos, std::vector<std::string>{t.val.substr(1)});
      case Item::kBool:
        return std::make_unique<BoolNode>(t.pos, t.val == "true");
      case Item::kCharConstant:
      case Item::kComplex:
      case Item::kNumber:
        return NewNumber(t);
      case Item::kLeftParen: {
        if (depth_ >= kMaxParseDepth) {
          Errorf("max expression depth exceeded");
          return nullptr;
        }
        ++depth_;
        auto p = Pipeline("parenthesized pipeline", Item::kRightParen);
        --depth_;
        return p;
      }
      case Item::kString:
      case Item::kRawString: {
        std::string s;
        if (!Unquote(t.val, s)) {
          Errorf("invalid syntax");
          return nullptr;
        }
        return std::make_unique<StringNode>(t.pos, t.val, std::move(s));
      }
      default:
        break;
    }
    Backup();
    return nullptr;
  }

  NodePtr UseVar(int pos, const std::string& name) {
    for (const auto& v : vars_) {
      if (v == name) return std::make_unique<VariableNode>(pos, std::vector<std::string>{name});
    }
    Errorf("undefined variable " + GoQuote(name));
    return nullptr;
  }

  NodePtr NewNumber(const Token& t) {
    auto n = std::make_unique<NumberNode>(t.pos, t.val);
    const std::string& text = t.val;
    if (t.typ == Item::kCharConstant) {
      std::string decoded;
      size_t i = 1;
      std::string_view body(text);
      if (body.size() < 3 || !UnquoteChar(body.substr(0, body.size()), i, '\'', decoded)) {
        Errorf("invalid syntax");
        return nullptr;
      }
      if (i != body.size() - 1) {
        Errorf("malformed character constant: " + text);
        return nullptr;
      }
      // Decode the single rune.
      uint32_t r = 0;
      unsigned char c0 = decoded[0];
      if (c0 < 0x80) {
        r = c0;
      } else {
        size_t len = Utf8SequenceLength(decoded, 0);
        r = c0 & (0xFF >> (len + 1));
        for (size_t k = 1; k < len; ++k) r = (r << 6) | (static_cast<unsigned char>(decoded[k]) & 0x3F);
      }
      n->is_int = n->is_uint = n->is_float = true;
      n->int64 = r;
      n->uint64 = r;
      n->float64 = r;
      return n;
    }
    if (t.typ == Item::kComplex || (!text.empty() && text.back() == 'i')) {
      Errorf("complex numbers are not supported: " + GoQuote(text));
      return nullptr;
    }
    bool neg = false, overflow = false;
    uint64_t mag = 0;
    if (ParseGoInteger(text, false, neg, mag, overflow) && !overflow) {
      n->is_uint = true;
      n->uint64 = mag;
    }
    if (ParseGoInteger(text, true, neg, mag, overflow) && !overflow) {
      if (!neg && mag <= static_cast<uint64_t>(INT64_MAX)) {
        n->is_int = true;
        n->int64 = static_cast<int64_t>(mag);
      } else if (neg && mag <= static_cast<uint64_t>(INT64_MAX) + 1) {
        n->is_int = true;
        n->int64 = static_cast<int64_t>(0 - mag);
      }
      if (n->is_int && n->int64 == 0) {
        n->is_uint = true;
        n->uint64 = 0;
      }
    }
    if (n->is_int) {
      n->is_float = true;
      n->float64 = static_cast<double>(n->int64);
    } else if (n->is_uint) {
      n->is_float = true;
      n->float64 = static_cast<double>(n->uint64);
    } else {
      std::optional<double> f;
      bool hex = text.find_first_of("xX") != std::string::npos;
      if (!hex || text.find_first_of("pP") != std::string::npos) f = ParseGoFloatLiteral(text);
      if (f) {
        if (text.find_first_of(".eEpP") == std::string::npos) {
          Errorf("integer overflow: " + GoQuote(text));
          return nullptr;
        }
        n->is_float = true;
        n->float64 = *f;
        if (*f >= -9.2233720368547758e18 && *f < 9.2233720368547758e18 &&
            static_cast<double>(static_cast<int64_t>(*f)) == *f) {
          n->is_int = true;
          n->int64 = static_cast<int64_t>(*f);
        }
        if (*f >= 0 && *f < 1.8446744073709552e19 && static_cast<double>(static_cast<uint64_t>(*f)) == *f) {
          n->is_uint = true;
          n->uint64 = static_cast<uint64_t>(*f);
        }
      }
    }
    if (!n->is_int && !n->is_uint && !n->is_float) {
      Errorf("illegal number syntax: " + GoQuote(text));
      return nullptr;
    }
    return n;
  }

  // strconv.ParseFloat(text, 64) with Go's underscore rule (only between
  // digits, and only with a base prefix... Go accepts them in decimal too
  // when base prefixes are allowed, which ParseFloat does).
  static std::optional<double> ParseGoFloatLiteral(std::string_view text) {
    std::string cleaned;
    char prev = '^';
    for (size_t i = 0; i < text.size(); ++i) {
      char c = text[i];
      if (c == '_') {
        bool prev_digit = std::isxdigit(static_cast<unsigned char>(prev)) != 0;
        bool next_digit = i + 1 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) != 0;
        if (!prev_digit || !next_digit) return std::nullopt;
        prev = c;
        continue;
      }
      cleaned += c;
      prev = c;
    }
    // Go's ParseFloat rejects "inf"/"nan" spellings only in templates'
    // lexer, which never produces them.
    return ParseFloat(cleaned);
  }

  std::string_view parse_name_;
  std::shared_ptr<const std::string> text_;
  const ParseOptions& opts_;
  std::map<std::string, std::unique_ptr<Tree>, std::less<>>& trees_;
  std::vector<Token> tokens_;
  size_t next_token_ = 0;
  Token token_[3];
  int peek_count_ = 0;
  int last_line_ = 1;
  std::vector<std::string> vars_;
  int action_line_ = 0;
  int range_depth_ = 0;
  int depth_ = 0;
  std::string error_;
};

}  // namespace

Status ParseTemplates(std::string_view name, std::string_view text, const ParseOptions& options,
                      std::map<std::string, std::unique_ptr<Tree>, std::less<>>& trees) {
  auto shared = std::make_shared<const std::string>(text);
  Parser p(name, shared, options, trees);
  return p.Run();
}

}  // namespace ember::tmpl::internal
