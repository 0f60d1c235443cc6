#include "ember/base/labels.h"

#include <algorithm>
#include <cassert>
#include <cstring>

// The state struct lives on the stack, which needs the static-linking API.
#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include "ember/base/strings.h"

namespace ember {
namespace {

constexpr char kSep = '\xff';

bool NameLess(const Label& a, const Label& b) { return a.name < b.name; }

bool Contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Hashes the pairs accepted by `keep` without allocating per call for the
// common case of small label sets.
template <class Pred>
uint64_t HashPairs(const std::vector<Label>& labels, Pred keep) {
  // XXH3 of the concatenated bytes, in one call when they fit a stack buffer
  // (the streaming state copies each small piece and costs more than the
  // hashing); the result is the same either way.
  char buf[1024];
  size_t n = 0;
  for (const Label& l : labels) {
    if (!keep(l)) continue;
    const size_t need = l.name.size() + l.value.size() + 2;
    if (n + need > sizeof(buf)) {
      n = sizeof(buf) + 1;
      break;
    }
    std::memcpy(buf + n, l.name.data(), l.name.size());
    n += l.name.size();
    buf[n++] = kSep;
    std::memcpy(buf + n, l.value.data(), l.value.size());
    n += l.value.size();
    buf[n++] = kSep;
  }
  if (n <= sizeof(buf)) return XXH3_64bits(buf, n);
  XXH3_state_t state;
  XXH3_64bits_reset(&state);
  for (const Label& l : labels) {
    if (!keep(l)) continue;
    XXH3_64bits_update(&state, l.name.data(), l.name.size());
    XXH3_64bits_update(&state, &kSep, 1);
    XXH3_64bits_update(&state, l.value.data(), l.value.size());
    XXH3_64bits_update(&state, &kSep, 1);
  }
  return XXH3_64bits_digest(&state);
}

}  // namespace

Labels Labels::FromUnsorted(std::vector<Label> labels) {
  std::stable_sort(labels.begin(), labels.end(), NameLess);
  return Labels(std::move(labels));
}

Labels Labels::FromSorted(std::vector<Label> labels) {
  assert(std::is_sorted(labels.begin(), labels.end(), NameLess));
  return Labels(std::move(labels));
}

std::string_view Labels::Get(std::string_view name) const {
  auto it = std::lower_bound(labels_.begin(), labels_.end(), name,
                             [](const Label& l, std::string_view n) { return l.name < n; });
  if (it != labels_.end() && it->name == name) return it->value;
  return {};
}

bool Labels::Has(std::string_view name) const {
  auto it = std::lower_bound(labels_.begin(), labels_.end(), name,
                             [](const Label& l, std::string_view n) { return l.name < n; });
  return it != labels_.end() && it->name == name;
}

uint64_t Labels::Hash() const {
  return HashPairs(labels_, [](const Label&) { return true; });
}

uint64_t Labels::HashForLabels(const std::vector<std::string>& names) const {
  return HashPairs(labels_, [&](const Label& l) { return Contains(names, l.name); });
}

uint64_t Labels::HashWithoutLabels(const std::vector<std::string>& names) const {
  return HashPairs(labels_,
                   [&](const Label& l) { return l.name != kMetricNameLabel && !Contains(names, l.name); });
}

bool Labels::HasDuplicateNames() const {
  for (size_t i = 1; i < labels_.size(); ++i) {
    if (labels_[i].name == labels_[i - 1].name) return true;
  }
  return false;
}

Labels Labels::Without(const std::vector<std::string>& names) const {
  std::vector<Label> out;
  out.reserve(labels_.size());
  for (const Label& l : labels_) {
    if (!Contains(names, l.name)) out.push_back(l);
  }
  return Labels(std::move(out));
}

Labels Labels::Keep(const std::vector<std::string>& names) const {
  std::vector<Label> out;
  for (const Label& l : labels_) {
    if (Contains(names, l.name)) out.push_back(l);
  }
  return Labels(std::move(out));
}

std::string Labels::ToString() const {
  std::string s = "{";
  for (size_t i = 0; i < labels_.size(); ++i) {
    if (i > 0) s += ", ";
    s += labels_[i].name;
    s += '=';
    s += GoQuote(labels_[i].value);
  }
  s += '}';
  return s;
}

size_t Labels::ByteSize() const {
  size_t n = 0;
  for (const Label& l : labels_) n += l.name.size() + l.value.size();
  return n;
}

std::strong_ordering operator<=>(const Labels& a, const Labels& b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if (auto c = a[i].name <=> b[i].name; c != 0) return c;
    if (auto c = a[i].value <=> b[i].value; c != 0) return c;
  }
  return a.size() <=> b.size();
}

void LabelsBuilder::Reset(const Labels& base) {
  labels_.assign(base.begin(), base.end());
  // Keep the builder's invariant even if the base had duplicate names: last wins.
  std::vector<Label> dedup;
  dedup.reserve(labels_.size());
  for (Label& l : labels_) {
    if (!dedup.empty() && dedup.back().name == l.name) {
      dedup.back() = std::move(l);
    } else {
      dedup.push_back(std::move(l));
    }
  }
  labels_ = std::move(dedup);
}

LabelsBuilder& LabelsBuilder::Set(std::string_view name, std::string_view value) {
  if (value.empty()) return Del(name);
  auto it = std::lower_bound(labels_.begin(), labels_.end(), name,
                             [](const Label& l, std::string_view n) { return l.name < n; });
  if (it != labels_.end() && it->name == name) {
    it->value.assign(value);
  } else {
    labels_.insert(it, Label{std::string(name), std::string(value)});
  }
  return *this;
}

LabelsBuilder& LabelsBuilder::Del(std::string_view name) {
  auto it = std::lower_bound(labels_.begin(), labels_.end(), name,
                             [](const Label& l, std::string_view n) { return l.name < n; });
  if (it != labels_.end() && it->name == name) labels_.erase(it);
  return *this;
}

std::string_view LabelsBuilder::Get(std::string_view name) const {
  auto it = std::lower_bound(labels_.begin(), labels_.end(), name,
                             [](const Label& l, std::string_view n) { return l.name < n; });
  if (it != labels_.end() && it->name == name) return it->value;
  return {};
}

Labels LabelsBuilder::Build() const { return Labels::FromSorted(labels_); }

}  // namespace ember
