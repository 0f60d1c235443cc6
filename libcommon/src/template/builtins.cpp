// Go's builtin template functions.
#include <cstdio>

#include "ember/base/strings.h"
#include "ember/template/format.h"
#include "ember/template/template.h"

namespace ember::tmpl {
namespace {

enum class BasicKind { kInvalid, kBool, kInt, kFloat, kString, kUint };

BasicKind KindOf(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kBool:
      return BasicKind::kBool;
    case Value::Kind::kInt:
      return BasicKind::kInt;
    case Value::Kind::kUint:
      return BasicKind::kUint;
    case Value::Kind::kFloat:
      return BasicKind::kFloat;
    case Value::Kind::kString:
      return BasicKind::kString;
    default:
      return BasicKind::kInvalid;
  }
}

Status BadComparison(const Value& a, const Value& b) {
  return Status::InvalidArgument("incompatible types for comparison: " + a.TypeName() + " and " +
                                 b.TypeName());
}
Status BadComparisonType() { return Status::InvalidArgument("invalid type for comparison"); }

bool IsNilish(const Value& v) { return v.kind() == Value::Kind::kNil || v.kind() == Value::Kind::kInvalid; }

// a == b as Go's template eq sees it.
Result<bool> Equal(const Value& a, const Value& b) {
  BasicKind k1 = KindOf(a), k2 = KindOf(b);
  if (k1 != k2) {
    if (k1 == BasicKind::kInt && k2 == BasicKind::kUint) {
      return a.AsInt() >= 0 && static_cast<uint64_t>(a.AsInt()) == b.AsUint();
    }
    if (k1 == BasicKind::kUint && k2 == BasicKind::kInt) {
      return b.AsInt() >= 0 && a.AsUint() == static_cast<uint64_t>(b.AsInt());
    }
    if (!IsNilish(a) && !IsNilish(b)) return BadComparison(a, b);
    return false;
  }
  switch (k1) {
    case BasicKind::kBool:
      return a.AsBool() == b.AsBool();
    case BasicKind::kInt:
      return a.AsInt() == b.AsInt();
    case BasicKind::kUint:
      return a.AsUint() == b.AsUint();
    case BasicKind::kFloat:
      return a.AsFloat() == b.AsFloat();
    case BasicKind::kString:
      return a.AsString() == b.AsString();
    case BasicKind::kInvalid:
      break;
  }
  if (IsNilish(a) || IsNilish(b)) return IsNilish(a) == IsNilish(b);
  if (a.kind() == Value::Kind::kObject && b.kind() == Value::Kind::kObject) {
    if (a.TypeName() != b.TypeName()) {
      return Status::InvalidArgument("non-comparable types " + FormatValue(a) + ": " + a.TypeName() + ", " +
                                     b.TypeName() + ": " + FormatValue(b));
    }
    return a.ObjectPtr() == b.ObjectPtr();
  }
  return Status::InvalidArgument("non-comparable type " + FormatValue(b) + ": " + b.TypeName());
}

Result<bool> Less(const Value& a, const Value& b) {
  BasicKind k1 = KindOf(a), k2 = KindOf(b);
  if (k1 == BasicKind::kInvalid || k2 == BasicKind::kInvalid) return BadComparisonType();
  if (k1 != k2) {
    if (k1 == BasicKind::kInt && k2 == BasicKind::kUint) {
      return a.AsInt() < 0 || static_cast<uint64_t>(a.AsInt()) < b.AsUint();
    }
    if (k1 == BasicKind::kUint && k2 == BasicKind::kInt) {
      return b.AsInt() >= 0 && a.AsUint() < static_cast<uint64_t>(b.AsInt());
    }
    return BadComparison(a, b);
  }
  switch (k1) {
    case BasicKind::kBool:
      return BadComparisonType();
    case BasicKind::kInt:
      return a.AsInt() < b.AsInt();
    case BasicKind::kUint:
      return a.AsUint() < b.AsUint();
    case BasicKind::kFloat:
      return a.AsFloat() < b.AsFloat();
    case BasicKind::kString:
      return a.AsString() < b.AsString();
    case BasicKind::kInvalid:
      break;
  }
  return BadComparisonType();
}

// Sprint-like text of the arguments, with "<no value>" for missing ones
// (Go's evalArgs).
std::string EvalArgs(const std::vector<Value>& args) {
  if (args.size() == 1 && args[0].kind() == Value::Kind::kString) return args[0].AsString();
  std::vector<Value> a;
  a.reserve(args.size());
  for (const auto& v : args) a.push_back(v.IsNil() ? Value("<no value>") : v);
  return Sprint(a);
}

std::string HtmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '"':
        out += "&#34;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '\0':
        out += "\xEF\xBF\xBD";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string JsEscape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = s[i];
    if (c < 0x80) {
      switch (c) {
        case '\\':
          out += "\\\\";
          break;
        case '\'':
          out += "\\'";
          break;
        case '"':
          out += "\\\"";
          break;
        case '<':
          out += "\\u003C";
          break;
        case '>':
          out += "\\u003E";
          break;
        case '&':
          out += "\\u0026";
          break;
        case '=':
          out += "\\u003D";
          break;
        default:
          if (c < ' ') {
            char b[8];
            std::snprintf(b, sizeof b, "\\u%04X", c);
            out += b;
          } else {
            out += static_cast<char>(c);
          }
      }
      continue;
    }
    size_t n = Utf8SequenceLength(s, i);
    if (n == 0) {
      out += "\\uFFFD";
      continue;
    }
    out.append(s.substr(i, n));
    i += n - 1;
  }
  return out;
}

