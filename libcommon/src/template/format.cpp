// Go's fmt verbs over template values.
#include "ember/template/format.h"

#include <cmath>
#include <cstdio>
#include <cstring>

#include "ember/base/strings.h"

namespace ember::tmpl {
namespace {

struct Flags {
  bool plus = false, minus = false, sharp = false, space = false, zero = false;
  bool plus_v = false, sharp_v = false;
  bool wid_present = false, prec_present = false;
  int wid = 0, prec = 0;
};

size_t RuneCount(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size();) {
    size_t l = Utf8SequenceLength(s, i);
    i += l == 0 ? 1 : l;
    ++n;
  }
  return n;
}

class Printer {
 public:
  std::string buf;
  Flags f;

  void Padding(size_t n, bool zero) { buf.append(n, zero ? '0' : ' '); }

  void Pad(std::string_view s) {
    if (!f.wid_present || f.wid == 0) {
      buf += s;
      return;
    }
    size_t count = RuneCount(s);
    size_t width = static_cast<size_t>(f.wid) > count ? static_cast<size_t>(f.wid) - count : 0;
    if (!f.minus) {
      Padding(width, f.zero);
      buf += s;
    } else {
      buf += s;
      Padding(width, false);
    }
  }

  // String truncated to the precision in runes.
  std::string_view Truncate(std::string_view s) const {
    if (!f.prec_present) return s;
    size_t i = 0;
    int n = 0;
    while (i < s.size()) {
      if (n == f.prec) return s.substr(0, i);
      size_t l = Utf8SequenceLength(s, i);
      i += l == 0 ? 1 : l;
      ++n;
    }
    return s;
  }

  void FmtS(std::string_view s) { Pad(Truncate(s)); }

  void FmtQ(std::string_view s) {
    s = Truncate(s);
    if (f.sharp && s.find('`') == std::string_view::npos &&
        s.find_first_of("\r\n\t") == std::string_view::npos && IsValidUtf8(s)) {
      Pad("`" + std::string(s) + "`");
      return;
    }
    Pad(GoQuote(s));
  }

  void FmtSbx(std::string_view s, bool upper) {
    const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    size_t len = s.size();
    if (f.prec_present && static_cast<size_t>(f.prec) < len) len = static_cast<size_t>(f.prec);
    std::string out;
    for (size_t i = 0; i < len; ++i) {
      if (f.space && i > 0) out += ' ';
      if (f.sharp && (f.space || i == 0)) out += upper ? "0X" : "0x";
      unsigned char c = s[i];
      out += digits[c >> 4];
      out += digits[c & 15];
    }
    Pad(out);
  }

  void FmtInteger(uint64_t u, bool negative, int base, char verb, bool upper) {
    std::string digits;
    int prec = 0;
    bool prec_set = false;
    if (f.prec_present) {
      prec = f.prec;
      prec_set = true;
      if (prec == 0 && u == 0) {
        bool old = f.zero;
        f.zero = false;
        Padding(f.wid_present ? static_cast<size_t>(f.wid) : 0, false);
        f.zero = old;
        return;
      }
    } else if (f.zero && f.wid_present) {
      prec = f.wid;
      prec_set = true;
      if (negative || f.plus || f.space) --prec;
    }
    const char* set = upper ? "0123456789ABCDEFX" : "0123456789abcdefx";
    if (u == 0) digits = "0";
    while (u > 0) {
      digits.insert(digits.begin(), set[u % static_cast<uint64_t>(base)]);
      u /= static_cast<uint64_t>(base);
    }
    if (prec_set) {
      while (static_cast<int>(digits.size()) < prec) digits.insert(digits.begin(), '0');
    }
    std::string prefix;
    if (f.sharp) {
      if (base == 2) prefix = "0b";
      if (base == 8 && digits[0] != '0') prefix = "0";
      if (base == 16) prefix = upper ? "0X" : "0x";
    }
    if (verb == 'O') prefix = "0o";
    std::string out;
    if (negative) {
      out += '-';
    } else if (f.plus) {
      out += '+';
    } else if (f.space) {
      out += ' ';
    }
    out += prefix;
    out += digits;
    bool old = f.zero;
    f.zero = false;
    Pad(out);
    f.zero = old;
  }

