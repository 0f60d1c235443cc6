#include "silence/silence_codec.h"

#include "silence/binary_codec.h"

namespace ember::alerter {
namespace {

constexpr uint8_t kRecordSilence = 1;

Status Bad(std::string_view what) { return Status::Corruption("silence record: " + std::string(what)); }

}  // namespace

std::string EncodeSilence(const Silence& s) {
  BinaryWriter w;
  w.PutString(s.id);
  w.PutI64(s.starts_at);
  w.PutI64(s.ends_at);
  w.PutI64(s.updated_at);
  w.PutString(s.created_by);
  w.PutString(s.comment);
  w.PutU32(static_cast<uint32_t>(s.matchers.size()));
  for (const Matcher& m : s.matchers) {
    w.PutU8(static_cast<uint8_t>(m.type()));
    w.PutString(m.name());
    w.PutString(m.value());
  }
  return std::move(w.out());
}

Result<Silence> DecodeSilence(std::string_view data) {
  BinaryReader r(data);
  Silence s;
  uint32_t n = 0;
  if (!r.GetString(s.id) || !r.GetI64(s.starts_at) || !r.GetI64(s.ends_at) || !r.GetI64(s.updated_at) ||
      !r.GetString(s.created_by) || !r.GetString(s.comment) || !r.GetU32(n)) {
    return Bad("truncated");
  }
  // Each matcher takes at least 9 bytes: refuse counts the input cannot hold.
  if (n > r.remaining() / 9) return Bad("matcher count too large");
  s.matchers.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    uint8_t type = 0;
    std::string name;
    std::string value;
    if (!r.GetU8(type) || !r.GetString(name) || !r.GetString(value)) return Bad("truncated matcher");
    if (type > static_cast<uint8_t>(MatchType::kNotRegexp)) return Bad("unknown matcher type");
    auto m = Matcher::Make(static_cast<MatchType>(type), std::move(name), std::move(value));
    if (!m.ok()) return Bad(m.status().message());
    s.matchers.push_back(std::move(*m));
  }
  if (!r.done()) return Bad("trailing bytes");
  return s;
}

std::string EncodeSilenceLogRecord(const Silence& silence) {
  std::string out(1, static_cast<char>(kRecordSilence));
  out += EncodeSilence(silence);
  return out;
}

Result<Silence> DecodeSilenceLogRecord(std::string_view record) {
  if (record.empty()) return Bad("empty");
  if (static_cast<uint8_t>(record[0]) != kRecordSilence) return Bad("unknown kind");
  return DecodeSilence(record.substr(1));
}

std::string EncodeSilenceSnapshot(const std::vector<Silence>& silences) {
  BinaryWriter w;
  w.PutU32(static_cast<uint32_t>(silences.size()));
  for (const Silence& s : silences) w.PutString(EncodeSilence(s));
  return std::move(w.out());
}

Result<std::vector<Silence>> DecodeSilenceSnapshot(std::string_view payload) {
  BinaryReader r(payload);
  uint32_t n = 0;
  if (!r.GetU32(n)) return Bad("snapshot truncated");
  if (n > r.remaining() / 4) return Bad("snapshot count too large");
  std::vector<Silence> out;
  out.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    std::string_view one;
    if (!r.GetView(one)) return Bad("snapshot truncated");
    EMBER_ASSIGN_OR_RETURN(Silence s, DecodeSilence(one));
    out.push_back(std::move(s));
  }
  if (!r.done()) return Bad("snapshot trailing bytes");
  return out;
}

}  // namespace ember::alerter
