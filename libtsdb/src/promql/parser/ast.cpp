// The parts of ast.h that are not parsing or printing: operator names, the
// function table and deep copies.
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "ember/promql/ast.h"

namespace ember::promql {

std::string_view BinaryOpString(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd:
      return "+";
    case BinaryOp::kSub:
      return "-";
    case BinaryOp::kMul:
      return "*";
    case BinaryOp::kDiv:
      return "/";
    case BinaryOp::kMod:
      return "%";
    case BinaryOp::kPow:
      return "^";
    case BinaryOp::kAtan2:
      return "atan2";
    case BinaryOp::kEql:
      return "==";
    case BinaryOp::kNeq:
      return "!=";
    case BinaryOp::kGtr:
      return ">";
    case BinaryOp::kLss:
      return "<";
    case BinaryOp::kGte:
      return ">=";
    case BinaryOp::kLte:
      return "<=";
    case BinaryOp::kAnd:
      return "and";
    case BinaryOp::kOr:
      return "or";
    case BinaryOp::kUnless:
      return "unless";
  }
  return "?";
}

bool IsComparison(BinaryOp op) {
  switch (op) {
    case BinaryOp::kEql:
    case BinaryOp::kNeq:
    case BinaryOp::kGtr:
    case BinaryOp::kLss:
    case BinaryOp::kGte:
    case BinaryOp::kLte:
      return true;
    default:
      return false;
  }
}

bool IsSetOperator(BinaryOp op) {
  return op == BinaryOp::kAnd || op == BinaryOp::kOr || op == BinaryOp::kUnless;
}

std::string_view AggregateOpString(AggregateOp op) {
  switch (op) {
    case AggregateOp::kSum:
      return "sum";
    case AggregateOp::kAvg:
      return "avg";
    case AggregateOp::kCount:
      return "count";
    case AggregateOp::kMin:
      return "min";
    case AggregateOp::kMax:
      return "max";
    case AggregateOp::kGroup:
      return "group";
    case AggregateOp::kStddev:
      return "stddev";
    case AggregateOp::kStdvar:
      return "stdvar";
    case AggregateOp::kTopk:
      return "topk";
    case AggregateOp::kBottomk:
      return "bottomk";
    case AggregateOp::kCountValues:
      return "count_values";
    case AggregateOp::kQuantile:
      return "quantile";
    case AggregateOp::kLimitk:
      return "limitk";
    case AggregateOp::kLimitRatio:
      return "limit_ratio";
  }
  return "?";
}

namespace {

// Prometheus 3.x's function table (promql/parser/functions.go): argument
// types, optional/repeated arguments, return type and experimental flag.
const std::map<std::string_view, FunctionSignature>& FunctionTable() {
  constexpr ValueType V = ValueType::kVector;
  constexpr ValueType S = ValueType::kScalar;
  constexpr ValueType M = ValueType::kMatrix;
  constexpr ValueType Str = ValueType::kString;
  static const auto* table = [&] {
    const FunctionSignature sigs[] = {
        {"abs", {V}, 0, V, false},
        {"absent", {V}, 0, V, false},
        {"absent_over_time", {M}, 0, V, false},
        {"acos", {V}, 0, V, false},
        {"acosh", {V}, 0, V, false},
        {"asin", {V}, 0, V, false},
        {"asinh", {V}, 0, V, false},
        {"atan", {V}, 0, V, false},
        {"atanh", {V}, 0, V, false},
        {"avg_over_time", {M}, 0, V, false},
        {"ceil", {V}, 0, V, false},
        {"changes", {M}, 0, V, false},
        {"clamp", {V, S, S}, 0, V, false},
        {"clamp_max", {V, S}, 0, V, false},
        {"clamp_min", {V, S}, 0, V, false},
        {"cos", {V}, 0, V, false},
        {"cosh", {V}, 0, V, false},
        {"count_over_time", {M}, 0, V, false},
        {"days_in_month", {V}, 1, V, false},
        {"day_of_month", {V}, 1, V, false},
        {"day_of_week", {V}, 1, V, false},
        {"day_of_year", {V}, 1, V, false},
        {"deg", {V}, 0, V, false},
        {"end", {}, 0, S, true},
        {"delta", {M}, 0, V, false},
        {"deriv", {M}, 0, V, false},
        {"exp", {V}, 0, V, false},
        {"first_over_time", {M}, 0, V, false},
        {"floor", {V}, 0, V, false},
        {"histogram_avg", {V}, 0, V, false},
        {"histogram_count", {V}, 0, V, false},
        {"histogram_sum", {V}, 0, V, false},
        {"histogram_stddev", {V}, 0, V, false},
        {"histogram_stdvar", {V}, 0, V, false},
        {"histogram_fraction", {S, S, V}, 0, V, false},
        {"histogram_quantile", {S, V}, 0, V, false},
        {"histogram_quantiles", {V, Str, S, S}, 9, V, true},
        {"double_exponential_smoothing", {M, S, S}, 0, V, true},
        {"hour", {V}, 1, V, false},
        {"idelta", {M}, 0, V, false},
        {"increase", {M}, 0, V, false},
        {"info", {V, V}, 1, V, true},
        {"irate", {M}, 0, V, false},
        {"label_replace", {V, Str, Str, Str, Str}, 0, V, false},
        {"label_join", {V, Str, Str, Str}, -1, V, false},
        {"max_of", {S, S}, 0, S, true},
        {"last_over_time", {M}, 0, V, false},
        {"min_of", {S, S}, 0, S, true},
        {"ln", {V}, 0, V, false},
        {"log10", {V}, 0, V, false},
        {"log2", {V}, 0, V, false},
        {"mad_over_time", {M}, 0, V, true},
        {"max_over_time", {M}, 0, V, false},
        {"min_over_time", {M}, 0, V, false},
        {"ts_of_first_over_time", {M}, 0, V, true},
        {"ts_of_max_over_time", {M}, 0, V, true},
        {"ts_of_min_over_time", {M}, 0, V, true},
        {"ts_of_last_over_time", {M}, 0, V, true},
        {"minute", {V}, 1, V, false},
        {"month", {V}, 1, V, false},
        {"pi", {}, 0, S, false},
        {"predict_linear", {M, S}, 0, V, false},
        {"present_over_time", {M}, 0, V, false},
        {"quantile_over_time", {S, M}, 0, V, false},
        {"rad", {V}, 0, V, false},
        {"range", {}, 0, S, true},
        {"rate", {M}, 0, V, false},
        {"resets", {M}, 0, V, false},
        {"round", {V, S}, 1, V, false},
        {"scalar", {V}, 0, S, false},
        {"sgn", {V}, 0, V, false},
        {"sin", {V}, 0, V, false},
        {"sinh", {V}, 0, V, false},
        {"sort", {V}, 0, V, false},
        {"sort_desc", {V}, 0, V, false},
        {"sort_by_label", {V, Str}, -1, V, true},
        {"sort_by_label_desc", {V, Str}, -1, V, true},
        {"sqrt", {V}, 0, V, false},
        {"start", {}, 0, S, true},
        {"start_timestamp", {V}, 0, V, true},
        {"step", {}, 0, S, true},
        {"stddev_over_time", {M}, 0, V, false},
        {"stdvar_over_time", {M}, 0, V, false},
        {"sum_over_time", {M}, 0, V, false},
        {"tan", {V}, 0, V, false},
        {"tanh", {V}, 0, V, false},
        {"time", {}, 0, S, false},
        {"timestamp", {V}, 0, V, false},
        {"vector", {S}, 0, V, false},
        {"year", {V}, 1, V, false},
    };
    auto* m = new std::map<std::string_view, FunctionSignature>();
    for (const FunctionSignature& s : sigs) m->emplace(s.name, s);
    return m;
  }();
  return *table;
}

}  // namespace

