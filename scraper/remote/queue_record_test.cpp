#include "remote/queue_record.h"

#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

namespace ember::scraper {
namespace {

TEST_CASE("Queue records round-trip series, timestamps and value bits") {
  const Labels a{{"__name__", "up"}, {"job", "node"}};
  const Labels b{{"__name__", "temp"},
                 {"room",
                  "k\xc3\xbc"
                  "che"}};
  const double stale = std::bit_cast<double>(uint64_t{0x7ff0000000000002});
  std::vector<QueueSample> samples = {
      {0, 1'700'000'000'000, 1}, {1, 1'699'999'999'000, -2.5}, {0, 1'700'000'015'000, stale}, {1, -5, 0}};
  std::string record;
  EncodeQueueRecord({&a, &b}, samples, &record);
  QueueBatch batch;
  REQUIRE(DecodeQueueRecord(record, &batch).ok());
  REQUIRE(batch.series == std::vector<Labels>{a, b});
  REQUIRE(batch.samples.size() == samples.size());
  for (size_t i = 0; i < samples.size(); ++i) {
    CHECK(batch.samples[i].series == samples[i].series);
    CHECK(batch.samples[i].t == samples[i].t);
    CHECK(std::bit_cast<uint64_t>(batch.samples[i].v) == std::bit_cast<uint64_t>(samples[i].v));
  }
}

TEST_CASE("Malformed queue records are Corruption") {
  QueueBatch batch;
  CHECK(DecodeQueueRecord("", &batch).code() == StatusCode::kCorruption);
  CHECK(DecodeQueueRecord("\x02xyz", &batch).code() == StatusCode::kCorruption);
  CHECK(DecodeQueueRecord("\x01not snappy at all", &batch).code() == StatusCode::kCorruption);
  const Labels a{{"a", "b"}};
  std::string record;
  EncodeQueueRecord({&a}, {{0, 1, 1}}, &record);
  std::string cut = record.substr(0, record.size() - 3);
  CHECK_FALSE(DecodeQueueRecord(cut, &batch).ok());
  // A sample naming a series the record lacks.
  EncodeQueueRecord({&a}, {{1, 1, 1}}, &record);
  CHECK(DecodeQueueRecord(record, &batch).code() == StatusCode::kCorruption);
}

}  // namespace
}  // namespace ember::scraper
