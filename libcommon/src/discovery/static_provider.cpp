#include "ember/discovery/static_provider.h"

#include "ember/base/strings.h"

namespace ember::discovery {
namespace {

class StaticProvider final : public Provider {
 public:
  explicit StaticProvider(std::vector<TargetGroup> groups) : groups_(std::move(groups)) {}
  void Run(std::stop_token, const UpdateSink& update) override { update(groups_); }

 private:
  std::vector<TargetGroup> groups_;
};

}  // namespace

std::string StaticProviderConfig::Fingerprint() const {
  std::string out;
  for (const TargetGroup& g : groups_) {
    out += "source=" + GoQuote(g.source) + " labels=" + g.labels.ToString() + " targets=";
    for (const Labels& t : g.targets) out += t.ToString();
    out += '\n';
  }
  return out;
}

Result<std::unique_ptr<Provider>> StaticProviderConfig::NewProvider(const ProviderOptions&) const {
  return std::unique_ptr<Provider>(std::make_unique<StaticProvider>(groups_));
}

}  // namespace ember::discovery
