#include "encoding.h"

#include <vector>

namespace ember::tsdb {

void PutFixed64BE(std::string* out, uint64_t v) {
  char buf[8];
  for (int i = 7; i >= 0; --i) {
    buf[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  out->append(buf, 8);
}

bool GetFixed64BE(std::string_view in, size_t* pos, uint64_t* v) {
  if (in.size() < *pos || in.size() - *pos < 8) return false;
  uint64_t r = 0;
  for (int i = 0; i < 8; ++i) r = (r << 8) | static_cast<uint8_t>(in[*pos + i]);
  *v = r;
  *pos += 8;
  return true;
}

void PutFixed64LE(std::string* out, uint64_t v) {
  char buf[8];
  for (int i = 0; i < 8; ++i) {
    buf[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  out->append(buf, 8);
}

bool GetFixed64LE(std::string_view in, size_t* pos, uint64_t* v) {
  if (in.size() < *pos || in.size() - *pos < 8) return false;
  uint64_t r = 0;
  for (int i = 7; i >= 0; --i) r = (r << 8) | static_cast<uint8_t>(in[*pos + i]);
  *v = r;
  *pos += 8;
  return true;
}

void PutUvarint(std::string* out, uint64_t v) {
  char buf[10];
  int n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out->append(buf, n);
}

void PutVarint(std::string* out, int64_t v) {
  PutUvarint(out, (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}

bool GetUvarint(std::string_view in, size_t* pos, uint64_t* v) {
  uint64_t r = 0;
  size_t p = *pos;
  for (int shift = 0; shift < 64; shift += 7) {
    if (p >= in.size()) return false;
    uint8_t b = static_cast<uint8_t>(in[p++]);
    if (shift == 63 && b > 1) return false;  // overflows 64 bits
    r |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (b < 0x80) {
      *v = r;
      *pos = p;
      return true;
    }
  }
  return false;
}

bool GetVarint(std::string_view in, size_t* pos, int64_t* v) {
  uint64_t u;
  if (!GetUvarint(in, pos, &u)) return false;
  *v = static_cast<int64_t>(u >> 1) ^ -static_cast<int64_t>(u & 1);
  return true;
}

void PackLabels(const Labels& labels, std::string* out) {
  PutUvarint(out, labels.size());
  for (const Label& l : labels) {
    PutUvarint(out, l.name.size());
    out->append(l.name);
    PutUvarint(out, l.value.size());
    out->append(l.value);
  }
}

std::string PackLabels(const Labels& labels) {
  std::string out;
  out.reserve(labels.ByteSize() + 2 * labels.size() + 1);
  PackLabels(labels, &out);
  return out;
}

namespace {

bool GetString(std::string_view in, size_t* pos, std::string* s) {
  uint64_t n;
  if (!GetUvarint(in, pos, &n) || n > in.size() - *pos) return false;
  s->assign(in.substr(*pos, n));
  *pos += n;
  return true;
}

}  // namespace

Result<Labels> UnpackLabels(std::string_view in, size_t* pos) {
  uint64_t count;
  // Each label takes at least two bytes, which bounds the count by the input.
  if (!GetUvarint(in, pos, &count) || count > (in.size() - *pos) / 2) {
    return Status::Corruption("packed labels: bad label count");
  }
  std::vector<Label> labels(count);
  for (Label& l : labels) {
    if (!GetString(in, pos, &l.name) || !GetString(in, pos, &l.value)) {
      return Status::Corruption("packed labels: truncated label");
    }
  }
  for (size_t i = 1; i < labels.size(); ++i) {
    if (!(labels[i - 1].name < labels[i].name)) return Status::Corruption("packed labels: not sorted");
  }
  return Labels::FromSorted(std::move(labels));
}

Result<Labels> UnpackLabels(std::string_view packed) {
  size_t pos = 0;
  EMBER_ASSIGN_OR_RETURN(Labels labels, UnpackLabels(packed, &pos));
  if (pos != packed.size()) return Status::Corruption("packed labels: trailing bytes");
  return labels;
}

}  // namespace ember::tsdb
