// The dense chunk codec. Field by field the layout is in
// libtsdb/docs/format/dense_chunk.md; the comments here say why the code takes
// the shape it does.
#include "dense_chunk.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstring>
#include <numeric>
#include <optional>

namespace ember::tsdb {
namespace {

constexpr size_t kMaxVarintBytes = 10;

enum class ValueEncoding : uint8_t { kDecimal = 0, kXor = 1, kRaw = 2 };

// Integer column residuals are packed `width` bits each.
constexpr int kMaxWidth = 63;  // six bits beside the two of the order

// Decimal values are mantissa / 10^scale (or mantissa * 10^-scale). Every
// power of ten up to 10^22 is an exact double, so the decoder's one division
// or multiplication is correctly rounded and gives the same bits everywhere.
constexpr int kMinScale = -22;
constexpr int kMaxScale = 22;
constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                             1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
constexpr int kNoScale = kMaxScale + 1;  // a value no scale represents
constexpr int kStale = kMaxScale + 2;    // the stale marker, listed apart

Status Corrupt(std::string_view what) { return Status::Corruption("dense chunk: " + std::string(what)); }

uint64_t Zigzag(int64_t n) { return (static_cast<uint64_t>(n) << 1) ^ static_cast<uint64_t>(n >> 63); }
int64_t Unzigzag(uint64_t z) { return static_cast<int64_t>((z >> 1) ^ (~(z & 1) + 1)); }
size_t UvarintLen(uint64_t x) { return static_cast<size_t>(std::bit_width(x | 1) + 6) / 7; }

void PutUvarint(std::string* out, uint64_t x) {
  while (x >= 0x80) {
    out->push_back(static_cast<char>((x & 0x7f) | 0x80));
    x >>= 7;
  }
  out->push_back(static_cast<char>(x));
}
void PutVarint(std::string* out, int64_t x) { PutUvarint(out, Zigzag(x)); }
void PutFixed64(std::string* out, uint64_t x) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>(x >> (8 * i)));
}

uint64_t LoadLE64(const unsigned char* p) {
  uint64_t x;
  std::memcpy(&x, p, sizeof x);
  if constexpr (std::endian::native == std::endian::big) x = __builtin_bswap64(x);
  return x;
}

// The `count` bits (0 to 64) at bit offset `pos` of p[0, size), least
// significant first. Precondition: pos + count <= 8 * size. One unaligned load
// serves any width and offset while 8 bytes remain; only the tail is slower.
uint64_t LoadBits(const unsigned char* p, size_t size, size_t pos, int count) {
  if (count == 0) return 0;
  const size_t byte = pos >> 3;
  const int shift = static_cast<int>(pos & 7);
  uint64_t word = 0;
  if (byte + 8 <= size) {
    word = LoadLE64(p + byte);
  } else {
    for (size_t i = byte; i < size; ++i) word |= uint64_t{p[i]} << (8 * (i - byte));
  }
  uint64_t bits = word >> shift;
  // A field straddling nine bytes: the precondition puts byte + 8 inside.
  if (shift + count > 64) bits |= uint64_t{p[byte + 8]} << (64 - shift);
  return count == 64 ? bits : bits & ((uint64_t{1} << count) - 1);
}

// Appends bit fields least significant bit first, each byte filled from its
// lowest bit, so that LoadBits reads any field with one load and a shift.
class BitWriter {
 public:
  explicit BitWriter(std::string* out) : out_(out) {}

  void Put(uint64_t bits, int count) {
    if (count == 0) return;
    if (count < 64) bits &= (uint64_t{1} << count) - 1;
    acc_ |= bits << used_;
    if (used_ + count >= 64) {
      PutFixed64(out_, acc_);
      acc_ = used_ == 0 ? 0 : bits >> (64 - used_);
      used_ = used_ + count - 64;
    } else {
      used_ += count;
    }
  }

  // Writes the pending bits, zero-padding the last byte.
  void Finish() {
    for (; used_ > 0; used_ = used_ > 8 ? used_ - 8 : 0) {
      out_->push_back(static_cast<char>(acc_));
      acc_ >>= 8;
    }
  }

 private:
  std::string* out_;
  uint64_t acc_ = 0;
  int used_ = 0;  // bits of acc_ not yet written, always below 64
};

// Reads fields front to back. Every read checks the bound first, so a damaged
// chunk fails instead of reading past its end.
class Reader {
 public:
  explicit Reader(std::string_view data)
      : p_(reinterpret_cast<const unsigned char*>(data.data())), size_(data.size()) {}

  const unsigned char* here() const { return p_ + pos_; }
  size_t remaining() const { return size_ - pos_; }

