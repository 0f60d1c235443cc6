#include "promql/lexer/lexer.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace ember::promql::internal {
namespace {

// "kind:text" per token, to compare whole streams at once.
std::vector<std::string> Kinds(std::string_view input) {
  std::vector<std::string> out;
  for (const Token& t : Lex(input)) {
    std::string kind;
    switch (t.kind) {
      case TokenKind::kEof:
        kind = "eof";
        break;
      case TokenKind::kError:
        kind = "error";
        break;
      case TokenKind::kIdentifier:
        kind = "id";
        break;
      case TokenKind::kNumber:
        kind = "num";
        break;
      case TokenKind::kDuration:
        kind = "dur";
        break;
      case TokenKind::kString:
        kind = "str";
        break;
      default:
        kind = "op";
        break;
    }
    out.push_back(kind + ":" + t.text);
  }
  return out;
}

using V = std::vector<std::string>;

TEST_CASE("Numbers and durations", "[lexer]") {
  CHECK(Kinds("1 1.5 .5 1e3 1.5E-3 0x1F") ==
        V{"num:1", "num:1.5", "num:.5", "num:1e3", "num:1.5E-3", "num:0x1F", "eof:"});
  CHECK(Kinds("5m 1h30m 250ms 1y2w3d") == V{"dur:5m", "dur:1h30m", "dur:250ms", "dur:1y2w3d", "eof:"});
  CHECK(Kinds("Inf nan") == V{"id:Inf", "id:nan", "eof:"});
  CHECK(Kinds("2.5.") == V{"error:bad number or duration syntax: \"2.5.\""});
  CHECK(Kinds("5mm") == V{"error:bad number or duration syntax: \"5mm\""});
}

TEST_CASE("Strings with every quoting", "[lexer]") {
  CHECK(Kinds(R"("a\"b" 'c\'d' `e\f`)") == V{"str:a\"b", "str:c'd", "str:e\\f", "eof:"});
  CHECK(Kinds(R"("\n\t\x41\101\u00fc\U0001F600")") == V{"str:\n\tAAü😀", "eof:"});
  CHECK(Kinds(R"("abc)") == V{"error:unterminated quoted string"});
  CHECK(Kinds("`abc") == V{"error:unterminated raw string"});
  CHECK(Kinds(R"("\q")") == V{"error:unknown escape sequence U+0071 'q'"});
  CHECK(Kinds(R"("\xZZ")") == V{"error:illegal character U+005A 'Z' in escape sequence"});
  CHECK(Kinds("\"\\ud800\"") == V{"error:escape sequence is an invalid Unicode code point"});
}

TEST_CASE("Operators, punctuation and comments", "[lexer]") {
  CHECK(Kinds("a + b - c * d / e % f ^ g") == V{"id:a", "op:+", "id:b", "op:-", "id:c", "op:*", "id:d",
                                                "op:/", "id:e", "op:%", "id:f", "op:^", "id:g", "eof:"});
  CHECK(Kinds("== != < <= > >=") == V{"op:==", "op:!=", "op:<", "op:<=", "op:>", "op:>=", "eof:"});
  CHECK(Kinds("foo{a=\"b\",c!~\"d\"} # trailing\n") ==
        V{"id:foo", "op:{", "id:a", "op:=", "str:b", "op:,", "id:c", "op:!~", "str:d", "op:}", "eof:"});
  CHECK(Kinds("x[5m:1m] @ 10") ==
        V{"id:x", "op:[", "dur:5m", "op::", "dur:1m", "op:]", "op:@", "num:10", "eof:"});
  CHECK(Kinds("job:rate5m:sum") == V{"id:job:rate5m:sum", "eof:"});
}

TEST_CASE("Lexical errors carry their position", "[lexer]") {
  std::vector<Token> t = Lex("foo{a:b}");
  REQUIRE(t.back().kind == TokenKind::kError);
  CHECK(t.back().text == "unexpected character inside braces: ':'");
  CHECK(t.back().start == 5);
  CHECK(Kinds("(") == V{"op:(", "error:unclosed left parenthesis"});
  CHECK(Kinds(")") == V{"error:unexpected right parenthesis ')'"});
  CHECK(Kinds("{") == V{"op:{", "error:unexpected end of input inside braces"});
  CHECK(Kinds("a:b[1m") ==
        V{"id:a:b", "op:[", "dur:1m", "error:unexpected end of input in duration expression"});
  CHECK(Kinds("1 !! 1") == V{"num:1", "error:unexpected character after '!': '!'"});
  CHECK(Kinds("a ~ b") == V{"id:a", "error:unexpected character: '~'"});
}

TEST_CASE("Tokens are described as in Prometheus's errors", "[lexer]") {
  auto describe = [](std::string_view input) { return DescribeToken(Lex(input).front()); };
  CHECK(describe("+") == "<op:+>");
  CHECK(describe("and") == "<op:and>");
  CHECK(describe("by") == "<by>");
  CHECK(describe("SUM") == "<aggr:sum>");
  CHECK(describe("foo") == "identifier \"foo\"");
  CHECK(describe("a:b") == "metric identifier \"a:b\"");
  CHECK(describe("12") == "number \"12\"");
  CHECK(describe("5m") == "duration \"5m\"");
  CHECK(describe("\"x\"") == "string \"\\\"x\\\"\"");
  CHECK(describe("\"a long string\"") == "string \"\\\"a long st\"...");
  CHECK(describe(",") == "\",\"");
  CHECK(describe("@") == "<op:@>");
  CHECK(describe("") == "end of input");
}

}  // namespace
}  // namespace ember::promql::internal
