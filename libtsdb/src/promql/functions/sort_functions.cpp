// sort, sort_desc, sort_by_label and sort_by_label_desc: they reorder an
// instant vector and keep its labels, __name__ included.
#include <algorithm>
#include <cmath>
#include <string_view>

#include "promql/functions/function_helpers.h"

namespace ember::promql::internal {
namespace {

Vector CopyInput(std::span<const ArgValue> args, const FunctionContext& ctx) {
  if (args.empty() || args[0].vector == nullptr) return {};
  Vector out = *args[0].vector;
  for (VectorSample& s : out) s.t = ctx.t;
  return out;
}

// NaN sorts last in both directions.
Vector Sort(std::span<const ArgValue> args, const FunctionContext& ctx) {
  Vector out = CopyInput(args, ctx);
  std::stable_sort(out.begin(), out.end(), [](const VectorSample& a, const VectorSample& b) {
    if (std::isnan(a.v)) return false;
    return std::isnan(b.v) || a.v < b.v;
  });
  return out;
}

Vector SortDesc(std::span<const ArgValue> args, const FunctionContext& ctx) {
  Vector out = CopyInput(args, ctx);
  std::stable_sort(out.begin(), out.end(), [](const VectorSample& a, const VectorSample& b) {
    if (std::isnan(a.v)) return false;
    return std::isnan(b.v) || a.v > b.v;
  });
  return out;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The next run of digits or of non-digits.
std::string_view NextChunk(std::string_view& s) {
  size_t i = 1;
  while (i < s.size() && IsDigit(s[i]) == IsDigit(s[0])) ++i;
  std::string_view chunk = s.substr(0, i);
  s.remove_prefix(i);
  return chunk;
}

// A digit run as an int, or -1 when it is not one or does not fit (then it
// compares as text).
int64_t ChunkNumber(std::string_view chunk) {
  if (chunk.empty() || chunk.size() > 18 || !IsDigit(chunk[0])) return -1;
  int64_t n = 0;
  for (char c : chunk) n = n * 10 + (c - '0');
  return n;
}

// Natural order (`a2` before `a10`): runs of digits compare as numbers, other
// runs as bytes. A string whose chunks are a prefix of the other's sorts
// first.
bool NaturalLess(std::string_view a, std::string_view b) {
  while (!a.empty()) {
    if (b.empty()) return false;
    const std::string_view ca = NextChunk(a);
    const std::string_view cb = NextChunk(b);
    const int64_t na = ChunkNumber(ca);
    const int64_t nb = ChunkNumber(cb);
    const bool equal = (na >= 0 && nb >= 0) ? na == nb : ca == cb;
    if (equal) {
      if (a.empty()) return true;
      if (b.empty()) return false;
      continue;
    }
    if (na >= 0 && nb >= 0) return na < nb;
    return ca < cb;
  }
  return false;
}

// By the named labels in order, ties broken by the whole label set.
Vector SortByLabel(std::span<const ArgValue> args, const FunctionContext& ctx, bool descending) {
  Vector out = CopyInput(args, ctx);
  auto names = args.subspan(std::min<size_t>(1, args.size()));
  std::stable_sort(out.begin(), out.end(), [names, descending](const VectorSample& a, const VectorSample& b) {
    for (const ArgValue& name : names) {
      const std::string_view va = a.labels.Get(name.string);
      const std::string_view vb = b.labels.Get(name.string);
      if (va == vb) continue;
      return NaturalLess(va, vb) != descending;
    }
    return descending ? (b.labels < a.labels) : (a.labels < b.labels);
  });
  return out;
}

Vector SortByLabelAsc(std::span<const ArgValue> args, const FunctionContext& ctx) {
  return SortByLabel(args, ctx, false);
}
Vector SortByLabelDesc(std::span<const ArgValue> args, const FunctionContext& ctx) {
  return SortByLabel(args, ctx, true);
}

// One function per line, kept so by hand (clang-format would pack them in columns).
// clang-format off
constexpr NamedFunction kFunctions[] = {
    {"sort", {.vector = Sort, .drops_name = false}},
    {"sort_by_label", {.vector = SortByLabelAsc, .drops_name = false}},
    {"sort_by_label_desc", {.vector = SortByLabelDesc, .drops_name = false}},
    {"sort_desc", {.vector = SortDesc, .drops_name = false}},
};
// clang-format on

}  // namespace

std::span<const NamedFunction> SortFunctions() { return kFunctions; }

}  // namespace ember::promql::internal
