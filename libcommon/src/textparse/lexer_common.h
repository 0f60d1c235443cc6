// Tokens, character classes and number parsing shared by the two text lexers.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "ember/base/status.h"

namespace ember::textparse {

// Upstream's token set; the names appear in error messages.
enum Tok : int {
  kTInvalid = 0,
  kTEof,
  kTLinebreak,
  kTHelp,
  kTType,
  kTUnit,
  kTEofWord,
  kTText,
  kTComment,
  kTMName,
  kTQString,
  kTBraceOpen,
  kTBraceClose,
  kTLName,
  kTLValue,
  kTComma,
  kTEqual,
  kTTimestamp,
  kTValue,
};

std::string_view TokName(int t);

// Lexer states, as upstream's.
enum LexState : int {
  kSInit,
  kSComment,
  kSMeta1,
  kSMeta2,
  kSLabels,
  kSLValue,
  kSValue,
  kSTimestamp,
  kSExemplar,
  kSEValue,
  kSETimestamp
};

// Character classes: bit 1 metric-name start [a-zA-Z_:], 2 label-name start
// [a-zA-Z_], 4 digit.
struct CharTable {
  std::array<uint8_t, 256> c{};
  constexpr CharTable() {
    for (int i = 'a'; i <= 'z'; ++i) c[i] = 1 | 2;
    for (int i = 'A'; i <= 'Z'; ++i) c[i] = 1 | 2;
    c['_'] = 1 | 2;
    c[':'] = 1;
    for (int i = '0'; i <= '9'; ++i) c[i] = 4;
  }
};
inline constexpr CharTable kChars;
inline bool IsMetricStart(char ch) { return kChars.c[static_cast<uint8_t>(ch)] & 1; }
inline bool IsMetricChar(char ch) { return kChars.c[static_cast<uint8_t>(ch)] & (1 | 4); }
inline bool IsLabelStart(char ch) { return kChars.c[static_cast<uint8_t>(ch)] & 2; }
inline bool IsLabelChar(char ch) { return kChars.c[static_cast<uint8_t>(ch)] & (2 | 4); }
inline bool IsDigit(char ch) { return static_cast<unsigned>(ch - '0') < 10; }

// Scans `"(\\.|[^\\"])*"` from b[i] == '"'. Returns the position after the
// closing quote, or, when the string does not close, sets *fail to the
// position of the byte that broke it (n at the end of input) and returns 0.
// `newline_ok`: whether a raw newline may appear (Prometheus text: yes); an
// escaped one never may.
inline size_t ScanQuoted(const char* b, size_t n, size_t i, bool newline_ok, size_t* fail) {
  ++i;
  while (i < n) {
    char ch = b[i];
    if (ch == '"') return i + 1;
    if (ch == '\\') {
      if (i + 1 >= n) break;
      if (b[i + 1] == '\n') {  // `\\.`: the escaped byte is not a newline
        *fail = i + 1;
        return 0;
      }
      i += 2;
      continue;
    }
    if (!newline_ok && ch == '\n') {
      *fail = i;
      return 0;
    }
    ++i;
  }
  *fail = n;
  return 0;
}

// Prometheus's exposition float: Go's strconv.ParseFloat without the forms
// Go 1.13 added ('p', 'P', '_' are refused). Returns the error text upstream
// gives ("unsupported character in float", `strconv.ParseFloat: parsing "x":
// invalid syntax`, `...: value out of range`) or OK.
Status ParseExpositionFloat(std::string_view s, double* out);

// Go's strconv.ParseInt(s, 10, 64), error text as Go's.
Status ParseExpositionInt(std::string_view s, int64_t* out);

// Prometheus's canonical NaN (value.NormalNaN).
double NormalNaN();

}  // namespace ember::textparse