Result<int64_t> IndexArg(const Value& index, size_t cap) {
  int64_t x;
  switch (index.kind()) {
    case Value::Kind::kInt:
      x = index.AsInt();
      break;
    case Value::Kind::kUint:
      x = index.AsUint() > static_cast<uint64_t>(INT64_MAX) ? -1 : static_cast<int64_t>(index.AsUint());
      break;
    case Value::Kind::kNil:
    case Value::Kind::kInvalid:
      return Status::InvalidArgument("cannot index slice/array with nil");
    default:
      return Status::InvalidArgument("cannot index slice/array with type " + index.TypeName());
  }
  if (x < 0 || static_cast<uint64_t>(x) > cap)
    return Status::InvalidArgument("index out of range: " + std::to_string(x));
  return x;
}

FuncMap MakeBuiltins() {
  FuncMap m;
  auto any = ArgType::Any();
  m["and"] = Func::Make({any}, any, [](std::vector<Value>& a) -> Result<Value> { return a.back(); });
  m["or"] = Func::Make({any}, any, [](std::vector<Value>& a) -> Result<Value> { return a.back(); });
  m["not"] = Func::Make({any}, std::nullopt,
                        [](std::vector<Value>& a) -> Result<Value> { return Value(!IsTrue(a[0])); });
  m["len"] = Func::Make({any}, std::nullopt, [](std::vector<Value>& a) -> Result<Value> {
    const Value& v = a[0];
    // Go's length() asks an untyped nil for its type, and reports that panic.
    if (IsNilish(v)) return Status::InvalidArgument("reflect: call of reflect.Value.Type on zero Value");
    if (v.kind() == Value::Kind::kString) return Value(static_cast<int64_t>(v.AsString().size()));
    if (const ListData* l = v.ListOrNull()) return Value(static_cast<int64_t>(l->items.size()));
    if (const MapData* md = v.MapOrNull()) return Value(static_cast<int64_t>(md->entries.size()));
    return Status::InvalidArgument("len of type " + v.TypeName());
  });
  m["index"] = Func::Make({any}, any, [](std::vector<Value>& a) -> Result<Value> {
    Value item = a[0];
    if (IsNilish(item)) return Status::InvalidArgument("index of untyped nil");
    for (size_t i = 1; i < a.size(); ++i) {
      const Value& index = a[i];
      if (IsNilish(item)) return Status::InvalidArgument("index of nil pointer");
      if (item.kind() == Value::Kind::kString) {
        const std::string& s = item.AsString();
        EMBER_ASSIGN_OR_RETURN(int64_t x, IndexArg(index, s.size()));
        if (static_cast<size_t>(x) == s.size())
          return Status::InvalidArgument("index out of range: " + std::to_string(x));
        item = Value(static_cast<uint64_t>(static_cast<unsigned char>(s[static_cast<size_t>(x)])));
        continue;
      }
      if (const ListData* l = item.ListOrNull()) {
        EMBER_ASSIGN_OR_RETURN(int64_t x, IndexArg(index, l->items.size()));
        if (static_cast<size_t>(x) == l->items.size()) {
          return Status::InvalidArgument("index out of range: " + std::to_string(x));
        }
        Value next = l->items[static_cast<size_t>(x)];
        item = std::move(next);
        continue;
      }
      if (const MapData* md = item.MapOrNull()) {
        if (IsNilish(index)) return Status::InvalidArgument("value is nil; should be of type string");
        if (index.kind() != Value::Kind::kString) {
          return Status::InvalidArgument("value has type " + index.TypeName() + "; should be string");
        }
        auto it = md->entries.find(index.AsString());
        Value next;
        if (it != md->entries.end()) {
          next = it->second;
        } else if (md->elem_type == "string") {
          next = Value(std::string());
        } else if (md->elem_type == "int") {
          next = Value(int64_t{0});
        } else if (md->elem_type == "float64") {
          next = Value(0.0);
        } else if (md->elem_type == "bool") {
          next = Value(false);
        } else {
          next = Value::Invalid();
        }
        item = std::move(next);
        continue;
      }
      return Status::InvalidArgument("can't index item of type " + item.TypeName());
    }
    return item;
  });
  m["slice"] = Func::Make({any}, any, [](std::vector<Value>& a) -> Result<Value> {
    const Value& item = a[0];
    if (IsNilish(item)) return Status::InvalidArgument("slice of untyped nil");
    if (a.size() > 4)
      return Status::InvalidArgument("too many slice indexes: " + std::to_string(a.size() - 1));
    size_t cap;
    const ListData* l = item.ListOrNull();
    if (item.kind() == Value::Kind::kString) {
      if (a.size() == 4) return Status::InvalidArgument("cannot 3-index slice a string");
      cap = item.AsString().size();
    } else if (l != nullptr) {
      cap = l->items.size();
    } else {
      return Status::InvalidArgument("can't slice item of type " + item.TypeName());
    }
    int64_t idx[3] = {0, static_cast<int64_t>(cap), static_cast<int64_t>(cap)};
    for (size_t i = 1; i < a.size(); ++i) {
      EMBER_ASSIGN_OR_RETURN(idx[i - 1], IndexArg(a[i], cap));
    }
    if (idx[0] > idx[1]) {
      return Status::InvalidArgument("invalid slice index: " + std::to_string(idx[0]) + " > " +
                                     std::to_string(idx[1]));
    }
    if (a.size() == 4 && idx[1] > idx[2]) {
      return Status::InvalidArgument("invalid slice index: " + std::to_string(idx[1]) + " > " +
                                     std::to_string(idx[2]));
    }
    if (item.kind() == Value::Kind::kString) {
      return Value(item.AsString().substr(static_cast<size_t>(idx[0]), static_cast<size_t>(idx[1] - idx[0])));
    }
    std::vector<Value> out(l->items.begin() + idx[0], l->items.begin() + idx[1]);
    return Value::List(std::move(out), l->elem_type);
  });
  m["print"] = Func::Make({}, any, [](std::vector<Value>& a) -> Result<Value> { return Value(Sprint(a)); });
  m["println"] =
      Func::Make({}, any, [](std::vector<Value>& a) -> Result<Value> { return Value(Sprintln(a)); });
  m["printf"] = Func::Make({ArgType::String()}, any, [](std::vector<Value>& a) -> Result<Value> {
    std::string format = a[0].AsString();
    a.erase(a.begin());
    return Value(Sprintf(format, a));
  });
  m["html"] = Func::Make(
      {}, any, [](std::vector<Value>& a) -> Result<Value> { return Value(HtmlEscape(EvalArgs(a))); });
  m["js"] = Func::Make({}, any,
                       [](std::vector<Value>& a) -> Result<Value> { return Value(JsEscape(EvalArgs(a))); });
  m["urlquery"] = Func::Make({}, any, [](std::vector<Value>& a) -> Result<Value> {
    std::string out;
    AppendQueryEscaped(out, EvalArgs(a));
    return Value(std::move(out));
  });
  m["eq"] = Func::Make({any}, any, [](std::vector<Value>& a) -> Result<Value> {
    if (a.size() < 2) return Status::InvalidArgument("missing argument for comparison");
    for (size_t i = 1; i < a.size(); ++i) {
      EMBER_ASSIGN_OR_RETURN(bool t, Equal(a[0], a[i]));
      if (t) return Value(true);
    }
    return Value(false);
  });
  m["ne"] = Func::Make({any, any}, std::nullopt, [](std::vector<Value>& a) -> Result<Value> {
    EMBER_ASSIGN_OR_RETURN(bool t, Equal(a[0], a[1]));
    return Value(!t);
  });
  m["lt"] = Func::Make({any, any}, std::nullopt, [](std::vector<Value>& a) -> Result<Value> {
    EMBER_ASSIGN_OR_RETURN(bool t, Less(a[0], a[1]));
    return Value(t);
  });
  m["le"] = Func::Make({any, any}, std::nullopt, [](std::vector<Value>& a) -> Result<Value> {
    EMBER_ASSIGN_OR_RETURN(bool t, Less(a[0], a[1]));
    if (t) return Value(true);
    EMBER_ASSIGN_OR_RETURN(bool e, Equal(a[0], a[1]));
    return Value(e);
  });
  m["gt"] = Func::Make({any, any}, std::nullopt, [](std::vector<Value>& a) -> Result<Value> {
    EMBER_ASSIGN_OR_RETURN(bool t, Less(a[0], a[1]));
    if (t) return Value(false);
    EMBER_ASSIGN_OR_RETURN(bool e, Equal(a[0], a[1]));
    return Value(!e);
  });
  m["ge"] = Func::Make({any, any}, std::nullopt, [](std::vector<Value>& a) -> Result<Value> {
    EMBER_ASSIGN_OR_RETURN(bool t, Less(a[0], a[1]));
    return Value(!t);
  });
  // Receives the callee's name first (the executor inserts it, as Go's does).
  m["call"] = Func::Make({any}, any, [](std::vector<Value>& a) -> Result<Value> {
    const std::string name = a[0].kind() == Value::Kind::kString ? a[0].AsString() : std::string();
    const Value& fn = a[1];
    if (IsNilish(fn)) return Status::InvalidArgument("call of nil");
    if (fn.kind() != Value::Kind::kFunc) {
      return Status::InvalidArgument("non-function " + name + " of type " + fn.TypeName());
    }
    const Func& f = fn.AsFunc();
    size_t n = a.size() - 2;
    if (f.variadic) {
      if (n < f.params.size()) {
        return Status::InvalidArgument("wrong number of args for " + name + ": got " + std::to_string(n) +
                                       " want at least " + std::to_string(f.params.size()));
      }
    } else if (n != f.params.size()) {
      return Status::InvalidArgument("wrong number of args for " + name + ": got " + std::to_string(n) +
                                     " want " + std::to_string(f.params.size()));
    }
    std::vector<Value> args(a.begin() + 2, a.end());
    for (size_t i = 0; i < args.size(); ++i) {
      const ArgType& t = i < f.params.size() ? f.params[i] : *f.variadic;
      if (t.kind == ArgType::Kind::kAny) continue;
      if (IsNilish(args[i])) {
        if (t.kind == ArgType::Kind::kObject) continue;
        return Status::InvalidArgument("arg " + std::to_string(i) + ": value is nil; should be of type " +
                                       t.Name());
      }
      bool ok = true;
      switch (t.kind) {
        case ArgType::Kind::kString:
          ok = args[i].kind() == Value::Kind::kString;
          break;
        case ArgType::Kind::kInt:
          ok = args[i].kind() == Value::Kind::kInt || args[i].kind() == Value::Kind::kUint;
          break;
        case ArgType::Kind::kFloat:
          ok = args[i].kind() == Value::Kind::kFloat;
          break;
        case ArgType::Kind::kBool:
          ok = args[i].kind() == Value::Kind::kBool;
          break;
        case ArgType::Kind::kObject:
          ok = args[i].TypeName() == t.type_name;
          break;
        case ArgType::Kind::kAny:
          break;
      }
      if (!ok) {
        return Status::InvalidArgument("arg " + std::to_string(i) + ": value has type " + args[i].TypeName() +
                                       "; should be " + t.Name());
      }
      if (t.kind == ArgType::Kind::kInt && args[i].kind() == Value::Kind::kUint) {
        args[i] = Value(static_cast<int64_t>(args[i].AsUint()));
      }
    }
    return f.fn(args);
  });
  return m;
}

}  // namespace

const FuncMap& Builtins() {
  static const FuncMap kBuiltins = MakeBuiltins();
  return kBuiltins;
}

}  // namespace ember::tmpl
