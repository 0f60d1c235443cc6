// Splits PromQL text into tokens.
//
// The lexer is context free: every word is a kIdentifier and the parser
// decides whether it is a keyword, an operator (`and`, `or`, ...), an
// aggregation, a function or a name, because PromQL lets most keywords be
// metric and label names. Bracket nesting is checked here so that the errors
// read as Prometheus's (`unclosed left parenthesis`).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ember::promql::internal {

enum class TokenKind {
  kEof,
  kError,       // text holds the message
  kIdentifier,  // a word: [a-zA-Z_][a-zA-Z0-9_:]*
  kNumber,      // text as written; Inf/NaN words are kIdentifier
  kDuration,    // e.g. 1h30m
  kString,      // text holds the unquoted value
  kLeftParen,
  kRightParen,
  kLeftBrace,
  kRightBrace,
  kLeftBracket,
  kRightBracket,
  kComma,
  kColon,
  kAssign,  // `=` (matchers)
  kAt,      // `@`
  // Operators.
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kPow,
  kEqlc,  // ==
  kNeq,   // !=
  kLss,
  kLte,
  kGtr,
  kGte,
  kRegexMatch,    // =~
  kRegexNoMatch,  // !~
};

struct Token {
  TokenKind kind = TokenKind::kEof;
  std::string text;
  std::string raw;  // the token as written (strings with their quotes)
  int start = 0;    // byte offsets in the query
  int end = 0;
};

// All tokens of `input` (comments dropped), ending with kEof or, on the
// first lexical error, with a kError token.
std::vector<Token> Lex(std::string_view input);

// How Prometheus names a token in `unexpected ...` errors, e.g.
// `<op:+>`, `identifier "foo"`, `end of input`, `<aggr:sum>`, `<by>`.
std::string DescribeToken(const Token& token);

// Whether `word` is an aggregation operator name (sum, topk, ...).
bool IsAggregatorWord(std::string_view word);

}  // namespace ember::promql::internal
