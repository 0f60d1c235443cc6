// Little-endian encoding of the integers and length-prefixed strings the
// silence and notification-log files are made of (docs in README.md).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace ember::alerter {

class BinaryWriter {
 public:
  void PutU8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void PutU32(uint32_t v) {
    for (int i = 0; i < 4; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  void PutU64(uint64_t v) {
    for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  void PutI64(int64_t v) { PutU64(static_cast<uint64_t>(v)); }
  // u32 length, then the bytes.
  void PutString(std::string_view s) {
    PutU32(static_cast<uint32_t>(s.size()));
    out_.append(s);
  }
  std::string& out() { return out_; }

 private:
  std::string out_;
};

// Reads from a view it does not own. Every getter returns false, and leaves
// the reader failed, when the input is too short.
class BinaryReader {
 public:
  explicit BinaryReader(std::string_view in) : in_(in) {}

  bool GetU8(uint8_t& v) {
    if (!Need(1)) return false;
    v = static_cast<uint8_t>(in_[pos_++]);
    return true;
  }
  bool GetU32(uint32_t& v) {
    if (!Need(4)) return false;
    v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<uint8_t>(in_[pos_ + i])) << (8 * i);
    pos_ += 4;
    return true;
  }
  bool GetU64(uint64_t& v) {
    if (!Need(8)) return false;
    v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(in_[pos_ + i])) << (8 * i);
    pos_ += 8;
    return true;
  }
  bool GetI64(int64_t& v) {
    uint64_t u = 0;
    if (!GetU64(u)) return false;
    v = static_cast<int64_t>(u);
    return true;
  }
  bool GetString(std::string& s) {
    uint32_t n = 0;
    if (!GetU32(n) || !Need(n)) return false;
    s.assign(in_.substr(pos_, n));
    pos_ += n;
    return true;
  }
  bool GetView(std::string_view& s) {
    uint32_t n = 0;
    if (!GetU32(n) || !Need(n)) return false;
    s = in_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  size_t remaining() const { return in_.size() - pos_; }
  bool done() const { return pos_ == in_.size(); }

 private:
  bool Need(size_t n) {
    if (in_.size() - pos_ < n) {
      pos_ = in_.size();
      return false;
    }
    return true;
  }

  std::string_view in_;
  size_t pos_ = 0;
};

}  // namespace ember::alerter