  bool Byte(uint8_t* out) {
    if (pos_ >= size_) return false;
    *out = p_[pos_++];
    return true;
  }
  bool Uvarint(uint64_t* out) {
    uint64_t result = 0;
    for (size_t i = 0; i < kMaxVarintBytes; ++i) {
      if (pos_ >= size_) return false;
      const uint64_t byte = p_[pos_++];
      if (byte < 0x80) {
        if (i == kMaxVarintBytes - 1 && byte > 1) return false;
        *out = result | (byte << (7 * i));
        return true;
      }
      result |= (byte & 0x7f) << (7 * i);
    }
    return false;
  }
  bool Varint(uint64_t* out) {
    uint64_t z = 0;
    if (!Uvarint(&z)) return false;
    *out = static_cast<uint64_t>(Unzigzag(z));
    return true;
  }
  bool Fixed64(uint64_t* out) {
    if (remaining() < 8) return false;
    *out = LoadLE64(here());
    pos_ += 8;
    return true;
  }
  bool Skip(size_t n) {
    if (remaining() < n) return false;
    pos_ += n;
    return true;
  }

 private:
  const unsigned char* p_;
  size_t size_;
  size_t pos_ = 0;
};

// ---------------------------------------------------------------------------
// Integer columns

// How a column turns its integers into residuals; the value is the two low
// bits of the column's first byte.
enum class Order : int {
  kNone = 0,   // r = x
  kDelta = 1,  // r = x - previous x
  kDod = 2,    // r = delta - previous delta
  // r = the running sum of (x - c): for timestamp deltas, each sample's offset
  // from a grid of step c, so a single late scrape is one outlier, where as
  // deltas it would be two (late, then early).
  kGrid = 3,
};

// Where the packed residuals sit: each is base + step * p with p below
// 2^width; the rest are exceptions.
struct Packing {
  int width = 0;
  uint64_t base = 0;
  uint64_t step = 1;
};

// Division by a column's step, which is most often 1 or a power of two: a
// 64-bit divide costs tens of cycles and the encoder divides every residual of
// every order it tries.
class Divider {
 public:
  explicit Divider(uint64_t d) : d_(d), shift_(std::has_single_bit(d) ? std::countr_zero(d) : -1) {}
  uint64_t operator()(uint64_t x) const { return shift_ >= 0 ? x >> shift_ : x / d_; }

 private:
  uint64_t d_;
  int shift_;
};

// An exception as a multiple of the step away from the base. With a step of 2
// or more the quotient fits int64 whatever the residuals; with a step of 1 the
// difference wraps modulo 2^64 and the decoder's sum wraps back.
int64_t ExceptionOffset(uint64_t r, const Packing& pk) {
  if (pk.step == 1) return static_cast<int64_t>(r - pk.base);
  const bool below = static_cast<int64_t>(r) < static_cast<int64_t>(pk.base);
  const uint64_t magnitude = (below ? pk.base - r : r - pk.base) / pk.step;
  return below ? -static_cast<int64_t>(magnitude) : static_cast<int64_t>(magnitude);
}

// Chooses the window that makes the column shortest: every width, with the
// window starting at each of the lowest distinct residuals, so that outliers
// such as a counter reset or a late scrape become exceptions instead of
// widening every sample. An exception's size is estimated from its distance to
// the median; the estimate only steers the choice, it is not a format rule.
// Returns nothing when no window fits in fewer than `budget` bytes.
std::optional<Packing> ChoosePacking(std::span<const uint64_t> residuals, size_t budget) {
  const size_t m = residuals.size();
  if (std::all_of(residuals.begin(), residuals.end(), [&](uint64_t r) { return r == residuals[0]; })) {
    return Packing{0, residuals[0], 1};
  }
  std::vector<int64_t> sorted(m);
  for (size_t i = 0; i < m; ++i) sorted[i] = static_cast<int64_t>(residuals[i]);
  std::sort(sorted.begin(), sorted.end());
  const auto lowest = static_cast<uint64_t>(sorted[0]);
  // Differences of int64s are exact in uint64 once ordered.
  uint64_t step = 0;
  for (int64_t r : sorted) step = std::gcd(step, static_cast<uint64_t>(r) - lowest);
  if (step == 0) step = 1;
  const Divider divide(step);
  std::vector<uint64_t> q(m);
  for (size_t i = 0; i < m; ++i) q[i] = divide(static_cast<uint64_t>(sorted[i]) - lowest);
  std::vector<size_t> cost(m + 1, 0);  // prefix sums of estimated exception bytes
  std::vector<uint8_t> base_bytes(m);
  for (size_t i = 0; i < m; ++i) {
    cost[i + 1] = cost[i] + 1 + UvarintLen(Zigzag(static_cast<int64_t>(q[i] - q[m / 2])));
    base_bytes[i] = static_cast<uint8_t>(UvarintLen(Zigzag(sorted[i])));
  }
  const size_t step_bytes = UvarintLen(step);

  // A window starts at one of the lowest distinct residuals: starting higher
  // would leave many low outliers, each an exception of two bytes or more.
  constexpr size_t kMaxStarts = 16;
  size_t starts[kMaxStarts];
  size_t num_starts = 0;
  for (size_t i = 0; i < m && num_starts < kMaxStarts; ++i) {
    if (i == 0 || q[i] != q[i - 1]) starts[num_starts++] = i;
  }

  std::optional<Packing> best;
  size_t best_bytes = budget;
  for (int width = 0; width <= kMaxWidth; ++width) {
    // Every residual costs at least `width` bits packed or two bytes as an
    // exception; once that floor passes the best, wider windows cannot win.
    if (m * static_cast<size_t>(std::min(width, 16)) / 8 >= best_bytes) break;
    const uint64_t span = (uint64_t{1} << width) - 1;
    for (size_t k = 0; k < num_starts && cost[starts[k]] < best_bytes; ++k) {
      const size_t start = starts[k];
      const uint64_t last = q[start] > ~uint64_t{0} - span ? ~uint64_t{0} : q[start] + span;
      const auto end = static_cast<size_t>(
          std::upper_bound(q.begin() + static_cast<ptrdiff_t>(start), q.end(), last) - q.begin());
      const size_t inside = end - start;
      const size_t outside = m - inside;
      const size_t bytes = base_bytes[start] + UvarintLen(outside) +
                           (width > 0 || outside > 0 ? step_bytes : 0) + cost[start] + (cost[m] - cost[end]) +
                           (inside * static_cast<size_t>(width) + 7) / 8;
      if (bytes < best_bytes) {
        best_bytes = bytes;
        best = Packing{width, static_cast<uint64_t>(sorted[start]), step};
      }
      // Later windows end at m too and hold fewer residuals.
      if (end == m) break;
    }
    if ((q[m - 1] >> width) == 0) break;  // one window holds all: wider only costs more
  }
  return best;
}

