// From discovered targets to Alertmanager URLs, as upstream's
// AlertmanagerFromGroup: the target's labels with __scheme__ and
// __alerts_path__ set from the config, the group's labels for names the
// target lacks, then the config's relabel_configs.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ember/base/labels.h"
#include "ember/base/status.h"
#include "ember/discovery/target_group.h"
#include "ember/notifier/notifier_config.h"
#include "ember/relabel/relabeler.h"

namespace ember::notifier {

inline constexpr std::string_view kSchemeLabel = "__scheme__";
inline constexpr std::string_view kAlertsPathLabel = "__alerts_path__";

struct GroupAlertmanagers {
  // URLs of the Alertmanagers kept by relabeling, in target order.
  std::vector<std::string> active;
  // URLs of the targets relabeling dropped, from their labels before it.
  std::vector<std::string> dropped;
};

// "/api/v2/alerts" under `path_prefix`, cleaned as Go's path.Join does:
// "" -> "/api/v2/alerts", "am/" -> "/am/api/v2/alerts".
std::string AlertsPath(std::string_view path_prefix);

// `<__scheme__>://<__address__><__alerts_path__>` with the path escaped as
// Go's url.URL.String escapes it.
std::string AlertmanagerUrl(const Labels& labels);

// The Alertmanagers of one group. InvalidArgument `"a/b" is not a valid
// hostname` when a kept target's address holds a '/'; the whole group is
// then unusable, as upstream.
Result<GroupAlertmanagers> AlertmanagersFromGroup(const discovery::TargetGroup& group,
                                                  const AlertmanagerConfig& config,
                                                  std::span<const relabel::CompiledRelabelConfig> relabel);

}  // namespace ember::notifier
