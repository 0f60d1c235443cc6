#include "symbol_table.h"

#include <cstdlib>

namespace ember::tsdb {

SymbolTable::SymbolTable() : blocks_(new std::atomic<const std::string**>[kMaxBlocks]) {
  for (size_t i = 0; i < kMaxBlocks; ++i) blocks_[i].store(nullptr, std::memory_order_relaxed);
}

SymbolTable::~SymbolTable() {
  for (size_t i = 0; i < kMaxBlocks; ++i) delete[] blocks_[i].load(std::memory_order_relaxed);
}

uint32_t SymbolTable::Intern(std::string_view s) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(s);
  if (it != entries_.end()) {
    ++it->second.holders;
    return it->second.symbol;
  }
  uint32_t symbol;
  if (!free_.empty()) {
    symbol = free_.back();
    free_.pop_back();
  } else {
    if ((next_ >> kBlockBits) >= kMaxBlocks) std::abort();  // a billion distinct strings
    symbol = next_++;
  }
  const size_t block = symbol >> kBlockBits;
  const std::string** slots = blocks_[block].load(std::memory_order_relaxed);
  if (slots == nullptr) {
    slots = new const std::string*[size_t{1} << kBlockBits]();
    blocks_[block].store(slots, std::memory_order_release);
  }
  it = entries_.emplace(std::string(s), Entry{symbol, 1}).first;
  // The entry's key does not move while it is in the map.
  slots[symbol & kBlockMask] = &it->first;
  return symbol;
}

void SymbolTable::Release(uint32_t symbol) {
  std::lock_guard lock(mu_);
  const std::string& s = Get(symbol);
  auto it = entries_.find(std::string_view(s));
  if (it == entries_.end() || --it->second.holders > 0) return;
  blocks_[symbol >> kBlockBits].load(std::memory_order_relaxed)[symbol & kBlockMask] = nullptr;
  entries_.erase(it);
  free_.push_back(symbol);
}

size_t SymbolTable::MemoryBytes() const {
  // A node holds the string, the entry, the cached hash and a link, behind an
  // allocator header; long strings have a block of their own.
  constexpr size_t kNode = sizeof(std::string) + sizeof(Entry) + 8 + 8 + 16;
  std::lock_guard lock(mu_);
  size_t total = kMaxBlocks * sizeof(void*) + entries_.bucket_count() * sizeof(void*) +
                 free_.capacity() * sizeof(uint32_t);
  total += ((next_ + kBlockMask) >> kBlockBits) * (sizeof(void*) << kBlockBits);
  for (const auto& [s, e] : entries_) total += kNode + (s.size() > 15 ? s.capacity() + 1 + 16 : 0);
  return total;
}

}  // namespace ember::tsdb