// The most frequent value, the grid step that leaves the most zero residuals.
uint64_t MostFrequent(std::span<const uint64_t> xs, std::vector<uint64_t>* scratch) {
  scratch->assign(xs.begin(), xs.end());
  std::sort(scratch->begin(), scratch->end());
  uint64_t best = (*scratch)[0];
  size_t best_run = 0;
  for (size_t i = 0, j = 0; i < scratch->size(); i = j) {
    for (j = i; j < scratch->size() && (*scratch)[j] == (*scratch)[i];) ++j;
    if (j - i > best_run) {
      best_run = j - i;
      best = (*scratch)[i];
    }
  }
  return best;
}

// Writes xs as a column of the given order, or returns false when that would
// take `budget` bytes or more. *flat tells whether all residuals were equal.
bool WriteColumnWithOrder(std::span<const uint64_t> xs, Order order, size_t budget,
                          std::vector<uint64_t>* scratch, std::string* out, bool* flat) {
  const size_t n = xs.size();
  std::vector<uint64_t>& r = *scratch;
  // Wrapping arithmetic throughout: the decoder's sums wrap the same way, so
  // any int64 sequence comes back exactly.
  uint64_t grid = 0;
  size_t first = 0;  // where the residuals start
  if (order == Order::kGrid) {
    grid = MostFrequent(xs, &r);
  } else {
    first = std::min<size_t>(n, static_cast<size_t>(order));
  }
  r.clear();
  uint64_t sum = 0;
  for (size_t i = first; i < n; ++i) {
    switch (order) {
      case Order::kNone:
        r.push_back(xs[i]);
        break;
      case Order::kDelta:
        r.push_back(xs[i] - xs[i - 1]);
        break;
      case Order::kDod:
        r.push_back(xs[i] - 2 * xs[i - 1] + xs[i - 2]);
        break;
      case Order::kGrid:
        sum += xs[i] - grid;
        r.push_back(sum);
        break;
    }
  }
  Packing pk;
  *flat = std::all_of(r.begin(), r.end(), [&](uint64_t x) { return x == r[0]; });
  if (!r.empty()) {
    const std::optional<Packing> chosen = ChoosePacking(r, budget);
    if (!chosen) return false;
    pk = *chosen;
  }
  out->push_back(static_cast<char>((pk.width << 2) | static_cast<int>(order)));
  if (order == Order::kGrid) PutVarint(out, static_cast<int64_t>(grid));
  if (first >= 1) PutVarint(out, static_cast<int64_t>(xs[0]));
  if (first >= 2) PutVarint(out, static_cast<int64_t>(xs[1] - xs[0]));
  if (r.empty()) return true;
  // Each residual is classified once: a packed offset, or an exception kept
  // aside with its position.
  const Divider divide(pk.step);
  std::vector<uint64_t> offsets;
  std::vector<size_t> exceptions;
  offsets.reserve(r.size());
  for (size_t i = 0; i < r.size(); ++i) {
    const uint64_t offset = divide(r[i] - pk.base);
    if (static_cast<int64_t>(r[i]) >= static_cast<int64_t>(pk.base) && (offset >> pk.width) == 0) {
      offsets.push_back(offset);
    } else {
      exceptions.push_back(i);
    }
  }
  PutVarint(out, static_cast<int64_t>(pk.base));
  PutUvarint(out, exceptions.size());
  if (pk.width > 0 || !exceptions.empty()) PutUvarint(out, pk.step);
  size_t next = 0;
  for (size_t i : exceptions) {
    PutUvarint(out, i - next);
    PutVarint(out, ExceptionOffset(r[i], pk));
    next = i + 1;
  }
  BitWriter bits(out);
  for (uint64_t offset : offsets) bits.Put(offset, pk.width);
  bits.Finish();
  return true;
}

