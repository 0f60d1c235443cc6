// Fuzzes the decoding of Kubernetes list responses and watch event lines and
// the building of target groups from what they hold. The first byte picks
// the role; the rest is read as a list and as newline-separated events.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kubernetes_objects.h"
#include "kubernetes_targets.h"

namespace {

using ember::discovery::KubernetesRole;
namespace k8s = ember::discovery::k8s;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const KubernetesRole role = static_cast<KubernetesRole>(data[0] % 6);
  const bool attach_node = (data[0] / 6) % 2 == 1;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  k8s::KubernetesTargets targets(role, attach_node);
  for (k8s::Kind kind : k8s::KindsForRole(role, attach_node)) {
    auto list = k8s::ParseObjectList(kind, text);
    if (list.ok()) targets.Replace(kind, "", std::move(list->items));
  }
  (void)targets.TakeChanges();

  const std::vector<k8s::Kind> kinds = k8s::KindsForRole(role, attach_node);
  size_t i = 0;
  for (size_t start = 0; start <= text.size();) {
    size_t nl = text.find('\n', start);
    std::string_view line =
        text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    k8s::Kind kind = kinds[i++ % kinds.size()];
    auto ev = k8s::ParseWatchEvent(kind, line);
    if (ev.ok() && ev->object) {
      if (ev->type == k8s::EventType::kDeleted) {
        targets.Remove(kind, k8s::KeyOf(k8s::MetaOf(*ev->object)));
      } else {
        targets.Upsert(std::move(*ev->object));
      }
      (void)targets.TakeChanges();
    }
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return 0;
}
