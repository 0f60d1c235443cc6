#include "ember/discovery/static_config.h"

#include <map>

namespace ember::discovery {

void DecodeStaticConfig(config::FieldReader& r, TargetGroup& group) {
  std::vector<std::string> targets;
  std::map<std::string, std::string> labels;
  r.Field("targets", &targets);
  r.Field("labels", &labels);
  group.targets.clear();
  for (std::string& t : targets) group.targets.push_back(Labels{{std::string(kAddressLabel), std::move(t)}});
  std::vector<Label> common;
  for (auto& [name, value] : labels) {
    if (Status s = ValidateLabelName(name); !s.ok()) return r.Fail(s.message());
    common.push_back({name, value});
  }
  group.labels = Labels::FromSorted(std::move(common));
}

void DecodeStaticConfigs(config::FieldReader& r, std::string_view key, std::vector<TargetGroup>* out) {
  size_t index = 0;
  r.List(key, [&](config::FieldReader& item) {
    TargetGroup& g = out->emplace_back();
    DecodeStaticConfig(item, g);
    g.source = std::to_string(index++);
  });
}

}  // namespace ember::discovery