// Writes xs as a column, in whichever order is shortest. Deltas come first:
// they are most often best, and the size they reach lets the search for the
// other orders stop early.
void WriteColumn(std::span<const uint64_t> xs, bool try_grid, std::string* out) {
  if (xs.empty()) return;
  std::vector<uint64_t> scratch;
  std::string best;
  std::string trial;
  bool line = false;
  for (Order order : {Order::kDelta, Order::kNone, Order::kDod, Order::kGrid}) {
    if (order == Order::kGrid && !try_grid) break;
    trial.clear();
    bool flat = false;
    if (!WriteColumnWithOrder(xs, order, best.empty() ? SIZE_MAX : best.size(), &scratch, &trial, &flat)) {
      continue;
    }
    if (best.empty() || trial.size() < best.size()) best.swap(trial);
    // Values on a straight line (equal deltas): no other order beats these two.
    if (order == Order::kDelta) line = flat;
    if (order == Order::kNone && (line || flat)) break;
  }
  out->append(best);
}

// Undoes a column's order over m residuals drawn from next(), from the state
// its first values left (x, d), calling emit with each integer. Instantiated
// per order so that the decoding loop does not branch on it.
template <Order kOrder, class Next, class Emit>
void AccumulateAs(size_t m, uint64_t x, uint64_t d, uint64_t grid, Next& next, Emit& emit) {
  uint64_t prev = 0;
  for (size_t i = 0; i < m; ++i) {
    const uint64_t r = next();
    if constexpr (kOrder == Order::kNone) {
      x = r;
    } else if constexpr (kOrder == Order::kDelta) {
      x += r;
    } else if constexpr (kOrder == Order::kDod) {
      d += r;
      x += d;
    } else {
      x = grid + r - prev;
      prev = r;
    }
    emit(x);
  }
}

template <class Next, class Emit>
void Accumulate(Order order, size_t m, uint64_t x, uint64_t d, uint64_t grid, Next&& next, Emit& emit) {
  switch (order) {
    case Order::kNone:
      return AccumulateAs<Order::kNone>(m, x, d, grid, next, emit);
    case Order::kDelta:
      return AccumulateAs<Order::kDelta>(m, x, d, grid, next, emit);
    case Order::kDod:
      return AccumulateAs<Order::kDod>(m, x, d, grid, next, emit);
    case Order::kGrid:
      return AccumulateAs<Order::kGrid>(m, x, d, grid, next, emit);
  }
}

