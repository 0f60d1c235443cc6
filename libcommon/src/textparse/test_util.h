// Test helpers: renders every entry of a parser as one line of text.
#pragma once

#include <string>
#include <vector>

#include "ember/base/strings.h"
#include "ember/textparse/parser.h"

namespace ember::textparse::testing {

inline std::string RenderLabels(const std::vector<LabelView>& labels) {
  std::string s = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) s += ", ";
    s += std::string(labels[i].name) + "=" + GoQuote(labels[i].value);
  }
  return s + "}";
}

// Entries as "series {…} value [@ts] [# {…} value [@ts]]", "help NAME TEXT",
// "type NAME TYPE", "unit NAME UNIT", "comment TEXT"; stops at the end or
// at an error, rendered "error: MESSAGE". With `with_ct`, series lines end
// with " ct=MS" when CreatedTimestamp() knows one.
inline std::vector<std::string> Render(Parser& p, bool with_ct = false) {
  std::vector<std::string> out;
  std::vector<LabelView> labels;
  ExemplarView ex;
  for (;;) {
    auto e = p.Next();
    if (!e.ok()) {
      out.push_back("error: " + e.status().message());
      return out;
    }
    switch (*e) {
      case Entry::kEof:
        return out;
      case Entry::kHelp:
        out.push_back("help " + std::string(p.MetricFamily()) + " " + std::string(p.Help()));
        break;
      case Entry::kType:
        out.push_back("type " + std::string(p.MetricFamily()) + " " + std::string(MetricTypeName(p.Type())));
        break;
      case Entry::kUnit:
        out.push_back("unit " + std::string(p.MetricFamily()) + " " + std::string(p.Unit()));
        break;
      case Entry::kComment:
        out.push_back("comment " + std::string(p.Comment()));
        break;
      case Entry::kSeries: {
        p.Labels(&labels);
        std::string s = "series " + RenderLabels(labels) + " " + FormatFloat(p.Value(), 'g');
        if (p.Timestamp()) s += " @" + std::to_string(*p.Timestamp());
        if (p.Exemplar(&ex)) {
          s += " # " + RenderLabels(ex.labels) + " " + FormatFloat(ex.value, 'g');
          if (ex.timestamp_ms) s += " @" + std::to_string(*ex.timestamp_ms);
        }
        if (with_ct) {
          if (auto ct = p.CreatedTimestamp()) s += " ct=" + std::to_string(*ct);
        }
        out.push_back(s);
        break;
      }
    }
  }
}

// The error message parsing `p` to the end gives, or "" for none.
inline std::string FirstError(Parser& p) {
  for (;;) {
    auto e = p.Next();
    if (!e.ok()) return e.status().message();
    if (*e == Entry::kEof) return "";
  }
}

}  // namespace ember::textparse::testing
