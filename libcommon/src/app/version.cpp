#include "version.h"

namespace ember::app {

std::string VersionText(const std::string& program) {
  return program + ", version " EMBER_VERSION " (revision: " EMBER_REVISION
                   ")\n  build user: ember\n  compiler: g++ " __VERSION__;
}

Labels BuildInfoLabels() {
  // Dashboards group by these upstream label names; goversion names the compiler here.
  return Labels{{"version", EMBER_VERSION},
                {"revision", EMBER_REVISION},
                {"branch", ""},
                {"goversion", "g++ " __VERSION__},
                {"tags", ""}};
}

}  // namespace ember::app
