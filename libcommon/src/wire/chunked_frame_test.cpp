#include <catch2/catch.hpp>
#include <string>

#include "ember/wire/remote_read.h"

namespace ember::wire {
namespace {

TEST_CASE("a chunked frame is uvarint size, big-endian CRC-32C, then the message") {
  // CRC-32C("123456789") is the standard check value 0xE3069283.
  std::string out;
  AppendChunkedFrame(out, "123456789");
  CHECK(out == std::string("\x09\xe3\x06\x92\x83"
                           "123456789",
                           14));

  // A 300-byte message: size 300 = 0xac 0x02 as a uvarint.
  std::string big;
  AppendChunkedFrame(big, std::string(300, 'x'));
  REQUIRE(big.size() == 2 + 4 + 300);
  CHECK(static_cast<uint8_t>(big[0]) == 0xac);
  CHECK(static_cast<uint8_t>(big[1]) == 0x02);

  // An empty message: size 0 and CRC 0.
  std::string empty;
  AppendChunkedFrame(empty, "");
  CHECK(empty == std::string(5, '\0'));
}

TEST_CASE("frames read back in order and end cleanly") {
  std::string stream;
  AppendChunkedFrame(stream, "first");
  AppendChunkedFrame(stream, "");
  AppendChunkedFrame(stream, std::string(1000, 'z'));
  ChunkedFrameReader reader(stream, 1000);
  auto a = reader.Next();
  REQUIRE(a.ok());
  CHECK(**a == "first");
  auto b = reader.Next();
  REQUIRE(b.ok());
  CHECK(**b == "");
  auto c = reader.Next();
  REQUIRE(c.ok());
  CHECK(**c == std::string(1000, 'z'));
  auto end = reader.Next();
  REQUIRE(end.ok());
  CHECK_FALSE(end->has_value());
  CHECK(reader.offset() == stream.size());
}

TEST_CASE("frame errors: CRC mismatch, truncation, oversize") {
  std::string stream;
  AppendChunkedFrame(stream, "first");
  AppendChunkedFrame(stream, "second");
  SECTION("a flipped message byte fails the CRC, and stays failed") {
    stream[stream.size() - 1] ^= 1;
    ChunkedFrameReader reader(stream, 100);
    REQUIRE(reader.Next().ok());
    auto r = reader.Next();
    CHECK(r.status().code() == StatusCode::kCorruption);
    CHECK(r.status().message() == "chunked frame at offset 10: CRC mismatch");
    CHECK(reader.Next().status() == r.status());
  }
  SECTION("truncated in the message") {
    ChunkedFrameReader reader(std::string_view(stream).substr(0, stream.size() - 1), 100);
    REQUIRE(reader.Next().ok());
    CHECK(reader.Next().status().code() == StatusCode::kCorruption);
  }
  SECTION("truncated in the checksum") {
    ChunkedFrameReader reader(std::string_view(stream).substr(0, 3), 100);
    CHECK(reader.Next().status().code() == StatusCode::kCorruption);
  }
  SECTION("truncated in the size") {
    ChunkedFrameReader reader(std::string_view("\x80", 1), 100);
    CHECK(reader.Next().status().code() == StatusCode::kCorruption);
  }
  SECTION("a size past the limit is refused before reading") {
    ChunkedFrameReader reader(stream, 5);
    REQUIRE(reader.Next().ok());
    auto r = reader.Next();
    CHECK(r.status().code() == StatusCode::kResourceExhausted);
  }
  SECTION("a huge claimed size") {
    ChunkedFrameReader reader(std::string_view("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 10), SIZE_MAX);
    CHECK(reader.Next().status().code() == StatusCode::kCorruption);
  }
}

}  // namespace
}  // namespace ember::wire
