#include "ember/relabel/relabel_config.h"

#include <re2/re2.h>

#include <array>
#include <string>
#include <utility>

#include "anchored_regex.h"
#include "ember/base/strings.h"

namespace ember::relabel {
namespace {

constexpr std::array<std::pair<Action, std::string_view>, 11> kActionNames = {{
    {Action::kReplace, "replace"},
    {Action::kKeep, "keep"},
    {Action::kDrop, "drop"},
    {Action::kKeepEqual, "keepequal"},
    {Action::kDropEqual, "dropequal"},
    {Action::kHashMod, "hashmod"},
    {Action::kLabelMap, "labelmap"},
    {Action::kLabelDrop, "labeldrop"},
    {Action::kLabelKeep, "labelkeep"},
    {Action::kLowercase, "lowercase"},
    {Action::kUppercase, "uppercase"},
}};

bool HasVar(std::string_view s) { return s.find('$') != std::string_view::npos; }

// A label name that may hold $1 / ${name} references, for target_label of
// replace and the replacement of labelmap. Under the legacy scheme upstream
// checks it against ^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$; under UTF-8
// any valid name passes.
bool IsValidTemplatedName(std::string_view s, NameValidation scheme) {
  if (scheme == NameValidation::kUtf8) return IsValidLabelName(s, scheme);
  static const re2::RE2* const kLegacyTarget =
      new re2::RE2(R"(^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$)");  // never freed: shared by all threads
  return re2::RE2::FullMatch(s, *kLegacyTarget);
}

Status Invalid(std::string msg) { return Status::InvalidArgument(std::move(msg)); }

}  // namespace

std::string_view ActionName(Action action) {
  for (const auto& [a, name] : kActionNames) {
    if (a == action) return name;
  }
  return "unknown";
}

std::optional<Action> ParseAction(std::string_view name) {
  for (const auto& [a, n] : kActionNames) {
    if (EqualsIgnoreCase(name, n)) return a;
  }
  return std::nullopt;
}

bool IsValidLabelName(std::string_view name, NameValidation scheme) {
  if (name.empty()) return false;
  if (scheme == NameValidation::kUtf8) return IsValidUtf8(name);
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

Status CheckRegex(std::string_view regex) { return CompileAnchored(regex).status(); }

Status Validate(const RelabelConfig& c, NameValidation scheme) {
  const Action a = c.action;
  const std::string name(ActionName(a));
  const std::string quoted_target = GoQuote(c.target_label);
  if (a == Action::kHashMod && c.modulus == 0) {
    return Invalid("relabel configuration for hashmod requires non-zero modulus");
  }
  const bool writes_target = a == Action::kReplace || a == Action::kHashMod || a == Action::kLowercase ||
                             a == Action::kUppercase || a == Action::kKeepEqual || a == Action::kDropEqual;
  if (writes_target && c.target_label.empty()) {
    return Invalid("relabel configuration for " + name + " action requires 'target_label' value");
  }
  if (a == Action::kReplace) {
    const bool ok = HasVar(c.target_label) ? IsValidTemplatedName(c.target_label, scheme)
                                           : IsValidLabelName(c.target_label, scheme);
    if (!ok) return Invalid(quoted_target + " is invalid 'target_label' for " + name + " action");
  }
  const bool plain_target = a == Action::kLowercase || a == Action::kUppercase || a == Action::kKeepEqual ||
                            a == Action::kDropEqual;
  if (plain_target && !IsValidLabelName(c.target_label, scheme)) {
    return Invalid(quoted_target + " is invalid 'target_label' for " + name + " action");
  }
  if (plain_target && c.replacement != kDefaultReplacement) {
    return Invalid("'replacement' can not be set for " + name + " action");
  }
  if (a == Action::kLabelMap && !IsValidTemplatedName(c.replacement, scheme)) {
    return Invalid(GoQuote(c.replacement) + " is invalid 'replacement' for " + name + " action");
  }
  if (a == Action::kHashMod && !IsValidLabelName(c.target_label, scheme)) {
    return Invalid(quoted_target + " is invalid 'target_label' for " + name + " action");
  }
  if (a == Action::kKeepEqual || a == Action::kDropEqual) {
    if (c.regex || c.modulus != 0 || c.separator != kDefaultSeparator ||
        c.replacement != kDefaultReplacement) {
      // The mixed quotes are upstream's.
      return Invalid(name + " action requires only 'source_labels' and `target_label`, and no other fields");
    }
  }
  if (a == Action::kLabelDrop || a == Action::kLabelKeep) {
    if (c.source_labels_given || !c.source_labels.empty() || !c.target_label.empty() || c.modulus != 0 ||
        c.separator != kDefaultSeparator || c.replacement != kDefaultReplacement) {
      return Invalid(name + " action requires only 'regex', and no other fields");
    }
  }
  for (const std::string& l : c.source_labels) {
    if (!IsValidLabelName(l, scheme)) return Invalid(GoQuote(l) + " is not a valid label name");
  }
  return Status::Ok();
}

}  // namespace ember::relabel
