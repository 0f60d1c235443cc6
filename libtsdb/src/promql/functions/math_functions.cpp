// Per-sample arithmetic on instant vectors (abs, ln, sin, round, clamp, ...)
// and the functions that build or read a single number (pi, time, vector,
// scalar).
#include <cmath>
#include <limits>
#include <numbers>

#include "promql/functions/function_helpers.h"

namespace ember::promql::internal {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

template <double (*F)(double)>
Vector Unary(std::span<const ArgValue> args, const FunctionContext& ctx) {
  return MapSamples(args, ctx, F);
}

double Abs(double v) { return std::fabs(v); }
double Ceil(double v) { return std::ceil(v); }
double Floor(double v) { return std::floor(v); }
double Exp(double v) { return std::exp(v); }
double Sqrt(double v) { return std::sqrt(v); }
double Ln(double v) { return std::log(v); }
// Go computes log2 from the binary exponent and log10 from log2, so results
// that are not exact may differ in the last bit from C's; these follow Go's
// formulas. The constants are log2(e) and log10(2) rounded once, as Go's
// exact constant arithmetic gives them.
double Log2(double v) {
  int exp = 0;
  const double frac = std::frexp(v, &exp);
  if (frac == 0.5) return exp - 1;  // powers of two are exact
  return std::log(frac) * 1.44269504088896340735992468100189213742664595415298593 + exp;
}
double Log10(double v) { return Log2(v) * 0.301029995663981195213738894724493026768189881462108541310; }
double Sin(double v) { return std::sin(v); }
double Cos(double v) { return std::cos(v); }
double Tan(double v) { return std::tan(v); }
double Asin(double v) { return std::asin(v); }
double Acos(double v) { return std::acos(v); }
double Atan(double v) { return std::atan(v); }
double Sinh(double v) { return std::sinh(v); }
double Cosh(double v) { return std::cosh(v); }
double Tanh(double v) { return std::tanh(v); }
double Asinh(double v) { return std::asinh(v); }
double Acosh(double v) { return std::acosh(v); }
double Atanh(double v) { return std::atanh(v); }
double Rad(double v) { return v * std::numbers::pi / 180; }
double Deg(double v) { return v * 180 / std::numbers::pi; }
// NaN and ±0 pass through.
double Sgn(double v) { return v < 0 ? -1 : v > 0 ? 1 : v; }

// Go's math.Min/Max: NaN wins, and -0 is below +0.
double GoMin(double a, double b) {
  if (std::isinf(a) && a < 0) return a;
  if (std::isinf(b) && b < 0) return b;
  if (std::isnan(a) || std::isnan(b)) return kNaN;
  if (a == 0 && a == b) return std::signbit(a) ? a : b;
  return a < b ? a : b;
}

double GoMax(double a, double b) {
  if (std::isinf(a) && a > 0) return a;
  if (std::isinf(b) && b > 0) return b;
  if (std::isnan(a) || std::isnan(b)) return kNaN;
  if (a == 0 && a == b) return std::signbit(a) ? b : a;
  return a > b ? a : b;
}

Vector ClampBetween(std::span<const ArgValue> args, const FunctionContext& ctx, double lo, double hi) {
  if (hi < lo) return {};
  return MapSamples(args, ctx, [lo, hi](double v) { return GoMax(lo, GoMin(hi, v)); });
}

Vector Clamp(std::span<const ArgValue> args, const FunctionContext& ctx) {
  if (args.size() < 3) return {};
  return ClampBetween(args, ctx, args[1].scalar, args[2].scalar);
}

Vector ClampMin(std::span<const ArgValue> args, const FunctionContext& ctx) {
  if (args.size() < 2) return {};
  return ClampBetween(args, ctx, args[1].scalar, kInf);
}

Vector ClampMax(std::span<const ArgValue> args, const FunctionContext& ctx) {
  if (args.size() < 2) return {};
  return ClampBetween(args, ctx, -kInf, args[1].scalar);
}

Vector Round(std::span<const ArgValue> args, const FunctionContext& ctx) {
  const double to_nearest = args.size() >= 2 ? args[1].scalar : 1;
  // Multiplying by the inverse loses less precision than dividing; ties
  // round up.
  const double inverse = 1.0 / to_nearest;
  return MapSamples(args, ctx, [inverse](double v) { return std::floor(v * inverse + 0.5) / inverse; });
}

Vector ScalarValue(double v) { return Vector{VectorSample{Labels{}, 0, v, false}}; }

Vector Pi(std::span<const ArgValue>, const FunctionContext&) { return ScalarValue(std::numbers::pi); }

Vector Time(std::span<const ArgValue>, const FunctionContext& ctx) {
  Vector out = ScalarValue(static_cast<double>(ctx.t) / 1000);
  out[0].t = ctx.t;
  return out;
}

Vector VectorOf(std::span<const ArgValue> args, const FunctionContext& ctx) {
  Vector out = ScalarValue(args.empty() ? kNaN : args[0].scalar);
  out[0].t = ctx.t;
  return out;
}

// max_of/min_of(scalar, scalar): Go's math.Max/Min, so NaN wins.
Vector MaxOf(std::span<const ArgValue> args, const FunctionContext& ctx) {
  Vector out = ScalarValue(args.size() < 2 ? kNaN : GoMax(args[0].scalar, args[1].scalar));
  out[0].t = ctx.t;
  return out;
}

Vector MinOf(std::span<const ArgValue> args, const FunctionContext& ctx) {
  Vector out = ScalarValue(args.size() < 2 ? kNaN : GoMin(args[0].scalar, args[1].scalar));
  out[0].t = ctx.t;
  return out;
}

// The single sample's value, or NaN for none or several.
Vector Scalar(std::span<const ArgValue> args, const FunctionContext& ctx) {
  double v = kNaN;
  if (!args.empty() && args[0].vector != nullptr && args[0].vector->size() == 1) v = (*args[0].vector)[0].v;
  Vector out = ScalarValue(v);
  out[0].t = ctx.t;
  return out;
}

// One function per line, kept so by hand (clang-format would pack them in columns).
// clang-format off
constexpr NamedFunction kFunctions[] = {
    {"abs", {.vector = Unary<Abs>}},
    {"acos", {.vector = Unary<Acos>}},
    {"acosh", {.vector = Unary<Acosh>}},
    {"asin", {.vector = Unary<Asin>}},
    {"asinh", {.vector = Unary<Asinh>}},
    {"atan", {.vector = Unary<Atan>}},
    {"atanh", {.vector = Unary<Atanh>}},
    {"ceil", {.vector = Unary<Ceil>}},
    {"clamp", {.vector = Clamp}},
    {"clamp_max", {.vector = ClampMax}},
    {"clamp_min", {.vector = ClampMin}},
    {"cos", {.vector = Unary<Cos>}},
    {"cosh", {.vector = Unary<Cosh>}},
    {"deg", {.vector = Unary<Deg>}},
    {"exp", {.vector = Unary<Exp>}},
    {"floor", {.vector = Unary<Floor>}},
    {"ln", {.vector = Unary<Ln>}},
    {"log10", {.vector = Unary<Log10>}},
    {"log2", {.vector = Unary<Log2>}},
    {"max_of", {.vector = MaxOf}},
    {"min_of", {.vector = MinOf}},
    {"pi", {.vector = Pi}},
    {"rad", {.vector = Unary<Rad>}},
    {"round", {.vector = Round}},
    {"scalar", {.vector = Scalar}},
    {"sgn", {.vector = Unary<Sgn>}},
    {"sin", {.vector = Unary<Sin>}},
    {"sinh", {.vector = Unary<Sinh>}},
    {"sqrt", {.vector = Unary<Sqrt>}},
    {"tan", {.vector = Unary<Tan>}},
    {"tanh", {.vector = Unary<Tanh>}},
    {"time", {.vector = Time}},
    {"vector", {.vector = VectorOf}},
};
// clang-format on

}  // namespace

std::span<const NamedFunction> MathFunctions() { return kFunctions; }

}  // namespace ember::promql::internal
