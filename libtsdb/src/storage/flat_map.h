// FlatMap: uint64 keys to HeadSeries pointers, open addressing with linear
// probing. The head looks a series up for every sample; a node-based map
// costs a cache miss for the bucket and another for the node, this one only
// the slot, and about half the memory per series.
//
// Not thread-safe: a stripe's mutex guards each map.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace ember::tsdb {

struct HeadSeries;

class FlatMap {
 public:
  FlatMap() = default;
  FlatMap(const FlatMap&) = delete;
  FlatMap& operator=(const FlatMap&) = delete;

  // The value for `key`, or null.
  HeadSeries* Find(uint64_t key) const;
  // Sets the value for `key` (inserting it when absent). `value` is not null.
  void Upsert(uint64_t key, HeadSeries* value);
  // Removes `key` if present.
  void Erase(uint64_t key);

  size_t size() const { return size_; }
  size_t MemoryBytes() const { return capacity_ * sizeof(Slot); }

  template <class F>
  void ForEach(F&& f) const {
    for (size_t i = 0; i < capacity_; ++i) {
      if (Live(slots_[i])) f(slots_[i].key, slots_[i].value);
    }
  }

 private:
  // A slot's state is in its value: null for never used, kErased for a
  // removed entry (probing goes on past it), a series otherwise.
  struct Slot {
    uint64_t key = 0;
    HeadSeries* value = nullptr;
  };
  static HeadSeries* Erased() { return reinterpret_cast<HeadSeries*>(uintptr_t{1}); }
  static bool Live(const Slot& s) { return s.value != nullptr && s.value != Erased(); }
  static size_t Mix(uint64_t key) { return static_cast<size_t>((key * 0x9E3779B97F4A7C15ULL) >> 20); }
  void Grow();

  std::unique_ptr<Slot[]> slots_;
  size_t capacity_ = 0;  // a power of two, or 0
  size_t size_ = 0;
  size_t erased_ = 0;
};

}  // namespace ember::tsdb