  void FmtChar(uint64_t r) {
    std::string s;
    if (r > 0x10FFFF || (r >= 0xD800 && r < 0xE000)) r = 0xFFFD;
    AppendUtf8(s, static_cast<uint32_t>(r));
    Pad(s);
  }

  void FmtQc(uint64_t r) {
    if (r > 0x10FFFF || (r >= 0xD800 && r < 0xE000)) r = 0xFFFD;
    std::string s;
    AppendUtf8(s, static_cast<uint32_t>(r));
    std::string q;
    if (r == '\'') {
      q = "'\\''";
    } else if (r == '"') {
      q = "'\"'";
    } else {
      std::string inner = GoQuote(s);  // "..." form
      q = "'" + inner.substr(1, inner.size() - 2) + "'";
    }
    if (f.sharp && r >= 0x20 && r != 0x7f && r != '\'' && r != '\\') {
      std::string cs;
      AppendUtf8(cs, static_cast<uint32_t>(r));
      q = "'" + cs + "'";
    }
    Pad(q);
  }

  void FmtUnicode(uint64_t u) {
    char b[40];
    std::snprintf(b, sizeof b, "U+%04llX", static_cast<unsigned long long>(u));
    std::string s = b;
    if (f.sharp && u <= 0x10FFFF && u >= 0x20) {
      s += " '";
      AppendUtf8(s, static_cast<uint32_t>(u));
      s += "'";
    }
    bool old = f.zero;
    f.zero = false;
    Pad(s);
    f.zero = old;
  }

  // strconv.FormatFloat(v, verb, prec, 64), with the sign kept.
  static std::string FloatText(double v, char verb, int prec) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    if (prec < 0) {
      if (verb == 'g' || verb == 'G') {
        std::string s = FormatFloat(v, 'g');
        if (verb == 'G') {
          for (auto& c : s) {
            if (c == 'e') c = 'E';
          }
        }
        return s;
      }
      if (verb == 'f') return FormatFloat(v, 'f');
      prec = 6;
    }
    char spec[8] = {'%', '.', '*', verb, 0};
    int n = std::snprintf(nullptr, 0, spec, prec, v);
    std::string s(static_cast<size_t>(n), '\0');
    std::snprintf(s.data(), s.size() + 1, spec, prec, v);
    return s;
  }

  void FmtFloat(double v, char verb, int prec) {
    if (f.prec_present) prec = f.prec;
    char sv = verb == 'F' ? 'f' : verb;
    if (sv == 'x' || sv == 'X' || sv == 'b') sv = 'g';
    std::string num = FloatText(v, sv, prec);
    if (num[0] != '-' && num[0] != '+') num.insert(num.begin(), '+');
    if (f.space && num[0] == '+' && !f.plus) num[0] = ' ';
    if (num[1] == 'I' || num[1] == 'N') {
      bool old = f.zero;
      f.zero = false;
      if (num[1] == 'N' && !f.space && !f.plus) num.erase(0, 1);
      Pad(num);
      f.zero = old;
      return;
    }
    if (f.plus || num[0] != '+') {
      if (f.zero && f.wid_present && f.wid > static_cast<int>(num.size())) {
        buf += num[0];
        Padding(static_cast<size_t>(f.wid) - num.size(), true);
        buf.append(num, 1);
        return;
      }
      Pad(num);
      return;
    }
    Pad(std::string_view(num).substr(1));
  }

  void BadVerb(char verb, const Value& arg) {
    buf += "%!";
    buf += verb;
    buf += '(';
    if (arg.kind() == Value::Kind::kNil || arg.kind() == Value::Kind::kInvalid) {
      buf += "<nil>";
    } else {
      buf += arg.TypeName();
      buf += '=';
      PrintArg(arg, 'v', 0);
    }
    buf += ')';
  }

