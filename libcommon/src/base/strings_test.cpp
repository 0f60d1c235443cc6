#include "ember/base/strings.h"

#include <cmath>

#include <catch2/catch.hpp>

namespace ember {
namespace {

TEST_CASE("GoQuote escapes as strconv.Quote") {
  CHECK(GoQuote("plain") == "\"plain\"");
  CHECK(GoQuote("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(GoQuote("\xc2\x85x\xc2\xa0") == "\"\\u0085x\xc2\xa0\"");
  CHECK(GoQuote("line\nnext\t") == "\"line\\nnext\\t\"");
  CHECK(GoQuote(std::string("\x01\x7f", 2)) == "\"\\x01\\x7f\"");
  CHECK(GoQuote("caf\xC3\xA9") == "\"caf\xC3\xA9\"");
  CHECK(GoQuote("bad\xff") == "\"bad\\xff\"");
}

TEST_CASE("FormatFloat matches Go's shortest forms") {
  CHECK(FormatFloat(1) == "1");
  CHECK(FormatFloat(0.1) == "0.1");
  CHECK(FormatFloat(-2.5) == "-2.5");
  CHECK(FormatFloat(1e21) == "1000000000000000000000");
  // Shortest digits padded with zeros, not the exact value's digits.
  CHECK(FormatFloat(18446744073709551616.0) == "18446744073709552000");
  CHECK(FormatFloat(1.5e300).size() == 301);
  CHECK(FormatFloat(0.000123) == "0.000123");
  CHECK(FormatFloat(-0.0) == "-0");
  CHECK(FormatFloat(0) == "0");
  CHECK(FormatFloat(5e-324) == "0." + std::string(323, '0') + "5");
  CHECK(FormatFloat(123.456) == "123.456");
  CHECK(FormatFloat(-1234567.5) == "-1234567.5");
  CHECK(FormatFloat(std::nan("")) == "NaN");
  CHECK(FormatFloat(INFINITY) == "+Inf");
  CHECK(FormatFloat(-INFINITY) == "-Inf");
  CHECK(FormatFloat(1e6, 'g') == "1e+06");
  CHECK(FormatFloat(123456, 'g') == "123456");
  CHECK(FormatFloat(1234567, 'g') == "1.234567e+06");
  CHECK(FormatFloat(0.0001, 'g') == "0.0001");
  CHECK(FormatFloat(0.00001, 'g') == "1e-05");
  CHECK(FormatFloat(1.7123456789e9, 'g') == "1.7123456789e+09");
  CHECK(FormatFloat(80, 'e') == "8e+01");
  CHECK(FormatFloat(1.5e-9, 'e') == "1.5e-09");
  CHECK(FormatFloat(0, 'e') == "0e+00");
  CHECK(FormatFloat(-123.25, 'e') == "-1.2325e+02");
}

TEST_CASE("ParseBool accepts what Go's strconv.ParseBool accepts") {
  for (const char* t : {"1", "t", "T", "TRUE", "true", "True"}) CHECK(ParseBool(t) == true);
  for (const char* f : {"0", "f", "F", "FALSE", "false", "False"}) CHECK(ParseBool(f) == false);
  for (const char* bad : {"", "yes", "tRUE", "2", " true"}) CHECK_FALSE(ParseBool(bad).has_value());
}

TEST_CASE("ParseFloat accepts what Go's ParseFloat accepts") {
  CHECK(ParseFloat("1.5").value() == 1.5);
  CHECK(ParseFloat("+1.5").value() == 1.5);
  CHECK(ParseFloat("-1e3").value() == -1000);
  CHECK(ParseFloat(".5").value() == 0.5);
  CHECK(ParseFloat("0x1p-2").value() == 0.25);
  CHECK(std::isinf(ParseFloat("+Inf").value()));
  CHECK(ParseFloat("-inf").value() < 0);
  CHECK(std::isnan(ParseFloat("NaN").value()));
  CHECK(std::isinf(ParseFloat("1e400").value()));
  CHECK(ParseFloat("1e-400").value() == 0);
  CHECK_FALSE(ParseFloat(""));
  CHECK_FALSE(ParseFloat(" 1"));
  CHECK_FALSE(ParseFloat("1x"));
  CHECK_FALSE(ParseFloat("--1"));
  CHECK_FALSE(ParseFloat("+-1"));
  CHECK_FALSE(ParseFloat("0x1"));
}

TEST_CASE("ParseBase2Bytes reads sizes in powers of 1024 whichever unit spelling") {
  CHECK(ParseBase2Bytes("512MB").value() == 512LL << 20);
  CHECK(ParseBase2Bytes("512MiB").value() == 512LL << 20);
  CHECK(ParseBase2Bytes("1KB").value() == 1024);
  CHECK(ParseBase2Bytes("3B").value() == 3);
  CHECK(ParseBase2Bytes("100").value() == 100);
  CHECK(ParseBase2Bytes("7EB").value() == 7LL << 60);
  CHECK_FALSE(ParseBase2Bytes("8EB"));  // past int64
  CHECK_FALSE(ParseBase2Bytes("MB"));
  CHECK_FALSE(ParseBase2Bytes("1.5GB"));
  CHECK_FALSE(ParseBase2Bytes("12 MB"));
  CHECK_FALSE(ParseBase2Bytes("10mb"));
}

TEST_CASE("ParseInt, Split, TrimSpace, ConstantTimeEquals") {
  CHECK(ParseInt("-42").value() == -42);
  CHECK(ParseInt("+7").value() == 7);
  CHECK_FALSE(ParseInt("99999999999999999999"));
  CHECK_FALSE(ParseInt("1.0"));
  CHECK(Split("a,b,,c", ',') == std::vector<std::string_view>{"a", "b", "", "c"});
  CHECK(Split("", ',').size() == 1);
  CHECK(TrimSpace("  x y \n") == "x y");
  CHECK(ConstantTimeEquals("secret", "secret"));
  CHECK_FALSE(ConstantTimeEquals("secret", "secreT"));
  CHECK_FALSE(ConstantTimeEquals("secret", "secrets"));
  CHECK(IsValidUtf8("caf\xC3\xA9"));
  CHECK_FALSE(IsValidUtf8("\xC0\x80"));
  CHECK_FALSE(IsValidUtf8("\xED\xA0\x80"));
}

}  // namespace
}  // namespace ember
