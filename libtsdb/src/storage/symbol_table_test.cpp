#include "symbol_table.h"

#include <catch2/catch.hpp>

namespace ember::tsdb {
namespace {

TEST_CASE("SymbolTable: one copy per string, kept until its last holder releases it") {
  SymbolTable table;
  const std::string* a = table.Intern("job");
  const std::string* b = table.Intern(std::string("job"));
  CHECK(a == b);
  CHECK(*a == "job");
  const std::string* long_value = table.Intern(std::string(100, 'x'));
  const size_t with_both = table.MemoryBytes();
  table.Release(a);
  CHECK(table.Intern("job") == b);  // still held by b
  table.Release(b);
  table.Release(b);
  table.Release(long_value);
  CHECK(table.MemoryBytes() < with_both);
  CHECK(*table.Intern("job") == "job");
}

}  // namespace
}  // namespace ember::tsdb
