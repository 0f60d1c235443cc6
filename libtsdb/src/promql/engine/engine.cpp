#include "ember/promql/engine.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <utility>

#include "promql/engine/evaluator.h"

namespace ember::promql {

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// Keeps the first of equal annotations, in order.
void Dedupe(std::vector<Annotation>& annotations) {
  std::vector<Annotation> out;
  out.reserve(annotations.size());
  for (Annotation& a : annotations) {
    bool seen = std::any_of(out.begin(), out.end(), [&](const Annotation& o) {
      return o.kind == a.kind && o.message == a.message && o.pos.start == a.pos.start &&
             o.pos.end == a.pos.end;
    });
    if (!seen) out.push_back(std::move(a));
  }
  annotations = std::move(out);
}

}  // namespace

struct Engine::Impl {
  explicit Impl(EngineOptions o) : options(std::move(o)) {}

  // Waits for a free evaluation slot until `deadline`.
  Status Acquire(Clock::time_point deadline, const std::stop_token& stop) {
    std::unique_lock lock(mu);
    while (running >= options.max_concurrent_queries) {
      if (stop.stop_requested()) return Status::Canceled("query was canceled in query queue");
      // Wake up now and then to notice a stop request.
      auto until = std::min(deadline, Clock::now() + std::chrono::milliseconds(50));
      cv.wait_until(lock, until);
      if (Clock::now() >= deadline && running >= options.max_concurrent_queries) {
        return Status::DeadlineExceeded("query timed out in query queue");
      }
    }
    ++running;
    return Status::Ok();
  }
  void ReleaseSlot() {
    {
      std::lock_guard lock(mu);
      --running;
    }
    cv.notify_one();
  }

  Result<QueryResult> Exec(const Queryable& storage, const Expr& expr, int64_t start, int64_t end,
                           int64_t interval, bool instant, const QueryOptions& qopts, std::stop_token stop,
                           Clock::time_point begin, double prep_time);

  EngineOptions options;
  std::mutex mu;
  std::condition_variable cv;
  int running = 0;
};

Result<QueryResult> Engine::Impl::Exec(const Queryable& storage, const Expr& expr, int64_t start, int64_t end,
                                       int64_t interval, bool instant, const QueryOptions& qopts,
                                       std::stop_token stop, Clock::time_point begin, double prep_time) {
  const std::chrono::milliseconds timeout =
      qopts.timeout.count() > 0 ? std::min(qopts.timeout, options.timeout) : options.timeout;
  const Clock::time_point deadline = begin + timeout;
  EMBER_RETURN_IF_ERROR(Acquire(deadline, stop));
  struct SlotGuard {
    Impl* impl;
    ~SlotGuard() { impl->ReleaseSlot(); }
  } guard{this};
  const Clock::time_point queued = Clock::now();

  internal::EvaluatorLimits limits;
  limits.lookback_ms = qopts.lookback_delta_ms > 0 ? qopts.lookback_delta_ms : options.lookback_delta_ms;
  limits.max_samples = options.max_samples;
  limits.default_subquery_step_ms = options.default_subquery_step_ms;
  limits.delayed_name_removal = options.delayed_name_removal;
  limits.deadline = deadline;
  limits.per_step_stats = qopts.per_step_stats;
  limits.query_step_ms = instant ? 0 : interval;
  internal::Evaluator ev(storage, start, end, limits, stop);
  internal::StepRange range{start, end, interval};
  if (qopts.per_step_stats) {
    ev.per_step().reserve(range.Steps());
    for (size_t i = 0; i < range.Steps(); ++i) ev.per_step().push_back({range.T(i), 0});
  }
  const ValueType type = expr.type();
  if (!instant && type != ValueType::kScalar && type != ValueType::kVector) {
    return Status::InvalidArgument("invalid expression type \"" + std::string(ValueTypeDocName(type)) +
                                   "\" for range query, must be Scalar or instant Vector");
  }
  EMBER_ASSIGN_OR_RETURN(internal::StepValue v, ev.Eval(expr, range));
  const Clock::time_point evaluated = Clock::now();

  QueryResult result;
  if (v.type == ValueType::kVector || v.type == ValueType::kMatrix) {
    if (options.delayed_name_removal) EMBER_RETURN_IF_ERROR(ev.CleanupNames(v.matrix));
  }
  const Clock::time_point sort_begin = Clock::now();
  if (instant) {
    switch (v.type) {
      case ValueType::kScalar:
        result.value = Scalar{start, v.scalars.empty() ? 0 : v.scalars[0]};
        break;
      case ValueType::kString:
        result.value = String{start, std::move(v.str)};
        break;
      case ValueType::kMatrix: {
        std::sort(v.matrix.begin(), v.matrix.end(),
                  [](const Series& a, const Series& b) { return a.labels < b.labels; });
        result.value = std::move(v.matrix);
        break;
      }
      default: {
        Vector vec;
        vec.reserve(v.matrix.size());
        for (Series& s : v.matrix) {
          if (s.samples.empty()) continue;
          vec.push_back({std::move(s.labels), s.samples.front().t, s.samples.front().v, false});
        }
        result.value = std::move(vec);
        break;
      }
    }
  } else {
    Matrix m;
    if (v.type == ValueType::kScalar) {
      Series s;
      s.samples.reserve(v.scalars.size());
      for (size_t i = 0; i < v.scalars.size(); ++i) s.samples.push_back({range.T(i), v.scalars[i]});
      m.push_back(std::move(s));
    } else {
      m = std::move(v.matrix);
      std::erase_if(m, [](const Series& s) { return s.samples.empty(); });
      std::sort(m.begin(), m.end(), [](const Series& a, const Series& b) { return a.labels < b.labels; });
    }
    result.value = std::move(m);
  }
  const Clock::time_point done = Clock::now();
  result.annotations = std::move(ev.annotations());
  Dedupe(result.annotations);
  QueryStats& st = result.stats;
  st.query_preparation_time = prep_time;
  st.exec_queue_time = Seconds(queued - begin);
  st.inner_eval_time = Seconds(evaluated - queued);
  st.result_sort_time = Seconds(done - sort_begin);
  st.eval_total_time = Seconds(done - queued);
  st.exec_total_time = Seconds(done - begin) + prep_time;
  st.total_queryable_samples = ev.total_samples();
  st.peak_samples = ev.peak_samples();
  if (qopts.per_step_stats) st.total_queryable_samples_per_step = std::move(ev.per_step());
  return result;
}

