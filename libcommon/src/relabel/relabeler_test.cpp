// Unit tests through the public API for what data files cannot show: MD5
// against RFC 1321's vectors and concurrent use of one compiled config.
#include "ember/relabel/relabeler.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <cstdio>
#include <thread>

#include "ember/config/field_reader.h"
#include "ember/relabel/relabel_config_yaml.h"
#include "md5.h"

namespace ember::relabel {
namespace {

std::string Hex(const std::array<uint8_t, 16>& d) {
  std::string out;
  char buf[3];
  for (uint8_t b : d) {
    std::snprintf(buf, sizeof(buf), "%02x", b);
    out += buf;
  }
  return out;
}

std::vector<CompiledRelabelConfig> CompileYaml(std::string_view yaml) {
  std::vector<RelabelConfig> configs;
  Status s = config::DecodeYaml(yaml, "config", [&](config::FieldReader& r) {
    r.List("relabel_configs",
           [&](config::FieldReader& item) { DecodeRelabelConfig(item, configs.emplace_back()); });
  });
  REQUIRE(s.message() == "");
  std::vector<CompiledRelabelConfig> steps;
  for (const RelabelConfig& c : configs) {
    auto step = CompiledRelabelConfig::Create(c);
    REQUIRE(step.ok());
    steps.push_back(*std::move(step));
  }
  return steps;
}

TEST_CASE("Md5 matches the RFC 1321 test suite", "[relabel]") {
  CHECK(Hex(Md5("")) == "d41d8cd98f00b204e9800998ecf8427e");
  CHECK(Hex(Md5("a")) == "0cc175b9c0f1b6a831c399e269772661");
  CHECK(Hex(Md5("abc")) == "900150983cd24fb0d6963f7d28e17f72");
  CHECK(Hex(Md5("message digest")) == "f96b697d7cb7938d525a2f31aaf161d0");
  CHECK(Hex(Md5("abcdefghijklmnopqrstuvwxyz")) == "c3fcd3d76192e4007dfb496cca67e13b");
  CHECK(Hex(Md5("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")) ==
        "d174ab98d277d9f5a5611c2c9f419d9f");
  CHECK(Hex(Md5("12345678901234567890123456789012345678901234567890123456789012345678901234567890")) ==
        "57edf4a22be3c955ac49da2e2107b67a");
  // 55 and 56 bytes: the length fits in the last block or needs another.
  CHECK(Hex(Md5(std::string(55, 'a'))) == "ef1772b6dff9a122358552954ad0df65");
  CHECK(Hex(Md5(std::string(56, 'a'))) == "3b0c8ac703f828b04c6c197006d17218");
}

TEST_CASE("one compiled config serves many threads", "[relabel]") {
  const auto steps = CompileYaml(R"(relabel_configs:
- source_labels: [job, instance]
  regex: '(\w+);(.*):\d+'
  target_label: host
  replacement: $2
- source_labels: [host]
  target_label: shard
  modulus: 4
  action: hashmod
)");
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        std::string host = "h";
        host += std::to_string((i * 7 + t) % 50);
        std::vector<Label> labels = {{"instance", host + ":9100"}, {"job", "node"}};
        if (!Process(labels, steps) || labels.size() != 4 || labels[0].name != "host" ||
            labels[0].value != host) {
          ++mismatches;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(mismatches.load() == 0);
}

TEST_CASE("Create rejects what Validate rejects", "[relabel]") {
  RelabelConfig c;
  c.regex = "(";
  c.target_label = "x";
  auto step = CompiledRelabelConfig::Create(c);
  REQUIRE(!step.ok());
  CHECK(step.status().message() == "error parsing regexp: missing closing ): `^(?s:()$`");
  c.regex.reset();
  c.target_label = "";
  CHECK(CompiledRelabelConfig::Create(c).status().message() ==
        "relabel configuration for replace action requires 'target_label' value");
}

}  // namespace
}  // namespace ember::relabel
