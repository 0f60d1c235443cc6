// Alertmanager's template functions and Go's json.Marshal of template values.
#include <chrono>
#include <cmath>
#include <cstring>

#include "ember/base/strings.h"
#include "ember/template/format.h"
#include "ember/template/prometheus_template.h"
#include "ember/template/time_value.h"
#include "notify/json_writer.h"
#include "notify/template_data.h"

namespace ember::alerter {

namespace internal {
const NotifyAlert* AlertOf(const tmpl::Value& v);
const KV* KVOf(const tmpl::Value& v);
const NotificationData* DataOf(const tmpl::Value& v);
const std::vector<std::pair<std::string, std::string>>* PairsOf(const tmpl::Value& v);
}  // namespace internal

using tmpl::ArgType;
using tmpl::Func;
using tmpl::Value;

namespace {

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Base64UrlEncode(std::string_view in) {
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out.push_back(kB64[(n >> s) & 63]);
  }
  if (i + 1 == in.size()) {
    uint32_t n = uint8_t(in[i]) << 16;
    out.push_back(kB64[(n >> 18) & 63]);
    out.push_back(kB64[(n >> 12) & 63]);
    out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out.push_back(kB64[(n >> 18) & 63]);
    out.push_back(kB64[(n >> 12) & 63]);
    out.push_back(kB64[(n >> 6) & 63]);
    out.push_back('=');
  }
  return out;
}

Result<std::string> Base64UrlDecode(std::string_view in) {
  auto corrupt = [](size_t at) {
    return Status::InvalidArgument("illegal base64 data at input byte " + std::to_string(at));
  };
  if (in.size() % 4 != 0) return corrupt(in.size() / 4 * 4);
  std::string out;
  for (size_t i = 0; i < in.size(); i += 4) {
    uint32_t n = 0;
    int pad = 0;
    for (size_t j = 0; j < 4; ++j) {
      char c = in[i + j];
      const char* p = c == '=' ? nullptr : std::strchr(kB64, c);
      if (c == '=' && i + 4 == in.size() && j >= 2) {
        ++pad;
        n <<= 6;
        continue;
      }
      if (p == nullptr || c == '\0' || pad > 0) return corrupt(i + j);
      n = (n << 6) | static_cast<uint32_t>(p - kB64);
    }
    out.push_back(static_cast<char>(n >> 16));
    if (pad < 2) out.push_back(static_cast<char>((n >> 8) & 0xff));
    if (pad < 1) out.push_back(static_cast<char>(n & 0xff));
  }
  return out;
}

int64_t NanosOf(const Value& t) {
  std::vector<Value> none;
  Result<Value> r = t.AsObject().Call("UnixNano", none);
  return r.ok() ? r->AsInt() : 0;
}

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Go's url.QueryUnescape.
Result<std::string> QueryUnescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%') {
      if (i + 2 >= s.size() || HexVal(s[i + 1]) < 0 || HexVal(s[i + 2]) < 0) {
        std::string bad(s.substr(i, std::min<size_t>(3, s.size() - i)));
        return Status::InvalidArgument("invalid URL escape " + GoQuote(bad));
      }
      out.push_back(static_cast<char>(HexVal(s[i + 1]) * 16 + HexVal(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

Status WriteJson(json::Writer& w, const Value& v) {
  if (const NotifyAlert* a = internal::AlertOf(v)) {
    json::WriteAlert(w, *a);
    return Status::Ok();
  }
  if (const KV* kv = internal::KVOf(v)) {
    w.KVObject(*kv);
    return Status::Ok();
  }
  if (const auto* pairs = internal::PairsOf(v)) {
    w.BeginArray();
    for (const auto& [n, val] : *pairs)
      w.BeginObject().Key("Name").String(n).Key("Value").String(val).EndObject();
    w.EndArray();
    return Status::Ok();
  }
  if (const NotificationData* d = internal::DataOf(v)) {
    w.BeginObject();
    w.Key("receiver").String(d->receiver).Key("status").String(d->status).Key("alerts").BeginArray();
    for (const auto& a : d->alerts) json::WriteAlert(w, a);
    w.EndArray();
    w.Key("groupLabels").KVObject(d->group_labels);
    w.Key("commonLabels").KVObject(d->common_labels);
    w.Key("commonAnnotations").KVObject(d->common_annotations);
    w.Key("externalURL").String(d->external_url);
    w.EndObject();
    return Status::Ok();
  }
  switch (v.kind()) {
    case Value::Kind::kInvalid:
    case Value::Kind::kNil:
      w.Raw("null");
      return Status::Ok();
    case Value::Kind::kBool:
      w.Bool(v.AsBool());
      return Status::Ok();
    case Value::Kind::kInt:
      w.Int(v.AsInt());
      return Status::Ok();
    case Value::Kind::kUint:
      w.Uint(v.AsUint());
      return Status::Ok();
    case Value::Kind::kFloat: {
      double f = v.AsFloat();
      if (!std::isfinite(f))
        return Status::InvalidArgument("json: unsupported value: " + tmpl::FormatValue(v));
      w.Raw(tmpl::Sprintf("%v", {v}));
      return Status::Ok();
    }
    case Value::Kind::kString:
      w.String(v.AsString());
      return Status::Ok();
    case Value::Kind::kFunc:
      return Status::InvalidArgument("json: unsupported type: " + v.TypeName());
    case Value::Kind::kList:
    case Value::Kind::kMap:
    case Value::Kind::kObject:
      break;
  }
  if (v.kind() == Value::Kind::kObject && v.AsObject().TypeName() == "time.Time") {
    w.String(json::Rfc3339Nano(NanosOf(v)));
    return Status::Ok();
  }
  if (const tmpl::ListData* l = v.ListOrNull()) {
    w.BeginArray();
    for (const Value& item : l->items) EMBER_RETURN_IF_ERROR(WriteJson(w, item));
    w.EndArray();
    return Status::Ok();
  }
  if (const tmpl::MapData* m = v.MapOrNull()) {
    w.BeginObject();
    for (const auto& [k, item] : m->entries) {
      w.Key(k);
      EMBER_RETURN_IF_ERROR(WriteJson(w, item));
    }
    w.EndObject();
    return Status::Ok();
  }
  w.String(v.AsObject().String());
  return Status::Ok();
}

tmpl::FuncMap MakeFuncs() {
  const ArgType s = ArgType::String(), any = ArgType::Any(), t = ArgType::ObjectOf("time.Time");
  tmpl::FuncMap m;
  const tmpl::FuncMap& prom = tmpl::PrometheusFuncs();
  for (const char* name : {"toUpper", "toLower", "title", "match", "reReplaceAll", "humanizeDuration"}) {
    auto it = prom.find(name);
    if (it != prom.end()) m[name] = it->second;
  }
  m["trimSpace"] = Func::Make({s}, std::nullopt, [](std::vector<Value>& a) -> Result<Value> {
    return Value(TrimSpace(a[0].AsString()));
  });
  m["join"] = Func::Make({s, any}, std::nullopt, [](std::vector<Value>& a) -> Result<Value> {
    EMBER_ASSIGN_OR_RETURN(auto items, [&]() -> Result<std::vector<std::string>> {
      std::vector<std::string> out;
      if (a[1].IsNil()) return out;
      const tmpl::ListData* l = a[1].ListOrNull();
      if (l == nullptr)
        return Status::InvalidArgument("wrong type for value; expected []string; got " + a[1].TypeName());
      for (const Value& item : l->items) {
        if (item.kind() != Value::Kind::kString)
          return Status::InvalidArgument("wrong type for value; expected []string; got " + a[1].TypeName());
        out.push_back(item.AsString());
      }
      return out;
    }());
    return Value(Join(items, a[0].AsString()));
  });
  auto identity = [](std::vector<Value>& a) -> Result<Value> { return a[0]; };
  m["safeHtml"] = Func::Make({s}, std::nullopt, identity);
  m["safeUrl"] = Func::Make({s}, std::nullopt, identity);
  m["urlUnescape"] = Func::Make({s}, std::nullopt, [](std::vector<Value>& a) -> Result<Value> {
    EMBER_ASSIGN_OR_RETURN(std::string out, QueryUnescape(a[0].AsString()));
    return Value(std::move(out));
  });
  m["stringSlice"] = Func::Make({}, s, [](std::vector<Value>& a) -> Result<Value> {
    return Value::List(std::vector<Value>(a.begin(), a.end()), "string");
  });
  m["routeLabels"] =
      Func::Make({s}, std::nullopt, [](std::vector<Value>&) -> Result<Value> { return Value(""); });
  m["date"] = Func::Make({s, t}, std::nullopt, [](std::vector<Value>& a) -> Result<Value> {
    return Value(tmpl::FormatGoTime(NanosOf(a[1]), a[0].AsString()));
  });
  m["tz"] = Func::Make({s, t}, std::nullopt, [](std::vector<Value>& a) -> Result<Value> {
    const std::string& name = a[0].AsString();
    if (name.empty() || name == "UTC" || name == "Local" || name == "Etc/UTC") return a[1];
    return Status::InvalidArgument("unknown time zone " + name);
  });
  m["now"] = Func::Make({}, std::nullopt,
                        [](std::vector<Value>&) -> Result<Value> { return tmpl::TimeValue(NowNanos()); });
  m["since"] = Func::Make({t}, std::nullopt, [](std::vector<Value>& a) -> Result<Value> {
    return tmpl::DurationValue(NowNanos() - NanosOf(a[0]));
  });
  m["toJson"] = Func::Make({any}, std::nullopt, [](std::vector<Value>& a) -> Result<Value> {
    EMBER_ASSIGN_OR_RETURN(std::string out, ValueToJson(a[0]));
    return Value(std::move(out));
  });
  m["base64encode"] = Func::Make({s}, std::nullopt, [](std::vector<Value>& a) -> Result<Value> {
    return Value(Base64UrlEncode(a[0].AsString()));
  });
  m["base64decode"] = Func::Make({s}, std::nullopt, [](std::vector<Value>& a) -> Result<Value> {
    EMBER_ASSIGN_OR_RETURN(std::string out, Base64UrlDecode(a[0].AsString()));
    return Value(std::move(out));
  });
  m["list"] = Func::Make({}, any, [](std::vector<Value>& a) -> Result<Value> {
    return Value::List(std::vector<Value>(a.begin(), a.end()));
  });
  m["append"] = Func::Make({any}, any, [](std::vector<Value>& a) -> Result<Value> {
    std::vector<Value> items;
    if (!a[0].IsNil()) {
      const tmpl::ListData* l = a[0].ListOrNull();
      if (l == nullptr)
        return Status::InvalidArgument("wrong type for value; expected []interface {}; got " +
                                       a[0].TypeName());
      items = l->items;
    }
    items.insert(items.end(), a.begin() + 1, a.end());
    return Value::List(std::move(items));
  });
  m["dict"] = Func::Make({}, any, [](std::vector<Value>& a) -> Result<Value> {
    if (a.size() % 2 != 0) return Status::InvalidArgument("dict requires an even number of arguments");
    std::map<std::string, Value, std::less<>> entries;
    for (size_t i = 0; i < a.size(); i += 2) {
      if (a[i].kind() != Value::Kind::kString) return Status::InvalidArgument("dict keys must be strings");
      entries[a[i].AsString()] = a[i + 1];
    }
    return Value::Map(std::move(entries));
  });
  return m;
}

}  // namespace

Result<std::string> ValueToJson(const tmpl::Value& v) {
  json::Writer w;
  EMBER_RETURN_IF_ERROR(WriteJson(w, v));
  return w.str();
}

const tmpl::FuncMap& AlertmanagerFuncs() {
  static const tmpl::FuncMap* funcs = new tmpl::FuncMap(MakeFuncs());
  return *funcs;
}

}  // namespace ember::alerter
