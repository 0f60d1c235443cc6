// Functions that compute labels rather than values: label_replace,
// label_join and absent.
#include <re2/re2.h>

#include <algorithm>
#include <any>
#include <memory>
#include <string>
#include <vector>

#include "ember/base/strings.h"
#include "promql/functions/function_helpers.h"

namespace ember::promql::internal {
namespace {

// Prometheus 3 accepts any non-empty UTF-8 string as a label name.
bool IsValidLabelName(std::string_view name) { return !name.empty() && IsValidUtf8(name); }

bool IsNameByte(unsigned char c) {
  // Go's expansion takes letters, digits and '_' as name characters; any
  // non-ASCII byte is treated as part of a (Unicode letter) name.
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

// Expands `$1`, `${1}`, `$name`, `${name}` and `$$` in `tmpl` as Go's
// Regexp.ExpandString does: an unknown or unmatched group expands to "", a
// malformed reference leaves the `$` as text, and a name runs as far as
// name characters go (`$1x` is the group named "1x").
std::string Expand(const RE2& re, std::string_view tmpl, const std::vector<re2::StringPiece>& groups) {
  std::string out;
  while (!tmpl.empty()) {
    const size_t dollar = tmpl.find('$');
    if (dollar == std::string_view::npos) break;
    out.append(tmpl.substr(0, dollar));
    tmpl.remove_prefix(dollar + 1);
    if (!tmpl.empty() && tmpl[0] == '$') {
      out.push_back('$');
      tmpl.remove_prefix(1);
      continue;
    }
    std::string_view rest = tmpl;
    const bool brace = !rest.empty() && rest[0] == '{';
    if (brace) rest.remove_prefix(1);
    size_t i = 0;
    while (i < rest.size() && IsNameByte(static_cast<unsigned char>(rest[i]))) ++i;
    if (i == 0 || (brace && (i >= rest.size() || rest[i] != '}'))) {
      out.push_back('$');
      continue;
    }
    const std::string_view name = rest.substr(0, i);
    tmpl = rest.substr(brace ? i + 1 : i);
    int num = 0;
    for (char c : name) {
      if (c < '0' || c > '9' || num >= 100000000) {
        num = -1;
        break;
      }
      num = num * 10 + (c - '0');
    }
    if (name.size() > 1 && name[0] == '0') num = -1;
    if (num >= 0) {
      if (static_cast<size_t>(num) < groups.size() && groups[num].data() != nullptr)
        out.append(groups[num].data(), groups[num].size());
      continue;
    }
    const auto& names = re.NamedCapturingGroups();
    if (auto it = names.find(std::string(name)); it != names.end()) {
      const size_t g = static_cast<size_t>(it->second);
      if (g < groups.size() && groups[g].data() != nullptr) out.append(groups[g].data(), groups[g].size());
    }
  }
  out.append(tmpl);
  return out;
}

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
      b.Set(dst, Expand(*re, repl, groups));
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
