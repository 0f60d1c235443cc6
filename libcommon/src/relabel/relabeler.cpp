#include "ember/relabel/relabeler.h"

#include <locale.h>
#include <re2/re2.h>
#include <wctype.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <string>
#include <utility>

#include "anchored_regex.h"
#include "ember/base/strings.h"
#include "ember/goregexp/go_regexp.h"
#include "md5.h"

namespace ember::relabel {
namespace {

// Relabeling runs per scraped series; these buffers keep a step from
// allocating once they have grown to the sizes in use on the thread.
struct Scratch {
  std::string value;        // joined source values
  std::string target;       // expanded target label
  std::string replacement;  // expanded replacement
  std::vector<Label> snapshot;
};

Scratch& ThreadScratch() {
  thread_local Scratch scratch;
  return scratch;
}

// The sorted-vector operations upstream's labels.Builder provides.
std::vector<Label>::iterator Find(std::vector<Label>& labels, std::string_view name) {
  return std::lower_bound(labels.begin(), labels.end(), name,
                          [](const Label& l, std::string_view n) { return std::string_view(l.name) < n; });
}

std::string_view Get(std::vector<Label>& labels, std::string_view name) {
  auto it = Find(labels, name);
  return it != labels.end() && it->name == name ? std::string_view(it->value) : std::string_view();
}

// An empty value deletes, as in upstream's Builder.Set.
void Set(std::vector<Label>& labels, std::string_view name, std::string_view value) {
  auto it = Find(labels, name);
  const bool found = it != labels.end() && it->name == name;
  if (value.empty()) {
    if (found) labels.erase(it);
  } else if (found) {
    it->value.assign(value);
  } else {
    labels.insert(it, Label{std::string(name), std::string(value)});
  }
}

// Go's strings.ToLower/ToUpper: per code point simple case mapping, invalid
// UTF-8 bytes becoming U+FFFD. ASCII-only text (the usual case) takes a fast
// path; other text is mapped with the C.UTF-8 locale's tables.
locale_t Utf8Locale() {
  static const locale_t kLocale = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  return kLocale;
}

void MapCase(std::string& s, bool upper) {
  const bool ascii =
      std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii) {
    for (char& c : s) {
      if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return;
  }
  const locale_t loc = Utf8Locale();
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const size_t len = Utf8SequenceLength(s, i);
    if (len == 0) {
      AppendUtf8(out, 0xFFFD);
      ++i;
      continue;
    }
    const auto* p = reinterpret_cast<const unsigned char*>(s.data() + i);
    uint32_t cp = len == 1   ? p[0]
                  : len == 2 ? (p[0] & 0x1Fu) << 6 | (p[1] & 0x3Fu)
                  : len == 3
                      ? (p[0] & 0x0Fu) << 12 | (p[1] & 0x3Fu) << 6 | (p[2] & 0x3Fu)
                      : (p[0] & 0x07u) << 18 | (p[1] & 0x3Fu) << 12 | (p[2] & 0x3Fu) << 6 | (p[3] & 0x3Fu);
    if (loc != static_cast<locale_t>(nullptr)) {
      const wint_t mapped =
          upper ? towupper_l(static_cast<wint_t>(cp), loc) : towlower_l(static_cast<wint_t>(cp), loc);
      cp = static_cast<uint32_t>(mapped);
    } else if (cp < 0x80) {
      if (upper && cp >= 'a' && cp <= 'z') cp -= 32;
      if (!upper && cp >= 'A' && cp <= 'Z') cp += 32;
    }
    AppendUtf8(out, cp);
    i += len;
  }
  s = std::move(out);
}

// Matches `value` against the anchored regex, filling `groups` (n of them).
bool MatchGroups(const re2::RE2& re, std::string_view value, re2::StringPiece* groups, int n) {
  return re.Match(re2::StringPiece(value.data(), value.size()), 0, value.size(), re2::RE2::UNANCHORED, groups,
                  n);
}

bool RegexMatches(const re2::RE2& re, std::string_view value) {
  return re.Match(re2::StringPiece(value.data(), value.size()), 0, value.size(), re2::RE2::UNANCHORED,
                  nullptr, 0);
}

// A regex without any character RE2 treats specially matches only itself.
bool IsLiteral(std::string_view regex) {
  return regex.find_first_of("\\.+*?()|[]{}^$") == std::string_view::npos;
}

// Submatch slots: on the stack for up to 16 groups, as is usual.
class Groups {
 public:
  explicit Groups(int n) : n_(n) {
    if (n > kStack) heap_.resize(static_cast<size_t>(n));
  }
  re2::StringPiece* data() { return n_ > kStack ? heap_.data() : stack_.data(); }
  int size() const { return n_; }

 private:
  static constexpr int kStack = 16;
  int n_;
  std::array<re2::StringPiece, kStack> stack_;
  std::vector<re2::StringPiece> heap_;
};

}  // namespace