const FunctionSignature* LookupFunction(std::string_view name) {
  const auto& table = FunctionTable();
  auto it = table.find(name);
  return it == table.end() ? nullptr : &it->second;
}

namespace {

ExprPtr CloneOrNull(const ExprPtr& e) { return e ? Clone(*e) : nullptr; }

}  // namespace

ExprPtr Clone(const Expr& expr) {
  ExprPtr out;
  switch (expr.kind) {
    case NodeKind::kNumberLiteral: {
      auto n = std::make_unique<NumberLiteral>();
      n->value = static_cast<const NumberLiteral&>(expr).value;
      n->duration = static_cast<const NumberLiteral&>(expr).duration;
      out = std::move(n);
      break;
    }
    case NodeKind::kStringLiteral: {
      auto n = std::make_unique<StringLiteral>();
      n->value = static_cast<const StringLiteral&>(expr).value;
      out = std::move(n);
      break;
    }
    case NodeKind::kVectorSelector: {
      const auto& src = static_cast<const VectorSelector&>(expr);
      auto n = std::make_unique<VectorSelector>();
      n->name = src.name;
      n->matchers = src.matchers;
      n->modifiers = src.modifiers;
      out = std::move(n);
      break;
    }
    case NodeKind::kMatrixSelector: {
      const auto& src = static_cast<const MatrixSelector&>(expr);
      auto n = std::make_unique<MatrixSelector>();
      n->selector = CloneOrNull(src.selector);
      n->range_ms = src.range_ms;
      out = std::move(n);
      break;
    }
    case NodeKind::kSubquery: {
      const auto& src = static_cast<const Subquery&>(expr);
      auto n = std::make_unique<Subquery>();
      n->expr = CloneOrNull(src.expr);
      n->range_ms = src.range_ms;
      n->step_ms = src.step_ms;
      n->modifiers = src.modifiers;
      out = std::move(n);
      break;
    }
    case NodeKind::kParen: {
      auto n = std::make_unique<Paren>();
      n->expr = CloneOrNull(static_cast<const Paren&>(expr).expr);
      out = std::move(n);
      break;
    }
    case NodeKind::kUnary: {
      const auto& src = static_cast<const Unary&>(expr);
      auto n = std::make_unique<Unary>();
      n->op = src.op;
      n->expr = CloneOrNull(src.expr);
      out = std::move(n);
      break;
    }
    case NodeKind::kBinary: {
      const auto& src = static_cast<const Binary&>(expr);
      auto n = std::make_unique<Binary>();
      n->op = src.op;
      n->lhs = CloneOrNull(src.lhs);
      n->rhs = CloneOrNull(src.rhs);
      n->return_bool = src.return_bool;
      if (src.matching) n->matching = std::make_unique<VectorMatching>(*src.matching);
      out = std::move(n);
      break;
    }
    case NodeKind::kAggregate: {
      const auto& src = static_cast<const Aggregate&>(expr);
      auto n = std::make_unique<Aggregate>();
      n->op = src.op;
      n->expr = CloneOrNull(src.expr);
      n->param = CloneOrNull(src.param);
      n->grouping = src.grouping;
      n->without = src.without;
      n->has_grouping = src.has_grouping;
      out = std::move(n);
      break;
    }
    case NodeKind::kCall: {
      const auto& src = static_cast<const Call&>(expr);
      auto n = std::make_unique<Call>();
      n->func = src.func;
      for (const ExprPtr& a : src.args) n->args.push_back(CloneOrNull(a));
      out = std::move(n);
      break;
    }
  }
  out->pos = expr.pos;
  return out;
}

}  // namespace ember::promql
