// RelabelConfig: one relabeling step as written in a Prometheus or Promtail
// config (relabel_configs, metric_relabel_configs, write_relabel_configs,
// alert_relabel_configs), with upstream's fields, defaults and validation.
//
// The struct is plain data; nothing is compiled here. Validate() checks it
// the way Prometheus 3.x's relabel.Config.Validate does and returns the same
// messages; CompiledRelabelConfig::Create (relabeler.h) turns a valid config
// into something Process() can run.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ember/base/status.h"

namespace ember::relabel {

enum class Action {
  kReplace,    // write the expanded replacement to target_label when regex matches
  kKeep,       // drop the set when regex does not match the joined source values
  kDrop,       // drop the set when regex matches the joined source values
  kKeepEqual,  // drop the set when target_label's value differs from the joined values
  kDropEqual,  // drop the set when target_label's value equals the joined values
  kHashMod,    // target_label = MD5(joined) mod modulus
  kLabelMap,   // copy every label whose name matches regex to the expanded replacement
  kLabelDrop,  // remove every label whose name matches regex
  kLabelKeep,  // remove every label whose name does not match regex
  kLowercase,  // target_label = lower case of the joined values
  kUppercase,  // target_label = upper case of the joined values
};

// The name upstream uses in configs and messages ("replace", "keepequal").
std::string_view ActionName(Action action);
// Case-insensitive, as upstream: "Replace" and "LABELMAP" are accepted.
std::optional<Action> ParseAction(std::string_view name);

// Which label names are valid. Prometheus 3 defaults to UTF-8 (any non-empty
// valid UTF-8 string); the legacy scheme is [a-zA-Z_][a-zA-Z0-9_]*, as in
// Prometheus 2 and under metric_name_validation_scheme: legacy.
enum class NameValidation { kUtf8, kLegacy };

bool IsValidLabelName(std::string_view name, NameValidation scheme);

inline constexpr std::string_view kDefaultSeparator = ";";
inline constexpr std::string_view kDefaultRegex = "(.*)";
inline constexpr std::string_view kDefaultReplacement = "$1";

struct RelabelConfig {
  // Labels whose values are joined with `separator`, in this order; an absent
  // label contributes "". Default: none.
  std::vector<std::string> source_labels;
  // Whether source_labels was given at all, even as an empty list: upstream
  // rejects `source_labels: []` for labeldrop/labelkeep. Set by the decoder.
  bool source_labels_given = false;
  // Put between the source values. Default: ";".
  std::string separator = std::string(kDefaultSeparator);
  // The pattern matched against the joined value (or label names, for
  // labelmap/labeldrop/labelkeep), anchored at both ends and with `.`
  // matching newlines, as `^(?s:<regex>)$`. nullopt: the default "(.*)";
  // keepequal and dropequal require it to stay nullopt, even though an
  // explicit "(.*)" means the same, exactly as upstream.
  std::optional<std::string> regex;
  // Modulus for hashmod; must be non-zero there. Default: 0.
  uint64_t modulus = 0;
  // The label written by replace, hashmod, lowercase and uppercase, compared
  // by keepequal/dropequal. replace may use $1, ${name} references.
  // Default: "".
  std::string target_label;
  // The value written by replace, or the new name for labelmap; $1, ${1},
  // $name, ${name} refer to groups of regex and $$ is a dollar sign.
  // Default: "$1".
  std::string replacement = std::string(kDefaultReplacement);
  // Default: replace.
  Action action = Action::kReplace;

  // The regex text in effect ("(.*)" when unset).
  std::string_view RegexText() const { return regex ? std::string_view(*regex) : kDefaultRegex; }
};

// Checks `c` as upstream's Validate does, returning InvalidArgument with
// upstream's message, e.g. "relabel configuration for replace action requires
// 'target_label' value". Does not compile the regex (CompileRegex does).
Status Validate(const RelabelConfig& c, NameValidation scheme = NameValidation::kUtf8);

// Checks that `regex` compiles once anchored; the error reads as Go's, e.g.
// "error parsing regexp: missing closing ): `^(?s:(a)$`".
Status CheckRegex(std::string_view regex);

}  // namespace ember::relabel
