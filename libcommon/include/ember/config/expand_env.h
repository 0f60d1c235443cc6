// ExpandEnv: environment variable references in a config file's text, as
// Loki and Promtail expand them under -config.expand-env=true.
//
// Applied to the raw text before YAML parsing, and only when a program opts
// in: with expansion on, a literal '$' in the file must be written "$$".
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "ember/base/status.h"

namespace ember::config {

// The value of variable `name`, or nullopt when it is not set.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// Reads the process environment (getenv). Thread-safe as long as nothing in
// the process calls setenv concurrently.
EnvLookup ProcessEnvLookup();

// Replaces, left to right:
//   ${NAME}           the value of NAME, "" when unset
//   $NAME             the same; NAME is the longest run of [A-Za-z0-9_]
//                     starting with a letter or '_'
//   ${NAME:-default}  NAME's value when set and non-empty, else `default`
//   ${NAME-default}   NAME's value when set (even empty), else `default`
//   $$                a literal '$'
// `default` may itself hold references. A '$' followed by anything else
// stays as it is. Expanded values are not expanded again.
// Errors: InvalidArgument "line N: ..." for an unterminated "${", an empty or
// invalid name, or an operator other than '-' and ':-'.
Result<std::string> ExpandEnv(std::string_view text, const EnvLookup& lookup);

}  // namespace ember::config
