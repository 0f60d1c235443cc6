// A recursive-descent PromQL parser with Prometheus's precedence rules and
// error messages. Syntax errors stop the parse at the first one; the type
// checks run afterwards over the whole tree (CheckTree), in the order
// Prometheus's checkAST visits nodes, so the first error reported matches.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "ember/base/strings.h"
#include "ember/promql/parser.h"
#include "promql/lexer/lexer.h"

namespace ember::promql {
namespace {

using internal::Token;
using internal::TokenKind;

// Binding strength of binary operators; higher binds tighter.
enum Precedence : int {
  kPrecOr = 1,
  kPrecAnd = 2,  // and, unless
  kPrecCompare = 3,
  kPrecAdd = 4,
  kPrecMul = 5,  // *, /, %, atan2
  kPrecPow = 6,  // right associative
};

// Thrown inside the parser only, to unwind to ParseExpr on the first error.
struct ParseFailure {};

std::string GoFormatF(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[512];
  std::snprintf(buf, sizeof(buf), "%f", v);
  return buf;
}

// Go's strconv.ParseInt(s, 0, 64): decimal, 0x hex, 0o/leading-0 octal, 0b binary.
std::optional<double> ParseGoInt(std::string_view s) {
  if (s.empty()) return std::nullopt;
  int base = 10;
  size_t i = 0;
  if (s.size() > 1 && s[0] == '0') {
    char p = static_cast<char>(s[1] | 0x20);
    if (p == 'x') {
      base = 16;
      i = 2;
    } else if (p == 'o') {
      base = 8;
      i = 2;
    } else if (p == 'b') {
      base = 2;
      i = 2;
    } else {
      base = 8;
      i = 1;
    }
  }
  if (i >= s.size()) return std::nullopt;
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      d = c - 'A' + 10;
    } else {
      return std::nullopt;
    }
    if (d >= base) return std::nullopt;
    if (v > (static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) - d) / base) return std::nullopt;
    v = v * base + d;
  }
  return static_cast<double>(v);
}

bool IsWord(const Token& t, std::string_view word) {
  return t.kind == TokenKind::kIdentifier && EqualsIgnoreCase(t.text, word);
}

std::optional<AggregateOp> AggregateFromWord(std::string_view w) {
  static constexpr std::pair<std::string_view, AggregateOp> kOps[] = {
      {"sum", AggregateOp::kSum},
      {"avg", AggregateOp::kAvg},
      {"count", AggregateOp::kCount},
      {"min", AggregateOp::kMin},
      {"max", AggregateOp::kMax},
      {"group", AggregateOp::kGroup},
      {"stddev", AggregateOp::kStddev},
      {"stdvar", AggregateOp::kStdvar},
      {"topk", AggregateOp::kTopk},
      {"bottomk", AggregateOp::kBottomk},
      {"count_values", AggregateOp::kCountValues},
      {"quantile", AggregateOp::kQuantile},
      {"limitk", AggregateOp::kLimitk},
      {"limit_ratio", AggregateOp::kLimitRatio},
  };
  for (const auto& [name, op] : kOps) {
    if (EqualsIgnoreCase(name, w)) return op;
  }
  return std::nullopt;
}

bool AggregateHasParam(AggregateOp op) {
  return op == AggregateOp::kTopk || op == AggregateOp::kBottomk || op == AggregateOp::kCountValues ||
         op == AggregateOp::kQuantile || op == AggregateOp::kLimitk || op == AggregateOp::kLimitRatio;
}

struct ParsedError {
  PositionRange pos;
  std::string message;
};

class Parser {
 public:
  Parser(std::string_view input, const ParseOptions& options)
      : input_(input), options_(options), tokens_(internal::Lex(input)) {}

  // The whole input as one expression.
  ExprPtr ParseQuery() {
    if (Peek().kind == TokenKind::kEof) Fail({0, 0}, "no expression found in input");
    ExprPtr e = ParseBinary(0);
    if (Peek().kind != TokenKind::kEof) Unexpected("", "");
    return e;
  }

  // The whole input as one vector selector.
  ExprPtr ParseSelectorOnly() {
    const Token& t = Peek();
    ExprPtr e;
    if (t.kind == TokenKind::kLeftBrace) {
      e = ParseSelector(std::nullopt);
    } else if (t.kind == TokenKind::kIdentifier) {
      Token name = Next();
      e = ParseSelector(name);
    } else {
      Unexpected("", "");
    }
    if (Peek().kind != TokenKind::kEof) Unexpected("", "");
    return e;
  }

  [[noreturn]] void Fail(PositionRange pos, std::string message) {
    error_ = ParsedError{pos, std::move(message)};
    throw ParseFailure{};
  }

  const std::optional<ParsedError>& error() const { return error_; }

