#include "ember/relabel/relabel_config_yaml.h"

#include <string>

#include "ember/base/strings.h"

namespace ember::relabel {

void DecodeRelabelConfig(config::FieldReader& r, RelabelConfig& c, NameValidation scheme) {
  // Upstream's unknown-key errors name the type this way.
  r.SetTypeName("relabel.plain");
  // Upstream's YAML decoder gives a key with a null value the field's zero
  // value (not its default); a Parse callback that never ran on a present key
  // tells us the value was null.
  bool seen = false;
  auto scalar = [&](std::string_view key, auto&& assign) {
    seen = false;
    const bool present = r.Has(key);
    r.Parse(key, [&](const std::string& text) {
      seen = true;
      return assign(text);
    });
    return present && !seen;  // true: present and null
  };

  // `source_labels: []` counts as given (upstream rejects it for labeldrop and
  // labelkeep); so does a null value, which upstream would not count: the
  // reader cannot tell the two apart.
  if (r.Has("source_labels")) {
    c.source_labels.clear();
    c.source_labels_given = true;
  }
  r.ParseList("source_labels", [&](const std::string& name) {
    if (!IsValidLabelName(name, scheme)) {
      return Status::InvalidArgument(GoQuote(name) + " is not a valid label name");
    }
    c.source_labels.push_back(name);
    return Status::Ok();
  });
  if (scalar("separator", [&](const std::string& t) {
        c.separator = t;
        return Status::Ok();
      })) {
    c.separator.clear();
  }
  if (scalar("regex", [&](const std::string& t) {
        EMBER_RETURN_IF_ERROR(CheckRegex(t));
        c.regex = t;
        return Status::Ok();
      })) {
    c.regex = "";
  }
  r.Field("modulus", &c.modulus);
  if (scalar("target_label", [&](const std::string& t) {
        c.target_label = t;
        return Status::Ok();
      })) {
    c.target_label.clear();
  }
  if (scalar("replacement", [&](const std::string& t) {
        c.replacement = t;
        return Status::Ok();
      })) {
    c.replacement.clear();
  }
  bool action_ok = true;
  if (scalar("action", [&](const std::string& t) {
        std::optional<Action> a = ParseAction(t);
        if (!a) return Status::InvalidArgument("unknown relabel action " + GoQuote(t));
        c.action = *a;
        return Status::Ok();
      })) {
    action_ok = false;
  }
  if (!r.ok()) return;
  if (!action_ok) return r.Fail("relabel action cannot be empty");
  r.Check(Validate(c, scheme));
}

}  // namespace ember::relabel
