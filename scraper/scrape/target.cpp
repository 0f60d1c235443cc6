#include "scrape/target.h"

#include <algorithm>

#include "ember/base/strings.h"
#include "ember/base/time.h"

namespace ember::scraper {
namespace {

constexpr std::string_view kReservedPrefix = "__";
constexpr std::string_view kMetaPrefix = "__meta_";
constexpr std::string_view kParamPrefix = "__param_";

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

uint64_t Fnv64a(uint64_t h, std::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}
constexpr uint64_t kFnvOffset = 14695981039346656037ULL;

Labels WithoutReserved(const Labels& labels) {
  std::vector<Label> out;
  out.reserve(labels.size());
  for (const Label& l : labels) {
    if (!StartsWith(l.name, kReservedPrefix)) out.push_back(l);
  }
  return Labels::FromSorted(std::move(out));
}

// Go's url.URL.EscapedPath for a path without a raw form.
void AppendPathEscaped(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~' || c == '$' || c == '&' || c == '+' || c == ',' || c == '/' || c == ':' ||
        c == ';' || c == '=' || c == '@') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
}

uint64_t TargetHash(const Labels& labels, const std::string& url) {
  // As upstream: the label hash printed as %016d, then the URL.
  std::string digits = std::to_string(labels.Hash());
  if (digits.size() < 16) digits.insert(0, 16 - digits.size(), '0');
  return Fnv64a(Fnv64a(kFnvOffset, digits), url);
}

}  // namespace

std::string_view TargetHealthName(TargetHealth health) {
  switch (health) {
    case TargetHealth::kUp:
      return "up";
    case TargetHealth::kDown:
      return "down";
    case TargetHealth::kUnknown:
      break;
  }
  return "unknown";
}

std::string TargetUrl(const Labels& labels,
                      const std::map<std::string, std::vector<std::string>>& config_params) {
  std::map<std::string, std::vector<std::string>> params = config_params;
  for (const Label& l : labels) {
    if (!StartsWith(l.name, kParamPrefix)) continue;
    std::vector<std::string>& values = params[l.name.substr(kParamPrefix.size())];
    if (!values.empty()) {
      values[0] = l.value;
    } else {
      values.push_back(l.value);
    }
  }
  std::string url(labels.Get("__scheme__"));
  url += "://";
  url += labels.Get(discovery::kAddressLabel);
  std::string_view path = labels.Get("__metrics_path__");
  if (!path.empty() && path.front() != '/') url += '/';
  AppendPathEscaped(url, path);
  bool first = true;
  for (const auto& [key, values] : params) {
    for (const std::string& value : values) {
      url += first ? '?' : '&';
      first = false;
      AppendQueryEscaped(url, key);
      url += '=';
      AppendQueryEscaped(url, value);
    }
  }
  return url;
}

Target::Target(Labels labels, Labels discovered,
               const std::map<std::string, std::vector<std::string>>& params)
    : labels_(std::move(labels)),
      public_labels_(WithoutReserved(labels_)),
      url_(TargetUrl(labels_, params)),
      hash_(TargetHash(labels_, url_)),
      discovered_(std::move(discovered)) {}

int64_t Target::OffsetNs(int64_t interval_ns, uint64_t offset_seed, int64_t now_ns) const {
  if (interval_ns <= 0) return 0;
  const int64_t base = interval_ns - ((now_ns % interval_ns) + interval_ns) % interval_ns;
  const int64_t offset = static_cast<int64_t>((hash_ ^ offset_seed) % static_cast<uint64_t>(interval_ns));
  int64_t next = base + offset;
  if (next > interval_ns) next -= interval_ns;
  return next;
}

Labels Target::discovered_labels() const {
  std::lock_guard lock(mu_);
  return discovered_;
}

void Target::SetDiscoveredLabels(Labels discovered) {
  std::lock_guard lock(mu_);
  discovered_ = std::move(discovered);
}

void Target::Report(int64_t start_ns, double duration_seconds, std::string error) {
  std::lock_guard lock(mu_);
  status_.health = error.empty() ? TargetHealth::kUp : TargetHealth::kDown;
  status_.last_error = std::move(error);
  status_.last_scrape_ns = start_ns;
  status_.last_scrape_duration = duration_seconds;
}

TargetScrapeStatus Target::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

