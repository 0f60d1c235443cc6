#include "dense_chunk.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "ember/tsdb/xor_chunk.h"

namespace ember::tsdb {
namespace {

constexpr int64_t kStart = 1'700'000'000'000;  // a realistic epoch time in ms
constexpr int64_t kScrape = 15'000;

double FromBits(uint64_t bits) { return std::bit_cast<double>(bits); }
uint64_t ToBits(double v) { return std::bit_cast<uint64_t>(v); }

std::string FromHex(std::string_view hex) {
  std::string out;
  int nibbles = 0;
  for (char c : hex) {
    int d = -1;
    if (c >= '0' && c <= '9') d = c - '0';
    if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    if (d < 0) continue;
    if (nibbles++ % 2 == 0) {
      out.push_back(static_cast<char>(d << 4));
    } else {
      out.back() = static_cast<char>(static_cast<uint8_t>(out.back()) | d);
    }
  }
  return out;
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    const auto b = static_cast<uint8_t>(c);
    if (!out.empty()) out += ' ';
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

void CheckDecodesTo(std::string_view bytes, const std::vector<Sample>& samples) {
  std::vector<Sample> decoded;
  const Status st = DecodeDenseChunk(bytes, &decoded);
  INFO(st.ToString());
  REQUIRE(st.ok());
  REQUIRE(decoded.size() == samples.size());
  for (size_t i = 0; i < samples.size(); ++i) {
    INFO("sample " << i);
    REQUIRE(decoded[i].t == samples[i].t);
    REQUIRE(ToBits(decoded[i].v) == ToBits(samples[i].v));
  }
}

std::string CheckRoundTrip(const std::vector<Sample>& samples) {
  const std::string bytes = EncodeDenseChunk(samples);
  CheckDecodesTo(bytes, samples);
  auto n = DenseChunkNumSamples(bytes);
  REQUIRE(n.ok());
  CHECK(*n == samples.size());
  auto min_time = DenseChunkMinTime(bytes);
  auto max_time = DenseChunkMaxTime(bytes);
  REQUIRE(min_time.ok());
  REQUIRE(max_time.ok());
  CHECK(*min_time == samples.front().t);
  CHECK(*max_time == samples.back().t);
  return bytes;
}

std::string XorBytes(const std::vector<Sample>& samples) {
  XorAppender app;
  for (const Sample& s : samples) REQUIRE(app.Append(s.t, s.v).ok());
  return std::string(app.bytes());
}

std::vector<Sample> WithTimes(const std::vector<double>& values, int64_t start = kStart,
                              int64_t step = kScrape) {
  std::vector<Sample> out;
  for (size_t i = 0; i < values.size(); ++i)
    out.push_back({start + static_cast<int64_t>(i) * step, values[i]});
  return out;
}

// ---------------------------------------------------------------------------
// Golden bytes, written from docs/format/dense_chunk.md rather than the encoder.

TEST_CASE("golden: decimal values with a stale marker") {
  const std::vector<Sample> samples = {{1000, 12.5}, {16000, 13.0}, {31000, 13.5}, {46000, StaleNaN()}};
  const std::string expected = FromHex(
      "04 d0 0f c8 df 02"  // 4 samples; first t 1000; span 45000
      "00 b0 ea 01 00"     // deltas: order 0, width 0, base 15000, no exceptions
      "00 01 01 06"        // decimal, scale 1, one exception: stale at 3
      "01 fa 01 0a 00");   // mantissas 125 130 135: order 1, width 0, first 125, base 5
  CHECK(Hex(EncodeDenseChunk(samples)) == Hex(expected));
  CheckDecodesTo(expected, samples);
}

TEST_CASE("golden: values that are no short decimal take the XOR stream") {
  const double third = 0.1 + 0.2;  // 0x3fd3333333333334, 17 significant digits
  const std::vector<Sample> samples = {{0, third}, {1, third}, {2, FromBits(0x7ff8000000000001)}};
  const std::string expected = FromHex(
      "03 00 02"                         // 3 samples; first t 0; span 2
      "00 02 00"                         // deltas: base 1
      "01 34 33 33 33 33 33 d3 3f"       // XOR; the first value, little-endian
      "0e fc 9a 99 99 99 99 99 15 20");  // 0 | 1 1 L=1 S-1=62 | 63 bits of the XOR
  CHECK(Hex(EncodeDenseChunk(samples)) == Hex(expected));
  CheckDecodesTo(expected, samples);
}

TEST_CASE("golden: the header of a single sample has no span") {
  // Value 0 is the mantissa 0 at the smallest scale, -22 (0xea); a column of
  // one value is shortest as order 1: just its first value.
  const std::string expected = FromHex("01 01 00 ea 00 01 00");
  CHECK(Hex(EncodeDenseChunk(std::vector<Sample>{{-1, 0.0}})) == Hex(expected));
  CheckDecodesTo(expected, {{-1, 0.0}});
}

// ---------------------------------------------------------------------------
// Round trips.

const std::vector<double>& SpecialValues() {
  static const std::vector<double> values = {
      0.0,
      -0.0,
      1.0,
      -1.0,
      std::numeric_limits<double>::infinity(),
      -std::numeric_limits<double>::infinity(),
      StaleNaN(),
      std::numeric_limits<double>::quiet_NaN(),
      FromBits(0x7ff0000000000001),  // signalling NaN
      FromBits(0xfff8000000000000),  // negative NaN
      FromBits(0x7fffffffffffffff),
      std::numeric_limits<double>::denorm_min(),
      -std::numeric_limits<double>::denorm_min(),
      FromBits(0x000fffffffffffff),  // the largest denormal
      std::numeric_limits<double>::min(),
      std::numeric_limits<double>::max(),
      std::numeric_limits<double>::lowest(),
      0.1 + 0.2,
      1e22,
      1e23,
      1e-22,
      1e300,
      9007199254740992.0,  // 2^53
      9007199254740993.0,  // rounds to 2^53
      9007199254740994.0,
      9.2e18,
      -9.2e18,
      9223372036854775808.0,  // 2^63
      -9223372036854775808.0,
      18446744073709551616.0,  // 2^64
      12345.67,
      0.000123,
      -273.15,
      3.141592653589793,
  };
  return values;
}

TEST_CASE("special values round-trip alone, repeated and mixed") {
  for (double v : SpecialValues()) {
    INFO("value bits " << ToBits(v));
    CheckRoundTrip({{0, v}});
    CheckRoundTrip(WithTimes(std::vector<double>(5, v)));
    CheckRoundTrip(WithTimes({1.0, 2.0, v, 3.0, 4.0}));
    CheckRoundTrip(WithTimes({v, 0.5, 0.25, v}));
  }
  CheckRoundTrip(WithTimes(SpecialValues()));
}

TEST_CASE("timestamps across the whole int64 range round-trip") {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  CheckRoundTrip({{kMin, 1}});
  CheckRoundTrip({{kMax, 1}});
  CheckRoundTrip({{kMin, 1}, {kMax, 2}});
  CheckRoundTrip({{kMin, 1}, {kMin + 1, 2}, {kMax, 3}});
  CheckRoundTrip({{kMin, 1}, {-1, 2}, {0, 3}, {1, 4}, {kMax - 1, 5}, {kMax, 6}});
  CheckRoundTrip({{kMin, 0}, {kMin / 2, 0}, {0, 0}, {kMax / 2, 0}, {kMax, 0}});
  CheckRoundTrip({{-5, 0}, {kMax, 0}});
  std::vector<Sample> near_end;
  for (int64_t i = 200; i > 0; --i) near_end.push_back({kMax - i * i, static_cast<double>(i)});
  CheckRoundTrip(near_end);
}

// Series shapes for randomized round trips; each draws its timestamps and
// values from the generator so a seed reproduces a failure.
enum class Times { kRegular, kJitter, kRandomGaps, kHugeGaps, kNegative };
enum class Values {
  kRawBits,
  kSpecial,
  kDecimal,
  kCounter,
  kGauge,
  kMostlyDecimal,
  kConstant,
  kFewDistinct,
  kHugeIntegers
};

std::vector<Sample> Generate(std::mt19937_64& rng, size_t n, Times times, Values values) {
  std::vector<Sample> out(n);
  int64_t t = 0;
  switch (times) {
    case Times::kRegular:
    case Times::kJitter:
    case Times::kRandomGaps:
      t = kStart;
      break;
    case Times::kHugeGaps:
      t = std::numeric_limits<int64_t>::min() + static_cast<int64_t>(rng() % 1000);
      break;
    case Times::kNegative:
      t = -static_cast<int64_t>(rng() % (uint64_t{1} << 50));
      break;
  }
  for (size_t i = 0; i < n; ++i) {
    out[i].t = t;
    int64_t step = kScrape;
    if (times == Times::kJitter) step += static_cast<int64_t>(rng() % 21) - 10;
    if (times == Times::kRandomGaps) step = static_cast<int64_t>(rng() % 100'000) + 1;
    if (times == Times::kHugeGaps) {
      // Up to 2^(64 - 16) so that 65535 gaps stay inside the int64 range.
      step = static_cast<int64_t>((rng() >> 16) >> (rng() % 48)) + 1;
    }
    if (times == Times::kNegative) step = static_cast<int64_t>(rng() % 60'000) + 1;
    t += step;
  }
  const int scale = static_cast<int>(rng() % 8);
  const double divisor = std::pow(10.0, scale);
  int64_t m = static_cast<int64_t>(rng() % 1'000'000);
  const uint64_t jump = uint64_t{1} << (rng() % 40);
  const double constant = FromBits(rng());
  for (size_t i = 0; i < n; ++i) {
    double& v = out[i].v;
    switch (values) {
      case Values::kRawBits:
        v = FromBits(rng());
        break;
      case Values::kSpecial:
        v = SpecialValues()[rng() % SpecialValues().size()];
        break;
      case Values::kDecimal:
        v = static_cast<double>(static_cast<int64_t>(rng() % (2 * jump + 1)) - static_cast<int64_t>(jump)) /
            divisor;
        break;
      case Values::kCounter:
        m += static_cast<int64_t>(rng() % jump);
        if (rng() % 100 == 0) m = 0;  // a reset
        v = static_cast<double>(m) / divisor;
        break;
      case Values::kGauge:
        m += static_cast<int64_t>(rng() % 201) - 100;
        v = static_cast<double>(m) / divisor;
        break;
      case Values::kMostlyDecimal:
        m += static_cast<int64_t>(rng() % 50);
        v = static_cast<double>(m) / divisor;
        if (rng() % 10 == 0) v = FromBits(rng());
        if (rng() % 10 == 0) v = StaleNaN();
        if (rng() % 20 == 0) v = SpecialValues()[rng() % SpecialValues().size()];
        break;
      case Values::kConstant:
        v = constant;
        break;
      case Values::kFewDistinct:
        v = std::vector<double>{0, 1, 0.25, -0.0, StaleNaN()}[rng() % 5];
        break;
      case Values::kHugeIntegers:
        v = static_cast<double>(static_cast<int64_t>(rng() >> (rng() % 12)));
        break;
    }
  }
  return out;
}

TEST_CASE("random series round-trip bit for bit") {
  const Times all_times[] = {Times::kRegular, Times::kJitter, Times::kRandomGaps, Times::kHugeGaps,
                             Times::kNegative};
  const Values all_values[] = {Values::kRawBits,  Values::kSpecial,     Values::kDecimal,
                               Values::kCounter,  Values::kGauge,       Values::kMostlyDecimal,
                               Values::kConstant, Values::kFewDistinct, Values::kHugeIntegers};
  for (Times times : all_times) {
    for (Values values : all_values) {
      for (uint64_t seed = 1; seed <= 10; ++seed) {
        for (size_t n : {size_t{1}, size_t{2}, size_t{3}, size_t{5}, size_t{120}, size_t{700}}) {
          INFO("times " << static_cast<int>(times) << " values " << static_cast<int>(values) << " seed "
                        << seed << " n " << n);
          std::mt19937_64 rng(seed * 1000 + n);
          CheckRoundTrip(Generate(rng, n, times, values));
        }
      }
    }
  }
}

TEST_CASE("a chunk holds up to 65535 samples") {
  std::mt19937_64 rng(3);
  for (Values values : {Values::kCounter, Values::kRawBits, Values::kMostlyDecimal}) {
    const auto samples = Generate(rng, kDenseChunkMaxSamples, Times::kHugeGaps, values);
    CheckRoundTrip(samples);
  }
}

TEST_CASE("decoding appends to what the vector holds") {
  std::vector<Sample> out = {{1, 1.0}};
  REQUIRE(DecodeDenseChunk(EncodeDenseChunk(WithTimes({2.0, 3.0})), &out).ok());
  REQUIRE(out.size() == 3);
  CHECK(out[0] == Sample{1, 1.0});
  CHECK(out[1] == Sample{kStart, 2.0});
  CHECK(out[2] == Sample{kStart + kScrape, 3.0});
}

// ---------------------------------------------------------------------------
// Damaged input.

std::vector<std::string> DamageCorpus() {
  std::mt19937_64 rng(11);
  std::vector<std::string> chunks = {
      EncodeDenseChunk(std::vector<Sample>{{5, 1.0}}),
      EncodeDenseChunk(WithTimes(SpecialValues())),
  };
  for (Values values : {Values::kCounter, Values::kRawBits, Values::kMostlyDecimal, Values::kFewDistinct,
                        Values::kGauge, Values::kConstant}) {
    for (Times times : {Times::kJitter, Times::kHugeGaps})
      chunks.push_back(EncodeDenseChunk(Generate(rng, 60, times, values)));
  }
  return chunks;
}

void CheckCorruptionOrValid(std::string_view bytes) {
  std::vector<Sample> out = {{7, 7.0}};
  const Status st = DecodeDenseChunk(bytes, &out);
  if (!st.ok()) {
    REQUIRE(st.code() == StatusCode::kCorruption);
    REQUIRE(out.size() == 1);  // left as it was
    REQUIRE(out[0] == Sample{7, 7.0});
    return;
  }
  auto n = DenseChunkNumSamples(bytes);
  REQUIRE(n.ok());
  REQUIRE(out.size() == 1 + *n);
  for (size_t i = 2; i < out.size(); ++i) REQUIRE(out[i].t > out[i - 1].t);
}

TEST_CASE("every truncation of a chunk is corruption") {
  for (const std::string& bytes : DamageCorpus()) {
    for (size_t len = 0; len < bytes.size(); ++len) {
      INFO("length " << len << " of " << Hex(bytes));
      std::vector<Sample> out;
      const Status st = DecodeDenseChunk(std::string_view(bytes).substr(0, len), &out);
      REQUIRE(st.code() == StatusCode::kCorruption);
      CHECK(out.empty());
    }
  }
}

TEST_CASE("trailing bytes are corruption") {
  for (const std::string& bytes : DamageCorpus()) {
    std::vector<Sample> out;
    CHECK(DecodeDenseChunk(bytes + '\0', &out).code() == StatusCode::kCorruption);
  }
}

TEST_CASE("random byte flips decode to corruption or to a valid chunk") {
  std::mt19937_64 rng(5);
  for (const std::string& original : DamageCorpus()) {
    for (int round = 0; round < 300; ++round) {
      std::string bytes = original;
      const int flips = 1 + static_cast<int>(rng() % 3);
      for (int f = 0; f < flips; ++f) {
        bytes[rng() % bytes.size()] ^= static_cast<char>(1 + rng() % 255);
      }
      INFO(Hex(bytes));
      CheckCorruptionOrValid(bytes);
    }
  }
}

TEST_CASE("random bytes decode to corruption or to a valid chunk") {
  std::mt19937_64 rng(6);
  for (int round = 0; round < 20000; ++round) {
    std::string bytes(rng() % 40, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    // Steer some inputs past the header: a small count and a known encoding.
    if (bytes.size() > 4 && round % 2 == 0) bytes[0] = static_cast<char>(1 + rng() % 8);
    INFO(Hex(bytes));
    CheckCorruptionOrValid(bytes);
  }
}

TEST_CASE("damaged headers are named") {
  std::vector<Sample> out;
  CHECK(DecodeDenseChunk("", &out) == Status::Corruption("dense chunk: truncated header"));
  CHECK(DecodeDenseChunk(FromHex("00 00"), &out) ==
        Status::Corruption("dense chunk: sample count 0 outside 1 to 65535"));
  CHECK(DecodeDenseChunk(FromHex("80 80 04 00"), &out) ==
        Status::Corruption("dense chunk: sample count 65536 outside 1 to 65535"));
  CHECK(DenseChunkNumSamples(FromHex("02 00")).status().code() == StatusCode::kCorruption);
  CHECK(DenseChunkNumSamples(FromHex("02 00 00")).status() ==
        Status::Corruption("dense chunk: zero time span over several samples"));
  // The header's span disagrees with the deltas: 2 samples, span 2, delta 1.
  CHECK(DecodeDenseChunk(FromHex("02 00 02 00 02 00 00 ea 00 00 00 00"), &out) ==
        Status::Corruption("dense chunk: last timestamp differs from the header's"));
  CHECK(DecodeDenseChunk(FromHex("02 00 01 00 02 00 00 ea 00 00 00 00"), &out).ok());
  CHECK(out.size() == 2);
}

// ---------------------------------------------------------------------------
// Size on realistic series, against the XOR chunk of the same samples.

struct Realistic {
  const char* name;
  std::vector<Sample> samples;
  double max_bytes_per_sample;  // what the dense chunk must reach; 0: report only
  bool counter;                 // regular counters must beat XOR
};

std::vector<Realistic> RealisticSeries(size_t n) {
  std::mt19937_64 rng(42);
  const auto uniform = [&](int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi - lo + 1));
  };
  const auto series = [&](const std::function<double(size_t)>& value, int64_t jitter_ms = 0,
                          int jitter_every = 0) {
    std::vector<Sample> out;
    for (size_t i = 0; i < n; ++i) {
      int64_t t = kStart + static_cast<int64_t>(i) * kScrape;
      if (jitter_every > 0 && uniform(1, jitter_every) == 1) t += uniform(-jitter_ms, jitter_ms);
      out.push_back({t, value(i)});
    }
    return out;
  };
  std::vector<Realistic> out;
  // node_cpu_seconds_total: ticks of 10 ms divided by USER_HZ, as node_exporter does.
  int64_t ticks = 123'456'789;
  out.push_back({"cpu seconds idle", series([&](size_t) {
                   ticks += uniform(1470, 1500);
                   return static_cast<double>(ticks) / 100.0;
                 }),
                 1.0, true});
  int64_t user = 9'876'543;
  out.push_back({"cpu seconds user", series([&](size_t) {
                   user += uniform(0, 60);
                   return static_cast<double>(user) / 100.0;
                 }),
                 1.0, true});
  int64_t steal = 4321;
  out.push_back({"cpu seconds steal (jitter)",
                 series(
                     [&](size_t) {
                       steal += uniform(0, 3) == 0 ? 1 : 0;
                       return static_cast<double>(steal) / 100.0;
                     },
                     3, 10),
                 1.0, true});
  int64_t disk = 81'985'531'904;
  out.push_back({"disk written bytes (4096s)", series([&](size_t) {
                   disk += 4096 * uniform(0, 40);
                   return static_cast<double>(disk);
                 }),
                 1.0, true});
  int64_t sectors = 1'234'567'890'000;
  out.push_back({"disk read bytes (512s, bursty)", series([&](size_t) {
                   sectors += 512 * (uniform(0, 9) == 0 ? uniform(0, 20000) : uniform(0, 8));
                   return static_cast<double>(sectors);
                 }),
                 0, true});
  int64_t net = 998'877'665'544;
  out.push_back({"network bytes (any)", series([&](size_t) {
                   net += uniform(20'000, 60'000);
                   return static_cast<double>(net);
                 }),
                 0, true});
  int64_t requests = 1'234'567;
  out.push_back({"http requests", series([&](size_t) {
                   requests += uniform(100, 160);
                   return static_cast<double>(requests);
                 }),
                 1.0, true});
  int64_t reset = 50'000;
  out.push_back({"requests with a reset", series([&](size_t i) {
                   reset = i == n / 2 ? 7 : reset + uniform(0, 30);
                   return static_cast<double>(reset);
                 }),
                 1.0, true});
  out.push_back({"constant 1 (kube_pod_status_ready)", series([](size_t) { return 1.0; }), 1.0, true});
  out.push_back({"constant 0 with jitter", series([](size_t) { return 0.0; }, 5, 8), 1.0, true});
  out.push_back({"boot time", series([](size_t) { return 1699999876.0; }), 1.0, false});
  int64_t pages = 2'000'000;
  out.push_back({"memory bytes (pages)", series([&](size_t) {
                   pages += uniform(-300, 300);
                   return static_cast<double>(pages * 4096);
                 }),
                 0, false});
  int64_t tenths = 452;
  out.push_back({"temperature (0.1)", series([&](size_t) {
                   tenths += uniform(-2, 2);
                   return static_cast<double>(tenths) / 10.0;
                 }),
                 1.0, false});
  out.push_back({"ratio in quarters", series([&](size_t) { return static_cast<double>(uniform(0, 4)) / 4; }),
                 1.0, false});
  int64_t load = 150;
  out.push_back({"load average (0.01)", series([&](size_t) {
                   load = std::max<int64_t>(0, load + uniform(-10, 10));
                   return static_cast<double>(load) / 100.0;
                 }),
                 1.0, false});
  out.push_back({"counter then stale", series([&](size_t i) {
                   return i + 5 >= n ? StaleNaN() : static_cast<double>(1000 + 3 * i);
                 }),
                 1.0, true});
  double sum = 0;
  out.push_back({"float sums (0.1 + 0.2 ...)", series([&](size_t) {
                   sum += 0.1 * static_cast<double>(uniform(1, 5));
                   return sum;
                 }),
                 0, false});
  out.push_back({"random doubles", series([&](size_t) { return FromBits(rng()); }), 0, false});
  return out;
}

TEST_CASE("realistic series: bytes per sample against XOR chunks") {
  const size_t n = 120;
  std::printf("%-38s %8s %8s\n", "series (120 samples, 15 s)", "dense", "xor");
  double total_dense = 0;
  double total_xor = 0;
  const std::vector<Realistic> all = RealisticSeries(n);
  for (const Realistic& r : all) {
    INFO(r.name);
    const std::string dense = CheckRoundTrip(r.samples);
    const std::string xor_bytes = XorBytes(r.samples);
    const double dense_bps = static_cast<double>(dense.size()) / static_cast<double>(n);
    const double xor_bps = static_cast<double>(xor_bytes.size()) / static_cast<double>(n);
    std::printf("%-38s %8.3f %8.3f\n", r.name, dense_bps, xor_bps);
    if (r.max_bytes_per_sample > 0) CHECK(dense_bps <= r.max_bytes_per_sample);
    if (r.counter) CHECK(dense.size() <= xor_bytes.size());
    total_dense += static_cast<double>(dense.size());
    total_xor += static_cast<double>(xor_bytes.size());
  }
  const double samples = static_cast<double>(n * all.size());
  std::printf("%-38s %8.3f %8.3f\n", "all", total_dense / samples, total_xor / samples);
}

}  // namespace
}  // namespace ember::tsdb
