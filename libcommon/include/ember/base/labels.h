// Labels: a sorted set of name/value pairs identifying one series or stream.
//
// Labels are immutable once built; build them with LabelsBuilder or
// Labels::FromUnsorted. Order is by name (byte-wise), as in Prometheus, so two
// equal sets compare, hash and print the same. Instances are values: safe to
// read from many threads, not to mutate concurrently.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace ember {

inline constexpr std::string_view kMetricNameLabel = "__name__";

struct Label {
  std::string name;
  std::string value;

  friend bool operator==(const Label&, const Label&) = default;
  friend auto operator<=>(const Label&, const Label&) = default;
};

class Labels {
 public:
  Labels() = default;
  // Sorts by name. Duplicate names are kept (HasDuplicateNames tells); callers
  // that take external input check for them and reject.
  static Labels FromUnsorted(std::vector<Label> labels);
  // Trusts that `labels` is already sorted by name (checked in debug builds).
  static Labels FromSorted(std::vector<Label> labels);
  Labels(std::initializer_list<Label> labels) : Labels(FromUnsorted(labels)) {}

  // The value for `name`, or "" when absent (Prometheus treats the two alike).
  std::string_view Get(std::string_view name) const;
  bool Has(std::string_view name) const;
  std::string_view MetricName() const { return Get(kMetricNameLabel); }

  size_t size() const { return labels_.size(); }
  bool empty() const { return labels_.empty(); }
  const Label& operator[](size_t i) const { return labels_[i]; }
  std::vector<Label>::const_iterator begin() const { return labels_.begin(); }
  std::vector<Label>::const_iterator end() const { return labels_.end(); }
  const std::vector<Label>& vec() const { return labels_; }

  // A 64-bit xxHash3 over "name\xff value\xff" for every pair: equal sets hash
  // alike in every process and run, so it may be stored.
  uint64_t Hash() const;
  // The hash of only the named labels (`names` sorted), or of all but them.
  uint64_t HashForLabels(const std::vector<std::string>& names) const;
  uint64_t HashWithoutLabels(const std::vector<std::string>& names) const;

  bool HasDuplicateNames() const;

  // A copy without the named labels / with only the named labels.
  Labels Without(const std::vector<std::string>& names) const;
  Labels Keep(const std::vector<std::string>& names) const;

  // `{a="1", b="x\"y"}` as Prometheus prints labels; values quoted as Go's
  // strconv.Quote does.
  std::string ToString() const;

  // Bytes used by names and values (for memory statistics).
  size_t ByteSize() const;

  friend bool operator==(const Labels& a, const Labels& b) { return a.labels_ == b.labels_; }
  // Prometheus's labels.Compare order: pairwise by name then value, then by length.
  friend std::strong_ordering operator<=>(const Labels& a, const Labels& b);

 private:
  explicit Labels(std::vector<Label> labels) : labels_(std::move(labels)) {}
  std::vector<Label> labels_;
};

// Collects changes against a base set and builds a new sorted Labels.
// Setting an empty value deletes the label, as in Prometheus.
class LabelsBuilder {
 public:
  LabelsBuilder() = default;
  explicit LabelsBuilder(const Labels& base) { Reset(base); }

  void Reset(const Labels& base);
  LabelsBuilder& Set(std::string_view name, std::string_view value);
  LabelsBuilder& Del(std::string_view name);
  std::string_view Get(std::string_view name) const;
  Labels Build() const;

 private:
  std::vector<Label> labels_;  // kept sorted by name, no duplicates
};

}  // namespace ember
