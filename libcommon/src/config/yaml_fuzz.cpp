// Fuzz target: strict YAML decoding, env expansion and the web config never
// crash or throw, whatever the file holds.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ember/config/expand_env.h"
#include "ember/config/field_reader.h"
#include "ember/config/web_config.h"

namespace {

struct Nested {
  std::string name;
  std::vector<std::string> items;
  std::map<std::string, std::string> labels;
};

struct Top {
  bool flag = false;
  int64_t count = 0;
  double ratio = 0;
  ember::Milliseconds interval{0};
  ember::Nanoseconds timeout{0};
  Nested nested;
  std::vector<Nested> list;
  std::map<std::string, Nested> by_name;
};

void DecodeNested(ember::config::FieldReader& r, Nested& n) {
  r.Field("name", &n.name);
  r.Field("items", &n.items);
  r.Field("labels", &n.labels);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ember;
  std::string text(reinterpret_cast<const char*>(data), size);
  Top top;
  (void)config::DecodeYaml(text, "top", [&](config::FieldReader& r) {
    r.Field("flag", &top.flag);
    r.Field("count", &top.count);
    r.Field("ratio", &top.ratio);
    r.Duration("interval", &top.interval);
    r.GoDuration("timeout", &top.timeout);
    r.Struct("nested", [&](config::FieldReader& n) { DecodeNested(n, top.nested); });
    r.List("list", [&](config::FieldReader& n) { DecodeNested(n, top.list.emplace_back()); });
    r.Map("by_name",
          [&](const std::string& name, config::FieldReader& n) { DecodeNested(n, top.by_name[name]); });
    r.Skip("skipped");
  });
  (void)config::ExpandEnv(text, [](std::string_view name) -> std::optional<std::string> {
    if (name.size() % 2 == 0) return std::string(name) + "-value";
    return std::nullopt;
  });
  auto fs = NewMemFileSystem();
  if (fs->WriteFileAtomically("/web.yml", text).ok()) (void)config::LoadWebConfig(*fs, "/web.yml");
  return 0;
}