  void PrintArg(const Value& arg, char verb, int depth) {
    if (arg.kind() == Value::Kind::kNil || arg.kind() == Value::Kind::kInvalid) {
      if (verb == 'T' || verb == 'v') {
        Pad(depth == 0 && arg.kind() == Value::Kind::kInvalid ? "<nil>" : "<nil>");
      } else {
        BadVerb(verb, arg);
      }
      return;
    }
    if (verb == 'T') {
      FmtS(arg.TypeName());
      return;
    }
    switch (arg.kind()) {
      case Value::Kind::kBool:
        if (verb == 't' || verb == 'v') {
          FmtS(arg.AsBool() ? "true" : "false");
        } else {
          BadVerb(verb, arg);
        }
        return;
      case Value::Kind::kInt:
      case Value::Kind::kUint: {
        bool neg = false;
        uint64_t u;
        if (arg.kind() == Value::Kind::kInt) {
          int64_t i = arg.AsInt();
          neg = i < 0;
          u = neg ? 0 - static_cast<uint64_t>(i) : static_cast<uint64_t>(i);
        } else {
          u = arg.AsUint();
        }
        switch (verb) {
          case 'v':
          case 'd':
            FmtInteger(u, neg, 10, verb, false);
            return;
          case 'b':
            FmtInteger(u, neg, 2, verb, false);
            return;
          case 'o':
          case 'O':
            FmtInteger(u, neg, 8, verb, false);
            return;
          case 'x':
            FmtInteger(u, neg, 16, verb, false);
            return;
          case 'X':
            FmtInteger(u, neg, 16, verb, true);
            return;
          case 'c':
            FmtChar(neg ? 0xFFFD : u);
            return;
          case 'q':
            FmtQc(neg ? 0xFFFD : u);
            return;
          case 'U':
            FmtUnicode(neg ? static_cast<uint64_t>(static_cast<int64_t>(0 - u)) : u);
            return;
          default:
            BadVerb(verb, arg);
            return;
        }
      }
      case Value::Kind::kFloat:
        switch (verb) {
          case 'v':
            FmtFloat(arg.AsFloat(), 'g', -1);
            return;
          case 'b':
          case 'g':
          case 'G':
          case 'x':
          case 'X':
            FmtFloat(arg.AsFloat(), verb, -1);
            return;
          case 'f':
          case 'e':
          case 'E':
          case 'F':
            FmtFloat(arg.AsFloat(), verb, 6);
            return;
          default:
            BadVerb(verb, arg);
            return;
        }
      case Value::Kind::kString: {
        const std::string& s = arg.AsString();
        switch (verb) {
          case 'v':
            if (f.sharp_v) {
              FmtQ(s);
            } else {
              FmtS(s);
            }
            return;
          case 's':
            FmtS(s);
            return;
          case 'x':
            FmtSbx(s, false);
            return;
          case 'X':
            FmtSbx(s, true);
            return;
          case 'q':
            FmtQ(s);
            return;
          default:
            BadVerb(verb, arg);
            return;
        }
      }
      case Value::Kind::kObject: {
        const Value* u = arg.AsObject().Underlying();
        if (verb == 'v' || verb == 's' || verb == 'x' || verb == 'X' || verb == 'q') {
          if (u == nullptr || depth >= 0) {
            std::string s = arg.AsObject().String();
            switch (verb) {
              case 'x':
                FmtSbx(s, false);
                return;
              case 'X':
                FmtSbx(s, true);
                return;
              case 'q':
                FmtQ(s);
                return;
              default:
                FmtS(s);
                return;
            }
          }
        }
        if (u != nullptr) {
          PrintArg(*u, verb, depth);
          return;
        }
        BadVerb(verb, arg);
        return;
      }
      case Value::Kind::kList: {
        buf += '[';
        bool first = true;
        for (const auto& e : arg.AsList().items) {
          if (!first) buf += ' ';
          first = false;
          PrintArg(e, verb, depth + 1);
        }
        buf += ']';
        return;
      }
      case Value::Kind::kMap: {
        buf += "map[";
        bool first = true;
        for (const auto& [k, v] : arg.AsMap().entries) {
          if (!first) buf += ' ';
          first = false;
          PrintArg(Value(k), verb, depth + 1);
          buf += ':';
          PrintArg(v, verb, depth + 1);
        }
        buf += ']';
        return;
      }
      case Value::Kind::kFunc:
        if (verb == 'v' || verb == 'p') {
          FmtS("0x1");
        } else {
          BadVerb(verb, arg);
        }
        return;
      default:
        return;
    }
  }
};

