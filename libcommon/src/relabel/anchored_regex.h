// Compiling a relabel regex the way upstream does: the text wrapped as
// `^(?s:<regex>)$` (so `.` matches newlines), with Go's error messages.
#pragma once

#include <re2/re2.h>

#include <memory>
#include <string_view>

#include "ember/base/status.h"

namespace ember::relabel {

// The wrapping is textual, as upstream's, so the same odd inputs compile
// (`a)|(b` gives `^(?s:a)|(b)$`) and error fragments name the wrapped text.
Result<std::shared_ptr<const re2::RE2>> CompileAnchored(std::string_view regex);

}  // namespace ember::relabel
