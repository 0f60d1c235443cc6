#include "symbol_table.h"

#include <catch2/catch.hpp>
#include <thread>
#include <vector>

namespace ember::tsdb {
namespace {

TEST_CASE("SymbolTable: one number per string, kept until its last holder releases it") {
  SymbolTable table;
  const uint32_t a = table.Intern("job");
  const uint32_t b = table.Intern(std::string("job"));
  CHECK(a == b);
  CHECK(table.Get(a) == "job");
  const uint32_t long_value = table.Intern(std::string(100, 'x'));
  CHECK(table.Get(long_value) == std::string(100, 'x'));
  const size_t with_both = table.MemoryBytes();
  table.Release(a);
  CHECK(table.Intern("job") == b);  // still held by b
  table.Release(b);
  table.Release(b);
  table.Release(long_value);
  CHECK(table.MemoryBytes() < with_both);
  // Numbers are reused once free.
  const uint32_t again = table.Intern("instance");
  CHECK((again == a || again == long_value));
  CHECK(table.Get(again) == "instance");
}

TEST_CASE("SymbolTable: many strings across blocks, from several threads") {
  SymbolTable table;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 20000;
  std::vector<std::vector<uint32_t>> got(kThreads);
  std::vector<std::thread> threads;
  for (int w = 0; w < kThreads; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < kPerThread; ++i) got[w].push_back(table.Intern("s" + std::to_string(i)));
    });
  }
  for (auto& t : threads) t.join();
  for (int w = 1; w < kThreads; ++w) CHECK(got[w] == got[0]);
  for (int i = 0; i < kPerThread; ++i) CHECK(table.Get(got[0][i]) == "s" + std::to_string(i));
}

}  // namespace
}  // namespace ember::tsdb