 private:
  const Token& Peek(size_t k = 0) const {
    size_t i = std::min(pos_ + k, tokens_.size() - 1);
    return tokens_[i];
  }
  Token Next() {
    Token t = Peek();
    if (pos_ < tokens_.size() - 1) ++pos_;
    return t;
  }

  // Prometheus's `unexpected <token>[ in <context>][, expected <what>]`; a
  // lexical error is reported as itself.
  [[noreturn]] void Unexpected(std::string_view context, std::string_view expected) {
    const Token& t = Peek();
    if (t.kind == TokenKind::kError) Fail({t.start, t.end}, t.text);
    std::string msg = "unexpected " + internal::DescribeToken(t);
    if (!context.empty()) {
      msg += " in ";
      msg += context;
    }
    if (!expected.empty()) {
      msg += ", expected ";
      msg += expected;
    }
    Fail({t.start, t.end}, std::move(msg));
  }

  // The binary operator at the current token, if any.
  std::optional<std::pair<BinaryOp, int>> PeekBinaryOp() const {
    const Token& t = Peek();
    switch (t.kind) {
      case TokenKind::kAdd:
        return std::pair{BinaryOp::kAdd, int{kPrecAdd}};
      case TokenKind::kSub:
        return std::pair{BinaryOp::kSub, int{kPrecAdd}};
      case TokenKind::kMul:
        return std::pair{BinaryOp::kMul, int{kPrecMul}};
      case TokenKind::kDiv:
        return std::pair{BinaryOp::kDiv, int{kPrecMul}};
      case TokenKind::kMod:
        return std::pair{BinaryOp::kMod, int{kPrecMul}};
      case TokenKind::kPow:
        return std::pair{BinaryOp::kPow, int{kPrecPow}};
      case TokenKind::kEqlc:
        return std::pair{BinaryOp::kEql, int{kPrecCompare}};
      case TokenKind::kNeq:
        return std::pair{BinaryOp::kNeq, int{kPrecCompare}};
      case TokenKind::kGtr:
        return std::pair{BinaryOp::kGtr, int{kPrecCompare}};
      case TokenKind::kLss:
        return std::pair{BinaryOp::kLss, int{kPrecCompare}};
      case TokenKind::kGte:
        return std::pair{BinaryOp::kGte, int{kPrecCompare}};
      case TokenKind::kLte:
        return std::pair{BinaryOp::kLte, int{kPrecCompare}};
      case TokenKind::kIdentifier:
        if (IsWord(t, "and")) return std::pair{BinaryOp::kAnd, int{kPrecAnd}};
        if (IsWord(t, "unless")) return std::pair{BinaryOp::kUnless, int{kPrecAnd}};
        if (IsWord(t, "or")) return std::pair{BinaryOp::kOr, int{kPrecOr}};
        if (IsWord(t, "atan2")) return std::pair{BinaryOp::kAtan2, int{kPrecMul}};
        return std::nullopt;
      default:
        return std::nullopt;
    }
  }

  ExprPtr ParseBinary(int min_prec) {
    // Bounds the recursion (and that of every later walk over the tree).
    if (++depth_ > kMaxDepth) Fail({Peek().start, Peek().end}, "expression nesting is too deep");
    ExprPtr lhs = ParseUnary();
    while (true) {
      auto op = PeekBinaryOp();
      if (!op || op->second < min_prec) {
        --depth_;
        return lhs;
      }
      Token op_token = Next();
      if ((op_token.kind == TokenKind::kLss || op_token.kind == TokenKind::kGtr) &&
          Peek().kind == TokenKind::kDiv && Peek().start == op_token.end) {
        // Native histograms are not stored, so their trim operators are not offered.
        Fail({op_token.start, Peek().end}, "histogram trim operators \"</\" and \">/\" are not supported");
      }
      auto bin = std::make_unique<Binary>();
      bin->op = op->first;
      ParseBinaryModifiers(*bin);
      // `^` is right associative: its right side may hold another `^`.
      int next_prec = op->second == kPrecPow ? op->second : op->second + 1;
      ExprPtr rhs = ParseBinary(next_prec);
      bin->pos = {lhs->pos.start, rhs->pos.end};
      bin->lhs = std::move(lhs);
      bin->rhs = std::move(rhs);
      lhs = std::move(bin);
    }
  }

