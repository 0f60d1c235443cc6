// HeadSeries: the in-memory state of one series -- its labels, its open XOR
// chunk and out-of-order buffer -- and the striped maps that find it by id
// and by label hash.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ember/base/labels.h"
#include "ember/tsdb/sample.h"
#include "flat_map.h"
#include "head_chunk.h"
#include "symbol_table.h"

namespace ember::tsdb {

// A chunk cut from the head and waiting for its RocksDB write; queries still
// read it from here until the write is done.
struct ClosedChunk {
  int64_t min_t = 0;
  HeadChunk chunk;
};

struct HeadSeries {
  // Interns the labels in `symbols`; ReleaseLabels gives them back.
  HeadSeries(uint64_t id_in, const Labels& labels, SymbolTable& symbols);
  void ReleaseLabels(SymbolTable& symbols);

  Labels GetLabels(const SymbolTable& symbols) const;
  bool HasLabels(const Labels& labels, const SymbolTable& symbols) const;
  // PackLabels form, the series family's value.
  std::string PackedLabels(const SymbolTable& symbols) const;
  // Bytes of this record and its label symbols, for statistics.
  size_t MemoryBytes() const;

  const uint64_t id;
  // Name and value symbols of each label, in order.
  const uint32_t num_labels;
  std::unique_ptr<uint32_t[]> label_symbols;
  HeadSeries* next_in_hash = nullptr;  // GUARDED_BY(hash stripe): same-hash chain

  // Appenders holding this series in pending samples; retention never
  // removes a pinned series. Changed under the id stripe lock.
  uint32_t pins = 0;

  // All below GUARDED_BY(the id stripe's mutex).
  bool loaded = false;                  // max_t/last_bits reflect what is stored (new series, or read back)
  bool logged = false;                  // its series record is in the WAL (or it came from RocksDB)
  bool persisted = false;               // its series record is in RocksDB
  int64_t newest_partition = kMinTime;  // newest partition it is registered in
  int64_t max_t = kMinTime;             // newest in-order sample; kMinTime when none
  uint64_t last_bits = 0;               // value bits of the sample at max_t
  int64_t chunk_min_t = 0;              // first sample of `chunk`
  std::unique_ptr<HeadChunk> chunk;     // the open in-order chunk; null when none
  std::vector<ClosedChunk> closed;      // cut, not yet in RocksDB
  std::unique_ptr<std::vector<Sample>> ooo;  // out-of-order samples not in RocksDB, sorted by t
};

// Series by id, spread over stripes so appends to different series rarely
// contend. A stripe's mutex guards the map and the series' mutable state.
class SeriesStripes {
 public:
  static constexpr size_t kStripes = 1024;

  struct Stripe {
    Stripe() = default;
    ~Stripe() {
      by_id.ForEach([](uint64_t, HeadSeries* s) { delete s; });
    }
    std::mutex mu;
    FlatMap by_id;  // GUARDED_BY(mu); owns its series
  };
  struct HashStripe {
    std::mutex mu;
    FlatMap by_hash;  // GUARDED_BY(mu): label hash -> first series of the same-hash chain
  };

  // Series created together (one target's) have neighbouring ids; groups of
  // eight share a stripe so that a commit locks once per group.
  static size_t StripeOf(uint64_t id) { return (id >> 3) & (kStripes - 1); }
  Stripe& ForId(uint64_t id) { return stripes_[StripeOf(id)]; }
  HashStripe& ForHash(uint64_t hash) { return hash_stripes_[hash & (kStripes - 1)]; }
  Stripe& stripe(size_t i) { return stripes_[i]; }
  HashStripe& hash_stripe(size_t i) { return hash_stripes_[i]; }

 private:
  std::unique_ptr<Stripe[]> stripes_{new Stripe[kStripes]};
  std::unique_ptr<HashStripe[]> hash_stripes_{new HashStripe[kStripes]};
};

}  // namespace ember::tsdb
