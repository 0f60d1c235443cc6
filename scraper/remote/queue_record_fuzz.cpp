// Fuzzes DecodeQueueRecord: any input decodes or fails with a Status, and
// what decodes encodes back to a record that decodes to the same batch.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "remote/queue_record.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ember::scraper;
  std::string_view record(reinterpret_cast<const char*>(data), size);
  QueueBatch batch;
  if (!DecodeQueueRecord(record, &batch).ok()) return 0;
  std::vector<const ember::Labels*> series;
  for (const ember::Labels& l : batch.series) series.push_back(&l);
  std::string again;
  EncodeQueueRecord(series, batch.samples, &again);
  QueueBatch round;
  if (!DecodeQueueRecord(again, &round).ok()) __builtin_trap();
  if (round.series != batch.series || round.samples.size() != batch.samples.size()) __builtin_trap();
  for (size_t i = 0; i < round.samples.size(); ++i) {
    if (round.samples[i].series != batch.samples[i].series || round.samples[i].t != batch.samples[i].t) {
      __builtin_trap();
    }
  }
  return 0;
}