  void ParseBinaryModifiers(Binary& bin) {
    auto matching = std::make_unique<VectorMatching>();
    auto reject_fill = [&] {
      const Token& t = Peek();
      if ((IsWord(t, "fill") || IsWord(t, "fill_left") || IsWord(t, "fill_right")) &&
          Peek(1).kind == TokenKind::kLeftParen) {
        Fail({t.start, t.end}, "binop fill modifiers are experimental and not enabled");
      }
    };
    if (IsWord(Peek(), "bool")) {
      Next();
      bin.return_bool = true;
    }
    if (IsWord(Peek(), "on") || IsWord(Peek(), "ignoring")) {
      matching->on = IsWord(Next(), "on");
      matching->matching_labels = ParseLabelList();
      if (IsWord(Peek(), "group_left") || IsWord(Peek(), "group_right")) {
        matching->card = IsWord(Next(), "group_left") ? Cardinality::kManyToOne : Cardinality::kOneToMany;
        if (Peek().kind == TokenKind::kLeftParen) matching->include = ParseLabelList();
      }
    }
    reject_fill();
    bin.matching = std::move(matching);
  }

  // `(a, "b.c", ...)`, as by/without/on/ignoring/group_x take.
  std::vector<std::string> ParseLabelList() {
    if (Peek().kind != TokenKind::kLeftParen) Unexpected("grouping opts", "\"(\"");
    Next();
    std::vector<std::string> labels;
    while (true) {
      const Token& t = Peek();
      if (t.kind == TokenKind::kRightParen) {
        Next();
        return labels;
      }
      if (t.kind == TokenKind::kIdentifier) {
        if (t.text.find(':') != std::string::npos) Unexpected("grouping opts", "label");
        labels.push_back(Next().text);
      } else if (t.kind == TokenKind::kString) {
        labels.push_back(Next().text);
      } else {
        Unexpected("grouping opts", "label");
      }
      if (Peek().kind == TokenKind::kComma) {
        Next();
      } else if (Peek().kind != TokenKind::kRightParen) {
        Unexpected("grouping opts", "\",\" or \")\"");
      }
    }
  }

  ExprPtr ParseUnary() {
    const Token& t = Peek();
    if (t.kind == TokenKind::kAdd || t.kind == TokenKind::kSub) {
      Token op = Next();
      // Unary operators bind tighter than * but looser than ^: -2^2 is -(2^2).
      ExprPtr operand = ParseBinary(kPrecPow);
      if (operand->kind == NodeKind::kNumberLiteral) {
        auto& n = static_cast<NumberLiteral&>(*operand);
        if (op.kind == TokenKind::kSub) n.value = -n.value;
        n.pos.start = op.start;
        return operand;
      }
      auto u = std::make_unique<Unary>();
      u->op = op.kind == TokenKind::kSub ? UnaryOp::kSub : UnaryOp::kAdd;
      u->pos = {op.start, operand->pos.end};
      u->expr = std::move(operand);
      return u;
    }
    return ParsePostfix(ParsePrimary());
  }

  ExprPtr ParsePrimary() {
    const Token& t = Peek();
    switch (t.kind) {
      case TokenKind::kNumber: {
        Token tok = Next();
        auto n = std::make_unique<NumberLiteral>();
        n->value = ParseNumber(tok);
        n->pos = {tok.start, tok.end};
        return n;
      }
      case TokenKind::kDuration: {
        // A duration in number position is its length in seconds.
        Token tok = Next();
        auto n = std::make_unique<NumberLiteral>();
        n->value = static_cast<double>(DurationMs(tok)) / 1000.0;
        n->duration = true;
        n->pos = {tok.start, tok.end};
        return n;
      }
      case TokenKind::kString: {
        Token tok = Next();
        auto s = std::make_unique<StringLiteral>();
        s->value = tok.text;
        s->pos = {tok.start, tok.end};
        return s;
      }
      case TokenKind::kLeftParen: {
        Token open = Next();
        auto p = std::make_unique<Paren>();
        p->expr = ParseBinary(0);
        if (Peek().kind != TokenKind::kRightParen) Unexpected("", "");
        Token close = Next();
        p->pos = {open.start, close.end};
        return p;
      }
      case TokenKind::kLeftBrace:
        return ParseSelector(std::nullopt);
      case TokenKind::kIdentifier:
        return ParseWord();
      default:
        Unexpected("", "");
    }
  }

  ExprPtr ParseWord() {
    // Keywords that can never start an expression nor name a metric.
    static constexpr std::string_view kReserved[] = {"bool",     "group_left", "group_right",
                                                     "ignoring", "on",         "atan2"};
    for (std::string_view k : kReserved) {
      if (IsWord(Peek(), k)) Unexpected("", "");
    }
    Token word = Next();
    const Token& next = Peek();
    if (auto agg = AggregateFromWord(word.text);
        agg && (next.kind == TokenKind::kLeftParen || IsWord(next, "by") || IsWord(next, "without"))) {
      return ParseAggregate(word, *agg);
    }
    if (next.kind == TokenKind::kLeftParen) return ParseCall(word);
    if (EqualsIgnoreCase(word.text, "inf") || EqualsIgnoreCase(word.text, "nan")) {
      auto n = std::make_unique<NumberLiteral>();
      n->value = *ParseFloat(word.text);
      n->pos = {word.start, word.end};
      return n;
    }
    return ParseSelector(word);
  }

