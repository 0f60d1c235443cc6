// Internals of the printer that tests reach.
#pragma once

#include <cstddef>
#include <string>

#include "ember/promql/ast.h"

namespace ember::promql::internal {

// Prometheus splits a node over several lines when its one-line form is
// longer than this.
inline constexpr size_t kPrettyLineLength = 100;

// Prettify with another line length, so that short queries show the layout.
std::string PrettifyWithWidth(const Expr& expr, size_t max_line);

}  // namespace ember::promql::internal
