#include <catch2/catch.hpp>

#include <cmath>

#include "ember/template/format.h"

namespace ember::tmpl {
namespace {

std::string F(std::string_view format, std::vector<Value> args) { return Sprintf(format, args); }

TEST_CASE("Sprintf integer verbs", "[template][format]") {
  CHECK(F("%d|%5d|%-5d|%05d|%+d|% d", {42, 42, 42, 42, 42, 42}) == "42|   42|42   |00042|+42| 42");
  CHECK(F("%x|%X|%o|%O|%b|%#x|%#o|%#b", {255, 255, 8, 8, 5, 255, 8, 5}) ==
        "ff|FF|10|0o10|101|0xff|010|0b101");
  CHECK(F("%c|%q|%U|%#U", {65, 65, 0x1F600, 65}) == "A|'A'|U+1F600|U+0041 'A'");
  CHECK(F("%.3d|%8.3d|%-08d|%05d", {7, 7, 7, -7}) == "007|     007|7       |-0007");
  CHECK(F("%d", {int64_t{-9223372036854775807 - 1}}) == "-9223372036854775808");
  CHECK(F("%d", {uint64_t{18446744073709551615u}}) == "18446744073709551615");
  CHECK(F("%v %v", {-1, uint64_t{3}}) == "-1 3");
  CHECK(F("%.0d|", {0}) == "|");
}

TEST_CASE("Sprintf float verbs", "[template][format]") {
  CHECK(F("%v %v %v %v %v", {1e6, 0.1, 100.0, 1e21, 1.0 / 3}) == "1e+06 0.1 100 1e+21 0.3333333333333333");
  CHECK(F("%f|%.2f|%8.3f|%-8.1f|%08.2f|%+.1f", {3.14159, 3.14159, 3.14159, 3.14159, -3.14159, 2.0}) ==
        "3.141590|3.14|   3.142|3.1     |-0003.14|+2.0");
  CHECK(F("%e|%.2e|%E|%g|%.3g|%G", {1234.5678, 1234.5678, 1e-7, 1e-7, 1234.5678, 1e-7}) ==
        "1.234568e+03|1.23e+03|1.000000E-07|1e-07|1.23e+03|1E-07");
  CHECK(F("%.4g|%.4g|%.4g|%.4g", {0.0, 1.5, 123456.0, 1e-9}) == "0|1.5|1.235e+05|1e-09");
  CHECK(F("%v|%f|%5.1f|%+v|%05v", {std::nan(""), INFINITY, -INFINITY, INFINITY, std::nan("")}) ==
        "NaN|+Inf| -Inf|+Inf|  NaN");
  CHECK(F("%.2f %.0f %.0f", {2.675, 0.5, 1.5}) == "2.67 0 2");
  CHECK(F("%6.2f%%", {99.5}) == " 99.50%");
}

TEST_CASE("Sprintf strings", "[template][format]") {
  CHECK(
      F("%s|%10s|%-10s|%.2s|%q|%x|%X|% x|%#q", {"abc", "abc", "abc", "abc", "a\"b", "hi", "hi", "hi", "x"}) ==
      "abc|       abc|abc       |ab|\"a\\\"b\"|6869|6869|68 69|`x`");
  CHECK(F("%v|%t|%v", {"s", true, false}) == "s|true|false");
  CHECK(F("%5s|%-4s|", {"é", "é"}) == "    é|é   |");
  CHECK(F("%T %T %T %T %T", {1, 1.5, "s", true, nullptr}) == "int float64 string bool <nil>");
}

TEST_CASE("Sprintf misuse", "[template][format]") {
  CHECK(F("%d", {"foo"}) == "%!d(string=foo)");
  CHECK(F("%s", {1}) == "%!s(int=1)");
  CHECK(F("%t", {1.5}) == "%!t(float64=1.5)");
  CHECK(F("%d", {nullptr}) == "%!d(<nil>)");
  CHECK(F("%s %s", {"a"}) == "a %!s(MISSING)");
  CHECK(F("%s", {"a", 1, "b"}) == "a%!(EXTRA int=1, string=b)");
  CHECK(F("%", {}) == "%!(NOVERB)");
  CHECK(F("%!", {1}) == "%!!(int=1)");
  CHECK(F("%*d|%-*d", {5, 1, 3, 2}) == "    1|2  ");
  CHECK(F("%*d", {"x", 1}) == "%!(BADWIDTH)1");
  CHECK(F("%.*f", {2, 3.14159}) == "3.14");
  CHECK(F("%z", {1}) == "%!z(int=1)");
  CHECK(F("%%|%5%", {}) == "%|%");
  CHECK(F("%v", {}) == "%!v(MISSING)");
  CHECK(F("%[2]s %[1]s", {"a", "b"}) == "b a");
  CHECK(F("%[1]d %[1]x %d", {10, 11}) == "10 a 11");
  CHECK(F("%[3]d", {1}) == "%!d(BADINDEX)");
  CHECK(F("%[1]*d", {3, 7}) == "  7");
}

TEST_CASE("Sprintf composite values", "[template][format]") {
  Value list = Value::List({1, "a", 2.5, nullptr});
  Value map = Value::Map({{"b", Value(2)}, {"a", Value(1)}});
  Labels ls{{"job", "x"}, {"instance", "h:1"}};
  CHECK(F("%v", {list}) == "[1 a 2.5 <nil>]");
  CHECK(F("%v", {map}) == "map[a:1 b:2]");
  CHECK(F("%v", {Value::FromLabels(ls)}) == "map[instance:h:1 job:x]");
  CHECK(F("%d", {Value::List({1, 2})}) == "[1 2]");
  CHECK(F("%03d", {Value::List({1, 2})}) == "[001 002]");
  CHECK(F("%d", {Value::List({"a"})}) == "[%!d(string=a)]");
  CHECK(F("%T %T", {list, Value::FromLabels(ls)}) == "[]interface {} map[string]string");
}

TEST_CASE("Sprint and Sprintln", "[template][format]") {
  CHECK(Sprint({"a", 1, 2, "b", "c", 3.5}) == "a1 2bc3.5");
  CHECK(Sprint({1, 2}) == "1 2");
  CHECK(Sprintln({"a", 1, "b"}) == "a 1 b\n");
  CHECK(FormatValue(Value::Invalid()) == "<no value>");
  CHECK(FormatValue(Value(nullptr)) == "<nil>");
}

}  // namespace
}  // namespace ember::tmpl
