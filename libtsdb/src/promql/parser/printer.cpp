// ToString (Prometheus's String()) and Prettify (Prometheus's Pretty(0)).
#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "ember/base/strings.h"
#include "ember/promql/ast.h"
#include "ember/promql/parser.h"
#include "promql/parser/printer.h"

namespace ember::promql {
namespace {

bool IsLegacyLabelName(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool IsLegacyMetricName(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

void AppendLabels(std::string& out, const std::vector<std::string>& labels) {
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ", ";
    out += IsLegacyLabelName(labels[i]) ? labels[i] : GoQuote(labels[i]);
  }
}

void AppendOffset(std::string& out, int64_t offset_ms) {
  if (offset_ms > 0) {
    out += " offset ";
    out += FormatDuration(offset_ms);
  } else if (offset_ms < 0) {
    out += " offset -";
    out += FormatDuration(-offset_ms);
  }
}

void AppendAt(std::string& out, const TimeModifiers& m) {
  if (m.at_ms) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), " @ %.3f", static_cast<double>(*m.at_ms) / 1000.0);
    out += buf;
  } else if (m.at_anchor == AtAnchor::kStart) {
    out += " @ start()";
  } else if (m.at_anchor == AtAnchor::kEnd) {
    out += " @ end()";
  }
}

// Whether a metric name can be written bare: words the parser reads as
// numbers or keywords are put in the braces instead.
bool CanPrintNameBare(std::string_view name) {
  static constexpr std::string_view kReserved[] = {"bool", "group_left", "group_right", "ignoring",
                                                   "on",   "atan2",      "inf",         "nan"};
  // The lexer starts words with a letter or `_` only, though a legacy name
  // may start with `:`.
  if (!IsLegacyMetricName(name) || name[0] == ':') return false;
  for (std::string_view r : kReserved) {
    if (EqualsIgnoreCase(r, name)) return false;
  }
  return true;
}

// The selector without its modifiers: `name{sorted matchers}`.
std::string SelectorBody(const VectorSelector& vs) {
  std::vector<std::string> parts;
  bool name_outside = !vs.name.empty() && CanPrintNameBare(vs.name);
  bool name_skipped = false;
  for (const tsdb::Matcher& m : vs.matchers) {
    if (!name_skipped && !vs.name.empty() && m.name() == "__name__" && m.type() == tsdb::MatchType::kEqual &&
        m.value() == vs.name) {
      name_skipped = true;
      continue;
    }
    parts.push_back(m.ToString());
  }
  std::sort(parts.begin(), parts.end());
  if (!vs.name.empty() && !name_outside) parts.insert(parts.begin(), GoQuote(vs.name));
  std::string out = name_outside ? vs.name : "";
  if (!parts.empty()) {
    out += '{';
    for (size_t i = 0; i < parts.size(); ++i) {
      if (i > 0) out += ',';
      out += parts[i];
    }
    out += '}';
  }
  return out;
}

std::string AggregatePrefix(const Aggregate& a) {
  std::string out(AggregateOpString(a.op));
  if (a.without) {
    out += " without (";
    AppendLabels(out, a.grouping);
    out += ") ";
  } else if (!a.grouping.empty()) {
    out += " by (";
    AppendLabels(out, a.grouping);
    out += ") ";
  }
  return out;
}

std::string MatchingString(const Binary& b) {
  std::string out;
  const VectorMatching* vm = b.matching.get();
  if (!vm) return out;
  bool grouped = vm->card == Cardinality::kManyToOne || vm->card == Cardinality::kOneToMany;
  if (!vm->matching_labels.empty() || vm->on || grouped) {
    out += vm->on ? " on (" : " ignoring (";
    AppendLabels(out, vm->matching_labels);
    out += ")";
  }
  if (grouped) {
    out += vm->card == Cardinality::kManyToOne ? " group_left (" : " group_right (";
    AppendLabels(out, vm->include);
    out += ")";
  }
  return out;
}

std::string OperatorString(const Binary& b) {
  std::string out(BinaryOpString(b.op));
  if (b.return_bool) out += " bool";
  out += MatchingString(b);
  return out;
}

std::string SubquerySuffix(const Subquery& s) {
  // Appending piece by piece; `"[" + std::string` trips a false -Wrestrict in GCC 12.
  std::string out = "[";
  out += FormatDuration(s.range_ms);
  out += ":";
  if (s.step_ms != 0) out += FormatDuration(s.step_ms);
  out += "]";
  AppendAt(out, s.modifiers);
  AppendOffset(out, s.modifiers.offset_ms);
  return out;
}

std::string Indent(int level) { return std::string(static_cast<size_t>(level) * 2, ' '); }

std::string Pretty(const Expr& e, int level, size_t max_line);

std::string PrettyArgs(const std::vector<ExprPtr>& args, int level, size_t max_line) {
  std::string out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out += ",\n";
    out += Pretty(*args[i], level, max_line);
  }
  return out;
}

