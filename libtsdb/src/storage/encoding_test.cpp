#include "encoding.h"

#include <catch2/catch.hpp>
#include <limits>

#include "keys.h"
#include "wal_records.h"

namespace ember::tsdb {
namespace {

TEST_CASE("encoding: varints round trip at the edges") {
  for (int64_t v : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{63}, int64_t{-64}, int64_t{1} << 40,
                    std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()}) {
    std::string s;
    PutVarint(&s, v);
    size_t pos = 0;
    int64_t back;
    REQUIRE(GetVarint(s, &pos, &back));
    CHECK(back == v);
    CHECK(pos == s.size());
  }
  size_t pos = 0;
  uint64_t u;
  CHECK_FALSE(GetUvarint(std::string(11, '\xff'), &pos, &u));
}

TEST_CASE("encoding: keys sort by partition, series, then time, negative times included") {
  CHECK(ChunkKey(-1, 5, -100, ChunkKind::kInOrder) < ChunkKey(0, 1, 0, ChunkKind::kInOrder));
  CHECK(ChunkKey(0, 1, -5, ChunkKind::kInOrder) < ChunkKey(0, 1, 3, ChunkKind::kInOrder));
  CHECK(ChunkKey(0, 1, 99, ChunkKind::kInOrder) < ChunkKey(0, 2, 0, ChunkKind::kInOrder));
  ChunkKeyParts parts;
  REQUIRE(ParseChunkKey(ChunkKey(-3, 42, -7, ChunkKind::kOutOfOrder, 9), &parts));
  CHECK(parts.partition == -3);
  CHECK(parts.id == 42);
  CHECK(parts.min_t == -7);
  CHECK(parts.kind == ChunkKind::kOutOfOrder);
  CHECK(PartitionOf(-1, 7200000) == -1);
  CHECK(PartitionOf(0, 7200000) == 0);
  CHECK(PartitionOf(7199999, 7200000) == 0);
}

TEST_CASE("encoding: labels and WAL records round trip; damage is Corruption") {
  Labels l{{"__name__", "up"}, {"job", "x\xff"}, {"a", ""}};
  std::string packed = PackLabels(l);
  CHECK(*UnpackLabels(packed) == l);
  CHECK(UnpackLabels(packed.substr(0, packed.size() - 1)).status().code() == StatusCode::kCorruption);

  std::vector<WalSample> samples = {{7, 1000, 1.5}, {3, 999, -0.0}, {1u << 30, -5, 1e300}};
  std::string rec;
  EncodeWalSamples(samples, WalRecordType::kSamples, &rec);
  std::vector<WalSample> back;
  REQUIRE(DecodeWalSamples(rec, &back).ok());
  REQUIRE(back.size() == 3);
  CHECK(back[2].id == (1u << 30));
  CHECK(back[1].t == 999);
  for (size_t cut = 0; cut < rec.size(); ++cut) {
    std::vector<WalSample> part;
    CHECK_FALSE(DecodeWalSamples(rec.substr(0, cut), &part).ok());
  }
  std::string srec;
  EncodeWalSeries(std::vector<WalSeries>{{5, l}}, &srec);
  std::vector<WalSeries> sback;
  REQUIRE(DecodeWalSeries(srec, &sback).ok());
  CHECK(sback[0].labels == l);
  CHECK(WalRecordTypeOf("\x09").status().code() == StatusCode::kCorruption);
}

TEST_CASE("encoding: chunk values round trip and report their span") {
  std::vector<Sample> s = {{1000, 1}, {16000, 2}, {31000, 3}};
  std::string v = EncodeChunkValue(s.data(), s.size());
  ChunkValueHeader h;
  REQUIRE(ParseChunkValue(v, 1000, &h).ok());
  CHECK(h.max_t == 31000);
  CHECK(h.num_samples == 3);
  std::vector<Sample> back;
  REQUIRE(DecodeChunkValue(v, 1000, &back).ok());
  CHECK(back == s);
  std::vector<Sample> bad;
  CHECK_FALSE(DecodeChunkValue(v.substr(0, v.size() - 1), 1000, &bad).ok());
  // A value under another key's time, or of an unknown format, is damage.
  CHECK(ParseChunkValue(v, 999, &h).code() == StatusCode::kCorruption);
  std::string other = v;
  other[0] = 0;
  CHECK(ParseChunkValue(other, 1000, &h).code() == StatusCode::kCorruption);
}

}  // namespace
}  // namespace ember::tsdb
