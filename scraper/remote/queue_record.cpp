#include "remote/queue_record.h"

#include <bit>
#include <cstring>

#include "ember/wire/snappy.h"

namespace ember::scraper {
namespace {

constexpr uint8_t kFormatSnappyV1 = 1;
// A record never decompresses past this: the queue writes one commit per
// record, and a commit larger than this would not fit a remote write request.
constexpr size_t kMaxRawBytes = size_t{256} << 20;

void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void PutString(std::string* out, std::string_view s) {
  PutVarint(out, s.size());
  out->append(s);
}

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool Varint(uint64_t* v) {
    uint64_t result = 0;
    for (int shift = 0; shift < 64 && pos_ < data_.size(); shift += 7) {
      const auto byte = static_cast<uint8_t>(data_[pos_++]);
      result |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) {
        *v = result;
        return true;
      }
    }
    return false;
  }
  bool String(std::string* s) {
    uint64_t n;
    if (!Varint(&n) || n > data_.size() - pos_) return false;
    s->assign(data_.substr(pos_, n));
    pos_ += n;
    return true;
  }
  bool Fixed64(uint64_t* v) {
    if (data_.size() - pos_ < 8) return false;
    uint64_t x = 0;
    for (int i = 7; i >= 0; --i) x = (x << 8) | static_cast<uint8_t>(data_[pos_ + i]);
    pos_ += 8;
    *v = x;
    return true;
  }
  size_t remaining() const { return data_.size() - pos_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

}  // namespace

void EncodeQueueRecord(const std::vector<const Labels*>& series, const std::vector<QueueSample>& samples,
                       std::string* out) {
  thread_local std::string raw;
  raw.clear();
  PutVarint(&raw, series.size());
  for (const Labels* labels : series) {
    PutVarint(&raw, labels->size());
    for (const Label& l : *labels) {
      PutString(&raw, l.name);
      PutString(&raw, l.value);
    }
  }
  PutVarint(&raw, samples.size());
  int64_t prev_t = 0;
  for (const QueueSample& s : samples) {
    PutVarint(&raw, s.series);
    const int64_t delta = s.t - prev_t;
    PutVarint(&raw, (static_cast<uint64_t>(delta) << 1) ^ static_cast<uint64_t>(delta >> 63));
    prev_t = s.t;
    const uint64_t bits = std::bit_cast<uint64_t>(s.v);
    for (int i = 0; i < 8; ++i) raw.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
  }
  out->clear();
  out->push_back(static_cast<char>(kFormatSnappyV1));
  out->append(wire::SnappyCompress(raw));
}

Status DecodeQueueRecord(std::string_view record, QueueBatch* out) {
  out->series.clear();
  out->samples.clear();
  if (record.empty() || static_cast<uint8_t>(record[0]) != kFormatSnappyV1) {
    return Status::Corruption("remote write queue record: unknown format");
  }
  Result<std::string> raw = wire::SnappyUncompress(record.substr(1), kMaxRawBytes);
  if (!raw.ok()) return Status::Corruption("remote write queue record: " + raw.status().message());
  Reader r(*raw);
  auto bad = [](std::string_view what) {
    return Status::Corruption("remote write queue record: " + std::string(what));
  };
  uint64_t num_series;
  // Each series takes at least one byte: a count past the bytes left is bad.
  if (!r.Varint(&num_series) || num_series > r.remaining()) return bad("bad series count");
  out->series.reserve(num_series);
  std::vector<Label> labels;
  for (uint64_t i = 0; i < num_series; ++i) {
    uint64_t n;
    if (!r.Varint(&n) || n > r.remaining()) return bad("bad label count");
    labels.clear();
    labels.reserve(n);
    for (uint64_t j = 0; j < n; ++j) {
      Label l;
      if (!r.String(&l.name) || !r.String(&l.value)) return bad("truncated label");
      labels.push_back(std::move(l));
    }
    out->series.push_back(Labels::FromUnsorted(std::move(labels)));
    labels = {};
  }
  uint64_t num_samples;
  if (!r.Varint(&num_samples) || num_samples > r.remaining() / 10 + 1) return bad("bad sample count");
  out->samples.reserve(num_samples);
  int64_t t = 0;
  for (uint64_t i = 0; i < num_samples; ++i) {
    uint64_t series, zigzag, bits;
    if (!r.Varint(&series) || !r.Varint(&zigzag) || !r.Fixed64(&bits)) return bad("truncated sample");
    if (series >= out->series.size()) return bad("sample of an unknown series");
    t += static_cast<int64_t>((zigzag >> 1) ^ (~(zigzag & 1) + 1));
    out->samples.push_back({static_cast<uint32_t>(series), t, std::bit_cast<double>(bits)});
  }
  if (r.remaining() != 0) return bad("trailing bytes");
  return Status::Ok();
}

}  // namespace ember::scraper
