// SymbolTable: one copy of each label name and value the head's series
// carry. Series keep pointers into it, so a value shared by many series (a
// job, a namespace, a node) costs its bytes once.
//
// Thread-safe. Pointers returned by Intern stay valid until the matching
// Release calls (one per Intern) have been made.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ember::tsdb {

class SymbolTable {
 public:
  SymbolTable();
  ~SymbolTable();
  SymbolTable(const SymbolTable&) = delete;
  SymbolTable& operator=(const SymbolTable&) = delete;

  // The table's copy of `s`, counting one more holder.
  const std::string* Intern(std::string_view s);
  // Drops one holder of a pointer Intern returned; the copy goes with the last.
  void Release(const std::string* s);

  // Bytes held (an estimate of the allocations), for statistics.
  size_t MemoryBytes() const;

 private:
  static constexpr size_t kStripes = 64;
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Stripe {
    mutable std::mutex mu;
    std::unordered_map<std::string, uint32_t, Hash, std::equal_to<>> refs;  // GUARDED_BY(mu)
  };
  Stripe& StripeOf(std::string_view s) { return stripes_[Hash{}(s) % kStripes]; }

  std::unique_ptr<Stripe[]> stripes_;
};

}  // namespace ember::tsdb
