#include "ember/tsdb/xor_chunk.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

namespace ember::tsdb {
namespace {

constexpr uint64_t kStaleNaN = 0x7ff0000000000002;  // Prometheus's stale marker

double FromBits(uint64_t bits) { return std::bit_cast<double>(bits); }
uint64_t ToBits(double v) { return std::bit_cast<uint64_t>(v); }

// Packs a string of '0'/'1' (other characters ignored, so fields can be
// separated by spaces) into bytes, most significant bit first, zero-padded.
std::string Bits(std::string_view pattern) {
  std::string out;
  int used = 8;
  for (char c : pattern) {
    if (c != '0' && c != '1') continue;
    if (used == 8) {
      out.push_back('\0');
      used = 0;
    }
    if (c == '1') out.back() = static_cast<char>(static_cast<uint8_t>(out.back()) | (0x80 >> used));
    ++used;
  }
  return out;
}

// The low `width` bits of `value` as a '0'/'1' string.
std::string BitString(uint64_t value, int width) {
  std::string out;
  for (int i = width - 1; i >= 0; --i) out.push_back(((value >> i) & 1) != 0 ? '1' : '0');
  return out;
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    const auto b = static_cast<uint8_t>(c);
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
    out += ' ';
  }
  return out;
}

std::string Encode(const std::vector<XorSample>& samples) {
  XorAppender app;
  for (const XorSample& s : samples) {
    const Status st = app.Append(s.t, s.v);
    REQUIRE(st.ok());
  }
  REQUIRE(app.num_samples() == samples.size());
  return std::string(app.bytes());
}

// Decodes with DecodeXorChunk and with a hand-driven iterator and checks both
// give back exactly `samples`, values compared as bit patterns.
void CheckDecodesTo(std::string_view bytes, const std::vector<XorSample>& samples) {
  auto decoded = DecodeXorChunk(bytes);
  REQUIRE(decoded.ok());
  REQUIRE(decoded->size() == samples.size());
  for (size_t i = 0; i < samples.size(); ++i) {
    INFO("sample " << i);
    REQUIRE((*decoded)[i].t == samples[i].t);
    REQUIRE(ToBits((*decoded)[i].v) == ToBits(samples[i].v));
  }
  XorIterator it(bytes);
  size_t n = 0;
  while (it.Next()) {
    REQUIRE(n < samples.size());
    REQUIRE(it.t() == samples[n].t);
    REQUIRE(ToBits(it.v()) == ToBits(samples[n].v));
    ++n;
  }
  REQUIRE(it.status().ok());
  REQUIRE(n == samples.size());
  REQUIRE(!it.Next());
}

void CheckRoundTrip(const std::vector<XorSample>& samples) {
  const std::string bytes = Encode(samples);
  REQUIRE(bytes.size() >= 2);
  REQUIRE(((static_cast<uint8_t>(bytes[0]) << 8) | static_cast<uint8_t>(bytes[1])) ==
          static_cast<int>(samples.size()));
  CheckDecodesTo(bytes, samples);
}

// ---------------------------------------------------------------------------
// Golden bytes, written from docs/format/xor_chunk.md rather than the encoder.

TEST_CASE("an empty chunk is its two-byte header") {
  XorChunk chunk;
  CHECK(chunk.bytes() == std::string(2, '\0'));
  CHECK(chunk.num_samples() == 0);
  auto it = chunk.Iterator();
  CHECK(!it.Next());
  CHECK(it.status().ok());
  CHECK(XorAppender().bytes() == chunk.bytes());
}

TEST_CASE("golden: two and three samples, byte by byte") {
  // Header 00 02; t=1000 zig-zags to 2000 = varint d0 0f; 1.0 = 3ff0000000000000;
  // delta 15000 = uvarint 98 75; an unchanged value is one 0 bit, padded to 00.
  const std::string two = {0x00, 0x02, '\xd0', 0x0f, 0x3f, '\xf0', 0, 0, 0, 0, 0, 0, '\x98', 0x75, 0x00};
  CHECK(Hex(Encode({{1000, 1.0}, {16000, 1.0}})) == Hex(two));
  CheckDecodesTo(two, {{1000, 1.0}, {16000, 1.0}});

  // Third sample t=31000 (delta-of-delta 0: bit 0), 2.0: XOR 7ff0000000000000,
  // 1 leading and 52 trailing zeros, a new window: 1 1 00001 001011 11111111111.
  // Bits after the uvarint: 0 | 0 11 00001 001011 11111111111 -> 30 97 ff c0.
  const std::string three = {0x00, 0x03, '\xd0', 0x0f,   0x3f, '\xf0', 0,      0,      0,
                             0,    0,    0,      '\x98', 0x75, 0x30,   '\x97', '\xff', '\xc0'};
  CHECK(Hex(Encode({{1000, 1.0}, {16000, 1.0}, {31000, 2.0}})) == Hex(three));
  CheckDecodesTo(three, {{1000, 1.0}, {16000, 1.0}, {31000, 2.0}});
}

TEST_CASE("golden: timestamp buckets, window reuse and the stale marker") {
  const std::vector<XorSample> samples = {
      {1000, 1.0},                    // first
      {16000, 1.0},                   // delta 15000
      {31000, 2.0},                   // dod 0
      {54192, 3.0},                   // dod +8192: the top of the 14-bit bucket
      {69192, FromBits(kStaleNaN)},   // dod -8192: just outside it, 17 bits
      {684192, FromBits(kStaleNaN)},  // dod +600000: beyond 20 bits, 64 bits
      {774905, 4.0},                  // dod -524287: the bottom of the 20-bit bucket
  };
  const std::string expected = Bits(
      "00000000 00000111"  // header: 7 samples
      "11010000 00001111"  // varint(1000): zig-zag 2000 = 0x7d0 -> d0 0f
      "0011111111110000 0000000000000000 0000000000000000 0000000000000000"  // 1.0
      "10011000 01110101"                                                    // uvarint(15000) -> 98 75
      "0"                                                                    // 1.0 again
      // 3: dod 0; 2.0 XOR 1.0 = 7ff0000000000000: new window, 1 leading, 11 significant.
      "0  1 1 00001 001011 11111111111"
      // 4: dod 8192 in 14 bits; 3.0 XOR 2.0 = 0008000000000000: 12 leading, 51 trailing;
      // the trailing zeros do not fit the old window (52), so a new one of 1 bit.
      "10 10000000000000  1 1 01100 000001 1"
      // 5: dod -8192 in 17 bits (2^17 - 8192 = 122880); stale XOR 3.0 = 3ff8000000000002:
      // 2 leading, 1 trailing, new window of 61 bits: 1ffc000000000001 without its top 3 bits.
      "110 11110000000000000  1 1 00010 111101"
      "1111111111100 000000000000000000000000000000000000000000000001"
      // 6: dod 600000 in 64 bits; the stale marker again.
      "1111 0000000000000000000000000000000000000000000010010010011111000000  0"
      // 7: dod -524287 in 20 bits (2^20 - 524287 = 524289); 4.0 XOR stale = 3fe0000000000002:
      // 2 leading, 1 trailing fits the window: reuse it, 61 bits of 1ff0000000000001.
      "1110 10000000000000000001  1 0"
      "1111111110000 000000000000000000000000000000000000000000000001");
  CHECK(Hex(Encode(samples)) == Hex(expected));
  CheckDecodesTo(expected, samples);
}

TEST_CASE("golden: the edges of every delta-of-delta bucket") {
  // t = 0, 1000000, 2000000 + dod with value 0.0 throughout, so each value is a 0 bit.
  struct Case {
    int64_t dod;
    std::string bits;
  };
  const std::vector<Case> cases = {
      {0, "0"},
      {1, "10 " + BitString(1, 14)},
      {-1, "10 " + BitString(16384 - 1, 14)},
      {8192, "10 " + BitString(8192, 14)},
      {-8191, "10 " + BitString(16384 - 8191, 14)},
      {8193, "110 " + BitString(8193, 17)},
      {-8192, "110 " + BitString(131072 - 8192, 17)},
      {65536, "110 " + BitString(65536, 17)},
      {-65535, "110 " + BitString(131072 - 65535, 17)},
      {65537, "1110 " + BitString(65537, 20)},
      {-65536, "1110 " + BitString(1048576 - 65536, 20)},
      {524288, "1110 " + BitString(524288, 20)},
      {-524287, "1110 " + BitString(1048576 - 524287, 20)},
      {524289, "1111 " + BitString(524289, 64)},
      {-524288, "1111 " + BitString(static_cast<uint64_t>(int64_t{-524288}), 64)},
  };
  for (const Case& c : cases) {
    INFO("dod " << c.dod);
    const std::vector<XorSample> samples = {{0, 0.0}, {1'000'000, 0.0}, {2'000'000 + c.dod, 0.0}};
    const std::string expected = Bits(
        "00000000 00000011"                                                    // 3 samples
        "00000000"                                                             // varint(0)
        "0000000000000000 0000000000000000 0000000000000000 0000000000000000"  // 0.0
        "11000000 10000100 00111101"                                           // uvarint(1000000) -> c0 84 3d
        "0" +                                                                  // 0.0 again
        c.bits +
        "0");
    CHECK(Hex(Encode(samples)) == Hex(expected));
    CheckDecodesTo(expected, samples);
  }
}

TEST_CASE("golden: negative first timestamp and a 64-bit value window") {
  // t=-1 zig-zags to 1; delta 1. 0.0 XOR 8000000000000001 has no leading or
  // trailing zeros: 64 significant bits, written as 000000.
  const std::vector<XorSample> samples = {{-1, 0.0}, {0, FromBits(0x8000000000000001)}};
  const std::string expected = Bits(
      "00000000 00000010 00000001"
      "0000000000000000 0000000000000000 0000000000000000 0000000000000000"
      "00000001"
      "1 1 00000 000000 1000000000000000000000000000000000000000000000000000000000000001");
  CHECK(Hex(Encode(samples)) == Hex(expected));
  CheckDecodesTo(expected, samples);
}

TEST_CASE("golden: leading zeros are clamped to 31") {
  // 1.0 XOR (1.0 with its lowest bit set) = 1: 63 leading zeros, written as 31,
  // so the window carries 33 bits.
  const std::vector<XorSample> samples = {{0, 1.0}, {1, FromBits(0x3ff0000000000001)}};
  const std::string expected = Bits(
      "00000000 00000010 00000000"
      "0011111111110000 0000000000000000 0000000000000000 0000000000000000"
      "00000001"
      "1 1 11111 100001 000000000000000000000000000000001");
  CHECK(Hex(Encode(samples)) == Hex(expected));
  CheckDecodesTo(expected, samples);
}

// ---------------------------------------------------------------------------
// Round trips of generated series.

enum class Shape { kCounter, kGauge, kIrregular, kSpecial, kRawBits, kJumps };

struct SeriesOptions {
  Shape shape = Shape::kCounter;
  int64_t start_ms = 1'700'000'000'000;
  int64_t interval_ms = 15'000;
  int64_t jitter_ms = 0;  // each timestamp moves by up to this much either way
};

std::vector<XorSample> Generate(std::mt19937_64& rng, size_t n, const SeriesOptions& opt) {
  std::vector<XorSample> out;
  std::uniform_int_distribution<int64_t> jitter(-opt.jitter_ms, opt.jitter_ms);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::poisson_distribution<int> requests(40);
  std::normal_distribution<double> step(0.0, 1.5);
  int64_t t = opt.start_ms;
  double v = std::floor(unit(rng) * 1e5);
  for (size_t i = 0; i < n; ++i) {
    switch (opt.shape) {
      case Shape::kCounter:
        // Requests counted per scrape, with a rare reset.
        v = unit(rng) < 0.005 ? 0 : v + requests(rng);
        break;
      case Shape::kGauge:
        // A temperature-like reading kept to two decimals.
        v = std::round((v + step(rng)) * 100) / 100;
        break;
      case Shape::kIrregular:
        v = std::round(unit(rng) * 1000) / 8;
        break;
      case Shape::kSpecial: {
        const double specials[] = {FromBits(kStaleNaN),
                                   std::numeric_limits<double>::quiet_NaN(),
                                   FromBits(0xfff8000000000001),
                                   FromBits(0x7ff4000000000abc),  // signalling NaN with a payload
                                   std::numeric_limits<double>::infinity(),
                                   -std::numeric_limits<double>::infinity(),
                                   -0.0,
                                   0.0,
                                   std::numeric_limits<double>::denorm_min(),
                                   std::numeric_limits<double>::max(),
                                   std::numeric_limits<double>::lowest(),
                                   v + 1};
        v = specials[rng() % std::size(specials)];
        break;
      }
      case Shape::kRawBits:
        v = FromBits(rng());
        break;
      case Shape::kJumps:
        v = unit(rng) < 0.2 ? FromBits(rng()) : v * 1e100 + 1;
        break;
    }
    out.push_back({t + jitter(rng), v});
    int64_t next = opt.interval_ms;
    if (opt.shape == Shape::kIrregular) next = 1 + static_cast<int64_t>(rng() % 3'600'000);
    if (opt.shape == Shape::kJumps && unit(rng) < 0.3)
      next = static_cast<int64_t>(rng() >> (rng() % 62 + 2)) + 1;
    // Jumps may be up to 2^62 ms; stop jumping rather than leave the int64 range.
    if (next > std::numeric_limits<int64_t>::max() / 2 - t) next = opt.interval_ms;
    t += next;
  }
  // Jitter can reorder neighbours when it exceeds half the interval; keep time increasing.
  for (size_t i = 1; i < out.size(); ++i) {
    if (out[i].t <= out[i - 1].t) out[i].t = out[i - 1].t + 1;
  }
  return out;
}

TEST_CASE("random series round-trip bit for bit") {
  const std::vector<std::pair<const char*, SeriesOptions>> kinds = {
      {"counter", {Shape::kCounter}},
      {"counter with jitter", {Shape::kCounter, 1'700'000'000'000, 15'000, 5}},
      {"gauge", {Shape::kGauge}},
      {"gauge with jitter", {Shape::kGauge, 1'700'000'000'000, 15'000, 50}},
      {"irregular intervals", {Shape::kIrregular}},
      {"NaN, stale markers, infinities", {Shape::kSpecial, 0, 1'000, 3}},
      {"raw bit patterns", {Shape::kRawBits, 0, 10, 4}},
      {"negative timestamps", {Shape::kGauge, -86'400'000'000, 60'000, 1'000}},
      {"large jumps", {Shape::kJumps, -4'000'000'000'000'000'000, 15'000, 0}},
  };
  for (const auto& [name, options] : kinds) {
    for (uint64_t seed = 1; seed <= 20; ++seed) {
      for (size_t n : {size_t{1}, size_t{2}, size_t{3}, size_t{120}, size_t{1000}}) {
        INFO(name << " seed " << seed << " n " << n);
        std::mt19937_64 rng(seed);
        CheckRoundTrip(Generate(rng, n, options));
      }
    }
  }
}

TEST_CASE("timestamps across the whole int64 range round-trip") {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  CheckRoundTrip({{kMin, 1}, {kMax, 2}});
  CheckRoundTrip({{kMin, 1}, {kMin + 1, 2}, {kMax, 3}});
  CheckRoundTrip({{kMin, 1}, {-1, 2}, {0, 3}, {1, 4}, {kMax - 1, 5}, {kMax, 6}});
  CheckRoundTrip({{-5, 0}, {kMax, 0}});
}

TEST_CASE("a chunk can hold 65535 samples and no more") {
  XorAppender app;
  for (int64_t i = 0; i < static_cast<int64_t>(kXorChunkMaxSamples); ++i) {
    REQUIRE(app.Append(i * 15'000, static_cast<double>(i)).ok());
  }
  const Status full = app.Append(kXorChunkMaxSamples * 15'000, 0);
  CHECK(full.code() == StatusCode::kResourceExhausted);
  CHECK(app.num_samples() == kXorChunkMaxSamples);
  const XorChunk chunk = app.Chunk();
  CHECK(chunk.num_samples() == kXorChunkMaxSamples);
  auto decoded = DecodeXorChunk(chunk.bytes());
  REQUIRE(decoded.ok());
  REQUIRE(decoded->size() == kXorChunkMaxSamples);
  CHECK(decoded->back().t == (static_cast<int64_t>(kXorChunkMaxSamples) - 1) * 15'000);
}

TEST_CASE("the appender refuses samples out of time order and stays usable") {
  XorAppender app;
  REQUIRE(app.Append(1000, 1).ok());
  const std::string before(app.bytes());
  const Status same = app.Append(1000, 2);
  CHECK(same.code() == StatusCode::kInvalidArgument);
  CHECK(same.message() == "xor chunk: sample at 1000 ms is not after the previous one at 1000 ms");
  CHECK(app.Append(999, 2).code() == StatusCode::kInvalidArgument);
  CHECK(app.bytes() == before);
  REQUIRE(app.Append(2000, 2).ok());
  CheckDecodesTo(app.bytes(), {{1000, 1}, {2000, 2}});
}

TEST_CASE("a chunk taken from the appender does not change with later appends") {
  XorAppender app;
  REQUIRE(app.Append(1, 1).ok());
  REQUIRE(app.Append(2, 2).ok());
  const XorChunk snapshot = app.Chunk();
  REQUIRE(app.Append(3, 3).ok());
  CHECK(snapshot.num_samples() == 2);
  CheckDecodesTo(snapshot.bytes(), {{1, 1}, {2, 2}});
  CheckDecodesTo(app.Chunk().bytes(), {{1, 1}, {2, 2}, {3, 3}});
}

TEST_CASE("Seek moves to the first sample at or after a time") {
  const std::string bytes = Encode({{10, 1}, {20, 2}, {30, 3}, {45, 4}});
  XorIterator it(bytes);
  REQUIRE(it.Seek(0));
  CHECK(it.t() == 10);
  REQUIRE(it.Seek(10));
  CHECK(it.t() == 10);
  REQUIRE(it.Seek(21));
  CHECK(it.t() == 30);
  CHECK(it.v() == 3);
  REQUIRE(it.Seek(25));  // already past: stays
  CHECK(it.t() == 30);
  REQUIRE(it.Seek(45));
  CHECK(it.t() == 45);
  CHECK(!it.Seek(46));
  CHECK(it.status().ok());
}

// ---------------------------------------------------------------------------
// Damaged input.

TEST_CASE("every truncation of a chunk is reported as corruption") {
  std::mt19937_64 rng(7);
  for (Shape shape : {Shape::kCounter, Shape::kGauge, Shape::kRawBits, Shape::kJumps}) {
    const std::string bytes = Encode(Generate(rng, 50, {shape}));
    for (size_t len = 0; len < bytes.size(); ++len) {
      INFO("shape " << static_cast<int>(shape) << " length " << len << " of " << bytes.size());
      auto decoded = DecodeXorChunk(std::string_view(bytes).substr(0, len));
      REQUIRE(!decoded.ok());
      CHECK(decoded.status().code() == StatusCode::kCorruption);
    }
  }
}

TEST_CASE("a header shorter than two bytes is corruption") {
  CHECK(XorChunk::FromBytes("").status().code() == StatusCode::kCorruption);
  CHECK(XorChunk::FromBytes(std::string(1, '\0')).status().code() == StatusCode::kCorruption);
  XorIterator it(std::string_view("\x01", 1));
  CHECK(!it.Next());
  CHECK(it.status() == Status::Corruption("xor chunk: 1 bytes, shorter than its 2-byte header"));
  auto chunk = XorChunk::FromBytes(Encode({{1, 1}, {2, 2}}));
  REQUIRE(chunk.ok());
  CHECK(chunk->num_samples() == 2);
}

TEST_CASE("a header counting more samples than the body holds is corruption") {
  std::string bytes = Encode({{1000, 1.0}, {16000, 1.0}, {31000, 2.0}});
  bytes[1] = 10;
  XorIterator it(bytes);
  size_t n = 0;
  while (it.Next()) ++n;
  // As in Prometheus, the six zero bits padding the last byte read as three
  // more samples repeating the last delta and value; the seventh runs out.
  CHECK(n == 6);
  CHECK(it.status() == Status::Corruption("xor chunk: sample 7 of 10: truncated timestamp"));
  // The samples read stay readable up to the damage.
  CHECK(it.t() == 76000);
  CHECK(it.v() == 2.0);
}

TEST_CASE("after damage the last good sample stays current") {
  // Cut inside the third sample's value: its timestamp decodes, its value does not.
  const std::string bytes = Encode({{1000, 1.0}, {16000, 1.0}, {31000, 2.0}});
  XorIterator it(std::string_view(bytes).substr(0, bytes.size() - 1));
  REQUIRE(it.Next());
  REQUIRE(it.Next());
  CHECK(!it.Next());
  CHECK(it.status() == Status::Corruption("xor chunk: sample 3 of 3: truncated value"));
  CHECK(it.t() == 16000);
  CHECK(it.v() == 1.0);
  CHECK(it.num_read() == 2);
  CHECK(!it.Next());
}

TEST_CASE("bytes after the counted samples are ignored") {
  // Prometheus releases before 3.0 sometimes end a chunk with an extra zero byte.
  const std::vector<XorSample> samples = {{1000, 1.0}, {16000, 1.0}, {31000, 2.0}};
  CheckDecodesTo(Encode(samples) + std::string(1, '\0'), samples);
  CheckDecodesTo(Encode(samples) + "garbage", samples);
}

TEST_CASE("a varint longer than 64 bits is corruption") {
  std::string bytes = {0x00, 0x01};
  bytes += std::string(10, '\xff');
  bytes += std::string(16, '\0');
  auto decoded = DecodeXorChunk(bytes);
  CHECK(decoded.status() ==
        Status::Corruption("xor chunk: sample 1 of 1: varint timestamp overflows 64 bits"));
  // Ten bytes whose last carries more than one bit overflow too.
  bytes = {0x00, 0x01};
  bytes += std::string(9, '\x80');
  bytes += '\x02';
  bytes += std::string(8, '\0');
  CHECK(DecodeXorChunk(bytes).status().code() == StatusCode::kCorruption);
}

TEST_CASE("a value window wider than 64 bits is corruption") {
  // Two samples; the second value opens a window of 31 leading and 40
  // significant bits, which no encoder writes.
  const std::string bytes = Bits(
      "00000000 00000010 00000000"
      "0000000000000000 0000000000000000 0000000000000000 0000000000000000"
      "00000001"
      "1 1 11111 101000 1111111111111111111111111111111111111111");
  auto decoded = DecodeXorChunk(bytes);
  CHECK(decoded.status() ==
        Status::Corruption(
            "xor chunk: sample 2 of 2: value window of 31 leading and 40 significant bits exceeds 64"));
}

TEST_CASE("random bytes never decode past their end") {
  // ASan builds check the bound; here every outcome must be OK or Corruption.
  std::mt19937_64 rng(99);
  for (int round = 0; round < 20000; ++round) {
    std::string bytes(rng() % 40, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    if (bytes.size() >= 2) bytes[0] = 0;
    auto decoded = DecodeXorChunk(bytes);
    if (!decoded.ok()) REQUIRE(decoded.status().code() == StatusCode::kCorruption);
  }
}

// ---------------------------------------------------------------------------
// Size, reported rather than asserted tightly: the figure goes in the issue note.

double BytesPerSample(Shape shape, int64_t jitter_ms) {
  std::mt19937_64 rng(2024);
  size_t bytes = 0;
  size_t samples = 0;
  for (int chunk = 0; chunk < 200; ++chunk) {
    const auto series = Generate(rng, 120, {shape, 1'700'000'000'000, 15'000, jitter_ms});
    bytes += Encode(series).size();
    samples += series.size();
  }
  return static_cast<double>(bytes) / static_cast<double>(samples);
}

TEST_CASE("bytes per sample at a 15 s interval, 120-sample chunks") {
  const double counter = BytesPerSample(Shape::kCounter, 0);
  const double counter_jitter = BytesPerSample(Shape::kCounter, 5);
  const double gauge = BytesPerSample(Shape::kGauge, 0);
  const double gauge_jitter = BytesPerSample(Shape::kGauge, 5);
  std::printf(
      "xor chunk bytes/sample (15 s, 120 samples): counter %.3f, counter +-5ms jitter %.3f, "
      "gauge %.3f, gauge +-5ms jitter %.3f\n",
      counter, counter_jitter, gauge, gauge_jitter);
  // Raw samples take 16 bytes. A gauge with two decimals has a noisy mantissa
  // (0.01 is not binary) and so compresses far less than a counter.
  CHECK(counter < 4);
  CHECK(gauge < 10);
}

}  // namespace
}  // namespace ember::tsdb
