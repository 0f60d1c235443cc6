// Running relabel steps over a label set, as Prometheus's relabel.Process
// does.
//
//   std::vector<relabel::CompiledRelabelConfig> steps;  // built once per config load
//   for (const RelabelConfig& c : cfg.metric_relabel_configs) {
//     auto step = relabel::CompiledRelabelConfig::Create(c);
//     if (!step.ok()) return step.status();
//     steps.push_back(*std::move(step));
//   }
//   std::vector<Label> labels = ...;  // sorted by name, no duplicates
//   if (!relabel::Process(labels, steps)) { /* dropped */ }
//
// Thread safety: a CompiledRelabelConfig is immutable after Create and may be
// used by any number of threads at once (RE2 matching is thread-safe); copies
// share the compiled regex. Process mutates only the labels it is given.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ember/base/labels.h"
#include "ember/base/status.h"
#include "ember/relabel/relabel_config.h"

namespace re2 {
class RE2;
}

namespace ember::relabel {

class CompiledRelabelConfig {
 public:
  // Validates `config` (Validate with `scheme`) and compiles its regex as
  // `^(?s:<regex>)$`. InvalidArgument with upstream's message on failure.
  // `scheme` also decides which names produced by a templated target_label
  // are valid at run time (an invalid one makes the step a no-op).
  static Result<CompiledRelabelConfig> Create(const RelabelConfig& config,
                                              NameValidation scheme = NameValidation::kUtf8);

  const RelabelConfig& config() const { return config_; }

 private:
  friend bool Process(std::vector<Label>& labels, std::span<const CompiledRelabelConfig> steps);
  CompiledRelabelConfig() = default;
  // Whether the anchored regex matches `value` in full.
  bool Matches(std::string_view value) const;

  RelabelConfig config_;
  NameValidation scheme_ = NameValidation::kUtf8;
  std::shared_ptr<const re2::RE2> re_;  // never null after Create
  // Submatches replace must ask RE2 for: 1 + the highest group the templates
  // refer to (0 when they refer to none), since extracting groups costs far
  // more than deciding the match.
  int submatches_ = 0;
  // How a match without submatches (keep, drop, labeldrop, labelkeep) is
  // decided: most such regexes are a plain name or ".*", for which RE2's
  // per-call cost dominates.
  enum class MatchKind { kRegex, kLiteral, kAny };
  MatchKind match_kind_ = MatchKind::kRegex;
  std::string literal_;               // for kLiteral: the only string that matches
  bool default_regex_ = false;        // regex unset: the replace fast path applies
  bool target_has_var_ = false;       // '$' in target_label
  bool replacement_has_var_ = false;  // '$' in replacement
};

// Applies `steps` in order to `labels`, which must be sorted by name without
// duplicates and stays so. Returns false as soon as a keep, drop, keepequal
// or dropequal step drops the set; `labels` is then left as it was at that
// step and should be discarded. A value set to "" removes the label.
// Allocates only when a label is added or a value outgrows its string, for
// labelmap's snapshot until the thread's buffers have grown, and for
// templates naming groups by names longer than 15 bytes.
bool Process(std::vector<Label>& labels, std::span<const CompiledRelabelConfig> steps);

// The same over an immutable Labels: `*out` receives the result when it is
// kept (and is untouched otherwise). Copies the labels once.
bool Process(const Labels& labels, std::span<const CompiledRelabelConfig> steps, Labels* out);

}  // namespace ember::relabel
