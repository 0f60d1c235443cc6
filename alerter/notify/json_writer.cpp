#include "notify/json_writer.h"

#include "ember/base/strings.h"
#include "ember/template/time_value.h"

namespace ember::alerter::json {

void AppendString(std::string& out, std::string_view s) { AppendGoJsonString(out, s); }

std::string Rfc3339Nano(int64_t unix_nanos) {
  if (unix_nanos == kZeroTime) return "0001-01-01T00:00:00Z";
  return tmpl::FormatGoTime(unix_nanos, "2006-01-02T15:04:05.999999999Z07:00");
}

void Writer::Sep() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_.push_back(',');
    first_.back() = false;
  }
}

Writer& Writer::BeginObject() {
  Sep();
  out_.push_back('{');
  first_.push_back(true);
  return *this;
}
Writer& Writer::EndObject() {
  out_.push_back('}');
  first_.pop_back();
  return *this;
}
Writer& Writer::BeginArray() {
  Sep();
  out_.push_back('[');
  first_.push_back(true);
  return *this;
}
Writer& Writer::EndArray() {
  out_.push_back(']');
  first_.pop_back();
  return *this;
}
Writer& Writer::Key(std::string_view key) {
  Sep();
  AppendString(out_, key);
  out_.push_back(':');
  after_key_ = true;
  return *this;
}
Writer& Writer::String(std::string_view s) {
  Sep();
  AppendString(out_, s);
  return *this;
}
Writer& Writer::Raw(std::string_view json) {
  Sep();
  out_ += json;
  return *this;
}
Writer& Writer::Int(int64_t v) {
  Sep();
  out_ += std::to_string(v);
  return *this;
}
Writer& Writer::Uint(uint64_t v) {
  Sep();
  out_ += std::to_string(v);
  return *this;
}
Writer& Writer::Bool(bool v) {
  Sep();
  out_ += v ? "true" : "false";
  return *this;
}
Writer& Writer::KVObject(const KV& kv) {
  BeginObject();
  for (const auto& [k, v] : kv) Key(k).String(v);
  return EndObject();
}
Writer& Writer::StringArray(const std::vector<std::string>& items) {
  BeginArray();
  for (const auto& s : items) String(s);
  return EndArray();
}

void WriteAlert(Writer& w, const NotifyAlert& a) {
  w.BeginObject();
  w.Key("status").String(a.status);
  w.Key("labels").KVObject(a.labels);
  w.Key("annotations").KVObject(a.annotations);
  w.Key("startsAt").String(Rfc3339Nano(a.starts_at));
  w.Key("endsAt").String(Rfc3339Nano(a.ends_at));
  w.Key("generatorURL").String(a.generator_url);
  w.Key("fingerprint").String(a.fingerprint);
  w.EndObject();
}

}  // namespace ember::alerter::json