// Each node decides on its own whether its one-line form is too long, as
// upstream does; the length counts bytes, not the indentation.
std::string Pretty(const Expr& e, int level, size_t max_line) {
  std::string flat = ToString(e);
  bool split = flat.size() > max_line;
  switch (e.kind) {
    case NodeKind::kAggregate: {
      if (!split) return Indent(level) + flat;
      const auto& a = static_cast<const Aggregate&>(e);
      std::string out = Indent(level) + AggregatePrefix(a) + "(\n";
      if (a.param) out += Pretty(*a.param, level + 1, max_line) + ",\n";
      out += Pretty(*a.expr, level + 1, max_line) + "\n" + Indent(level) + ")";
      return out;
    }
    case NodeKind::kBinary: {
      if (!split) return Indent(level) + flat;
      const auto& b = static_cast<const Binary&>(e);
      return Pretty(*b.lhs, level + 1, max_line) + "\n" + Indent(level) + OperatorString(b) + "\n" +
             Pretty(*b.rhs, level + 1, max_line);
    }
    case NodeKind::kCall: {
      if (!split) return Indent(level) + flat;
      const auto& c = static_cast<const Call&>(e);
      return Indent(level) + std::string(c.func->name) + "(\n" + PrettyArgs(c.args, level + 1, max_line) +
             "\n" + Indent(level) + ")";
    }
    case NodeKind::kParen: {
      if (!split) return Indent(level) + flat;
      const auto& p = static_cast<const Paren&>(e);
      return Indent(level) + "(\n" + Pretty(*p.expr, level + 1, max_line) + "\n" + Indent(level) + ")";
    }
    case NodeKind::kSubquery: {
      // As upstream: an unsplit subquery is not indented.
      if (!split) return flat;
      const auto& s = static_cast<const Subquery&>(e);
      return Pretty(*s.expr, level, max_line) + SubquerySuffix(s);
    }
    case NodeKind::kUnary: {
      const auto& u = static_cast<const Unary&>(e);
      std::string child(TrimSpace(Pretty(*u.expr, level, max_line)));
      return Indent(level) + (u.op == UnaryOp::kSub ? "-" : "+") + child;
    }
    default:
      return Indent(level) + flat;
  }
}

}  // namespace

std::string ToString(const Expr& expr) {
  switch (expr.kind) {
    case NodeKind::kNumberLiteral: {
      const auto& n = static_cast<const NumberLiteral&>(expr);
      if (n.duration && std::isfinite(n.value) && std::fabs(n.value) < 9.2e15) {
        auto ms = static_cast<int64_t>(std::llround(std::fabs(n.value) * 1000.0));
        std::string out = n.value < 0 ? "-" : "";
        out += FormatDuration(ms);
        return out;
      }
      return FormatFloat(n.value, 'f');
    }
    case NodeKind::kStringLiteral:
      return GoQuote(static_cast<const StringLiteral&>(expr).value);
    case NodeKind::kVectorSelector: {
      const auto& vs = static_cast<const VectorSelector&>(expr);
      std::string out = SelectorBody(vs);
      AppendAt(out, vs.modifiers);
      AppendOffset(out, vs.modifiers.offset_ms);
      return out;
    }
    case NodeKind::kMatrixSelector: {
      const auto& ms = static_cast<const MatrixSelector&>(expr);
      const auto& vs = static_cast<const VectorSelector&>(*ms.selector);
      std::string out = SelectorBody(vs) + "[" + FormatDuration(ms.range_ms) + "]";
      AppendAt(out, vs.modifiers);
      AppendOffset(out, vs.modifiers.offset_ms);
      return out;
    }
    case NodeKind::kSubquery: {
      const auto& s = static_cast<const Subquery&>(expr);
      return ToString(*s.expr) + SubquerySuffix(s);
    }
    case NodeKind::kParen: {
      std::string out = "(";
      out += ToString(*static_cast<const Paren&>(expr).expr);
      out += ")";
      return out;
    }
    case NodeKind::kUnary: {
      const auto& u = static_cast<const Unary&>(expr);
      std::string out = u.op == UnaryOp::kSub ? "-" : "+";
      out += ToString(*u.expr);
      return out;
    }
    case NodeKind::kBinary: {
      const auto& b = static_cast<const Binary&>(expr);
      return ToString(*b.lhs) + " " + OperatorString(b) + " " + ToString(*b.rhs);
    }
    case NodeKind::kAggregate: {
      const auto& a = static_cast<const Aggregate&>(expr);
      std::string out = AggregatePrefix(a) + "(";
      if (a.param) out += ToString(*a.param) + ", ";
      out += ToString(*a.expr) + ")";
      return out;
    }
    case NodeKind::kCall: {
      const auto& c = static_cast<const Call&>(expr);
      std::string out = std::string(c.func->name) + "(";
      for (size_t i = 0; i < c.args.size(); ++i) {
        if (i > 0) out += ", ";
        out += ToString(*c.args[i]);
      }
      return out + ")";
    }
  }
  return "";
}

std::string Prettify(const Expr& expr) { return Pretty(expr, 0, internal::kPrettyLineLength); }

namespace internal {

std::string PrettifyWithWidth(const Expr& expr, size_t max_line) { return Pretty(expr, 0, max_line); }

}  // namespace internal

}  // namespace ember::promql