  ExprPtr ParseCall(const Token& name) {
    const FunctionSignature* func = LookupFunction(name.text);
    if (!func) Fail({name.start, name.end}, "unknown function with name " + GoQuote(name.text));
    if (func->experimental && !options_.enable_experimental_functions) {
      Fail({name.start, name.end}, "function " + GoQuote(name.text) + " is not enabled");
    }
    auto call = std::make_unique<Call>();
    call->func = func;
    int end = ParseArgs(call->args);
    call->pos = {name.start, end};
    return call;
  }

  // `( expr, ... )`; returns the end of `)`.
  int ParseArgs(std::vector<ExprPtr>& args) {
    Next();  // (
    if (Peek().kind == TokenKind::kRightParen) return Next().end;
    while (true) {
      args.push_back(ParseBinary(0));
      if (Peek().kind == TokenKind::kComma) {
        Token comma = Next();
        if (Peek().kind == TokenKind::kRightParen) {
          Fail({comma.start, comma.end}, "trailing commas not allowed in function call args");
        }
        continue;
      }
      if (Peek().kind == TokenKind::kRightParen) return Next().end;
      Unexpected("", "");
    }
  }

  ExprPtr ParseAggregate(const Token& word, AggregateOp op) {
    auto agg = std::make_unique<Aggregate>();
    agg->op = op;
    auto parse_grouping = [&] {
      agg->without = IsWord(Next(), "without");
      agg->has_grouping = true;
      agg->grouping = ParseLabelList();
    };
    if (IsWord(Peek(), "by") || IsWord(Peek(), "without")) parse_grouping();
    if (Peek().kind != TokenKind::kLeftParen) Unexpected("aggregation", "");
    std::vector<ExprPtr> args;
    int end = ParseArgs(args);
    if (!agg->has_grouping && (IsWord(Peek(), "by") || IsWord(Peek(), "without"))) {
      parse_grouping();
      end = tokens_[pos_ - 1].end;
    }
    agg->pos = {word.start, end};
    if (args.empty()) Fail(agg->pos, "no arguments for aggregate expression provided");
    if ((op == AggregateOp::kLimitk || op == AggregateOp::kLimitRatio) &&
        !options_.enable_experimental_functions) {
      Fail(agg->pos,
           std::string(AggregateOpString(op)) +
               "() is experimental and must be enabled with --enable-feature=promql-experimental-functions");
    }
    size_t want = AggregateHasParam(op) ? 2 : 1;
    if (args.size() != want) {
      Fail(agg->pos, "wrong number of arguments for aggregate expression provided, expected " +
                         std::to_string(want) + ", got " + std::to_string(args.size()));
    }
    if (want == 2) agg->param = std::move(args[0]);
    agg->expr = std::move(args.back());
    return agg;
  }

  // `name`, `name{...}` or `{...}`; `name` is the word already consumed.
  ExprPtr ParseSelector(const std::optional<Token>& name) {
    auto vs = std::make_unique<VectorSelector>();
    int start = name ? name->start : Peek().start;
    int end = name ? name->end : start;
    std::vector<tsdb::Matcher> rest;
    std::optional<tsdb::Matcher> name_matcher;
    if (name) {
      vs->name = name->text;
      name_matcher = MakeMatcher(tsdb::MatchType::kEqual, "__name__", name->text, {name->start, name->end});
    }
    if (Peek().kind == TokenKind::kLeftBrace) {
      Next();
      while (true) {
        const Token& t = Peek();
        if (t.kind == TokenKind::kRightBrace) break;
        if (t.kind != TokenKind::kIdentifier && t.kind != TokenKind::kString) {
          Unexpected("label matching", "identifier or \"}\"");
        }
        Token label = Next();
        const Token& op = Peek();
        if (label.kind == TokenKind::kString &&
            (op.kind == TokenKind::kComma || op.kind == TokenKind::kRightBrace)) {
          // A bare string names the metric.
          if (name_matcher) {
            Fail({start, op.end},
                 "metric name must not be set twice: " + GoQuote(vs->name) + " or " + GoQuote(label.text));
          }
          vs->name = label.text;
          name_matcher =
              MakeMatcher(tsdb::MatchType::kEqual, "__name__", label.text, {label.start, label.end});
        } else {
          tsdb::MatchType type;
          switch (op.kind) {
            case TokenKind::kAssign:
              type = tsdb::MatchType::kEqual;
              break;
            case TokenKind::kNeq:
              type = tsdb::MatchType::kNotEqual;
              break;
            case TokenKind::kRegexMatch:
              type = tsdb::MatchType::kRegexMatch;
              break;
            case TokenKind::kRegexNoMatch:
              type = tsdb::MatchType::kRegexNoMatch;
              break;
            default:
              Unexpected("label matching", "label matching operator");
          }
          Next();
          if (Peek().kind != TokenKind::kString) Unexpected("label matching", "string");
          Token value = Next();
          rest.push_back(MakeMatcher(type, label.text, value.text, {label.start, value.end}));
        }
        if (Peek().kind == TokenKind::kComma) {
          Next();
        } else if (Peek().kind != TokenKind::kRightBrace) {
          Unexpected("label matching", "\",\" or \"}\"");
        }
      }
      end = Next().end;
    }
    if (name_matcher) vs->matchers.push_back(std::move(*name_matcher));
    for (auto& m : rest) vs->matchers.push_back(std::move(m));
    vs->pos = {start, end};
    return vs;
  }

