#include "symbol_table.h"

namespace ember::tsdb {

SymbolTable::SymbolTable() : stripes_(new Stripe[kStripes]) {}
SymbolTable::~SymbolTable() = default;

const std::string* SymbolTable::Intern(std::string_view s) {
  Stripe& stripe = StripeOf(s);
  std::lock_guard lock(stripe.mu);
  auto it = stripe.refs.find(s);
  if (it == stripe.refs.end()) it = stripe.refs.emplace(std::string(s), 0).first;
  ++it->second;
  return &it->first;
}

void SymbolTable::Release(const std::string* s) {
  Stripe& stripe = StripeOf(*s);
  std::lock_guard lock(stripe.mu);
  auto it = stripe.refs.find(std::string_view(*s));
  if (it != stripe.refs.end() && --it->second == 0) stripe.refs.erase(it);
}

size_t SymbolTable::MemoryBytes() const {
  // A node holds the string, the count, the cached hash and a link, behind
  // an allocator header; long strings have a block of their own.
  constexpr size_t kNode = sizeof(std::string) + 8 + 8 + 8 + 16;
  size_t total = 0;
  for (size_t i = 0; i < kStripes; ++i) {
    std::lock_guard lock(stripes_[i].mu);
    total += stripes_[i].refs.bucket_count() * sizeof(void*);
    for (const auto& [s, n] : stripes_[i].refs) total += kNode + (s.size() > 15 ? s.capacity() + 1 + 16 : 0);
  }
  return total;
}

}  // namespace ember::tsdb
