// The provider behind static_configs: sends its groups once.
#pragma once

#include <vector>

#include "ember/discovery/provider.h"

namespace ember::discovery {

class StaticProviderConfig final : public ProviderConfig {
 public:
  explicit StaticProviderConfig(std::vector<TargetGroup> groups) : groups_(std::move(groups)) {}
  std::string_view Name() const override { return "static"; }
  std::string Fingerprint() const override;
  Result<std::unique_ptr<Provider>> NewProvider(const ProviderOptions& options) const override;
  const std::vector<TargetGroup>& groups() const { return groups_; }

 private:
  std::vector<TargetGroup> groups_;
};

}  // namespace ember::discovery