  tsdb::Matcher MakeMatcher(tsdb::MatchType type, std::string name, std::string value, PositionRange pos) {
    Result<tsdb::Matcher> m = tsdb::Matcher::Create(type, std::move(name), std::move(value));
    if (!m.ok()) Fail(pos, m.status().message());
    return std::move(m).value();
  }

  double ParseNumber(const Token& tok) {
    if (auto i = ParseGoInt(tok.text)) return *i;
    std::optional<double> f = ParseFloat(tok.text);
    if (!f)
      Fail({tok.start, tok.end},
           "error parsing number: strconv.ParseFloat: parsing " + GoQuote(tok.text) + ": invalid syntax");
    if (std::isinf(*f)) {
      Fail({tok.start, tok.end},
           "error parsing number: strconv.ParseFloat: parsing " + GoQuote(tok.text) + ": value out of range");
    }
    return *f;
  }

  int64_t DurationMs(const Token& tok) {
    Result<int64_t> d = ParseDuration(tok.text);
    if (!d.ok()) Fail({tok.start, tok.end}, d.status().message());
    return *d;
  }

  // A duration or a number of seconds, with an optional sign when `signed_ok`.
  int64_t ParseDurationValue(std::string_view context, std::string_view expected, bool signed_ok,
                             PositionRange* where) {
    int sign = 1;
    int start = Peek().start;
    if (signed_ok && (Peek().kind == TokenKind::kSub || Peek().kind == TokenKind::kAdd)) {
      if (Next().kind == TokenKind::kSub) sign = -1;
    }
    const Token& t = Peek();
    if (t.kind == TokenKind::kLeftParen || IsWord(t, "step") || IsWord(t, "range") || IsWord(t, "min_of") ||
        IsWord(t, "max_of")) {
      Fail({t.start, t.end}, "experimental duration expression is not enabled");
    }
    int64_t ms = 0;
    if (t.kind == TokenKind::kDuration) {
      ms = DurationMs(t);
    } else if (t.kind == TokenKind::kNumber) {
      double secs = ParseNumber(t);
      if (!(std::fabs(secs) * 1e9 < 9.2233720368547758e18)) Fail({start, t.end}, "duration out of range");
      ms = static_cast<int64_t>(std::llround(secs * 1000.0));
    } else {
      Unexpected(context, expected);
    }
    Token tok = Next();
    if (where) *where = {start, tok.end};
    return sign * ms;
  }

  ExprPtr ParsePostfix(ExprPtr expr) {
    while (true) {
      const Token& t = Peek();
      // Range modifiers and binary fill modifiers of newer Prometheus
      // versions, which are not supported.
      if (IsWord(t, "anchored") || IsWord(t, "smoothed")) {
        Fail({t.start, t.end}, ToLower(t.text) + " modifier is experimental and not enabled");
      }
      if (t.kind == TokenKind::kLeftBracket) {
        expr = ParseRangeOrSubquery(std::move(expr));
      } else if (IsWord(t, "offset")) {
        Next();
        PositionRange where;
        int64_t offset = ParseDurationValue("offset", "number, duration, step(), or range()", true, &where);
        TimeModifiers* m = ModifiersOf(*expr, "offset");
        if (m->offset_ms != 0) Fail(expr->pos, "offset may not be set multiple times");
        m->offset_ms = offset;
        expr->pos.end = where.end;
        if (expr->kind == NodeKind::kMatrixSelector) {
          static_cast<MatrixSelector&>(*expr).selector->pos.end = where.end;
        }
      } else if (t.kind == TokenKind::kAt) {
        Next();
        ParseAt(*expr);
      } else {
        return expr;
      }
    }
  }

