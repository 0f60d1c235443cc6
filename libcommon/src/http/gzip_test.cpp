#include "ember/http/gzip.h"

#include <catch2/catch.hpp>

namespace ember::http {
namespace {

std::string Repetitive(size_t n) {
  std::string s;
  while (s.size() < n)
    s += "up{job=\"node\",instance=\"10.0.0." + std::to_string(s.size() % 255) + ":9100\"} 1\n";
  return s.substr(0, n);
}

TEST_CASE("gzip round-trips and shrinks repetitive data", "[gzip]") {
  const std::string data = Repetitive(100000);
  auto compressed = GzipCompress(data);
  REQUIRE(compressed.ok());
  CHECK(compressed->size() < data.size() / 5);
  CHECK(static_cast<unsigned char>((*compressed)[0]) == 0x1f);
  CHECK(static_cast<unsigned char>((*compressed)[1]) == 0x8b);
  auto restored = GzipDecompress(*compressed, data.size());
  REQUIRE(restored.ok());
  CHECK(*restored == data);
  // The largest limit means none.
  auto unlimited = GzipDecompress(*compressed, SIZE_MAX);
  REQUIRE(unlimited.ok());
  CHECK(*unlimited == data);
}

TEST_CASE("gzip handles empty input and concatenated members", "[gzip]") {
  auto empty = GzipCompress("");
  REQUIRE(empty.ok());
  auto restored = GzipDecompress(*empty, 10);
  REQUIRE(restored.ok());
  CHECK(restored->empty());

  const std::string two = *GzipCompress("hello ") + *GzipCompress("world");
  auto joined = GzipDecompress(two, 100);
  REQUIRE(joined.ok());
  CHECK(*joined == "hello world");
}

TEST_CASE("gzip decompression enforces its output limit", "[gzip]") {
  const std::string data(1 << 20, 'a');
  const std::string compressed = *GzipCompress(data, 9);
  CHECK(GzipDecompress(compressed, data.size()).ok());
  auto limited = GzipDecompress(compressed, data.size() - 1);
  REQUIRE_FALSE(limited.ok());
  CHECK(limited.status().code() == StatusCode::kResourceExhausted);
}

TEST_CASE("gzip rejects corrupt and truncated input", "[gzip]") {
  const std::string compressed = *GzipCompress(Repetitive(5000));
  CHECK(GzipDecompress("not gzip at all", 1000).status().code() == StatusCode::kInvalidArgument);
  CHECK(GzipDecompress("", 1000).status().code() == StatusCode::kInvalidArgument);
  auto truncated = GzipDecompress(compressed.substr(0, compressed.size() / 2), 10000);
  CHECK(truncated.status().code() == StatusCode::kInvalidArgument);
  std::string flipped = compressed;
  flipped[flipped.size() - 6] ^= 0x55;  // inside the CRC-32 trailer
  CHECK(GzipDecompress(flipped, 10000).status().code() == StatusCode::kInvalidArgument);
  CHECK(GzipCompress("x", 10).status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ember::http
