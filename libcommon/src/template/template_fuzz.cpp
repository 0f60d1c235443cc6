// Parses the input as a template and executes it on a small data set, with
// Prometheus's functions available and execution bounded in steps, depth and
// output.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ember/template/prometheus_template.h"
#include "ember/template/template.h"

namespace {

ember::tmpl::Value Data() {
  using ember::tmpl::Value;
  static const Value kData = Value::Map({
      {"a", Value("x")},
      {"n", Value(42)},
      {"f", Value(1.5)},
      {"list", Value::List({1, "two", 3.0, nullptr})},
      {"map", Value::Map({{"k", Value("v")}, {"z", Value::List({})}})},
      {"labels", Value::FromLabels(ember::Labels{{"instance", "h:9100"}, {"job", "node"}})},
      {"nil", Value(nullptr)},
  });
  return kData;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ember::tmpl::ParseOptions po;
  po.funcs = &ember::tmpl::PrometheusFuncs();
  auto t = ember::tmpl::Template::Parse("fuzz", text, po);
  if (!t.ok()) return 0;
  ember::tmpl::ExecOptions eo;
  eo.max_steps = 20000;
  eo.max_output_bytes = 1 << 16;
  eo.max_depth = 200;
  std::string out;
  (void)(*t)->Execute(out, Data(), eo);
  // The same text as an alert template: the prelude and the parse cache.
  (void)ember::tmpl::CheckAlertTemplate("fuzz", text);
  return 0;
}