bool TooLarge(int64_t x) { return x > 1000000 || x < -1000000; }

// Parses a decimal number at format[i]; on overflow consumes to `end`.
bool ParseNum(std::string_view format, size_t& i, int& num) {
  num = 0;
  bool isnum = false;
  size_t j = i;
  while (j < format.size() && format[j] >= '0' && format[j] <= '9') {
    if (TooLarge(num)) {
      i = format.size();
      num = 0;
      return false;
    }
    num = num * 10 + (format[j] - '0');
    isnum = true;
    ++j;
  }
  i = j;
  return isnum;
}

bool IntFromArg(const std::vector<Value>& a, size_t& arg_num, int& out) {
  bool ok = false;
  out = 0;
  if (arg_num < a.size()) {
    const Value& v = a[arg_num];
    if (v.kind() == Value::Kind::kInt) {
      int64_t n = v.AsInt();
      if (!TooLarge(n)) {
        out = static_cast<int>(n);
        ok = true;
      }
    } else if (v.kind() == Value::Kind::kUint) {
      uint64_t n = v.AsUint();
      if (n <= 1000000) {
        out = static_cast<int>(n);
        ok = true;
      }
    }
    ++arg_num;
  }
  return ok;
}

// Go's argNumber: an explicit "[n]" argument index at format[i]. Returns
// whether one was read; `ok` is false for a malformed or out-of-range index.
bool ArgNumber(std::string_view format, size_t& i, size_t num_args, size_t& arg_num, bool& ok) {
  if (i >= format.size() || format[i] != '[') return false;
  for (size_t j = i + 1; j < format.size(); ++j) {
    if (format[j] == ']') {
      size_t k = i + 1;
      int n = 0;
      bool isnum = ParseNum(format.substr(0, j), k, n);
      if (!isnum || k != j || n < 1 || static_cast<size_t>(n) > num_args) {
        ok = false;
        i = j + 1;
        return true;
      }
      arg_num = static_cast<size_t>(n - 1);
      i = j + 1;
      return true;
    }
  }
  ok = false;
  i = format.size();
  return true;
}

}  // namespace

