// Go's encoding/json output for the payloads the notifiers send: strings
// escaped as Go escapes them (", \, control characters, and <, >, &, U+2028,
// U+2029 as \u escapes; invalid UTF-8 as \ufffd), objects written field by
// field in the order the caller gives (Go's struct field order).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "notify/template_data.h"

namespace ember::alerter::json {

void AppendString(std::string& out, std::string_view s);

// Go's time.Time MarshalJSON in UTC: RFC 3339 with trailing-zero-trimmed
// nanoseconds, "0001-01-01T00:00:00Z" for kZeroTime.
std::string Rfc3339Nano(int64_t unix_nanos);

// Writes one JSON value; Begin/End pairs nest. Keys and commas are handled.
class Writer {
 public:
  Writer& BeginObject();
  Writer& EndObject();
  Writer& BeginArray();
  Writer& EndArray();
  Writer& Key(std::string_view key);
  Writer& String(std::string_view s);
  Writer& Raw(std::string_view json);  // an already encoded value
  Writer& Int(int64_t v);
  Writer& Uint(uint64_t v);
  Writer& Bool(bool v);
  Writer& KVObject(const KV& kv);
  Writer& StringArray(const std::vector<std::string>& items);
  // Go's encoder ends with a newline.
  std::string Finish() { return std::move(out_) + "\n"; }
  const std::string& str() const { return out_; }

 private:
  void Sep();
  std::string out_;
  std::vector<bool> first_;  // per open container: nothing written yet
  bool after_key_ = false;
};

// An alert as upstream's template.Alert marshals.
void WriteAlert(Writer& w, const NotifyAlert& a);

}  // namespace ember::alerter::json
