#include "nflog/nflog_codec.h"

#include "silence/binary_codec.h"

namespace ember::alerter {
namespace {

constexpr uint8_t kRecordEntry = 1;

Status Bad(std::string_view what) { return Status::Corruption("nflog record: " + std::string(what)); }

void PutFingerprints(BinaryWriter& w, const std::vector<uint64_t>& fps) {
  w.PutU32(static_cast<uint32_t>(fps.size()));
  for (uint64_t fp : fps) w.PutU64(fp);
}

bool GetFingerprints(BinaryReader& r, std::vector<uint64_t>& fps) {
  uint32_t n = 0;
  if (!r.GetU32(n) || n > r.remaining() / 8) return false;
  fps.resize(n);
  for (uint64_t& fp : fps) {
    if (!r.GetU64(fp)) return false;
  }
  return true;
}

}  // namespace

std::string EncodeNflogEntry(const NflogEntry& e) {
  BinaryWriter w;
  w.PutString(e.group_key);
  w.PutString(e.receiver.group_name);
  w.PutString(e.receiver.integration);
  w.PutU32(e.receiver.idx);
  w.PutI64(e.timestamp);
  w.PutI64(e.expires_at);
  PutFingerprints(w, e.firing_alerts);
  PutFingerprints(w, e.resolved_alerts);
  return std::move(w.out());
}

Result<NflogEntry> DecodeNflogEntry(std::string_view data) {
  BinaryReader r(data);
  NflogEntry e;
  if (!r.GetString(e.group_key) || !r.GetString(e.receiver.group_name) ||
      !r.GetString(e.receiver.integration) || !r.GetU32(e.receiver.idx) || !r.GetI64(e.timestamp) ||
      !r.GetI64(e.expires_at) || !GetFingerprints(r, e.firing_alerts) ||
      !GetFingerprints(r, e.resolved_alerts)) {
    return Bad("truncated");
  }
  if (!r.done()) return Bad("trailing bytes");
  return e;
}

std::string EncodeNflogLogRecord(const NflogEntry& entry) {
  std::string out(1, static_cast<char>(kRecordEntry));
  out += EncodeNflogEntry(entry);
  return out;
}

Result<NflogEntry> DecodeNflogLogRecord(std::string_view record) {
  if (record.empty()) return Bad("empty");
  if (static_cast<uint8_t>(record[0]) != kRecordEntry) return Bad("unknown kind");
  return DecodeNflogEntry(record.substr(1));
}

std::string EncodeNflogSnapshot(const std::vector<NflogEntry>& entries) {
  BinaryWriter w;
  w.PutU32(static_cast<uint32_t>(entries.size()));
  for (const NflogEntry& e : entries) w.PutString(EncodeNflogEntry(e));
  return std::move(w.out());
}

Result<std::vector<NflogEntry>> DecodeNflogSnapshot(std::string_view payload) {
  BinaryReader r(payload);
  uint32_t n = 0;
  if (!r.GetU32(n)) return Bad("snapshot truncated");
  if (n > r.remaining() / 4) return Bad("snapshot count too large");
  std::vector<NflogEntry> out;
  out.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    std::string_view one;
    if (!r.GetView(one)) return Bad("snapshot truncated");
    EMBER_ASSIGN_OR_RETURN(NflogEntry e, DecodeNflogEntry(one));
    out.push_back(std::move(e));
  }
  if (!r.done()) return Bad("snapshot trailing bytes");
  return out;
}

}  // namespace ember::alerter
