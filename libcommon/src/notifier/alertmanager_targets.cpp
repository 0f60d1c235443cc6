#include "alertmanager_targets.h"

#include "ember/base/strings.h"

namespace ember::notifier {
namespace {

// Whether Go's url package escapes `c` in a path.
bool EscapeInPath(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return false;
  switch (c) {
    case '-':
    case '_':
    case '.':
    case '~':
    case '$':
    case '&':
    case '+':
    case ',':
    case '/':
    case ':':
    case ';':
    case '=':
    case '@':
      return false;
    default:
      return true;
  }
}

}  // namespace

std::string AlertsPath(std::string_view path_prefix) {
  // path.Join("/", prefix, "/api/v2/alerts"): join, then resolve "." and ".."
  // and collapse slashes; the result is rooted.
  std::string joined = "/" + std::string(path_prefix) + "/api/v2/alerts";
  std::vector<std::string_view> parts;
  for (std::string_view part : Split(joined, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  std::string out;
  for (std::string_view part : parts) {
    out += '/';
    out += part;
  }
  return out.empty() ? "/" : out;
}

std::string AlertmanagerUrl(const Labels& labels) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  const std::string_view scheme = labels.Get(kSchemeLabel);
  if (!scheme.empty()) {
    out += scheme;
    out += ':';
  }
  const std::string_view host = labels.Get(discovery::kAddressLabel);
  const std::string_view path = labels.Get(kAlertsPathLabel);
  if (!scheme.empty() || !host.empty()) {
    out += "//";
    out += host;
  }
  if (!path.empty() && path.front() != '/' && !host.empty()) out += '/';
  for (char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    if (EscapeInPath(c)) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += ch;
    }
  }
  return out;
}

Result<GroupAlertmanagers> AlertmanagersFromGroup(const discovery::TargetGroup& group,
                                                  const AlertmanagerConfig& config,
                                                  std::span<const relabel::CompiledRelabelConfig> relabel) {
  GroupAlertmanagers out;
  const std::string alerts_path = AlertsPath(config.path_prefix);
  for (const Labels& target : group.targets) {
    LabelsBuilder b(target);
    b.Set(kSchemeLabel, config.scheme);
    b.Set(kAlertsPathLabel, alerts_path);
    for (const Label& l : group.labels) {
      if (!target.Has(l.name)) b.Set(l.name, l.value);
    }
    const Labels before = b.Build();
    Labels after;
    if (!relabel::Process(before, relabel, &after)) {
      out.dropped.push_back(AlertmanagerUrl(before));
      continue;
    }
    const std::string_view address = after.Get(discovery::kAddressLabel);
    if (address.find('/') != std::string_view::npos) {
      return Status::InvalidArgument(GoQuote(address) + " is not a valid hostname");
    }
    out.active.push_back(AlertmanagerUrl(after));
  }
  return out;
}

}  // namespace ember::notifier