Result<CompiledRelabelConfig> CompiledRelabelConfig::Create(const RelabelConfig& config,
                                                            NameValidation scheme) {
  EMBER_RETURN_IF_ERROR(Validate(config, scheme));
  auto re = CompileAnchored(config.RegexText());
  if (!re.ok()) return re.status();
  CompiledRelabelConfig c;
  c.config_ = config;
  c.scheme_ = scheme;
  c.re_ = *std::move(re);
  c.submatches_ = 1 + std::max(goregexp::MaxGroup(config.target_label, *c.re_),
                               goregexp::MaxGroup(config.replacement, *c.re_));
  c.default_regex_ = !config.regex.has_value();
  c.target_has_var_ = config.target_label.find('$') != std::string::npos;
  c.replacement_has_var_ = config.replacement.find('$') != std::string::npos;
  const std::string_view text = config.RegexText();
  if (text == ".*" || text == "(.*)") {
    // Also what Go does for invalid UTF-8, where RE2's `.` would not match.
    c.match_kind_ = MatchKind::kAny;
  } else if (IsLiteral(text)) {
    c.match_kind_ = MatchKind::kLiteral;
    c.literal_ = std::string(text);
  }
  return c;
}

bool CompiledRelabelConfig::Matches(std::string_view value) const {
  switch (match_kind_) {
    case MatchKind::kAny:
      return true;
    case MatchKind::kLiteral:
      return value == literal_;
    case MatchKind::kRegex:
      break;
  }
  return RegexMatches(*re_, value);
}

bool Process(std::vector<Label>& labels, std::span<const CompiledRelabelConfig> steps) {
  Scratch& scratch = ThreadScratch();
  std::string& val = scratch.value;
  for (const CompiledRelabelConfig& step : steps) {
    const RelabelConfig& cfg = step.config_;
    const re2::RE2& re = *step.re_;
    val.clear();
    for (size_t i = 0; i < cfg.source_labels.size(); ++i) {
      if (i > 0) val.append(cfg.separator);
      val.append(Get(labels, cfg.source_labels[i]));
    }
    switch (cfg.action) {
      case Action::kDrop:
        if (step.Matches(val)) return false;
        break;
      case Action::kKeep:
        if (!step.Matches(val)) return false;
        break;
      case Action::kDropEqual:
        if (Get(labels, cfg.target_label) == val) return false;
        break;
      case Action::kKeepEqual:
        if (Get(labels, cfg.target_label) != val) return false;
        break;
      case Action::kReplace: {
        // Adding or deleting a fixed label needs no match.
        if (val.empty() && step.default_regex_ && !step.target_has_var_ && !step.replacement_has_var_) {
          Set(labels, cfg.target_label, cfg.replacement);
          break;
        }
        Groups g(step.submatches_);
        re2::StringPiece* groups = g.data();
        const int n = g.size();
        if (!MatchGroups(re, val, groups, n)) break;
        std::string_view target = cfg.target_label;
        if (step.target_has_var_) {
          scratch.target.clear();
          goregexp::Expand(scratch.target, cfg.target_label, re, groups, n);
          target = scratch.target;
          // A fixed target was checked by Validate.
          if (!IsValidLabelName(target, step.scheme_)) break;
        }
        std::string_view res = cfg.replacement;
        if (step.replacement_has_var_) {
          scratch.replacement.clear();
          goregexp::Expand(scratch.replacement, cfg.replacement, re, groups, n);
          res = scratch.replacement;
        }
        Set(labels, target, res);  // "" deletes
        break;
      }
      case Action::kLowercase:
      case Action::kUppercase:
        MapCase(val, cfg.action == Action::kUppercase);
        Set(labels, cfg.target_label, val);
        break;
      case Action::kHashMod: {
        const std::array<uint8_t, 16> sum = Md5(val);
        // The low 8 bytes, big-endian, as upstream (and its earlier versions).
        uint64_t h = 0;
        for (size_t i = 8; i < 16; ++i) h = h << 8 | sum[i];
        char buf[24];
        const auto end = std::to_chars(buf, buf + sizeof(buf), h % cfg.modulus).ptr;
        Set(labels, cfg.target_label, std::string_view(buf, static_cast<size_t>(end - buf)));
        break;
      }
      case Action::kLabelMap: {
        // Names are matched against the set as it was before the step, so a
        // label written here is not mapped again.
        scratch.snapshot = labels;
        Groups g(step.submatches_);
        for (const Label& l : scratch.snapshot) {
          if (!MatchGroups(re, l.name, g.data(), g.size())) continue;
          scratch.target.clear();
          goregexp::Expand(scratch.target, cfg.replacement, re, g.data(), static_cast<int>(g.size()));
          Set(labels, scratch.target, l.value);
        }
        break;
      }
      case Action::kLabelDrop:
        std::erase_if(labels, [&](const Label& l) { return step.Matches(l.name); });
        break;
      case Action::kLabelKeep:
        std::erase_if(labels, [&](const Label& l) { return !step.Matches(l.name); });
        break;
    }
  }
  return true;
}

bool Process(const Labels& labels, std::span<const CompiledRelabelConfig> steps, Labels* out) {
  std::vector<Label> work = labels.vec();
  if (!Process(work, steps)) return false;
  *out = Labels::FromSorted(std::move(work));
  return true;
}

}  // namespace ember::relabel
