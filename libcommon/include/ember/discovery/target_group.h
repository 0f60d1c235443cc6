// TargetGroup: a set of targets sharing common labels, as Prometheus's
// targetgroup.Group, and the parsers for the target files of file_sd_configs.
//
// A group is identified by its `source`, unique within one provider: a later
// group with the same source replaces the earlier one, and a group with no
// targets tells consumers to drop what that source had. Values, safe to read
// from many threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ember/base/labels.h"
#include "ember/base/status.h"

namespace ember::discovery {

inline constexpr std::string_view kAddressLabel = "__address__";
// Added to the common labels of every group read from a target file.
inline constexpr std::string_view kFilepathLabel = "__meta_filepath";

struct TargetGroup {
  // One label set per target, each holding at least __address__.
  std::vector<Labels> targets;
  // Labels common to every target of the group.
  Labels labels;
  // Unique within one provider ("0", "/etc/targets.json:2", ...).
  std::string source;

  friend bool operator==(const TargetGroup&, const TargetGroup&) = default;
};

// OK when `name` may be a label name in a target group (Prometheus 3's UTF-8
// rule: non-empty, valid UTF-8); otherwise InvalidArgument
// `"<name>" is not a valid label name`, the name quoted as Go's %q.
Status ValidateLabelName(std::string_view name);

// Parses a JSON target file: a list of `{"targets": [...], "labels": {...}}`.
// Sources are left empty. Errors (InvalidArgument) read as Go's encoding/json
// ones: `json: unknown field "x"`, `json: cannot unmarshal number into Go
// struct field .targets of type string`, `nil target group item found`, or a
// syntax error with its byte offset.
Result<std::vector<TargetGroup>> ParseTargetGroupsJson(std::string_view text);

// Parses a YAML target file (the same list in YAML; empty means no groups),
// strictly as yaml.v2's UnmarshalStrict: unknown and duplicate keys are
// errors ("yaml: unmarshal errors:\n  line 3: field x not found in type ...").
Result<std::vector<TargetGroup>> ParseTargetGroupsYaml(std::string_view text);

// Reads a target file and parses it by extension (.json, .yml, .yaml, any
// case), setting source "<path>:<index>" and adding __meta_filepath=<path> to
// each group's labels. Errors: the read error (NotFound, IOError), a parse
// error as above, or InvalidArgument for another extension.
Result<std::vector<TargetGroup>> ReadTargetFile(const std::string& path);

}  // namespace ember::discovery
