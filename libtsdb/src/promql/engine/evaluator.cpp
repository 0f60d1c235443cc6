#include "promql/engine/evaluator.h"

#include <algorithm>
#include <any>
#include <cmath>
#include <limits>
#include <utility>

#include "promql/engine/step_matrix.h"
#include "promql/functions/function_impl.h"

namespace ember::promql::internal {

namespace {

// What a function call keeps across the steps of one evaluation: its
// FunctionContext with the state and error slots it points to.
struct CallContext {
  CallContext(const Call& call, std::vector<Annotation>& annotations) {
    ctx.call = &call;
    ctx.annotations = &annotations;
    ctx.state = &state;
    ctx.error = &error;
  }
  CallContext(const CallContext&) = delete;
  CallContext& operator=(const CallContext&) = delete;

  std::any state;
  Status error;
  FunctionContext ctx;
};

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Functions fail as upstream's panics do: an execution error.
Status FunctionError(const Status& s) { return Status::FailedPrecondition(s.message()); }

const Expr& Unwrap(const Expr& e) {
  const Expr* p = &e;
  while (p->kind == NodeKind::kParen) p = static_cast<const Paren*>(p)->expr.get();
  return *p;
}

bool IsNativeHistogramFunction(std::string_view name) {
  return name == "histogram_count" || name == "histogram_sum" || name == "histogram_avg" ||
         name == "histogram_fraction" || name == "histogram_stddev" || name == "histogram_stdvar";
}

bool HasAt(const TimeModifiers& m) { return m.at_ms.has_value() || m.at_anchor != AtAnchor::kNone; }

// Whether an expression has the same value at every step (upstream's
// step-invariant subexpressions): everything under it is pinned by `@`.
bool IsStepInvariant(const Expr& e) {
  switch (e.kind) {
    case NodeKind::kNumberLiteral:
    case NodeKind::kStringLiteral:
      return true;
    case NodeKind::kVectorSelector:
      return HasAt(static_cast<const VectorSelector&>(e).modifiers);
    case NodeKind::kMatrixSelector:
      return IsStepInvariant(*static_cast<const MatrixSelector&>(e).selector);
    case NodeKind::kSubquery:
      return HasAt(static_cast<const Subquery&>(e).modifiers);
    case NodeKind::kParen:
      return IsStepInvariant(*static_cast<const Paren&>(e).expr);
    case NodeKind::kUnary:
      return IsStepInvariant(*static_cast<const Unary&>(e).expr);
    case NodeKind::kBinary: {
      const auto& b = static_cast<const Binary&>(e);
      return IsStepInvariant(*b.lhs) && IsStepInvariant(*b.rhs);
    }
    case NodeKind::kAggregate: {
      const auto& a = static_cast<const Aggregate&>(e);
      return IsStepInvariant(*a.expr) && (!a.param || IsStepInvariant(*a.param));
    }
    case NodeKind::kCall: {
      const auto& c = static_cast<const Call&>(e);
      static constexpr std::string_view kTimeDependent[] = {
          "time",        "timestamp",     "predict_linear", "minute", "hour",  "day_of_week", "day_of_month",
          "day_of_year", "days_in_month", "month",          "year",   "start", "end",         "range",
          "step"};
      for (std::string_view n : kTimeDependent) {
        if (c.func->name == n) return false;
      }
      // A call without arguments (pi(), vector literals) gains nothing.
      if (c.args.empty()) return false;
      for (const ExprPtr& a : c.args) {
        if (!IsStepInvariant(*a)) return false;
      }
      return true;
    }
  }
  return false;
}

}  // namespace

// A range vector's series (stale markers removed) and how a step maps to
// its window (ref - range, ref] with ref = (at or step time) - offset.
struct Evaluator::RangeInput {
  Matrix series;
  int64_t offset = 0;
  std::optional<int64_t> at;
  int64_t range = 0;
  std::vector<tsdb::Matcher> matchers;  // of a matrix selector (absent_over_time)
  int64_t Ref(int64_t t) const { return (at ? *at : t) - offset; }
};

Evaluator::Evaluator(const Queryable& storage, int64_t query_start, int64_t query_end, EvaluatorLimits limits,
                     std::stop_token stop)
    : storage_(storage),
      query_start_(query_start),
      query_end_(query_end),
      limits_(limits),
      stop_(std::move(stop)) {}

Status Evaluator::Tick() {
  if ((++ticks_ & 0xff) != 0) return Status::Ok();
  if (stop_.stop_requested()) return Status::Canceled("query was canceled in query execution");
  if (std::chrono::steady_clock::now() > limits_.deadline) {
    return Status::DeadlineExceeded("query timed out in query execution");
  }
  return Status::Ok();
}

Status Evaluator::Hold(int64_t n) {
  current_samples_ += n;
  peak_samples_ = std::max(peak_samples_, current_samples_);
  if (current_samples_ > limits_.max_samples) {
    return Status::ResourceExhausted(
        "query processing would load too many samples into memory in query execution");
  }
  return Status::Ok();
}

void Evaluator::Release(const StepValue& v) { current_samples_ -= CountPoints(v); }

void Evaluator::CountStep(const StepRange& range, size_t step, int64_t n) {
  total_samples_ += n;
  if (limits_.per_step_stats && step < per_step_.size() && per_step_[step].first == range.T(step)) {
    per_step_[step].second += n;
  }
}

std::optional<int64_t> Evaluator::AtTime(const TimeModifiers& m) const {
  switch (m.at_anchor) {
    case AtAnchor::kStart:
      return query_start_;
    case AtAnchor::kEnd:
      return query_end_;
    case AtAnchor::kNone:
      break;
  }
  return m.at_ms;
}

Status Evaluator::CleanupNames(Matrix& matrix) const {
  bool any = false;
  for (Series& s : matrix) {
    if (s.drop_name) {
      s.labels = DropName(s.labels);
      s.drop_name = false;
      any = true;
    }
  }
  if (!any) return Status::Ok();
  return MergeEqualLabels(matrix);
}

Result<StepValue> Evaluator::Eval(const Expr& expr, const StepRange& range) {
  EMBER_RETURN_IF_ERROR(Tick());
  if (stop_.stop_requested()) return Status::Canceled("query was canceled in query execution");
  if (range.start != range.end && expr.kind != NodeKind::kNumberLiteral &&
      expr.kind != NodeKind::kStringLiteral && expr.kind != NodeKind::kParen &&
      (expr.type() == ValueType::kVector || expr.type() == ValueType::kScalar) && IsStepInvariant(expr)) {
    // Evaluated once, at the first step, and repeated for every step.
    EMBER_ASSIGN_OR_RETURN(StepValue once, Eval(expr, StepRange{range.start, range.start, 1}));
    Release(once);
    std::erase_if(once.matrix, [](const Series& s) { return s.samples.empty(); });
    const size_t steps = range.Steps();
    if (once.type == ValueType::kScalar) {
      once.scalars.assign(steps, once.scalars.empty() ? 0 : once.scalars[0]);
    }
    for (Series& s : once.matrix) {
      const double v = s.samples.empty() ? 0 : s.samples[0].v;
      s.samples.resize(steps);
      for (size_t i = 0; i < steps; ++i) s.samples[i] = {range.T(i), v};
    }
    EMBER_RETURN_IF_ERROR(Hold(CountPoints(once)));
    return once;
  }
  switch (expr.kind) {
    case NodeKind::kNumberLiteral: {
      StepValue v;
      v.type = ValueType::kScalar;
      v.scalars.assign(range.Steps(), static_cast<const NumberLiteral&>(expr).value);
      EMBER_RETURN_IF_ERROR(Hold(static_cast<int64_t>(v.scalars.size())));
      return v;
    }
    case NodeKind::kStringLiteral: {
      StepValue v;
      v.type = ValueType::kString;
      v.str = static_cast<const StringLiteral&>(expr).value;
      return v;
    }
    case NodeKind::kVectorSelector:
      return EvalVectorSelector(static_cast<const VectorSelector&>(expr), range, false);
    case NodeKind::kMatrixSelector:
    case NodeKind::kSubquery:
      return EvalMatrixAtInstant(expr, range);
    case NodeKind::kParen:
      return Eval(*static_cast<const Paren&>(expr).expr, range);
    case NodeKind::kUnary:
      return EvalUnary(static_cast<const Unary&>(expr), range);
    case NodeKind::kBinary:
      return EvalBinary(static_cast<const Binary&>(expr), range);
    case NodeKind::kAggregate:
      return EvalAggregate(static_cast<const Aggregate&>(expr), range);
    case NodeKind::kCall:
      return EvalCall(static_cast<const Call&>(expr), range);
  }
  return Status::Internal("unknown expression kind");
}

Result<StepValue> Evaluator::EvalVectorSelector(const VectorSelector& vs, const StepRange& range,
                                                bool timestamps) {
  const int64_t offset = vs.modifiers.offset_ms;
  const std::optional<int64_t> at = AtTime(vs.modifiers);
  const int64_t lookback = limits_.lookback_ms;
  const int64_t first_ref = (at ? *at : range.start) - offset;
  const int64_t last_ref = (at ? *at : range.end) - offset;
  SelectHints hints{first_ref - lookback + 1, last_ref, range.start == range.end ? 0 : range.interval, 0};
  EMBER_ASSIGN_OR_RETURN(auto cursor, storage_.Select(hints, vs.matchers));
  StepValue out;
  out.type = ValueType::kVector;
  const size_t steps = range.Steps();
  while (cursor->Next()) {
    EMBER_RETURN_IF_ERROR(Tick());
    std::span<const Sample> samples = cursor->samples();
    Series series;
    series.samples.reserve(std::min(steps, samples.size() + 1));
    size_t j = 0;
    for (size_t i = 0; i < steps; ++i) {
      const int64_t t = range.T(i);
      const int64_t ref = (at ? *at : t) - offset;
      while (j < samples.size() && samples[j].t <= ref) ++j;
      if (j == 0) continue;
      const Sample& s = samples[j - 1];
      if (s.t <= ref - lookback || tsdb::IsStaleNaN(s.v)) continue;
      series.samples.push_back({t, timestamps ? static_cast<double>(s.t) / 1000.0 : s.v});
      CountStep(range, i, 1);
    }
    if (series.samples.empty()) continue;
    EMBER_RETURN_IF_ERROR(Hold(static_cast<int64_t>(series.samples.size())));
    series.labels = cursor->labels();
    out.matrix.push_back(std::move(series));
  }
  EMBER_RETURN_IF_ERROR(cursor->status());
  return out;
}

Result<Evaluator::RangeInput> Evaluator::EvalRangeInput(const Expr& expr_in, const StepRange& range) {
  const Expr& expr = Unwrap(expr_in);
  RangeInput in;
  if (expr.kind == NodeKind::kMatrixSelector) {
    const auto& ms = static_cast<const MatrixSelector&>(expr);
    const auto& vs = static_cast<const VectorSelector&>(*ms.selector);
    in.offset = vs.modifiers.offset_ms;
    in.at = AtTime(vs.modifiers);
    in.range = ms.range_ms;
    in.matchers = vs.matchers;
    const int64_t first_ref = in.Ref(range.start);
    const int64_t last_ref = in.Ref(range.end);
    SelectHints hints{first_ref - in.range + 1, last_ref, range.start == range.end ? 0 : range.interval,
                      in.range};
    EMBER_ASSIGN_OR_RETURN(auto cursor, storage_.Select(hints, vs.matchers));
    while (cursor->Next()) {
      EMBER_RETURN_IF_ERROR(Tick());
      Series series;
      for (const Sample& s : cursor->samples()) {
        if (!tsdb::IsStaleNaN(s.v)) series.samples.push_back(s);
      }
      if (series.samples.empty()) continue;
      series.labels = cursor->labels();
      in.series.push_back(std::move(series));
    }
    EMBER_RETURN_IF_ERROR(cursor->status());
    return in;
  }
  if (expr.kind != NodeKind::kSubquery) {
    return Status::InvalidArgument("expected a range vector");
  }
  const auto& sq = static_cast<const Subquery&>(expr);
  in.offset = sq.modifiers.offset_ms;
  in.at = AtTime(sq.modifiers);
  in.range = sq.range_ms;
  const int64_t step = sq.step_ms > 0 ? sq.step_ms : limits_.default_subquery_step_ms;
  const int64_t end = in.Ref(range.end);
  const int64_t raw_start = in.Ref(range.start) - in.range;
  // The first step after the window's start aligned to a multiple of the
  // step from the epoch, as upstream, so results do not depend on the query's
  // start time.
  int64_t start = step * (raw_start / step);
  if (start <= raw_start) start += step;
  if (start > end) return in;
  EMBER_ASSIGN_OR_RETURN(StepValue inner, Eval(*sq.expr, StepRange{start, end, step}));
  if (inner.type == ValueType::kScalar) {
    Series s;
    StepRange inner_range{start, end, step};
    for (size_t i = 0; i < inner.scalars.size(); ++i)
      s.samples.push_back({inner_range.T(i), inner.scalars[i]});
    in.series.push_back(std::move(s));
    return in;
  }
  in.series = std::move(inner.matrix);
  return in;
}

Result<StepValue> Evaluator::EvalMatrixAtInstant(const Expr& expr, const StepRange& range) {
  if (range.start != range.end) {
    return Status::InvalidArgument("a range vector can only be evaluated at one time");
  }
  EMBER_ASSIGN_OR_RETURN(RangeInput in, EvalRangeInput(expr, range));
  StepValue out;
  out.type = ValueType::kMatrix;
  const int64_t ref = in.Ref(range.start);
  for (Series& s : in.series) {
    Series w;
    for (const Sample& p : s.samples) {
      if (p.t > ref - in.range && p.t <= ref) w.samples.push_back(p);
    }
    if (w.samples.empty()) continue;
    w.labels = std::move(s.labels);
    w.drop_name = s.drop_name;
    CountStep(range, 0, static_cast<int64_t>(w.samples.size()));
    out.matrix.push_back(std::move(w));
  }
  return out;
}

Result<StepValue> Evaluator::EvalCall(const Call& call, const StepRange& range) {
  const std::string_view name = call.func->name;
  if (name == "timestamp") {
    const Expr& arg = Unwrap(*call.args[0]);
    StepValue v;
    if (arg.kind == NodeKind::kVectorSelector) {
      EMBER_ASSIGN_OR_RETURN(v, EvalVectorSelector(static_cast<const VectorSelector&>(arg), range, true));
    } else {
      EMBER_ASSIGN_OR_RETURN(v, Eval(arg, range));
      for (Series& s : v.matrix) {
        for (Sample& p : s.samples) p.v = static_cast<double>(p.t) / 1000.0;
      }
    }
    for (Series& s : v.matrix) {
      if (limits_.delayed_name_removal) {
        s.drop_name = true;
      } else {
        s.labels = DropName(s.labels);
      }
    }
    if (!limits_.delayed_name_removal) EMBER_RETURN_IF_ERROR(MergeEqualLabels(v.matrix));
    return v;
  }
  if (name == "absent_over_time") return EvalAbsentOverTime(call, range);
  if (range.start != range.end &&
      (name == "sort" || name == "sort_desc" || name == "sort_by_label" || name == "sort_by_label_desc")) {
    annotations_.push_back(
        {AnnotationKind::kWarning,
         "sort is ineffective for range queries since results are always ordered by labels", call.pos});
  }
  const FunctionImpl* impl = LookupFunctionImpl(name);
  if (impl == nullptr && call.args.empty() &&
      (name == "start" || name == "end" || name == "range" || name == "step")) {
    // The query's own parameters, known only here.
    double v = 0;
    if (name == "start") v = static_cast<double>(query_start_) / 1000.0;
    if (name == "end") v = static_cast<double>(query_end_) / 1000.0;
    if (name == "range") v = static_cast<double>(query_end_ - query_start_) / 1000.0;
    if (name == "step") v = static_cast<double>(limits_.query_step_ms) / 1000.0;
    StepValue out;
    out.type = ValueType::kScalar;
    out.scalars.assign(range.Steps(), v);
    EMBER_RETURN_IF_ERROR(Hold(static_cast<int64_t>(out.scalars.size())));
    return out;
  }
  if (impl == nullptr) {
    if (IsNativeHistogramFunction(name)) {
      return Status::Unimplemented(std::string(name) + " not supported: native histograms are not stored");
    }
    return Status::Unimplemented("function " + std::string(name) + " not supported");
  }
  if (impl->range != nullptr) {
    for (size_t i = 0; i < call.args.size(); ++i) {
      if (call.args[i]->type() == ValueType::kMatrix) return EvalRangeCall(call, range, i, impl);
    }
    return Status::Internal("range function " + std::string(name) + " without a range vector argument");
  }
  return EvalVectorCall(call, range, impl);
}

Result<StepValue> Evaluator::EvalRangeCall(const Call& call, const StepRange& range, size_t matrix_arg,
                                           const FunctionImpl* impl) {
  const size_t steps = range.Steps();
  std::vector<std::vector<double>> scalar_args;
  for (size_t i = 0; i < call.args.size(); ++i) {
    if (i == matrix_arg) continue;
    EMBER_ASSIGN_OR_RETURN(StepValue v, Eval(*call.args[i], range));
    if (v.type != ValueType::kScalar) return Status::InvalidArgument("expected a scalar argument");
    Release(v);
    scalar_args.push_back(std::move(v.scalars));
  }
  EMBER_ASSIGN_OR_RETURN(RangeInput in, EvalRangeInput(*call.args[matrix_arg], range));
  CallContext call_ctx(call, annotations_);
  FunctionContext& ctx = call_ctx.ctx;
  const Status& fn_error = call_ctx.error;
  std::vector<double> scalars(scalar_args.size());
  StepValue out;
  out.type = ValueType::kVector;
  const bool drop = impl->drops_name;
  for (Series& s : in.series) {
    EMBER_RETURN_IF_ERROR(Tick());
    Series res;
    res.samples.reserve(std::min(steps, s.samples.size()));
    size_t lo = 0;
    size_t hi = 0;
    const auto& samples = s.samples;
    for (size_t i = 0; i < steps; ++i) {
      const int64_t t = range.T(i);
      const int64_t ref = in.Ref(t);
      while (hi < samples.size() && samples[hi].t <= ref) ++hi;
      if (lo > hi) lo = hi;
      while (lo < hi && samples[lo].t <= ref - in.range) ++lo;
      if (lo == hi) continue;
      for (size_t k = 0; k < scalar_args.size(); ++k) scalars[k] = scalar_args[k][i];
      RangeWindow w;
      w.samples = std::span<const Sample>(samples.data() + lo, hi - lo);
      w.range_start_ms = ref - in.range;
      w.range_end_ms = ref;
      w.labels = &s.labels;
      w.scalars = scalars;
      ctx.t = t;
      CountStep(range, i, static_cast<int64_t>(hi - lo));
      // As upstream, a window's samples count against the limit while the
      // function runs.
      if (current_samples_ + static_cast<int64_t>(hi - lo) > limits_.max_samples) {
        return Status::ResourceExhausted(
            "query processing would load too many samples into memory in query execution");
      }
      peak_samples_ = std::max(peak_samples_, current_samples_ + static_cast<int64_t>(hi - lo));
      std::optional<double> v = impl->range(w, ctx);
      if (!fn_error.ok()) return FunctionError(fn_error);
      if (v) res.samples.push_back({t, *v});
    }
    if (res.samples.empty()) continue;
    EMBER_RETURN_IF_ERROR(Hold(static_cast<int64_t>(res.samples.size())));
    res.drop_name = s.drop_name;
    if (drop) {
      if (limits_.delayed_name_removal) {
        res.drop_name = true;
        res.labels = std::move(s.labels);
      } else {
        res.labels = DropName(s.labels);
      }
    } else {
      res.labels = std::move(s.labels);
    }
    out.matrix.push_back(std::move(res));
  }
  if (Unwrap(*call.args[matrix_arg]).kind == NodeKind::kSubquery) {
    int64_t held = 0;
    for (const Series& s : in.series) held += static_cast<int64_t>(s.samples.size());
    current_samples_ -= held;
  }
  EMBER_RETURN_IF_ERROR(MergeEqualLabels(out.matrix));
  return out;
}

Result<StepValue> Evaluator::EvalAbsentOverTime(const Call& call, const StepRange& range) {
  EMBER_ASSIGN_OR_RETURN(RangeInput in, EvalRangeInput(*call.args[0], range));
  const size_t steps = range.Steps();
  std::vector<bool> present(steps, false);
  for (const Series& s : in.series) {
    size_t lo = 0;
    size_t hi = 0;
    for (size_t i = 0; i < steps; ++i) {
      const int64_t ref = in.Ref(range.T(i));
      while (hi < s.samples.size() && s.samples[hi].t <= ref) ++hi;
      if (lo > hi) lo = hi;
      while (lo < hi && s.samples[lo].t <= ref - in.range) ++lo;
      if (lo < hi) present[i] = true;
    }
  }
  Series res;
  for (size_t i = 0; i < steps; ++i) {
    if (!present[i]) res.samples.push_back({range.T(i), 1});
  }
  StepValue out;
  out.type = ValueType::kVector;
  if (res.samples.empty()) return out;
  // Labels from the selector's equality matchers, except names matched twice.
  std::vector<Label> ls;
  std::vector<std::string> dup;
  for (const tsdb::Matcher& m : in.matchers) {
    if (m.type() != tsdb::MatchType::kEqual || m.name() == kMetricNameLabel) continue;
    bool seen = false;
    for (const Label& l : ls) seen = seen || l.name == m.name();
    if (seen) {
      dup.push_back(m.name());
      continue;
    }
    ls.push_back({m.name(), m.value()});
  }
  std::erase_if(ls, [&](const Label& l) { return std::find(dup.begin(), dup.end(), l.name) != dup.end(); });
  res.labels = Labels::FromUnsorted(std::move(ls));
  EMBER_RETURN_IF_ERROR(Hold(static_cast<int64_t>(res.samples.size())));
  out.matrix.push_back(std::move(res));
  return out;
}

Result<StepValue> Evaluator::EvalVectorCall(const Call& call, const StepRange& range,
                                            const FunctionImpl* impl) {
  const size_t steps = range.Steps();
  std::vector<StepValue> args;
  args.reserve(call.args.size());
  for (const ExprPtr& a : call.args) {
    EMBER_ASSIGN_OR_RETURN(StepValue v, Eval(*a, range));
    if (v.type == ValueType::kMatrix) {
      return Status::Unimplemented("function " + std::string(call.func->name) + " not supported");
    }
    args.push_back(std::move(v));
  }
  std::vector<StepCursors> cursors;
  cursors.reserve(args.size());
  for (const StepValue& a : args) cursors.emplace_back(a.matrix);
  std::vector<Vector> vectors(args.size());
  std::vector<std::vector<uint32_t>> members_of(args.size());
  std::vector<std::pair<uint32_t, double>> present;
  // Output series by position in the previous step's result, checked by the
  // labels the function returned, to skip hashing in the common case.
  std::vector<size_t> out_by_pos;
  std::vector<Labels> out_raw_labels;
  std::vector<ArgValue> arg_values(args.size());
  CallContext call_ctx(call, annotations_);
  FunctionContext& ctx = call_ctx.ctx;
  const Status& fn_error = call_ctx.error;
  StepValue out;
  const bool scalar_result = call.func->return_type == ValueType::kScalar;
  out.type = scalar_result ? ValueType::kScalar : ValueType::kVector;
  if (scalar_result) out.scalars.assign(steps, kNaN);
  SeriesIndex index;
  for (size_t i = 0; i < steps; ++i) {
    EMBER_RETURN_IF_ERROR(Tick());
    const int64_t t = range.T(i);
    for (size_t k = 0; k < args.size(); ++k) {
      ArgValue& av = arg_values[k];
      av.type = args[k].type;
      switch (args[k].type) {
        case ValueType::kVector: {
          // Most steps see the same series as the step before: then only the
          // values change and no labels are copied.
          Vector& vec = vectors[k];
          std::vector<uint32_t>& members = members_of[k];
          present.clear();
          for (size_t s = 0; s < args[k].matrix.size(); ++s) {
            if (const Sample* p = cursors[k].At(s, t)) present.push_back({static_cast<uint32_t>(s), p->v});
          }
          bool same = present.size() == members.size();
          for (size_t j = 0; same && j < present.size(); ++j) same = present[j].first == members[j];
          if (!same) {
            vec.clear();
            members.clear();
            for (const auto& [s, v] : present) {
              vec.push_back({args[k].matrix[s].labels, t, v, args[k].matrix[s].drop_name});
              members.push_back(s);
            }
          } else {
            for (size_t j = 0; j < present.size(); ++j) {
              vec[j].t = t;
              vec[j].v = present[j].second;
            }
          }
          av.vector = &vec;
          break;
        }
        case ValueType::kScalar:
          av.scalar = args[k].scalars[i];
          break;
        case ValueType::kString:
          av.string = args[k].str;
          break;
        default:
          break;
      }
    }
    ctx.t = t;
    Vector res = impl->vector(arg_values, ctx);
    if (!fn_error.ok()) return FunctionError(fn_error);
    if (scalar_result) {
      if (!res.empty()) out.scalars[i] = res[0].v;
      continue;
    }
    if (out_by_pos.size() < res.size()) out_by_pos.resize(res.size(), SIZE_MAX);
    for (size_t j = 0; j < res.size(); ++j) {
      VectorSample& s = res[j];
      bool drop = s.drop_name || (impl->drops_name && limits_.delayed_name_removal);
      size_t idx = out_by_pos[j];
      if (idx == SIZE_MAX || out_raw_labels[idx] != s.labels || out.matrix[idx].drop_name != drop) {
        Labels labels = impl->drops_name && !limits_.delayed_name_removal ? DropName(s.labels) : s.labels;
        idx = index.GetOrAdd(out.matrix, labels, drop);
        if (idx == out_raw_labels.size()) out_raw_labels.push_back(std::move(s.labels));
        out_by_pos[j] = idx;
      }
      auto& samples = out.matrix[idx].samples;
      if (!samples.empty() && samples.back().t == t) return DuplicateLabelset();
      samples.push_back({t, s.v});
    }
  }
  for (const StepValue& a : args) Release(a);
  EMBER_RETURN_IF_ERROR(Hold(CountPoints(out)));
  return out;
}

Result<StepValue> Evaluator::EvalUnary(const Unary& u, const StepRange& range) {
  EMBER_ASSIGN_OR_RETURN(StepValue v, Eval(*u.expr, range));
  if (u.op == UnaryOp::kAdd) return v;
  for (double& d : v.scalars) d = -d;
  for (Series& s : v.matrix) {
    for (Sample& p : s.samples) p.v = -p.v;
    if (limits_.delayed_name_removal) {
      s.drop_name = true;
    } else {
      s.labels = DropName(s.labels);
    }
  }
  if (!limits_.delayed_name_removal && v.type == ValueType::kVector) {
    EMBER_RETURN_IF_ERROR(MergeEqualLabels(v.matrix));
  }
  return v;
}

}  // namespace ember::promql::internal
