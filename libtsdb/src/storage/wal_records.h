// The payloads the store writes into its WAL records (the framing, CRC and
// segments are libcommon's wal). Documented in libtsdb/docs/format/storage.md.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ember/base/labels.h"
#include "ember/base/status.h"
#include "ember/tsdb/sample.h"

namespace ember::tsdb {

enum class WalRecordType : uint8_t {
  kSeries = 1,             // new series: ids and their labels
  kSamples = 2,            // float samples by series id, appended in order
  kOutOfOrderSamples = 3,  // float samples that went to the out-of-order buffer
};

struct WalSeries {
  uint64_t id = 0;
  Labels labels;
};

struct WalSample {
  uint64_t id = 0;
  int64_t t = 0;
  double v = 0;
};

void EncodeWalSeries(std::span<const WalSeries> series, std::string* out);
void EncodeWalSamples(std::span<const WalSample> samples, WalRecordType type, std::string* out);

// The type of a record, from its first byte. Corruption when empty or unknown.
Result<WalRecordType> WalRecordTypeOf(std::string_view record);
// Decode whole records (type byte included), appending to *out.
// Errors: Corruption when the record is malformed; *out may then hold part.
Status DecodeWalSeries(std::string_view record, std::vector<WalSeries>* out);
Status DecodeWalSamples(std::string_view record, std::vector<WalSample>* out);

}  // namespace ember::tsdb
