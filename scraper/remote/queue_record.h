// The records of a remote write queue's on-disk log: one per commit, holding
// the commit's samples that the queue sends, with the (relabelled) labels of
// their series, so that every record reads alone and old segments can be
// removed without losing series definitions. The framing, CRCs and segments
// are libcommon's wal; the payload is described in scraper/remote/README.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ember/base/labels.h"
#include "ember/base/status.h"

namespace ember::scraper {

struct QueueSample {
  uint32_t series = 0;  // index into QueueBatch::series
  int64_t t = 0;        // ms
  double v = 0;
};

struct QueueBatch {
  std::vector<Labels> series;
  std::vector<QueueSample> samples;
};

// Appends the encoded record for `series` and `samples` to *out (which it
// clears first). Every sample's `series` must index `series`.
void EncodeQueueRecord(const std::vector<const Labels*>& series, const std::vector<QueueSample>& samples,
                       std::string* out);

// Decodes a record into *out (replacing its contents). Corruption when the
// record is malformed or a sample names a series it does not carry.
Status DecodeQueueRecord(std::string_view record, QueueBatch* out);

}  // namespace ember::scraper
