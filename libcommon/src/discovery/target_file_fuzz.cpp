// Feeds arbitrary bytes to both target file parsers: nothing may crash, and
// every group they accept holds only valid label names and one __address__
// per target.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ember/discovery/target_group.h"

using namespace ember;
using namespace ember::discovery;

namespace {

void Check(const Result<std::vector<TargetGroup>>& r) {
  if (!r.ok()) {
    if (r.status().message().empty()) abort();
    return;
  }
  for (const TargetGroup& g : *r) {
    for (const Label& l : g.labels) {
      if (!ValidateLabelName(l.name).ok()) abort();
    }
    for (const Labels& t : g.targets) {
      if (t.size() != 1 || !t.Has(kAddressLabel)) abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  Check(ParseTargetGroupsJson(in));
  Check(ParseTargetGroupsYaml(in));
  return 0;
}
