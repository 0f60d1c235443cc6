#include "wal_records.h"

#include <bit>

#include "encoding.h"

namespace ember::tsdb {

void EncodeWalSeries(std::span<const WalSeries> series, std::string* out) {
  out->push_back(static_cast<char>(WalRecordType::kSeries));
  PutUvarint(out, series.size());
  for (const WalSeries& s : series) {
    PutUvarint(out, s.id);
    PackLabels(s.labels, out);
  }
}

void EncodeWalSamples(std::span<const WalSample> samples, WalRecordType type, std::string* out) {
  out->reserve(out->size() + 4 + samples.size() * 12);
  out->push_back(static_cast<char>(type));
  PutUvarint(out, samples.size());
  // Ids and timestamps as deltas from the previous sample: a scrape's series
  // have neighbouring ids and equal timestamps, so most deltas take a byte.
  uint64_t prev_id = 0;
  int64_t prev_t = 0;
  for (const WalSample& s : samples) {
    PutVarint(out, static_cast<int64_t>(s.id - prev_id));
    PutVarint(out, static_cast<int64_t>(static_cast<uint64_t>(s.t) - static_cast<uint64_t>(prev_t)));
    PutFixed64LE(out, std::bit_cast<uint64_t>(s.v));
    prev_id = s.id;
    prev_t = s.t;
  }
}

Result<WalRecordType> WalRecordTypeOf(std::string_view record) {
  if (record.empty()) return Status::Corruption("wal record: empty");
  auto type = static_cast<WalRecordType>(record[0]);
  if (type != WalRecordType::kSeries && type != WalRecordType::kSamples &&
      type != WalRecordType::kOutOfOrderSamples) {
    return Status::Corruption("wal record: unknown type " + std::to_string(static_cast<uint8_t>(record[0])));
  }
  return type;
}

Status DecodeWalSeries(std::string_view record, std::vector<WalSeries>* out) {
  size_t pos = 1;
  uint64_t count;
  if (record.empty() || record[0] != static_cast<char>(WalRecordType::kSeries) ||
      !GetUvarint(record, &pos, &count) || count > record.size()) {
    return Status::Corruption("wal series record: bad header");
  }
  for (uint64_t i = 0; i < count; ++i) {
    WalSeries s;
    if (!GetUvarint(record, &pos, &s.id)) return Status::Corruption("wal series record: truncated id");
    EMBER_ASSIGN_OR_RETURN(s.labels, UnpackLabels(record, &pos));
    out->push_back(std::move(s));
  }
  if (pos != record.size()) return Status::Corruption("wal series record: trailing bytes");
  return Status::Ok();
}

Status DecodeWalSamples(std::string_view record, std::vector<WalSample>* out) {
  size_t pos = 1;
  uint64_t count;
  // A sample takes at least 10 bytes, which bounds the count by the input.
  if (record.empty() ||
      (record[0] != static_cast<char>(WalRecordType::kSamples) &&
       record[0] != static_cast<char>(WalRecordType::kOutOfOrderSamples)) ||
      !GetUvarint(record, &pos, &count) || count > record.size() / 10) {
    return Status::Corruption("wal samples record: bad header");
  }
  out->reserve(out->size() + count);
  uint64_t id = 0;
  int64_t t = 0;
  for (uint64_t i = 0; i < count; ++i) {
    int64_t did, dt;
    uint64_t bits;
    if (!GetVarint(record, &pos, &did) || !GetVarint(record, &pos, &dt) ||
        !GetFixed64LE(record, &pos, &bits)) {
      return Status::Corruption("wal samples record: truncated sample");
    }
    id += static_cast<uint64_t>(did);
    t = static_cast<int64_t>(static_cast<uint64_t>(t) + static_cast<uint64_t>(dt));
    out->push_back({id, t, std::bit_cast<double>(bits)});
  }
  if (pos != record.size()) return Status::Corruption("wal samples record: trailing bytes");
  return Status::Ok();
}

}  // namespace ember::tsdb
