// A cursor over protobuf wire-format bytes that accepts and refuses exactly
// what protobuf 3.21's generated parsers do: tags of at most 5 bytes and not
// field 0, varints of at most 10 bytes (bits past the 64th dropped), lengths
// of at most 5 bytes below 2 GiB, wire types 6 and 7 refused, groups skipped
// only when closed by their own end tag and nested no deeper than the
// recursion budget. Private to src/wire; the hand-written WriteRequest decoder
// is built on it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace ember::wire::internal {

enum class WireType : uint32_t {
  kVarint = 0,
  kFixed64 = 1,
  kLen = 2,
  kStartGroup = 3,
  kEndGroup = 4,
  kFixed32 = 5
};

// protobuf's default recursion limit: a message parsed from a buffer starts
// with this budget, each nested message or group takes one.
inline constexpr int kRecursionBudget = 100;

class ProtoReader {
 public:
  explicit ProtoReader(std::string_view data) : data_(data) {}

  bool done() const { return pos_ == data_.size(); }
  size_t pos() const { return pos_; }

  // Reads a tag; false when truncated, longer than 5 bytes, or of field 0.
  // An end-group tag is returned as such: the caller decides.
  bool ReadTag(uint32_t* field, WireType* type) {
    if (pos_ < data_.size() && static_cast<uint8_t>(data_[pos_]) < 0x80) {  // fields 1-15
      const auto tag = static_cast<uint8_t>(data_[pos_++]);
      *field = tag >> 3u;
      *type = static_cast<WireType>(tag & 7u);
      return *field != 0;
    }
    uint32_t tag = 0;
    for (int i = 0; i < 5; ++i) {
      if (pos_ >= data_.size()) return false;
      const auto byte = static_cast<uint8_t>(data_[pos_++]);
      tag |= static_cast<uint32_t>(byte & 0x7f) << (7 * i);
      if (byte < 0x80) {
        *field = tag >> 3;
        *type = static_cast<WireType>(tag & 7);
        return *field != 0;
      }
    }
    return false;
  }

  bool ReadVarint(uint64_t* value) {
    if (pos_ < data_.size() && static_cast<uint8_t>(data_[pos_]) < 0x80) {
      *value = static_cast<uint8_t>(data_[pos_++]);
      return true;
    }
    uint64_t result = 0;
    for (int shift = 0; shift <= 63; shift += 7) {
      if (pos_ >= data_.size()) return false;
      const auto byte = static_cast<uint8_t>(data_[pos_++]);
      result |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (byte < 0x80) {
        *value = result;
        return true;
      }
    }
    return false;
  }

  bool ReadFixed64(uint64_t* value) {
    if (data_.size() - pos_ < 8) return false;
    std::memcpy(value, data_.data() + pos_, 8);  // little-endian hosts only, as protobuf's fast path
    pos_ += 8;
    return true;
  }

  // The payload of a length-delimited field.
  bool ReadLen(std::string_view* payload) {
    if (pos_ < data_.size() && static_cast<uint8_t>(data_[pos_]) < 0x80) {  // under 128 bytes
      const size_t size = static_cast<uint8_t>(data_[pos_++]);
      if (data_.size() - pos_ < size) return false;
      *payload = std::string_view(data_.data() + pos_, size);
      pos_ += size;
      return true;
    }
    uint32_t size = 0;
    for (int i = 0; i < 5; ++i) {
      if (pos_ >= data_.size()) return false;
      const auto byte = static_cast<uint8_t>(data_[pos_++]);
      if (i == 4 && byte >= 8) return false;  // 2 GiB or more
      size |= static_cast<uint32_t>(byte & 0x7f) << (7 * i);
      if (byte < 0x80) {
        if (data_.size() - pos_ < size) return false;
        *payload = std::string_view(data_.data() + pos_, size);
        pos_ += size;
        return true;
      }
    }
    return false;
  }

  // Skips the value of a field whose tag was just read, as protobuf keeps an
  // unknown field. `depth` is the recursion budget left in the enclosing
  // message. False on malformed input (a stray end-group tag included).
  bool Skip(uint32_t field, WireType type, int depth) {
    switch (type) {
      case WireType::kVarint: {
        uint64_t ignored;
        return ReadVarint(&ignored);
      }
      case WireType::kFixed64:
        return Advance(8);
      case WireType::kLen: {
        std::string_view ignored;
        return ReadLen(&ignored);
      }
      case WireType::kStartGroup:
        return SkipGroup(field, depth);
      case WireType::kFixed32:
        return Advance(4);
      case WireType::kEndGroup:
      default:
        return false;
    }
  }

 private:
  bool Advance(size_t n) {
    if (data_.size() - pos_ < n) return false;
    pos_ += n;
    return true;
  }

  // Skips fields up to and including the end-group tag of `field`.
  bool SkipGroup(uint32_t field, int depth) {
    if (--depth < 0) return false;
    for (;;) {
      uint32_t inner = 0;
      WireType type{};
      if (!ReadTag(&inner, &type)) return false;
      if (type == WireType::kEndGroup) return inner == field;
      if (!Skip(inner, type, depth)) return false;
    }
  }

  std::string_view data_;
  size_t pos_ = 0;
};

}  // namespace ember::wire::internal
