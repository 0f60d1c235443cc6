// Go's fmt printing of template values: Sprintf, Sprint and Sprintln with
// the verbs templates use (%v %+v %s %q %d %f %e %g %x %X %o %b %c %t %T %%,
// width, precision and the flags `-+ 0#`, `*` widths), and Go's texts for
// misuse: `%!d(string=foo)`, `%!s(MISSING)`, `%!(EXTRA int=1)`,
// `%!(NOVERB)`, `%!(BADWIDTH)`, `%!(BADPREC)`. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ember/template/value.h"

namespace ember::tmpl {

// fmt.Sprintf(format, args...).
std::string Sprintf(std::string_view format, const std::vector<Value>& args);

// fmt.Sprint(args...): spaces between operands when neither is a string.
std::string Sprint(const std::vector<Value>& args);

// fmt.Sprintln(args...): spaces between all operands and a final newline.
std::string Sprintln(const std::vector<Value>& args);

// fmt.Sprint(v) of one value: "<nil>", "true", "1e+06", "[1 2]",
// "map[a:1]", an Object's String(). An invalid value prints "<no value>"
// (what a template action prints for it).
std::string FormatValue(const Value& v);

}  // namespace ember::tmpl