  void ParseAt(Expr& expr) {
    const Token& t = Peek();
    AtAnchor anchor = AtAnchor::kNone;
    std::optional<int64_t> at_ms;
    int end = t.end;
    if ((IsWord(t, "start") || IsWord(t, "end")) && Peek(1).kind == TokenKind::kLeftParen &&
        Peek(2).kind == TokenKind::kRightParen) {
      anchor = IsWord(t, "start") ? AtAnchor::kStart : AtAnchor::kEnd;
      Next();
      Next();
      end = Next().end;
    } else {
      int sign = 1;
      if (t.kind == TokenKind::kSub || t.kind == TokenKind::kAdd) {
        if (Next().kind == TokenKind::kSub) sign = -1;
      }
      const Token& v = Peek();
      double ts;
      if (v.kind == TokenKind::kNumber) {
        ts = ParseNumber(v);
      } else if (v.kind == TokenKind::kDuration) {
        ts = static_cast<double>(DurationMs(v)) / 1000.0;
      } else if (v.kind == TokenKind::kIdentifier &&
                 (EqualsIgnoreCase(v.text, "inf") || EqualsIgnoreCase(v.text, "nan"))) {
        ts = *ParseFloat(v.text);
      } else {
        Unexpected("@", "timestamp");
      }
      end = Next().end;
      ts *= sign;
      double ms = ts * 1000.0;
      if (!std::isfinite(ms) || ms >= 9.2233720368547758e18 || ms <= -9.2233720368547758e18) {
        Fail(expr.pos, "timestamp out of bounds for @ modifier: " + GoFormatF(ts));
      }
      at_ms = static_cast<int64_t>(std::llround(ms));
    }
    TimeModifiers* m = ModifiersOf(expr, "@");
    if (m->at_ms || m->at_anchor != AtAnchor::kNone)
      Fail(expr.pos, "@ <timestamp> may not be set multiple times");
    m->at_ms = at_ms;
    m->at_anchor = anchor;
    expr.pos.end = end;
    if (expr.kind == NodeKind::kMatrixSelector) static_cast<MatrixSelector&>(expr).selector->pos.end = end;
  }

  // Where `offset` or `@` is stored for `expr`; fails for other nodes.
  TimeModifiers* ModifiersOf(Expr& expr, std::string_view what) {
    switch (expr.kind) {
      case NodeKind::kVectorSelector:
        return &static_cast<VectorSelector&>(expr).modifiers;
      case NodeKind::kMatrixSelector:
        return &static_cast<VectorSelector&>(*static_cast<MatrixSelector&>(expr).selector).modifiers;
      case NodeKind::kSubquery:
        return &static_cast<Subquery&>(expr).modifiers;
      default:
        Fail(expr.pos,
             std::string(what) +
                 " modifier must be preceded by an instant vector selector or range vector selector or a "
                 "subquery");
    }
    return nullptr;
  }

  // Inside brackets an operator after a duration starts a duration
  // expression (`foo[5m+1m]`), which is not supported.
  void RejectDurationArithmetic() {
    switch (Peek().kind) {
      case TokenKind::kAdd:
      case TokenKind::kSub:
      case TokenKind::kMul:
      case TokenKind::kDiv:
      case TokenKind::kMod:
      case TokenKind::kPow:
        Fail({Peek().start, Peek().end}, "experimental duration expression is not enabled");
      default:
        break;
    }
  }

  ExprPtr ParseRangeOrSubquery(ExprPtr expr) {
    Token open = Next();
    const Token& first = Peek();
    if (first.kind == TokenKind::kRightBracket || first.kind == TokenKind::kColon) {
      Unexpected("subquery or range selector", "number, duration, step(), or range()");
    }
    PositionRange range_pos;
    int64_t range = ParseDurationValue("subquery or range selector", "number, duration, step(), or range()",
                                       true, &range_pos);
    RejectDurationArithmetic();
    if (range <= 0) Fail(range_pos, "duration must be greater than 0");
    if (Peek().kind == TokenKind::kRightBracket) {
      Token close = Next();
      PositionRange brackets{open.start, close.end};
      if (expr->kind != NodeKind::kVectorSelector) Fail(brackets, "ranges only allowed for vector selectors");
      auto& vs = static_cast<VectorSelector&>(*expr);
      if (vs.modifiers.offset_ms != 0) Fail(brackets, "no offset modifiers allowed before range");
      if (vs.modifiers.at_ms || vs.modifiers.at_anchor != AtAnchor::kNone) {
        Fail(brackets, "no @ modifiers allowed before range");
      }
      auto ms = std::make_unique<MatrixSelector>();
      ms->pos = {expr->pos.start, close.end};
      ms->range_ms = range;
      ms->selector = std::move(expr);
      return ms;
    }
    if (Peek().kind != TokenKind::kColon) Unexpected("subquery or range", "\":\" or \"]\"");
    Next();
    auto sq = std::make_unique<Subquery>();
    sq->range_ms = range;
    if (Peek().kind != TokenKind::kRightBracket) {
      PositionRange step_pos;
      sq->step_ms = ParseDurationValue("subquery selector", "number, duration, step(), range(), or \"]\"",
                                       true, &step_pos);
      RejectDurationArithmetic();
      if (sq->step_ms <= 0) Fail(step_pos, "duration must be greater than 0");
      if (Peek().kind != TokenKind::kRightBracket) Unexpected("subquery selector", "\"]\"");
    }
    Token close = Next();
    sq->pos = {expr->pos.start, close.end};
    sq->expr = std::move(expr);
    return sq;
  }

