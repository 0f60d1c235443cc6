#include "notify/template_data.h"

#include <algorithm>
#include <memory>
#include <set>
#include <utility>

#include "ember/template/time_value.h"

namespace ember::alerter {

using tmpl::ArgType;
using tmpl::Object;
using tmpl::Value;

namespace {

Value Obj(std::shared_ptr<const Object> o) { return Value(std::move(o)); }

Value StringList(std::vector<std::string> items) {
  std::vector<Value> vs;
  vs.reserve(items.size());
  for (auto& s : items) vs.emplace_back(std::move(s));
  return Value::List(std::move(vs), "string");
}

// The strings of a []string argument: a list of strings, or an object that is one.
Result<std::vector<std::string>> StringsOf(const Value& v) {
  std::vector<std::string> out;
  if (v.IsNil()) return out;
  const tmpl::ListData* l = v.ListOrNull();
  if (l == nullptr) return Status::InvalidArgument("expected a list of strings, got " + v.TypeName());
  for (const Value& item : l->items) {
    if (item.kind() != Value::Kind::kString)
      return Status::InvalidArgument("expected a list of strings, got an element of type " + item.TypeName());
    out.push_back(item.AsString());
  }
  return out;
}

// Upstream's Strings: a []string with Join.
class StringsObject : public Object {
 public:
  explicit StringsObject(std::vector<std::string> items)
      : items_(items), list_(StringList(std::move(items))) {}
  std::string TypeName() const override { return "template.Strings"; }
  Member Lookup(std::string_view name) const override {
    Member m;
    if (name == "Join") {
      m.kind = Member::Kind::kMethod;
      m.params = {ArgType::String()};
    }
    return m;
  }
  Result<Value> Call(std::string_view, std::vector<Value>& args) const override {
    std::string out;
    for (size_t i = 0; i < items_.size(); ++i) {
      if (i > 0) out += args[0].AsString();
      out += items_[i];
    }
    return Value(std::move(out));
  }
  const Value* Underlying() const override { return &list_; }
  std::string String() const override {
    std::string out = "[";
    for (size_t i = 0; i < items_.size(); ++i) out += (i > 0 ? " " : "") + items_[i];
    return out + "]";
  }
  bool Truth() const override { return !items_.empty(); }
  const std::vector<std::string>& items() const { return items_; }

 private:
  std::vector<std::string> items_;
  Value list_;
};

Value StringsValue(std::vector<std::string> items) {
  return Obj(std::make_shared<StringsObject>(std::move(items)));
}

class PairObject : public Object {
 public:
  PairObject(std::string name, std::string value) : name_(std::move(name)), value_(std::move(value)) {}
  std::string TypeName() const override { return "template.Pair"; }
  Member Lookup(std::string_view name) const override {
    Member m;
    if (name == "Name" || name == "Value") m.kind = Member::Kind::kField;
    return m;
  }
  Value Field(std::string_view name) const override { return Value(name == "Name" ? name_ : value_); }
  std::string String() const override { return "{" + name_ + " " + value_ + "}"; }
  const std::string& name() const { return name_; }
  const std::string& value() const { return value_; }

 private:
  std::string name_, value_;
};

// The pairs in upstream's order: "alertname" first, the others by name.
std::vector<std::pair<std::string, std::string>> SortedPairsOf(const KV& kv) {
  std::vector<std::pair<std::string, std::string>> out;
  auto it = kv.find("alertname");
  if (it != kv.end()) out.emplace_back(*it);
  for (const auto& p : kv)
    if (p.first != "alertname") out.emplace_back(p);
  return out;
}

class PairsObject : public Object {
 public:
  explicit PairsObject(std::vector<std::pair<std::string, std::string>> pairs) : pairs_(std::move(pairs)) {
    std::vector<Value> items;
    for (const auto& [n, v] : pairs_) items.push_back(Obj(std::make_shared<PairObject>(n, v)));
    list_ = Value::List(std::move(items), "template.Pair");
  }
  std::string TypeName() const override { return "template.Pairs"; }
  Member Lookup(std::string_view name) const override {
    Member m;
    if (name == "Names" || name == "Values" || name == "String") m.kind = Member::Kind::kMethod;
    return m;
  }
  Result<Value> Call(std::string_view name, std::vector<Value>&) const override {
    if (name == "String") return Value(String());
    std::vector<std::string> out;
    for (const auto& [n, v] : pairs_) out.push_back(name == "Names" ? n : v);
    return StringsValue(std::move(out));
  }
  const Value* Underlying() const override { return &list_; }
  std::string String() const override {
    std::string out;
    for (size_t i = 0; i < pairs_.size(); ++i) {
      if (i > 0) out += ", ";
      out += pairs_[i].first + "=" + pairs_[i].second;
    }
    return out;
  }
  bool Truth() const override { return !pairs_.empty(); }
  const std::vector<std::pair<std::string, std::string>>& pairs() const { return pairs_; }

