// Small string helpers used across Ember.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ember {

// Quotes `s` as Go's strconv.Quote does: double quotes, backslash escapes for
// quotes, backslashes and control characters, \x escapes for bytes that are
// not valid UTF-8. Printable UTF-8 passes through.
std::string GoQuote(std::string_view s);

// Appends `s` escaped as Go's url.QueryEscape does: unreserved characters as
// they are, space as '+', every other byte as %XX.
void AppendQueryEscaped(std::string& out, std::string_view s);

// Splits on every occurrence of `sep`; "" gives one empty piece.
std::vector<std::string_view> Split(std::string_view s, char sep);

// Removes ASCII white space from both ends.
std::string_view TrimSpace(std::string_view s);

std::string ToLower(std::string_view s);

// ASCII case-insensitive equality.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// Joins with `sep` between pieces.
std::string Join(const std::vector<std::string>& pieces, std::string_view sep);

// True when `s` is valid UTF-8.
bool IsValidUtf8(std::string_view s);

// The length (1 to 4) of the valid UTF-8 sequence starting at s[i], or 0
// when the bytes there are not one (overlong forms and surrogates included).
size_t Utf8SequenceLength(std::string_view s, size_t i);

// Appends code point `cp` encoded as UTF-8 (1 to 4 bytes; the caller checks
// that it is a valid scalar value).
void AppendUtf8(std::string& out, uint32_t cp);

// Which Go JSON encoder a string is written as. Both escape `"`, `\`, \n,
// \r, \t, the HTML characters <, > and & and other control characters as
// \u00XX, U+2028 and U+2029 as \u2028/\u2029, and invalid UTF-8 as \ufffd.
// They differ only in backspace and form feed: encoding/json (Go 1.22+,
// Alertmanager's payloads) writes \b and \f, jsoniter (Prometheus's HTTP
// API) \u0008 and \u000c.
enum class GoJsonFlavour { kEncodingJson, kJsoniter };

// Appends `s` as a JSON string literal, quotes included.
void AppendGoJsonString(std::string& out, std::string_view s,
                        GoJsonFlavour flavour = GoJsonFlavour::kEncodingJson);

// Formats a float as Go's strconv.FormatFloat(v, format, -1, 64) does, with
// format 'f' (API sample values), 'g' (exposition text) or 'e' (alert values
// in the rules API, "8e+01"): the shortest form
// that reads back to the same double, and "NaN", "+Inf", "-Inf".
std::string FormatFloat(double v, char format = 'f');
// The 'f' form of FormatFloat for a finite `v`, written at `out`, which must
// have room for kMaxFloatFChars characters; returns the end. For encoders
// that write many numbers into one buffer.
inline constexpr size_t kMaxFloatFChars = 400;
char* WriteFloatF(char* out, double v);

// Compares two byte strings in time that depends only on their lengths.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace ember

namespace ember {

// Parses a float as Go's strconv.ParseFloat(s, 64) does: optional sign,
// decimal or hexadecimal ("0x1p-2") forms, exponents, and case-insensitive
// "inf", "infinity", "nan". Returns nullopt for anything else, including
// surrounding space. Out-of-range values give ±Inf, as Go returns them.
std::optional<double> ParseFloat(std::string_view s);

// Parses a base-10 int64 with optional sign; nullopt on junk or overflow.
std::optional<int64_t> ParseInt(std::string_view s);

// Parses a boolean as Go's strconv.ParseBool: 1, t, T, TRUE, true, True, 0,
// f, F, FALSE, false, False. nullopt for anything else.
std::optional<bool> ParseBool(std::string_view s);

// Parses a byte size as Prometheus does for body_size_limit and
// --storage.tsdb.retention.size: an integer (as ParseInt) and an optional
// unit B, KB, MB, GB, TB, PB or EB, or KiB ... EiB; every unit is a power of
// 1024 whichever spelling, so "1KB" is 1024. nullopt on junk or overflow.
std::optional<int64_t> ParseBase2Bytes(std::string_view s);

}  // namespace ember