Engine::Engine(EngineOptions options, MetricsRegistry* /*registry*/)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

Engine::~Engine() = default;

const EngineOptions& Engine::options() const { return impl_->options; }

Result<QueryResult> Engine::InstantQuery(const Queryable& storage, std::string_view query, int64_t time_ms,
                                         const QueryOptions& options, std::stop_token stop) {
  const Clock::time_point begin = Clock::now();
  EMBER_ASSIGN_OR_RETURN(ExprPtr expr, ParseExpr(query, impl_->options.parse));
  const double prep = Seconds(Clock::now() - begin);
  return impl_->Exec(storage, *expr, time_ms, time_ms, 1, true, options, std::move(stop), Clock::now(), prep);
}

Result<QueryResult> Engine::RangeQuery(const Queryable& storage, std::string_view query, int64_t start_ms,
                                       int64_t end_ms, int64_t step_ms, const QueryOptions& options,
                                       std::stop_token stop) {
  const Clock::time_point begin = Clock::now();
  EMBER_ASSIGN_OR_RETURN(ExprPtr expr, ParseExpr(query, impl_->options.parse));
  const double prep = Seconds(Clock::now() - begin);
  if (step_ms <= 0) {
    return Status::InvalidArgument(
        "zero or negative query resolution step widths are not accepted. Try a positive integer");
  }
  if (end_ms < start_ms) return Status::InvalidArgument("end timestamp must not be before start time");
  return impl_->Exec(storage, *expr, start_ms, end_ms, step_ms, false, options, std::move(stop), Clock::now(),
                     prep);
}

Result<QueryResult> Engine::InstantQuery(const Queryable& storage, const Expr& expr,
                                         std::string_view /*query*/, int64_t time_ms,
                                         const QueryOptions& options, std::stop_token stop) {
  return impl_->Exec(storage, expr, time_ms, time_ms, 1, true, options, std::move(stop), Clock::now(), 0);
}

Result<QueryResult> Engine::RangeQuery(const Queryable& storage, const Expr& expr, std::string_view /*query*/,
                                       int64_t start_ms, int64_t end_ms, int64_t step_ms,
                                       const QueryOptions& options, std::stop_token stop) {
  if (step_ms <= 0) {
    return Status::InvalidArgument(
        "zero or negative query resolution step widths are not accepted. Try a positive integer");
  }
  if (end_ms < start_ms) return Status::InvalidArgument("end timestamp must not be before start time");
  return impl_->Exec(storage, expr, start_ms, end_ms, step_ms, false, options, std::move(stop), Clock::now(),
                     0);
}

}  // namespace ember::promql