 private:
  std::vector<std::pair<std::string, std::string>> pairs_;
  Value list_;
};

class KVObject : public Object {
 public:
  explicit KVObject(KV kv) : kv_(std::move(kv)) {
    std::map<std::string, Value, std::less<>> entries;
    for (const auto& [k, v] : kv_) entries.emplace(k, Value(v));
    map_ = Value::Map(std::move(entries), "string");
  }
  std::string TypeName() const override { return "template.KV"; }
  Member Lookup(std::string_view name) const override {
    Member m;
    if (name == "SortedPairs" || name == "Names" || name == "Values" || name == "String") {
      m.kind = Member::Kind::kMethod;
    } else if (name == "Remove") {
      m.kind = Member::Kind::kMethod;
      m.params = {ArgType::Any()};
    }
    return m;
  }
  Result<Value> Call(std::string_view name, std::vector<Value>& args) const override {
    if (name == "SortedPairs") return Obj(std::make_shared<PairsObject>(SortedPairsOf(kv_)));
    if (name == "String") return Value(String());
    if (name == "Remove") {
      EMBER_ASSIGN_OR_RETURN(std::vector<std::string> keys, StringsOf(args[0]));
      KV rest = kv_;
      for (const auto& k : keys) rest.erase(k);
      return KVValue(rest);
    }
    std::vector<std::string> out;
    for (const auto& [n, v] : SortedPairsOf(kv_)) out.push_back(name == "Names" ? n : v);
    return StringsValue(std::move(out));
  }
  const Value* Underlying() const override { return &map_; }
  std::string String() const override { return PairsObject(SortedPairsOf(kv_)).String(); }
  bool Truth() const override { return !kv_.empty(); }
  const KV& kv() const { return kv_; }

 private:
  KV kv_;
  Value map_;
};

class AlertObject : public Object {
 public:
  explicit AlertObject(NotifyAlert a) : a_(std::move(a)) {}
  std::string TypeName() const override { return "template.Alert"; }
  Member Lookup(std::string_view name) const override {
    static const std::set<std::string, std::less<>> kFields = {
        "Status", "Labels", "Annotations", "StartsAt", "EndsAt", "GeneratorURL", "Fingerprint"};
    Member m;
    if (kFields.count(name) != 0) m.kind = Member::Kind::kField;
    return m;
  }
  Value Field(std::string_view name) const override {
    if (name == "Status") return Value(a_.status);
    if (name == "Labels") return KVValue(a_.labels);
    if (name == "Annotations") return KVValue(a_.annotations);
    if (name == "StartsAt") return tmpl::TimeValue(a_.starts_at);
    if (name == "EndsAt") return tmpl::TimeValue(a_.ends_at);
    if (name == "GeneratorURL") return Value(a_.generator_url);
    return Value(a_.fingerprint);
  }
  const NotifyAlert& alert() const { return a_; }

 private:
  NotifyAlert a_;
};

Value AlertList(const std::vector<NotifyAlert>& alerts, std::string_view status) {
  std::vector<Value> items;
  for (const auto& a : alerts)
    if (status.empty() || a.status == status) items.push_back(AlertValue(a));
  return Value::List(std::move(items), "template.Alert");
}

class AlertsObject : public Object {
 public:
  explicit AlertsObject(std::vector<NotifyAlert> alerts)
      : alerts_(std::move(alerts)), list_(AlertList(alerts_, "")) {}
  std::string TypeName() const override { return "template.Alerts"; }
  Member Lookup(std::string_view name) const override {
    Member m;
    if (name == "Firing" || name == "Resolved") m.kind = Member::Kind::kMethod;
    return m;
  }
  Result<Value> Call(std::string_view name, std::vector<Value>&) const override {
    return AlertList(alerts_, name == "Firing" ? "firing" : "resolved");
  }
  const Value* Underlying() const override { return &list_; }
  bool Truth() const override { return !alerts_.empty(); }

