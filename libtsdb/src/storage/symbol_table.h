// SymbolTable: one copy of each label name and value the head's series
// carry, numbered. A series keeps 4-byte symbol numbers instead of its
// strings, so a value shared by many series (a job, a namespace, a node)
// costs its bytes once and each use four bytes.
//
// Thread-safe. Get never blocks: a number is readable from the moment Intern
// returned it until the matching Release calls (one per Intern) are made.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ember::tsdb {

class SymbolTable {
 public:
  SymbolTable();
  ~SymbolTable();
  SymbolTable(const SymbolTable&) = delete;
  SymbolTable& operator=(const SymbolTable&) = delete;

  // The number of `s`, counting one more holder.
  uint32_t Intern(std::string_view s);
  // Drops one holder; the string and its number go with the last.
  void Release(uint32_t symbol);
  // The string of a held number.
  const std::string& Get(uint32_t symbol) const {
    return *blocks_[symbol >> kBlockBits].load(std::memory_order_acquire)[symbol & kBlockMask];
  }

  // Bytes held (an estimate of the allocations), for statistics.
  size_t MemoryBytes() const;

 private:
  static constexpr int kBlockBits = 14;
  static constexpr uint32_t kBlockMask = (uint32_t{1} << kBlockBits) - 1;
  static constexpr size_t kMaxBlocks = size_t{1} << 16;  // 2^30 symbols

  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Entry {
    uint32_t symbol = 0;
    uint32_t holders = 0;
  };

  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries_;  // GUARDED_BY(mu_)
  std::vector<uint32_t> free_;                                             // GUARDED_BY(mu_)
  uint32_t next_ = 0;                                                      // GUARDED_BY(mu_)
  // Blocks of string pointers, allocated as numbers reach them and never
  // moved, so readers index them without the lock.
  std::unique_ptr<std::atomic<const std::string**>[]> blocks_;
};

}  // namespace ember::tsdb