std::string Sprintf(std::string_view format, const std::vector<Value>& a) {
  Printer p;
  size_t arg_num = 0;
  bool reordered = false;
  size_t end = format.size();
  size_t i = 0;
  while (i < end) {
    size_t lasti = i;
    while (i < end && format[i] != '%') ++i;
    if (i > lasti) p.buf.append(format.substr(lasti, i - lasti));
    if (i >= end) break;
    ++i;
    p.f = Flags{};
    bool simple_done = false;
    for (; i < end; ++i) {
      char c = format[i];
      if (c == '#') {
        p.f.sharp = true;
      } else if (c == '0') {
        p.f.zero = !p.f.minus;
      } else if (c == '+') {
        p.f.plus = true;
      } else if (c == '-') {
        p.f.minus = true;
        p.f.zero = false;
      } else if (c == ' ') {
        p.f.space = true;
      } else {
        if (c >= 'a' && c <= 'z' && arg_num < a.size()) {
          if (c == 'v') {
            p.f.sharp_v = p.f.sharp;
            p.f.sharp = false;
            p.f.plus_v = p.f.plus;
            p.f.plus = false;
          }
          p.PrintArg(a[arg_num], c, 0);
          ++arg_num;
          ++i;
          simple_done = true;
        }
        break;
      }
    }
    if (simple_done) continue;
    bool good_arg = true;
    bool after_index = ArgNumber(format, i, a.size(), arg_num, good_arg);
    if (after_index) reordered = true;
    // Width.
    if (i < end && format[i] == '*') {
      after_index = false;
      ++i;
      p.f.wid_present = IntFromArg(a, arg_num, p.f.wid);
      if (!p.f.wid_present) p.buf += "%!(BADWIDTH)";
      if (p.f.wid < 0) {
        p.f.wid = -p.f.wid;
        p.f.minus = true;
        p.f.zero = false;
      }
    } else {
      p.f.wid_present = ParseNum(format, i, p.f.wid);
      if (after_index && p.f.wid_present) good_arg = false;
    }
    // Precision.
    if (i + 1 < end && format[i] == '.') {
      ++i;
      if (after_index) good_arg = false;
      after_index = ArgNumber(format, i, a.size(), arg_num, good_arg);
      if (after_index) reordered = true;
      if (i < end && format[i] == '*') {
        after_index = false;
        ++i;
        p.f.prec_present = IntFromArg(a, arg_num, p.f.prec);
        if (p.f.prec < 0) {
          p.f.prec = 0;
          p.f.prec_present = false;
        }
        if (!p.f.prec_present) p.buf += "%!(BADPREC)";
      } else {
        p.f.prec_present = ParseNum(format, i, p.f.prec);
        if (!p.f.prec_present) {
          p.f.prec = 0;
          p.f.prec_present = true;
        }
      }
    }
    if (!after_index && ArgNumber(format, i, a.size(), arg_num, good_arg)) {
      reordered = true;
      after_index = true;
    }
    if (i >= end) {
      p.buf += "%!(NOVERB)";
      break;
    }
    // The verb, possibly a multi-byte rune.
    size_t vlen = 1;
    if (static_cast<unsigned char>(format[i]) >= 0x80) {
      vlen = Utf8SequenceLength(format, i);
      if (vlen == 0) vlen = 1;
    }
    std::string_view verb_text = format.substr(i, vlen);
    char verb = vlen == 1 ? format[i] : '?';
    i += vlen;
    if (verb == '%' && vlen == 1) {
      p.buf += '%';
    } else if (!good_arg) {
      p.buf += "%!";
      p.buf += verb_text;
      p.buf += "(BADINDEX)";
    } else if (arg_num >= a.size()) {
      p.buf += "%!";
      p.buf += verb_text;
      p.buf += "(MISSING)";
    } else {
      if (verb == 'v') {
        p.f.sharp_v = p.f.sharp;
        p.f.sharp = false;
        p.f.plus_v = p.f.plus;
        p.f.plus = false;
      }
      if (vlen == 1) {
        p.PrintArg(a[arg_num], verb, 0);
      } else {
        // A non-ASCII verb is never valid.
        size_t before = p.buf.size();
        p.BadVerb('?', a[arg_num]);
        p.buf.replace(before + 2, 1, verb_text);
      }
      ++arg_num;
    }
  }
  if (!reordered && arg_num < a.size()) {
    p.f = Flags{};
    p.buf += "%!(EXTRA ";
    for (size_t k = arg_num; k < a.size(); ++k) {
      if (k > arg_num) p.buf += ", ";
      if (a[k].kind() == Value::Kind::kNil || a[k].kind() == Value::Kind::kInvalid) {
        p.buf += "<nil>";
      } else {
        p.buf += a[k].TypeName();
        p.buf += '=';
        p.PrintArg(a[k], 'v', 0);
      }
    }
    p.buf += ')';
  }
  return std::move(p.buf);
}

std::string Sprint(const std::vector<Value>& args) {
  Printer p;
  bool prev_string = false;
  for (size_t i = 0; i < args.size(); ++i) {
    bool is_string = args[i].kind() == Value::Kind::kString;
    if (i > 0 && !is_string && !prev_string) p.buf += ' ';
    p.f = Flags{};
    p.PrintArg(args[i], 'v', 0);
    prev_string = is_string;
  }
  return std::move(p.buf);
}

std::string Sprintln(const std::vector<Value>& args) {
  Printer p;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) p.buf += ' ';
    p.f = Flags{};
    p.PrintArg(args[i], 'v', 0);
  }
  p.buf += '\n';
  return std::move(p.buf);
}

std::string FormatValue(const Value& v) {
  if (v.kind() == Value::Kind::kInvalid) return "<no value>";
  if (v.kind() == Value::Kind::kString) return v.AsString();
  Printer p;
  p.PrintArg(v, 'v', 0);
  return std::move(p.buf);
}

}  // namespace ember::tmpl
