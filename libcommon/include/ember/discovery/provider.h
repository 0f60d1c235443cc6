// Provider: one running service discovery mechanism (static, file,
// kubernetes, ...), and ProviderConfig, the configuration that makes one.
//
// A provider runs on a thread of its own, given by the DiscoveryManager, and
// reports target groups through an update sink; groups replace earlier ones
// with the same source, and an empty group drops its source's targets.
#pragma once

#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "ember/base/status.h"
#include "ember/discovery/target_group.h"
#include "ember/obs/logger.h"

namespace ember::discovery {

struct DiscoveryMetrics;

// Receives changed groups. Thread-safe; may block briefly. Meant to be called
// while Run runs; a call after Run returned is ignored (the manager must
// still exist).
using UpdateSink = std::function<void(std::vector<TargetGroup> groups)>;

class Provider {
 public:
  virtual ~Provider() = default;
  // Discovers until `stop` is requested, calling `update` with changed groups
  // (the first call should hold every group known at start). May return
  // earlier when it has nothing more to say (static targets). Called once.
  virtual void Run(std::stop_token stop, const UpdateSink& update) = 0;
};

struct ProviderOptions {
  Logger logger;
  // May be null (no metrics). Outlives the provider.
  DiscoveryMetrics* metrics = nullptr;
};

// Immutable; shared between the config that holds it and the manager.
class ProviderConfig {
 public:
  virtual ~ProviderConfig() = default;
  // The mechanism: "static", "file", "kubernetes".
  virtual std::string_view Name() const = 0;
  // A canonical text of the config: two configs of the same Name with equal
  // fingerprints are equal, so a reload keeps their running provider.
  virtual std::string Fingerprint() const = 0;
  virtual Result<std::unique_ptr<Provider>> NewProvider(const ProviderOptions& options) const = 0;
};

}  // namespace ember::discovery
