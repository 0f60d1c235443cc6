// Functions that compute labels rather than values: label_replace,
// label_join and absent.
#include <re2/re2.h>

#include <algorithm>
#include <any>
#include <memory>
#include <string>
#include <vector>

#include "ember/base/strings.h"
#include "ember/goregexp/go_regexp.h"
#include "promql/functions/function_helpers.h"

namespace ember::promql::internal {
namespace {

// Prometheus 3 accepts any non-empty UTF-8 string as a label name.
bool IsValidLabelName(std::string_view name) { return !name.empty() && IsValidUtf8(name); }

// The regex compiled once per evaluation of the call, kept in ctx.state.
std::shared_ptr<const RE2> CompiledRegex(std::string_view regex, const FunctionContext& ctx) {
  using Cached = std::shared_ptr<const RE2>;
  if (ctx.state != nullptr) {
    if (const auto* cached = std::any_cast<Cached>(ctx.state)) return *cached;
  }
  RE2::Options options;
  options.set_log_errors(false);
  // Anchored at both ends; (?s) lets `.` match newlines as in Go.
  auto re = std::make_shared<const RE2>("^(?s:" + std::string(regex) + ")$", options);
  if (ctx.state != nullptr && re->ok()) *ctx.state = Cached(re);
  return re;
}

Vector LabelReplace(std::span<const ArgValue> args, const FunctionContext& ctx) {
  if (args.size() < 5 || args[0].vector == nullptr) return {};
  const std::string_view dst = args[1].string;
  const std::string_view repl = args[2].string;
  const std::string_view src = args[3].string;
  const std::string_view regex = args[4].string;
  const std::shared_ptr<const RE2> re = CompiledRegex(regex, ctx);
  if (!re->ok()) {
    ctx.Fail(Status::InvalidArgument("invalid regular expression in label_replace(): " + std::string(regex)));
    return {};
  }
  if (!IsValidLabelName(dst)) {
    ctx.Fail(
        Status::InvalidArgument("invalid destination label name in label_replace(): " + std::string(dst)));
    return {};
  }
  const int ngroups = re->NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> groups(static_cast<size_t>(ngroups));
  Vector out;
  out.reserve(args[0].vector->size());
  for (const VectorSample& s : *args[0].vector) {
    VectorSample o = s;
    o.t = ctx.t;
    const std::string_view value = s.labels.Get(src);
    if (re->Match(re2::StringPiece(value.data(), value.size()), 0, value.size(), RE2::UNANCHORED,
                  groups.data(), ngroups)) {
      LabelsBuilder b(s.labels);
      std::string expanded;
      goregexp::Expand(expanded, repl, *re, groups.data(), static_cast<int>(groups.size()));
      b.Set(dst, expanded);
      o.labels = b.Build();
      // Writing __name__ names the result anew, so it survives.
      if (dst == kMetricNameLabel) o.drop_name = false;
    }
    out.push_back(std::move(o));
  }
  return out;
}

Vector LabelJoin(std::span<const ArgValue> args, const FunctionContext& ctx) {
  if (args.size() < 3 || args[0].vector == nullptr) return {};
  const std::string_view dst = args[1].string;
  const std::string_view sep = args[2].string;
  for (size_t i = 3; i < args.size(); ++i) {
    if (!IsValidLabelName(args[i].string)) {
      ctx.Fail(Status::InvalidArgument("invalid source label name in label_join(): " +
                                       std::string(args[i].string)));
      return {};
    }
  }
  if (!IsValidLabelName(dst)) {
    ctx.Fail(Status::InvalidArgument("invalid destination label name in label_join(): " + std::string(dst)));
    return {};
  }
  Vector out;
  out.reserve(args[0].vector->size());
  std::string joined;
  for (const VectorSample& s : *args[0].vector) {
    joined.clear();
    for (size_t i = 3; i < args.size(); ++i) {
      if (i > 3) joined.append(sep);
      joined.append(s.labels.Get(args[i].string));
    }
    LabelsBuilder b(s.labels);
    b.Set(dst, joined);
    VectorSample o{b.Build(), ctx.t, s.v, s.drop_name};
    if (dst == kMetricNameLabel) o.drop_name = false;
    out.push_back(std::move(o));
  }
  return out;
}

// absent(): when the argument has no samples, one sample of value 1 whose
// labels are the selector's equality matchers (a label matched more than
// once, or by another matcher type, is left out).
Vector Absent(std::span<const ArgValue> args, const FunctionContext& ctx) {
  if (!args.empty() && args[0].vector != nullptr && !args[0].vector->empty()) return {};
  const VectorSelector* selector = nullptr;
  if (ctx.call != nullptr && !ctx.call->args.empty()) {
    const Expr* arg = ctx.call->args[0].get();
    if (arg->kind == NodeKind::kVectorSelector) {
      selector = static_cast<const VectorSelector*>(arg);
    } else if (arg->kind == NodeKind::kMatrixSelector) {
      const Expr* inner = static_cast<const MatrixSelector*>(arg)->selector.get();
      if (inner != nullptr && inner->kind == NodeKind::kVectorSelector) {
        selector = static_cast<const VectorSelector*>(inner);
      }
    }
  }
  LabelsBuilder b;
  if (selector != nullptr) {
    std::vector<std::string_view> seen;
    for (const tsdb::Matcher& m : selector->matchers) {
      if (m.name() == kMetricNameLabel) continue;
      const bool first = std::find(seen.begin(), seen.end(), m.name()) == seen.end();
      if (m.type() == tsdb::MatchType::kEqual && first) {
        b.Set(m.name(), m.value());
        seen.push_back(m.name());
      } else {
        b.Del(m.name());
      }
    }
  }
  return Vector{VectorSample{b.Build(), ctx.t, 1, false}};
}

// One function per line, kept so by hand (clang-format would pack them in columns).
// clang-format off
constexpr NamedFunction kFunctions[] = {
    {"absent", {.vector = Absent}},
    {"label_join", {.vector = LabelJoin, .drops_name = false}},
    {"label_replace", {.vector = LabelReplace, .drops_name = false}},
};
// clang-format on

}  // namespace

std::span<const NamedFunction> LabelFunctions() { return kFunctions; }

}  // namespace ember::promql::internal
