// How `promtool test rules` prints what it expected and what it got; the
// texts users compare and scripts grep, reproduced exactly.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ember/base/labels.h"

namespace ember::scraper {

// One alert as the tests compare it.
struct TestAlert {
  Labels labels;
  Labels annotations;
};

// One sample of a promql_expr_test.
struct TestSample {
  Labels labels;
  double value = 0;
};

// Prometheus's labels String(): `{a="1", b="x"}`, values quoted as Go's
// strconv.Quote, names quoted too when not legacy names (`{"a.b"="1"}`).
std::string FormatTestLabels(const Labels& labels);

// Go's strconv.FormatFloat(v, 'E', -1, 64): "1.5E+00", "0E+00", "-1E-07",
// "+Inf", "NaN".
std::string FormatFloatE(double v);

// Prefixes every line but the first with `indent`.
std::string IndentLines(std::string_view text, std::string_view indent);

// "[]", or "[\n0:\n  Labels:{...}\n  Annotations:{...},\n1:..." as promtool
// prints a list of alerts.
std::string FormatAlerts(const std::vector<TestAlert>& alerts);

// "nil", or `{a="b"} 1E+00, {c="d"} 2E+00`.
std::string FormatSamples(const std::vector<TestSample>& samples);

// Sort orders of the comparison: by labels (Prometheus's labels.Compare),
// then by annotations.
bool AlertLess(const TestAlert& a, const TestAlert& b);
bool SampleLess(const TestSample& a, const TestSample& b);

}  // namespace ember::scraper
