// Binary operators over scalars and instant vectors: arithmetic,
// comparisons (filtering or `bool`), vector matching with on/ignoring and
// group_left/group_right, and the set operators.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "promql/engine/evaluator.h"
#include "promql/engine/step_matrix.h"

namespace ember::promql::internal {

namespace {

// Go's float64 arithmetic (IEEE: x/0 is ±Inf or NaN, math.Mod semantics).
double ArithOp(BinaryOp op, double l, double r) {
  switch (op) {
    case BinaryOp::kAdd:
      return l + r;
    case BinaryOp::kSub:
      return l - r;
    case BinaryOp::kMul:
      return l * r;
    case BinaryOp::kDiv:
      return l / r;
    case BinaryOp::kMod:
      return std::fmod(l, r);
    case BinaryOp::kPow:
      return std::pow(l, r);
    case BinaryOp::kAtan2:
      return std::atan2(l, r);
    default:
      return std::numeric_limits<double>::quiet_NaN();
  }
}

bool CompareOp(BinaryOp op, double l, double r) {
  switch (op) {
    case BinaryOp::kEql:
      return l == r;
    case BinaryOp::kNeq:
      return l != r;
    case BinaryOp::kGtr:
      return l > r;
    case BinaryOp::kLss:
      return l < r;
    case BinaryOp::kGte:
      return l >= r;
    case BinaryOp::kLte:
      return l <= r;
    default:
      return false;
  }
}

// The labels that identify a match group in error messages.
Labels MatchLabels(const Labels& l, const VectorMatching& m) {
  if (m.on) return l.Keep(m.matching_labels);
  std::vector<std::string> names = m.matching_labels;
  names.emplace_back(kMetricNameLabel);
  return l.Without(names);
}

uint64_t Signature(const Labels& l, const VectorMatching& m) {
  return m.on ? l.HashForLabels(m.matching_labels) : l.HashWithoutLabels(m.matching_labels);
}

}  // namespace

Result<StepValue> Evaluator::EvalBinary(const Binary& b, const StepRange& range) {
  EMBER_ASSIGN_OR_RETURN(StepValue lhs, Eval(*b.lhs, range));
  EMBER_ASSIGN_OR_RETURN(StepValue rhs, Eval(*b.rhs, range));
  const size_t steps = range.Steps();
  const bool cmp = IsComparison(b.op);
  const bool drop_name = !cmp || b.return_bool;
  const bool delayed = limits_.delayed_name_removal;
  StepValue out;
  out.type = ValueType::kVector;
  if (lhs.type == ValueType::kScalar && rhs.type == ValueType::kScalar) {
    out.type = ValueType::kScalar;
    out.scalars.resize(steps);
    for (size_t i = 0; i < steps; ++i) {
      double l = lhs.scalars[i];
      double r = rhs.scalars[i];
      out.scalars[i] = cmp ? (CompareOp(b.op, l, r) ? 1 : 0) : ArithOp(b.op, l, r);
    }
    Release(rhs);
    return out;
  }
  if (lhs.type == ValueType::kScalar || rhs.type == ValueType::kScalar) {
    const bool swap = lhs.type == ValueType::kScalar;
    StepValue& vec = swap ? rhs : lhs;
    const std::vector<double>& sc = swap ? lhs.scalars : rhs.scalars;
    for (Series& s : vec.matrix) {
      std::vector<Sample> kept;
      kept.reserve(s.samples.size());
      for (const Sample& p : s.samples) {
        const size_t i = static_cast<size_t>((p.t - range.start) / range.interval);
        double l = p.v;
        double r = sc[i];
        if (swap) std::swap(l, r);
        if (cmp) {
          bool keep = CompareOp(b.op, l, r);
          if (b.return_bool) {
            kept.push_back({p.t, keep ? 1.0 : 0.0});
          } else if (keep) {
            kept.push_back(p);
          }
        } else {
          kept.push_back({p.t, ArithOp(b.op, l, r)});
        }
      }
      s.samples = std::move(kept);
      if (drop_name) {
        if (delayed) {
          s.drop_name = true;
        } else {
          s.labels = DropName(s.labels);
        }
      }
    }
    Release(swap ? lhs : rhs);
    out.matrix = std::move(vec.matrix);
    if (drop_name && !delayed) EMBER_RETURN_IF_ERROR(MergeEqualLabels(out.matrix));
    std::erase_if(out.matrix, [](const Series& s) { return s.samples.empty(); });
    return out;
  }

  // Vector / vector.
  static const VectorMatching kDefault{};
  const VectorMatching& m = b.matching ? *b.matching : kDefault;
  Matrix& lm = lhs.matrix;
  Matrix& rm = rhs.matrix;
  // Match groups as dense ids, computed once per series; per step only
  // arrays stamped with the step are touched.
  std::vector<uint32_t> lsig(lm.size());
  std::vector<uint32_t> rsig(rm.size());
  uint32_t ngroups = 0;
  {
    std::unordered_map<uint64_t, uint32_t> ids;
    auto id = [&](const Labels& l) {
      auto [it, inserted] = ids.emplace(Signature(l, m), ngroups);
      if (inserted) ++ngroups;
      return it->second;
    };
    for (size_t i = 0; i < lm.size(); ++i) lsig[i] = id(lm[i].labels);
    for (size_t i = 0; i < rm.size(); ++i) rsig[i] = id(rm[i].labels);
  }
  std::vector<size_t> stamp(ngroups, SIZE_MAX);
  StepCursors lc(lm);
  StepCursors rc(rm);
  SeriesIndex index;

  if (IsSetOperator(b.op)) {
    std::vector<size_t> lout(lm.size(), SIZE_MAX);
    std::vector<size_t> rout(rm.size(), SIZE_MAX);
    for (size_t i = 0; i < steps; ++i) {
      EMBER_RETURN_IF_ERROR(Tick());
      const int64_t t = range.T(i);
      auto emit = [&](Matrix& src, std::vector<size_t>& outs, size_t k, double v) {
        if (outs[k] == SIZE_MAX) {
          outs[k] = index.GetOrAdd(out.matrix, src[k].labels, src[k].drop_name);
          out.matrix[outs[k]].samples.reserve(src[k].samples.size());
        }
        out.matrix[outs[k]].samples.push_back({t, v});
      };
      switch (b.op) {
        case BinaryOp::kAnd:
          for (size_t k = 0; k < rm.size(); ++k) {
            if (rc.At(k, t)) stamp[rsig[k]] = i;
          }
          for (size_t k = 0; k < lm.size(); ++k) {
            if (const Sample* p = lc.At(k, t); p && stamp[lsig[k]] == i) emit(lm, lout, k, p->v);
          }
          break;
        case BinaryOp::kOr:
          for (size_t k = 0; k < lm.size(); ++k) {
            if (const Sample* p = lc.At(k, t)) {
              stamp[lsig[k]] = i;
              emit(lm, lout, k, p->v);
            }
          }
          for (size_t k = 0; k < rm.size(); ++k) {
            if (const Sample* p = rc.At(k, t); p && stamp[rsig[k]] != i) emit(rm, rout, k, p->v);
          }
          break;
        default:  // unless
          for (size_t k = 0; k < rm.size(); ++k) {
            if (rc.At(k, t)) stamp[rsig[k]] = i;
          }
          for (size_t k = 0; k < lm.size(); ++k) {
            if (const Sample* p = lc.At(k, t); p && stamp[lsig[k]] != i) emit(lm, lout, k, p->v);
          }
          break;
      }
    }
    Release(lhs);
    Release(rhs);
    EMBER_RETURN_IF_ERROR(Hold(CountPoints(out)));
    return out;
  }

  // Arithmetic and comparisons: the "one" side is rhs unless group_right.
  const bool right = m.card == Cardinality::kOneToMany;
  Matrix& many = right ? rm : lm;
  Matrix& one = right ? lm : rm;
  std::vector<uint32_t>& many_sig = right ? rsig : lsig;
  std::vector<uint32_t>& one_sig = right ? lsig : rsig;
  StepCursors& many_c = right ? rc : lc;
  StepCursors& one_c = right ? lc : rc;
  std::vector<size_t> one_at(ngroups);
  std::vector<size_t> matched_stamp(ngroups, SIZE_MAX);
  // Output series of a (many, one) pair, computed once per pair; the last
  // pair of each series is remembered as it rarely changes.
  std::unordered_map<uint64_t, size_t> pair_out;
  std::vector<size_t> last_one(many.size(), SIZE_MAX);
  std::vector<size_t> last_out(many.size(), SIZE_MAX);
  for (size_t i = 0; i < steps; ++i) {
    EMBER_RETURN_IF_ERROR(Tick());
    const int64_t t = range.T(i);
    // Nothing can match when a side is empty at this step, and then the
    // other side's duplicates are no error (as upstream).
    bool many_present = false;
    for (size_t k = 0; k < many.size() && !many_present; ++k) many_present = many_c.At(k, t) != nullptr;
    if (!many_present) continue;
    for (size_t k = 0; k < one.size(); ++k) {
      if (!one_c.At(k, t)) continue;
      const uint32_t g = one_sig[k];
      if (stamp[g] != i) {
        stamp[g] = i;
        one_at[g] = k;
      } else {
        return Status::FailedPrecondition(
            "found duplicate series for the match group " + MatchLabels(one[k].labels, m).ToString() +
            " on the " + (right ? "left" : "right") + " hand-side of the operation: [" +
            one[one_at[g]].labels.ToString() + ", " + one[k].labels.ToString() +
            "];many-to-many matching not allowed: matching labels must be unique on one side");
      }
    }
    for (size_t k = 0; k < many.size(); ++k) {
      const Sample* mp = many_c.At(k, t);
      if (!mp) continue;
      const uint32_t g = many_sig[k];
      if (stamp[g] != i) continue;
      const size_t o = one_at[g];
      const Sample* op = one_c.At(o, t);
      if (m.card == Cardinality::kOneToOne) {
        if (matched_stamp[g] != i) {
          matched_stamp[g] = i;
        } else {
          return Status::FailedPrecondition(
              "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
        }
      }
      double l = mp->v;
      double r = op->v;
      if (right) std::swap(l, r);
      double v;
      if (cmp) {
        bool keep = CompareOp(b.op, l, r);
        if (b.return_bool) {
          v = keep ? 1 : 0;
        } else if (keep) {
          v = l;
        } else {
          continue;
        }
      } else {
        v = ArithOp(b.op, l, r);
      }
      const uint64_t pair_key = (static_cast<uint64_t>(k) << 32) | o;
      size_t idx = SIZE_MAX;
      if (last_one[k] == o) {
        idx = last_out[k];
      } else if (auto pit = pair_out.find(pair_key); pit != pair_out.end()) {
        idx = pit->second;
      }
      if (idx == SIZE_MAX) {
        LabelsBuilder lb(many[k].labels);
        bool drop = many[k].drop_name;
        if (drop_name) {
          if (delayed) {
            drop = true;
          } else {
            lb.Del(kMetricNameLabel);
          }
        }
        if (m.card == Cardinality::kOneToOne) {
          if (m.on) {
            Labels cur = lb.Build();
            for (const Label& lab : cur) {
              if (std::find(m.matching_labels.begin(), m.matching_labels.end(), lab.name) ==
                  m.matching_labels.end()) {
                lb.Del(lab.name);
              }
            }
          } else {
            for (const std::string& n : m.matching_labels) lb.Del(n);
          }
        }
        for (const std::string& n : m.include) {
          std::string_view val = one[o].labels.Get(n);
          if (val.empty()) {
            lb.Del(n);
          } else {
            lb.Set(n, val);
          }
        }
        idx = index.GetOrAdd(out.matrix, lb.Build(), drop);
        // The many side's samples bound the output's (usually equal).
        out.matrix[idx].samples.reserve(many[k].samples.size());
        pair_out.emplace(pair_key, idx);
      }
      last_one[k] = o;
      last_out[k] = idx;
      auto& samples = out.matrix[idx].samples;
      if (!samples.empty() && samples.back().t == t) {
        if (m.card == Cardinality::kOneToOne) return DuplicateLabelset();
        return Status::FailedPrecondition(
            "multiple matches for labels: grouping labels must ensure unique matches");
      }
      samples.push_back({t, v});
    }
  }
  Release(lhs);
  Release(rhs);
  EMBER_RETURN_IF_ERROR(Hold(CountPoints(out)));
  return out;
}

}  // namespace ember::promql::internal
