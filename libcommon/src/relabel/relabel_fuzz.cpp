// Feeds arbitrary text to the relabel config decoder and, when it decodes,
// runs the steps over a label set taken from the same input: nothing may
// crash, and the result stays sorted without duplicates.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ember/config/field_reader.h"
#include "ember/relabel/relabel_config_yaml.h"
#include "ember/relabel/relabeler.h"

using namespace ember;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  // "<yaml>\n---labels\n<name>=<value> lines"
  std::string_view yaml = in, label_text;
  if (size_t cut = in.find("\n---labels\n"); cut != std::string_view::npos) {
    yaml = in.substr(0, cut);
    label_text = in.substr(cut + 11);
  }
  for (relabel::NameValidation scheme : {relabel::NameValidation::kUtf8, relabel::NameValidation::kLegacy}) {
    std::vector<relabel::RelabelConfig> configs;
    Status s = config::DecodeYaml(yaml, "config", [&](config::FieldReader& r) {
      r.List("relabel_configs", [&](config::FieldReader& item) {
        relabel::DecodeRelabelConfig(item, configs.emplace_back(), scheme);
      });
    });
    if (!s.ok()) continue;
    std::vector<relabel::CompiledRelabelConfig> steps;
    for (const relabel::RelabelConfig& c : configs) {
      auto step = relabel::CompiledRelabelConfig::Create(c, scheme);
      if (!step.ok()) abort();  // the decoder accepted it, so Create must
      steps.push_back(*std::move(step));
    }
    std::vector<Label> labels;
    size_t pos = 0;
    while (pos < label_text.size()) {
      size_t nl = label_text.find('\n', pos);
      if (nl == std::string_view::npos) nl = label_text.size();
      std::string_view line = label_text.substr(pos, nl - pos);
      pos = nl + 1;
      size_t eq = line.find('=');
      if (eq == std::string_view::npos || eq == 0 || eq + 1 == line.size()) continue;
      labels.push_back({std::string(line.substr(0, eq)), std::string(line.substr(eq + 1))});
    }
    Labels sorted = Labels::FromUnsorted(std::move(labels));
    if (sorted.HasDuplicateNames()) return 0;
    std::vector<Label> work = sorted.vec();
    if (relabel::Process(work, steps)) {
      for (size_t i = 1; i < work.size(); ++i) {
        if (!(work[i - 1].name < work[i].name)) abort();
      }
      for (const Label& l : work) {
        if (l.value.empty()) abort();
      }
    }
  }
  return 0;
}
