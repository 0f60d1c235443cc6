// The PromQL syntax tree, as the parser builds it and the engine reads it.
//
// A tree is immutable once parsed (the engine copies what it rewrites) and
// may be read from many threads. Every node keeps its position in the query
// text for error messages and annotations.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ember/promql/value.h"
#include "ember/tsdb/matcher.h"

namespace ember::promql {

enum class NodeKind {
  kNumberLiteral,
  kStringLiteral,
  kVectorSelector,
  kMatrixSelector,
  kSubquery,
  kParen,
  kUnary,
  kBinary,
  kAggregate,
  kCall,
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  explicit Expr(NodeKind k) : kind(k) {}
  virtual ~Expr() = default;
  Expr(const Expr&) = delete;
  Expr& operator=(const Expr&) = delete;

  // The value type the expression yields (set by the parser's type check).
  virtual ValueType type() const = 0;

  const NodeKind kind;
  PositionRange pos;
};

struct NumberLiteral final : Expr {
  NumberLiteral() : Expr(NodeKind::kNumberLiteral) {}
  ValueType type() const override { return ValueType::kScalar; }
  double value = 0;
  // Written as a duration (`time() - 1m` holds 60); printed back as one.
  bool duration = false;
};

struct StringLiteral final : Expr {
  StringLiteral() : Expr(NodeKind::kStringLiteral) {}
  ValueType type() const override { return ValueType::kString; }
  std::string value;  // unquoted
};

// `@ start()` / `@ end()`; kNone when the modifier is absent or a timestamp.
enum class AtAnchor { kNone, kStart, kEnd };

// The `offset` and `@` modifiers of a selector or subquery.
struct TimeModifiers {
  int64_t offset_ms = 0;                 // as written; negative allowed
  std::optional<int64_t> at_ms;          // `@ <timestamp>` in ms
  AtAnchor at_anchor = AtAnchor::kNone;  // `@ start()` / `@ end()`
};

struct VectorSelector final : Expr {
  VectorSelector() : Expr(NodeKind::kVectorSelector) {}
  ValueType type() const override { return ValueType::kVector; }
  // The metric name when given outside the braces (`foo{...}` or
  // `{"foo", ...}`); "" otherwise. Already present in `matchers` as a
  // `__name__` equality matcher.
  std::string name;
  // All matchers, in the order written, the name matcher first when `name`
  // is set.
  std::vector<tsdb::Matcher> matchers;
  TimeModifiers modifiers;
};

struct MatrixSelector final : Expr {
  MatrixSelector() : Expr(NodeKind::kMatrixSelector) {}
  ValueType type() const override { return ValueType::kMatrix; }
  ExprPtr selector;  // a VectorSelector carrying the modifiers
  int64_t range_ms = 0;
};

struct Subquery final : Expr {
  Subquery() : Expr(NodeKind::kSubquery) {}
  ValueType type() const override { return ValueType::kMatrix; }
  ExprPtr expr;
  int64_t range_ms = 0;
  int64_t step_ms = 0;  // 0: not given, the engine's default applies
  TimeModifiers modifiers;
};

struct Paren final : Expr {
  Paren() : Expr(NodeKind::kParen) {}
  ValueType type() const override { return expr->type(); }
  ExprPtr expr;
};

enum class UnaryOp { kAdd, kSub };

struct Unary final : Expr {
  Unary() : Expr(NodeKind::kUnary) {}
  ValueType type() const override { return expr->type(); }
  UnaryOp op = UnaryOp::kSub;
  ExprPtr expr;
};

enum class BinaryOp {
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kPow,
  kAtan2,
  kEql,
  kNeq,
  kGtr,
  kLss,
  kGte,
  kLte,
  kAnd,
  kOr,
  kUnless,
};

// "+", "-", ..., "atan2", "==", ..., "and", "or", "unless".
std::string_view BinaryOpString(BinaryOp op);
bool IsComparison(BinaryOp op);
bool IsSetOperator(BinaryOp op);

enum class Cardinality { kOneToOne, kManyToOne, kOneToMany, kManyToMany };

// How the two sides of a binary operation between vectors are matched.
struct VectorMatching {
  Cardinality card = Cardinality::kOneToOne;
  // The labels of `on(...)` (on = true) or `ignoring(...)` (on = false),
  // as written.
  std::vector<std::string> matching_labels;
  bool on = false;
  // The labels of `group_left(...)` / `group_right(...)`.
  std::vector<std::string> include;
};

struct Binary final : Expr {
  Binary() : Expr(NodeKind::kBinary) {}
  ValueType type() const override {
    return lhs->type() == ValueType::kScalar && rhs->type() == ValueType::kScalar ? ValueType::kScalar
                                                                                  : ValueType::kVector;
  }
  BinaryOp op = BinaryOp::kAdd;
  ExprPtr lhs;
  ExprPtr rhs;
  bool return_bool = false;  // `bool` modifier on a comparison
  // Set when both sides are vectors (with defaults when no modifier is
  // written; many-to-many for set operators); null otherwise.
  std::unique_ptr<VectorMatching> matching;
};

enum class AggregateOp {
  kSum,
  kAvg,
  kCount,
  kMin,
  kMax,
  kGroup,
  kStddev,
  kStdvar,
  kTopk,
  kBottomk,
  kCountValues,
  kQuantile,
  kLimitk,
  kLimitRatio,
};

// "sum", "avg", ..., "limit_ratio".
std::string_view AggregateOpString(AggregateOp op);

struct Aggregate final : Expr {
  Aggregate() : Expr(NodeKind::kAggregate) {}
  ValueType type() const override { return ValueType::kVector; }
  AggregateOp op = AggregateOp::kSum;
  ExprPtr expr;
  ExprPtr param;                      // topk/bottomk/quantile/count_values/limitk/limit_ratio; else null
  std::vector<std::string> grouping;  // as written
  bool without = false;
  // Whether `by`/`without` was written (`sum by () (x)` vs `sum(x)`).
  bool has_grouping = false;
};

// A function's signature, as the parser checks calls against it.
struct FunctionSignature {
  std::string_view name;
  std::vector<ValueType> arg_types;
  // 0: exactly arg_types; n > 0: the last n of arg_types are optional;
  // -1: the last type repeats any number of times (label_join).
  int variadic = 0;
  ValueType return_type = ValueType::kVector;
  // Needs ParseOptions::enable_experimental_functions.
  bool experimental = false;
};

// The signature of a known function, or null.
const FunctionSignature* LookupFunction(std::string_view name);

struct Call final : Expr {
  Call() : Expr(NodeKind::kCall) {}
  ValueType type() const override { return func->return_type; }
  const FunctionSignature* func = nullptr;
  std::vector<ExprPtr> args;
};

// A deep copy of a tree.
ExprPtr Clone(const Expr& expr);

// The expression as Prometheus's String() prints it on one line, e.g.
// `sum by (job) (rate(foo{a="b"}[5m] offset 1m))`. Parsing the output gives
// an equal tree.
std::string ToString(const Expr& expr);

// The multi-line form of the /api/v1/format_query endpoint (Prometheus's
// Pretty(0)): lines over 100 columns are split, two spaces per level.
std::string Prettify(const Expr& expr);

}  // namespace ember::promql