 private:
  std::vector<NotifyAlert> alerts_;
  Value list_;
};

class DataObject : public Object {
 public:
  explicit DataObject(NotificationData d) : d_(std::move(d)) {}
  std::string TypeName() const override { return "*template.Data"; }
  Member Lookup(std::string_view name) const override {
    static const std::set<std::string, std::less<>> kFields = {
        "Receiver", "Status", "Alerts", "GroupLabels", "CommonLabels", "CommonAnnotations", "ExternalURL"};
    Member m;
    if (kFields.count(name) != 0) m.kind = Member::Kind::kField;
    return m;
  }
  Value Field(std::string_view name) const override {
    if (name == "Receiver") return Value(d_.receiver);
    if (name == "Status") return Value(d_.status);
    if (name == "Alerts") return Obj(std::make_shared<AlertsObject>(d_.alerts));
    if (name == "GroupLabels") return KVValue(d_.group_labels);
    if (name == "CommonLabels") return KVValue(d_.common_labels);
    if (name == "CommonAnnotations") return KVValue(d_.common_annotations);
    return Value(d_.external_url);
  }
  const NotificationData& data() const { return d_; }

 private:
  NotificationData d_;
};

}  // namespace

std::string QuoteMeta(std::string_view s) {
  static constexpr std::string_view kSpecial = "\\.+*?()|[]{}^$";
  std::string out;
  for (char c : s) {
    if (kSpecial.find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

NotificationData MakeNotificationData(std::string_view receiver, const KV& group_labels,
                                      std::vector<NotifyAlert> alerts, std::string external_url,
                                      std::string group_key) {
  NotificationData d;
  d.receiver = QuoteMeta(receiver);
  d.status = "resolved";
  for (const auto& a : alerts)
    if (a.status == "firing") d.status = "firing";
  d.group_labels = group_labels;
  if (!alerts.empty()) {
    d.common_labels = alerts[0].labels;
    d.common_annotations = alerts[0].annotations;
    for (size_t i = 1; i < alerts.size(); ++i) {
      std::erase_if(d.common_labels, [&](const auto& p) {
        auto it = alerts[i].labels.find(p.first);
        return it == alerts[i].labels.end() || it->second != p.second;
      });
      std::erase_if(d.common_annotations, [&](const auto& p) {
        auto it = alerts[i].annotations.find(p.first);
        return it == alerts[i].annotations.end() || it->second != p.second;
      });
    }
  }
  d.alerts = std::move(alerts);
  d.external_url = std::move(external_url);
  d.group_key = std::move(group_key);
  return d;
}

Value DataValue(const NotificationData& data) { return Obj(std::make_shared<DataObject>(data)); }
Value AlertValue(const NotifyAlert& alert) { return Obj(std::make_shared<AlertObject>(alert)); }
Value KVValue(const KV& kv) { return Obj(std::make_shared<KVObject>(kv)); }

namespace internal {
// For toJson: the alerter objects behind a value, or nullptr.
const NotifyAlert* AlertOf(const Value& v) {
  if (v.kind() != Value::Kind::kObject) return nullptr;
  auto* a = dynamic_cast<const AlertObject*>(&v.AsObject());
  return a ? &a->alert() : nullptr;
}
const KV* KVOf(const Value& v) {
  if (v.kind() != Value::Kind::kObject) return nullptr;
  auto* a = dynamic_cast<const KVObject*>(&v.AsObject());
  return a ? &a->kv() : nullptr;
}
const NotificationData* DataOf(const Value& v) {
  if (v.kind() != Value::Kind::kObject) return nullptr;
  auto* a = dynamic_cast<const DataObject*>(&v.AsObject());
  return a ? &a->data() : nullptr;
}
const std::vector<std::pair<std::string, std::string>>* PairsOf(const Value& v) {
  if (v.kind() != Value::Kind::kObject) return nullptr;
  auto* a = dynamic_cast<const PairsObject*>(&v.AsObject());
  return a ? &a->pairs() : nullptr;
}
}  // namespace internal

}  // namespace ember::alerter