Labels PopulateDiscoveredLabels(const ScrapeConfig& config, const Labels& target_labels,
                                const Labels& group_labels) {
  LabelsBuilder b(target_labels);
  for (const Label& l : group_labels) {
    if (!target_labels.Has(l.name)) b.Set(l.name, l.value);
  }
  auto set_default = [&b](std::string_view name, std::string_view value) {
    if (b.Get(name).empty()) b.Set(name, value);
  };
  set_default("job", config.job_name);
  set_default("__scrape_interval__", FormatDuration(config.scrape_interval));
  set_default("__scrape_timeout__", FormatDuration(config.scrape_timeout));
  set_default("__metrics_path__", config.metrics_path);
  set_default("__scheme__", config.scheme);
  for (const auto& [name, values] : config.params) {
    if (!values.empty()) set_default(std::string(kParamPrefix) + name, values.front());
  }
  return b.Build();
}

Result<PopulatedLabels> PopulateLabels(const ScrapeConfig& config,
                                       std::span<const relabel::CompiledRelabelConfig> relabel_steps,
                                       const Labels& target_labels, const Labels& group_labels) {
  PopulatedLabels out;
  out.discovered = PopulateDiscoveredLabels(config, target_labels, group_labels);
  std::vector<Label> labels = out.discovered.vec();
  if (!relabel::Process(labels, relabel_steps)) return out;

  auto get = [&labels](std::string_view name) -> std::string_view {
    auto it = std::lower_bound(labels.begin(), labels.end(), name,
                               [](const Label& l, std::string_view n) { return l.name < n; });
    return it != labels.end() && it->name == name ? std::string_view(it->value) : std::string_view();
  };
  const std::string address(get(discovery::kAddressLabel));
  if (address.empty()) return Status::InvalidArgument("no address");
  if (address.find('/') != std::string::npos) {
    return Status::InvalidArgument(GoQuote(address) + " is not a valid hostname");
  }
  const std::string interval(get("__scrape_interval__"));
  Result<Milliseconds> interval_d = ParseDuration(interval);
  if (!interval_d.ok()) {
    return Status::InvalidArgument("error parsing scrape interval: " + interval_d.status().message());
  }
  if (interval_d->count() == 0) return Status::InvalidArgument("scrape interval cannot be 0");
  const std::string timeout(get("__scrape_timeout__"));
  Result<Milliseconds> timeout_d = ParseDuration(timeout);
  if (!timeout_d.ok()) {
    return Status::InvalidArgument("error parsing scrape timeout: " + timeout_d.status().message());
  }
  if (timeout_d->count() == 0) return Status::InvalidArgument("scrape timeout cannot be 0");
  if (*timeout_d > *interval_d) {
    return Status::InvalidArgument("scrape timeout cannot be greater than scrape interval (" +
                                   GoQuote(timeout) + " > " + GoQuote(interval) + ")");
  }

  std::erase_if(labels, [](const Label& l) { return StartsWith(l.name, kMetaPrefix); });
  LabelsBuilder b(Labels::FromSorted(std::move(labels)));
  if (b.Get("instance").empty()) b.Set("instance", address);
  Labels result = b.Build();
  for (const Label& l : result) {
    if (!IsValidUtf8(l.value)) {
      return Status::InvalidArgument("invalid label value for " + GoQuote(l.name) + ": " + GoQuote(l.value));
    }
  }
  out.labels = std::move(result);
  return out;
}

std::vector<std::shared_ptr<Target>> TargetsFromGroup(
    const discovery::TargetGroup& group, const ScrapeConfig& config,
    std::span<const relabel::CompiledRelabelConfig> relabel_steps, std::vector<std::string>* failures) {
  std::vector<std::shared_ptr<Target>> targets;
  targets.reserve(group.targets.size());
  for (size_t i = 0; i < group.targets.size(); ++i) {
    Result<PopulatedLabels> populated = PopulateLabels(config, relabel_steps, group.targets[i], group.labels);
    if (!populated.ok()) {
      if (failures != nullptr) {
        failures->push_back("instance " + std::to_string(i) + " in group " + group.source + ": " +
                            populated.status().message());
      }
      continue;
    }
    targets.push_back(std::make_shared<Target>(std::move(populated->labels), std::move(populated->discovered),
                                               config.params));
  }
  return targets;
}

}  // namespace ember::scraper
