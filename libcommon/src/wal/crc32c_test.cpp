#include "ember/wal/crc32c.h"

#include <string>

#include <catch2/catch.hpp>

namespace ember::wal {
namespace {

TEST_CASE("Crc32c matches the Castagnoli check value and RFC 3720 vectors") {
  CHECK(Crc32c("123456789") == 0xE3069283u);
  CHECK(Crc32c("") == 0u);
  CHECK(Crc32c(std::string(32, '\0')) == 0x8A9136AAu);
  CHECK(Crc32c(std::string(32, '\xFF')) == 0x62A8AB43u);
  std::string ascending;
  for (int i = 0; i < 32; ++i) ascending.push_back(static_cast<char>(i));
  CHECK(Crc32c(ascending) == 0x46DD794Eu);
}

TEST_CASE("Crc32cExtend continues a CRC across any split") {
  std::string data = "The quick brown fox jumps over the lazy dog, twice over.";
  for (size_t split = 0; split <= data.size(); ++split) {
    std::string_view v(data);
    CHECK(Crc32cExtend(Crc32c(v.substr(0, split)), v.substr(split)) == Crc32c(v));
  }
}

TEST_CASE("Crc32cExtend and the portable tables agree at every length and offset") {
  std::string data;
  for (int i = 0; i < 300; ++i) data.push_back(static_cast<char>(i * 131 + 7));
  for (size_t start = 0; start < 9; ++start) {
    for (size_t len = 0; start + len <= data.size(); len += 7) {
      std::string_view v(data.data() + start, len);
      CHECK(Crc32cExtend(0x12345678u, v) == Crc32cExtendPortable(0x12345678u, v));
    }
  }
}

}  // namespace
}  // namespace ember::wal
