// What RE2 needs to behave as Go's regexp package does where users see it:
// Go's error messages for bad patterns, Go's refusal of `\C`, and Go's
// template expansion (Regexp.ExpandString) for replacements. Shared by the
// PromQL matchers and label_replace, and by relabeling.
//
// Pure functions, thread-safe.
#pragma once

#include <re2/re2.h>

#include <string>
#include <string_view>

#include "ember/base/status.h"

namespace ember::goregexp {

// Go's regexp/syntax wording for an RE2 error code ("missing closing )").
std::string_view ErrorText(re2::RE2::ErrorCode code);

// The error Go's regexp.Compile returns:
// "error parsing regexp: <what>: `<fragment>`", as InvalidArgument.
Status SyntaxError(std::string_view what, std::string_view fragment);

// Whether `pattern` uses `\C` (any byte) outside a `\Q...\E` quote: RE2
// accepts it, Go does not.
bool HasByteEscape(std::string_view pattern);

// Appends to `out` the expansion of `tmpl` as Go's Regexp.ExpandString does
// for a match whose groups are `groups[0..n)`: `$1`, `${1}`, `$name`,
// `${name}` and `$$`; an unknown or unmatched group expands to "", a
// malformed reference leaves the `$` as text, and a name runs as far as name
// characters go (`$1x` is the group named "1x"; any non-ASCII byte counts as
// part of a Unicode-letter name).
void Expand(std::string& out, std::string_view tmpl, const re2::RE2& re, const re2::StringPiece* groups,
            int n);

// The highest group `tmpl` refers to, or -1: how many groups a match must
// capture for Expand.
int MaxGroup(std::string_view tmpl, const re2::RE2& re);

}  // namespace ember::goregexp