// Reads a column of `count` integers, calling emit(x) once for each, in order.
template <class Emit>
Status ReadColumn(Reader* in, size_t count, std::string_view name, Emit&& emit) {
  if (count == 0) return Status::Ok();
  const auto truncated = [&] { return Corrupt(std::string(name) + ": truncated"); };
  uint8_t head = 0;
  if (!in->Byte(&head)) return truncated();
  const auto order = static_cast<Order>(head & 3);
  const int width = head >> 2;
  uint64_t grid = 0;
  if (order == Order::kGrid && !in->Varint(&grid)) return truncated();
  const size_t first = order == Order::kGrid ? 0 : std::min<size_t>(count, static_cast<size_t>(order));
  uint64_t x = 0;
  uint64_t d = 0;
  if (first >= 1) {
    if (!in->Varint(&x)) return truncated();
    emit(x);
  }
  if (first >= 2) {
    if (!in->Varint(&d)) return truncated();
    x += d;
    emit(x);
  }
  const size_t m = count - first;
  if (m == 0) return Status::Ok();

  uint64_t base = 0;
  uint64_t num_exceptions = 0;
  uint64_t step = 0;
  if (!in->Varint(&base) || !in->Uvarint(&num_exceptions)) return truncated();
  if (num_exceptions > m) return Corrupt(std::string(name) + ": more exceptions than values");
  if (width > 0 || num_exceptions > 0) {
    if (!in->Uvarint(&step)) return truncated();
    if (step == 0) return Corrupt(std::string(name) + ": step 0");
  }
  // The exceptions are checked whole before any is used, which lets the
  // decoding loop below trust them.
  Reader exceptions = *in;
  size_t next = 0;
  for (uint64_t i = 0; i < num_exceptions; ++i) {
    uint64_t gap = 0;
    uint64_t offset = 0;
    if (!in->Uvarint(&gap) || !in->Varint(&offset)) return truncated();
    if (gap >= m - next) return Corrupt(std::string(name) + ": exception position out of range");
    next += static_cast<size_t>(gap) + 1;
  }
  const size_t packed_bits = (m - static_cast<size_t>(num_exceptions)) * static_cast<size_t>(width);
  const size_t packed_bytes = (packed_bits + 7) / 8;
  if (in->remaining() < packed_bytes) return truncated();
  const unsigned char* packed = in->here();
  // Loads may run past the packed bits into later fields of the chunk: they
  // are masked off, and the chunk's end is the true bound.
  const size_t readable = in->remaining();
  if (packed_bits % 8 != 0 && (packed[packed_bytes - 1] >> (packed_bits % 8)) != 0) {
    return Corrupt(std::string(name) + ": non-zero padding");
  }
  (void)in->Skip(packed_bytes);

  size_t exception_at = m;  // m: none left
  uint64_t exception_value = 0;
  size_t exceptions_left = static_cast<size_t>(num_exceptions);
  size_t exception_next = 0;
  const auto next_exception = [&] {
    if (exceptions_left == 0) {
      exception_at = m;
      return;
    }
    --exceptions_left;
    uint64_t gap = 0;
    uint64_t offset = 0;
    (void)exceptions.Uvarint(&gap);
    (void)exceptions.Varint(&offset);
    exception_at = exception_next + static_cast<size_t>(gap);
    exception_next = exception_at + 1;
    exception_value = base + step * offset;
  };
  next_exception();

  // The common shapes get loops of their own: no exceptions, and nothing
  // packed at all (regular timestamps, constant values).
  if (num_exceptions == 0 && width == 0) {
    Accumulate(
        order, m, x, d, grid, [&] { return base; }, emit);
  } else if (num_exceptions == 0) {
    size_t bit = 0;
    Accumulate(
        order, m, x, d, grid,
        [&] {
          const uint64_t r = base + step * LoadBits(packed, readable, bit, width);
          bit += static_cast<size_t>(width);
          return r;
        },
        emit);
  } else {
    size_t bit = 0;
    size_t i = 0;
    Accumulate(
        order, m, x, d, grid,
        [&] {
          uint64_t r;
          if (i++ == exception_at) {
            r = exception_value;
            next_exception();
          } else {
            r = base + step * LoadBits(packed, readable, bit, width);
            bit += static_cast<size_t>(width);
          }
          return r;
        },
        emit);
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------
// Values

double FromMantissa(int64_t mantissa, int scale) {
  const auto x = static_cast<double>(mantissa);
  return scale >= 0 ? x / kPow10[scale] : x * kPow10[-scale];
}

// Whether v is exactly FromMantissa(m, scale) for some m, judged by running the
// decoder's own arithmetic and comparing bits (so -0.0 never passes).
bool ToMantissa(double v, int scale, int64_t* mantissa) {
  const double x = scale >= 0 ? v * kPow10[scale] : v / kPow10[-scale];
  if (!(x > -9.2e18 && x < 9.2e18)) return false;  // outside int64, or NaN
  // Rounded to nearest without a libm call: truncation and the remainder are
  // exact at these magnitudes.
  auto m = static_cast<int64_t>(x);
  const double rest = x - static_cast<double>(m);
  if (rest >= 0.5) ++m;
  if (rest <= -0.5) --m;
  if (std::bit_cast<uint64_t>(FromMantissa(m, scale)) != std::bit_cast<uint64_t>(v)) return false;
  *mantissa = m;
  return true;
}

// The smallest scale that represents v, or kNoScale. A value that fits one
// scale fits every larger one until its mantissa outgrows 2^53, so the search
// starts from the previous value's scale and mostly costs two tries.
int SmallestScale(double v, int hint) {
  int64_t m = 0;
  if (ToMantissa(v, hint, &m)) {
    while (hint > kMinScale && ToMantissa(v, hint - 1, &m)) --hint;
    return hint;
  }
  for (int s = hint + 1; s <= kMaxScale; ++s) {
    if (ToMantissa(v, s, &m)) return s;
  }
  for (int s = kMinScale; s < hint; ++s) {
    if (ToMantissa(v, s, &m)) return s;
  }
  return kNoScale;
}

// The decimal section at one scale: values it does not represent become
// exceptions, the stale marker a one-byte one.
void WriteDecimalValues(std::span<const Sample> samples, std::span<const int> scales, int scale,
                        std::vector<uint64_t>* mantissas, std::string* out) {
  out->push_back(static_cast<char>(ValueEncoding::kDecimal));
  out->push_back(static_cast<char>(static_cast<int8_t>(scale)));
  mantissas->clear();
  std::string exceptions;
  size_t num_exceptions = 0;
  size_t next = 0;
  for (size_t i = 0; i < samples.size(); ++i) {
    int64_t m = 0;
    if (scales[i] <= scale && ToMantissa(samples[i].v, scale, &m)) {
      mantissas->push_back(static_cast<uint64_t>(m));
      continue;
    }
    const bool stale = scales[i] == kStale;
    PutUvarint(&exceptions, ((i - next) << 1) | (stale ? 0 : 1));
    if (!stale) PutFixed64(&exceptions, std::bit_cast<uint64_t>(samples[i].v));
    next = i + 1;
    ++num_exceptions;
  }
  PutUvarint(out, num_exceptions);
  out->append(exceptions);
  // A grid pays for timestamps, whose deltas sit on the interval with a few
  // late scrapes; values rarely have one, and the search costs a sort.
  WriteColumn(*mantissas, /*try_grid=*/false, out);
}

// The shortest decimal section over a few candidate scales, or "" when no
// value is a decimal. The largest scale any value needs represents them all;
// a smaller one turns the values that need more digits (0.1 + 0.2, say) into
// exceptions, which pays when they are few, since one such value would
// otherwise inflate every mantissa.
std::string DecimalValues(std::span<const Sample> samples) {
  const size_t n = samples.size();
  std::vector<int> scales(n);
  int count[kMaxScale - kMinScale + 1] = {};
  size_t misfits = 0;
  int hint = 0;
  for (size_t i = 0; i < n; ++i) {
    if (IsStaleNaN(samples[i].v)) {
      scales[i] = kStale;
      continue;
    }
    // Zero fits every scale; letting it steer the search would send the next
    // value's from the bottom.
    if (std::bit_cast<uint64_t>(samples[i].v) == 0) {
      scales[i] = kMinScale;
      ++count[0];
      continue;
    }
    scales[i] = SmallestScale(samples[i].v, hint);
    if (scales[i] == kNoScale) {
      // When most values are no short decimal the XOR stream wins anyway;
      // stop looking, as each misfit costs a try at all 45 scales.
      if (++misfits > 8 && 2 * misfits > i + 1) return {};
      continue;
    }
    hint = scales[i];
    ++count[scales[i] - kMinScale];
  }
  int top = kMinScale - 1;
  for (int s = kMinScale; s <= kMaxScale; ++s) {
    if (count[s - kMinScale] > 0) top = s;
  }
  if (top < kMinScale) return {};

  std::vector<uint64_t> mantissas;
  std::string best;
  std::string trial;
  WriteDecimalValues(samples, scales, top, &mantissas, &best);
  const size_t affordable = std::max<size_t>(2, n / 16);
  size_t above = misfits + static_cast<size_t>(count[top - kMinScale]);
  for (int s = top - 1, tried = 0; s >= kMinScale && above <= affordable && tried < 3; --s) {
    if (count[s - kMinScale] == 0) continue;
    trial.clear();
    WriteDecimalValues(samples, scales, s, &mantissas, &trial);
    if (trial.size() < best.size()) best.swap(trial);
    above += static_cast<size_t>(count[s - kMinScale]);
    ++tried;
  }
  return best;
}

// Gorilla-style XOR of each value's bits with the previous one's, for values
// that are not short decimals. Unlike Prometheus's, a writer here may open a
// new window whenever that is shorter than reusing the old one.
std::string XorValues(std::span<const Sample> samples) {
  std::string out;
  out.push_back(static_cast<char>(ValueEncoding::kXor));
  uint64_t prev = std::bit_cast<uint64_t>(samples[0].v);
  PutFixed64(&out, prev);
  BitWriter bits(&out);
  int lead = -1;  // -1: no window yet
  int trail = 0;
  for (size_t i = 1; i < samples.size(); ++i) {
    const uint64_t cur = std::bit_cast<uint64_t>(samples[i].v);
    const uint64_t x = cur ^ prev;
    prev = cur;
    if (x == 0) {
      bits.Put(0, 1);
      continue;
    }
    const int l = std::countl_zero(x);
    const int t = std::countr_zero(x);
    const int significant = 64 - l - t;
    if (lead >= 0 && l >= lead && t >= trail && 64 - lead - trail <= 12 + significant) {
      bits.Put(0b01, 2);
      bits.Put(x >> trail, 64 - lead - trail);
      continue;
    }
    lead = l;
    trail = t;
    bits.Put(0b11, 2);
    bits.Put(static_cast<uint64_t>(l), 6);
    bits.Put(static_cast<uint64_t>(significant - 1), 6);
    bits.Put(x >> t, significant);
  }
  bits.Finish();
  return out;
}

Status ReadXorValues(Reader* in, std::span<Sample> s) {
  uint64_t prev = 0;
  if (!in->Fixed64(&prev)) return Corrupt("xor values: truncated");
  s[0].v = std::bit_cast<double>(prev);
  const unsigned char* p = in->here();
  const size_t size = in->remaining();
  const size_t total = size * 8;
  size_t pos = 0;
  const auto read = [&](int count, uint64_t* out) {
    if (static_cast<size_t>(count) > total - pos) return false;
    *out = LoadBits(p, size, pos, count);
    pos += static_cast<size_t>(count);
    return true;
  };
  int lead = -1;
  int trail = 0;
  for (size_t i = 1; i < s.size(); ++i) {
    uint64_t control = 0;
    if (!read(1, &control)) return Corrupt("xor values: truncated");
    if (control != 0) {
      if (!read(1, &control)) return Corrupt("xor values: truncated");
      if (control != 0) {
        uint64_t l = 0;
        uint64_t significant = 0;
        if (!read(6, &l) || !read(6, &significant)) return Corrupt("xor values: truncated");
        ++significant;
        if (l + significant > 64) return Corrupt("xor values: window wider than 64 bits");
        lead = static_cast<int>(l);
        trail = static_cast<int>(64 - l - significant);
      } else if (lead < 0) {
        return Corrupt("xor values: window reused before one is set");
      }
      uint64_t x = 0;
      if (!read(64 - lead - trail, &x)) return Corrupt("xor values: truncated");
      prev ^= x << trail;
    }
    s[i].v = std::bit_cast<double>(prev);
  }
  const size_t used = (pos + 7) / 8;
  if (used != size) return Corrupt("xor values: trailing bytes");
  if (pos % 8 != 0 && (p[used - 1] >> (pos % 8)) != 0) return Corrupt("xor values: non-zero padding");
  (void)in->Skip(used);
  return Status::Ok();
}

Status ReadDecimalValues(Reader* in, std::span<Sample> s) {
  const size_t n = s.size();
  uint8_t scale_byte = 0;
  uint64_t num_exceptions = 0;
  if (!in->Byte(&scale_byte) || !in->Uvarint(&num_exceptions)) return Corrupt("decimal values: truncated");
  const int scale = static_cast<int8_t>(scale_byte);
  if (scale < kMinScale || scale > kMaxScale) {
    return Corrupt("decimal values: scale " + std::to_string(scale) + " out of range");
  }
  if (num_exceptions > n) return Corrupt("decimal values: more exceptions than samples");
  Reader exceptions = *in;
  size_t next = 0;
  for (uint64_t i = 0; i < num_exceptions; ++i) {
    uint64_t entry = 0;
    if (!in->Uvarint(&entry)) return Corrupt("decimal values: truncated");
    if ((entry >> 1) >= n - next) return Corrupt("decimal values: exception position out of range");
    if ((entry & 1) != 0 && !in->Skip(8)) return Corrupt("decimal values: truncated");
    next += static_cast<size_t>(entry >> 1) + 1;
  }

  // The mantissas are decoded into the last n - x slots, then moved forward
  // around the x exceptions in one pass; each moves to a slot at or before its
  // own, so nothing is overwritten before it is read, and the decoding loop
  // stays free of exception checks.
  const auto x = static_cast<size_t>(num_exceptions);
  Sample* tail = s.data() + x;
  size_t j = 0;
  EMBER_RETURN_IF_ERROR(ReadColumn(in, n - x, "decimal values", [&](uint64_t m) {
    tail[j++].v = FromMantissa(static_cast<int64_t>(m), scale);
  }));
  if (x == 0) return Status::Ok();
  size_t exception_at = 0;
  size_t from = x;
  for (uint64_t i = 0; i < num_exceptions; ++i) {
    uint64_t entry = 0;
    uint64_t bits = kStaleNaNBits;
    (void)exceptions.Uvarint(&entry);  // checked above
    if ((entry & 1) != 0) (void)exceptions.Fixed64(&bits);
    const size_t at = exception_at + static_cast<size_t>(entry >> 1);
    for (size_t pos = exception_at; pos < at; ++pos) s[pos].v = s[from++].v;
    s[at].v = std::bit_cast<double>(bits);
    exception_at = at + 1;
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------
// Chunk

struct Header {
  size_t num_samples = 0;
  int64_t min_time = 0;
  int64_t max_time = 0;
};

Status ReadHeader(Reader* in, Header* h) {
  uint64_t n = 0;
  uint64_t first = 0;
  if (!in->Uvarint(&n) || !in->Varint(&first)) return Corrupt("truncated header");
  if (n == 0 || n > kDenseChunkMaxSamples) {
    return Corrupt("sample count " + std::to_string(n) + " outside 1 to " +
                   std::to_string(kDenseChunkMaxSamples));
  }
  uint64_t span = 0;
  if (n > 1) {
    if (!in->Uvarint(&span)) return Corrupt("truncated header");
    if (span == 0) return Corrupt("zero time span over several samples");
  }
  h->num_samples = static_cast<size_t>(n);
  h->min_time = static_cast<int64_t>(first);
  h->max_time = static_cast<int64_t>(first + span);
  if (h->max_time < h->min_time) return Corrupt("last timestamp before the first");
  return Status::Ok();
}

Status DecodeInto(std::string_view data, std::span<Sample> s, Reader* in, const Header& h) {
  const size_t n = s.size();
  auto t = static_cast<uint64_t>(h.min_time);
  s[0].t = h.min_time;
  size_t i = 1;
  bool increasing = true;
  EMBER_RETURN_IF_ERROR(ReadColumn(in, n - 1, "timestamps", [&](uint64_t delta) {
    t += delta;
    s[i].t = static_cast<int64_t>(t);
    increasing &= s[i].t > s[i - 1].t;
    ++i;
  }));
  if (!increasing) return Corrupt("timestamps do not increase");
  if (s[n - 1].t != h.max_time) return Corrupt("last timestamp differs from the header's");

  uint8_t encoding = 0;
  if (!in->Byte(&encoding)) return Corrupt("truncated before the values");
  switch (static_cast<ValueEncoding>(encoding)) {
    case ValueEncoding::kDecimal:
      EMBER_RETURN_IF_ERROR(ReadDecimalValues(in, s));
      break;
    case ValueEncoding::kXor:
      EMBER_RETURN_IF_ERROR(ReadXorValues(in, s));
      break;
    case ValueEncoding::kRaw:
      for (Sample& sample : s) {
        uint64_t bits = 0;
        if (!in->Fixed64(&bits)) return Corrupt("raw values: truncated");
        sample.v = std::bit_cast<double>(bits);
      }
      break;
    default:
      return Corrupt("unknown value encoding " + std::to_string(encoding));
  }
  if (in->remaining() != 0) {
    return Corrupt(std::to_string(in->remaining()) + " trailing bytes after " +
                   std::to_string(data.size() - in->remaining()));
  }
  return Status::Ok();
}

}  // namespace

std::string EncodeDenseChunk(std::span<const Sample> samples) {
  const size_t n = samples.size();
  assert(n >= 1 && n <= kDenseChunkMaxSamples);
  assert(std::adjacent_find(samples.begin(), samples.end(),
                            [](const Sample& a, const Sample& b) { return a.t >= b.t; }) == samples.end());
  std::string out;
  PutUvarint(&out, n);
  if (n == 0) return out;
  PutVarint(&out, samples[0].t);
  if (n > 1) PutUvarint(&out, static_cast<uint64_t>(samples[n - 1].t) - static_cast<uint64_t>(samples[0].t));
  std::vector<uint64_t> deltas(n - 1);
  for (size_t i = 1; i < n; ++i) {
    deltas[i - 1] = static_cast<uint64_t>(samples[i].t) - static_cast<uint64_t>(samples[i - 1].t);
  }
  WriteColumn(deltas, /*try_grid=*/true, &out);

  // Decimals win almost always; the XOR stream covers values computed in
  // floating point, raw bits values with no structure at all.
  std::string best = DecimalValues(samples);
  std::string xor_values = XorValues(samples);
  if (best.empty() || xor_values.size() < best.size()) best.swap(xor_values);
  if (best.size() > 1 + 8 * n) {
    best.assign(1, static_cast<char>(ValueEncoding::kRaw));
    for (const Sample& s : samples) PutFixed64(&best, std::bit_cast<uint64_t>(s.v));
  }
  out.append(best);
  return out;
}

Status DecodeDenseChunk(std::string_view data, std::vector<Sample>* out) {
  Reader in(data);
  Header h;
  EMBER_RETURN_IF_ERROR(ReadHeader(&in, &h));
  const size_t old_size = out->size();
  out->resize(old_size + h.num_samples);
  Status st = DecodeInto(data, std::span<Sample>(out->data() + old_size, h.num_samples), &in, h);
  if (!st.ok()) out->resize(old_size);
  return st;
}

Result<size_t> DenseChunkNumSamples(std::string_view data) {
  Reader in(data);
  Header h;
  EMBER_RETURN_IF_ERROR(ReadHeader(&in, &h));
  return h.num_samples;
}

Result<int64_t> DenseChunkMinTime(std::string_view data) {
  Reader in(data);
  Header h;
  EMBER_RETURN_IF_ERROR(ReadHeader(&in, &h));
  return h.min_time;
}

Result<int64_t> DenseChunkMaxTime(std::string_view data) {
  Reader in(data);
  Header h;
  EMBER_RETURN_IF_ERROR(ReadHeader(&in, &h));
  return h.max_time;
}

}  // namespace ember::tsdb