  static constexpr int kMaxDepth = 1000;

  std::string_view input_;
  ParseOptions options_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
  std::optional<ParsedError> error_;
};

// The type checks of Prometheus's checkAST, reporting the first failure.
class Checker {
 public:
  explicit Checker(std::string_view input) : input_(input) {}

  const std::optional<ParsedError>& error() const { return error_; }

  ValueType Check(Expr& node) {
    switch (node.kind) {
      case NodeKind::kAggregate: {
        auto& a = static_cast<Aggregate&>(node);
        ExpectType(*a.expr, ValueType::kVector, "aggregation expression");
        if (a.param) {
          ExpectType(*a.param, a.op == AggregateOp::kCountValues ? ValueType::kString : ValueType::kScalar,
                     "aggregation parameter");
        }
        break;
      }
      case NodeKind::kBinary:
        CheckBinary(static_cast<Binary&>(node));
        break;
      case NodeKind::kCall:
        CheckCall(static_cast<Call&>(node));
        break;
      case NodeKind::kParen:
        Check(*static_cast<Paren&>(node).expr);
        break;
      case NodeKind::kUnary: {
        ValueType t = Check(*static_cast<Unary&>(node).expr);
        if (t != ValueType::kScalar && t != ValueType::kVector) {
          Error(node.pos,
                "unary expression only allowed on expressions of type scalar or instant vector, got " +
                    GoQuote(ValueTypeDocName(t)));
        }
        break;
      }
      case NodeKind::kSubquery: {
        ValueType t = Check(*static_cast<Subquery&>(node).expr);
        if (t != ValueType::kVector) {
          Error(node.pos, "subquery is only allowed on instant vector, got " + std::string(ValueTypeName(t)) +
                              " instead");
        }
        break;
      }
      case NodeKind::kMatrixSelector:
        Check(*static_cast<MatrixSelector&>(node).selector);
        break;
      case NodeKind::kVectorSelector:
        CheckSelector(static_cast<VectorSelector&>(node));
        break;
      case NodeKind::kNumberLiteral:
      case NodeKind::kStringLiteral:
        break;
    }
    return node.type();
  }

  // Selectors given as info()'s second argument may match everything.
  bool bypass_empty_check_ = false;

 private:
  void Error(PositionRange pos, std::string message) {
    if (!error_) error_ = ParsedError{pos, std::move(message)};
  }

  void ExpectType(Expr& node, ValueType want, std::string_view context) {
    ValueType t = Check(node);
    if (t != want) {
      Error(node.pos, "expected type " + std::string(ValueTypeDocName(want)) + " in " + std::string(context) +
                          ", got " + std::string(ValueTypeDocName(t)));
    }
  }

  static bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

  PositionRange OpRange(const Binary& b) {
    int start = b.lhs->pos.end;
    while (start < static_cast<int>(input_.size()) && IsSpace(input_[start])) ++start;
    int end = b.rhs->pos.start - 1;
    while (end > start && IsSpace(input_[end])) --end;
    return {start, end};
  }

  void CheckBinary(Binary& b) {
    ValueType lt = Check(*b.lhs);
    ValueType rt = Check(*b.rhs);
    if (b.return_bool && !IsComparison(b.op)) {
      Error(OpRange(b), "bool modifier can only be used on comparison operators");
    }
    if (IsComparison(b.op) && !b.return_bool && lt == ValueType::kScalar && rt == ValueType::kScalar) {
      Error(OpRange(b), "comparisons between scalars must use BOOL modifier");
    }
    VectorMatching& vm = *b.matching;
    if (IsSetOperator(b.op) && vm.card == Cardinality::kOneToOne) vm.card = Cardinality::kManyToMany;
    if (vm.on) {
      for (const std::string& l1 : vm.matching_labels) {
        for (const std::string& l2 : vm.include) {
          if (l1 == l2)
            Error(OpRange(b), "label " + GoQuote(l1) + " must not occur in ON and GROUP clause at once");
        }
      }
    }
    if (lt != ValueType::kScalar && lt != ValueType::kVector) {
      Error(b.lhs->pos, "binary expression must contain only scalar and instant vector types");
    }
    if (rt != ValueType::kScalar && rt != ValueType::kVector) {
      Error(b.rhs->pos, "binary expression must contain only scalar and instant vector types");
    }
    if (lt != ValueType::kVector || rt != ValueType::kVector) {
      if (!vm.matching_labels.empty()) Error(b.pos, "vector matching only allowed between instant vectors");
      b.matching.reset();
    } else if (IsSetOperator(b.op)) {
      if (vm.card == Cardinality::kOneToMany || vm.card == Cardinality::kManyToOne) {
        Error(b.pos, "no grouping allowed for " + GoQuote(BinaryOpString(b.op)) + " operation");
      }
      if (vm.card != Cardinality::kManyToMany) Error(b.pos, "set operations must always be many-to-many");
    }
    if ((lt == ValueType::kScalar || rt == ValueType::kScalar) && IsSetOperator(b.op)) {
      Error(b.pos,
            "set operator " + GoQuote(BinaryOpString(b.op)) + " not allowed in binary scalar expression");
    }
  }

