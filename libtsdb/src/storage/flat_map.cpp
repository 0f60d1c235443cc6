#include "flat_map.h"

namespace ember::tsdb {

HeadSeries* FlatMap::Find(uint64_t key) const {
  if (capacity_ == 0) return nullptr;
  const size_t mask = capacity_ - 1;
  for (size_t i = Mix(key) & mask;; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (s.value == nullptr) return nullptr;
    if (s.key == key && s.value != Erased()) return s.value;
  }
}

void FlatMap::Upsert(uint64_t key, HeadSeries* value) {
  // At most 7/8 used or erased, so that a probe always meets a free slot.
  if ((size_ + erased_ + 1) * 8 > capacity_ * 7) Grow();
  const size_t mask = capacity_ - 1;
  Slot* reuse = nullptr;
  for (size_t i = Mix(key) & mask;; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (s.value == nullptr) {
      Slot& target = reuse != nullptr ? *reuse : s;
      if (reuse != nullptr) --erased_;
      target = {key, value};
      ++size_;
      return;
    }
    if (s.value == Erased()) {
      if (reuse == nullptr) reuse = &s;
    } else if (s.key == key) {
      s.value = value;
      return;
    }
  }
}

void FlatMap::Erase(uint64_t key) {
  if (capacity_ == 0) return;
  const size_t mask = capacity_ - 1;
  for (size_t i = Mix(key) & mask;; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (s.value == nullptr) return;
    if (s.key == key && s.value != Erased()) {
      s.value = Erased();
      --size_;
      ++erased_;
      return;
    }
  }
}

void FlatMap::Grow() {
  // Doubles when mostly live; otherwise rebuilding at the same size clears
  // the erased slots.
  size_t capacity = capacity_ == 0 ? 8 : capacity_;
  while ((size_ + 1) * 2 > capacity) capacity *= 2;
  std::unique_ptr<Slot[]> old = std::move(slots_);
  const size_t old_capacity = capacity_;
  slots_.reset(new Slot[capacity]);
  capacity_ = capacity;
  size_ = 0;
  erased_ = 0;
  for (size_t i = 0; i < old_capacity; ++i) {
    if (Live(old[i])) Upsert(old[i].key, old[i].value);
  }
}

}  // namespace ember::tsdb