  void CheckCall(Call& c) {
    const FunctionSignature& f = *c.func;
    size_t nargs = f.arg_types.size();
    std::string quoted = GoQuote(f.name);
    if (f.variadic == 0) {
      if (nargs != c.args.size()) {
        Error(c.pos, "expected " + std::to_string(nargs) + " argument(s) in call to " + quoted + ", got " +
                         std::to_string(c.args.size()));
      }
    } else {
      size_t na = nargs - 1;
      if (na > c.args.size()) {
        Error(c.pos, "expected at least " + std::to_string(na) + " argument(s) in call to " + quoted +
                         ", got " + std::to_string(c.args.size()));
      } else if (size_t max = na + f.variadic; f.variadic > 0 && max < c.args.size()) {
        Error(c.pos, "expected at most " + std::to_string(max) + " argument(s) in call to " + quoted +
                         ", got " + std::to_string(c.args.size()));
      }
    }
    bool bypass_second = false;
    if (f.name == "info" && c.args.size() > 1) {
      Expr& second = *c.args[1];
      if (second.type() != ValueType::kVector) {
        Error(c.pos, "expected type instant vector in call to function " + quoted + ", got " +
                         std::string(ValueTypeDocName(second.type())));
      }
      if (second.kind == NodeKind::kVectorSelector) {
        auto& vs = static_cast<VectorSelector&>(second);
        if (!vs.name.empty()) {
          Error(second.pos, "expected label selectors only, got vector selector instead");
        } else {
          bypass_second = true;
        }
      } else {
        Error(second.pos, "expected label selectors only");
      }
    }
    for (size_t i = 0; i < c.args.size(); ++i) {
      size_t k = i;
      if (k >= nargs) {
        if (f.variadic == 0) break;
        k = nargs - 1;
      }
      bypass_empty_check_ = bypass_second && i == 1;
      ValueType t = Check(*c.args[i]);
      bypass_empty_check_ = false;
      if (t != f.arg_types[k]) {
        Error(c.args[i]->pos, "expected type " + std::string(ValueTypeDocName(f.arg_types[k])) +
                                  " in call to function " + quoted + ", got " +
                                  std::string(ValueTypeDocName(t)));
      }
    }
  }

  void CheckSelector(VectorSelector& vs) {
    bool bypass = bypass_empty_check_;
    bypass_empty_check_ = false;
    if (!vs.name.empty()) {
      // The name matcher comes first; a second __name__ matcher is an error.
      for (size_t i = 1; i < vs.matchers.size(); ++i) {
        if (vs.matchers[i].name() == "__name__") {
          Error(vs.pos, "metric name must not be set twice: " + GoQuote(vs.name) + " or " +
                            GoQuote(vs.matchers[i].value()));
        }
      }
      return;
    }
    if (bypass) return;
    for (const tsdb::Matcher& m : vs.matchers) {
      if (!m.MatchesEmpty()) return;
    }
    Error(vs.pos, "vector selector must contain at least one non-empty matcher");
  }

  std::string_view input_;
  std::optional<ParsedError> error_;
};

Status ToStatus(std::string_view input, const ParsedError& e) {
  return Status::InvalidArgument(LineColumn(input, e.pos.start) + ": parse error: " + e.message);
}

}  // namespace

Result<ExprPtr> ParseExpr(std::string_view query, const ParseOptions& options) {
  Parser parser(query, options);
  ExprPtr expr;
  try {
    expr = parser.ParseQuery();
  } catch (const ParseFailure&) {
    return ToStatus(query, *parser.error());
  }
  Checker checker(query);
  checker.Check(*expr);
  if (checker.error()) return ToStatus(query, *checker.error());
  return expr;
}

Result<std::vector<tsdb::Matcher>> ParseMetricSelector(std::string_view selector) {
  Parser parser(selector, ParseOptions{});
  ExprPtr expr;
  try {
    expr = parser.ParseSelectorOnly();
  } catch (const ParseFailure&) {
    return ToStatus(selector, *parser.error());
  }
  return std::move(static_cast<VectorSelector&>(*expr).matchers);
}

}  // namespace ember::promql
