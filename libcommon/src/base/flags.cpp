#include "ember/base/flags.h"

#include <algorithm>

#include "ember/base/strings.h"

namespace ember {

FlagSet::FlagSet(std::string program, std::string summary)
    : program_(std::move(program)), summary_(std::move(summary)) {}

void FlagSet::String(std::string name, std::string* target, std::string help) {
  std::string def = target->empty() ? "" : GoQuote(*target);
  flags_.push_back({std::move(name), Kind::kString, target, std::move(help), std::move(def)});
}

void FlagSet::Bool(std::string name, bool* target, std::string help) {
  flags_.push_back({std::move(name), Kind::kBool, target, std::move(help), *target ? "true" : "false"});
}

void FlagSet::Int(std::string name, int64_t* target, std::string help) {
  flags_.push_back({std::move(name), Kind::kInt, target, std::move(help), std::to_string(*target)});
}

void FlagSet::Strings(std::string name, std::vector<std::string>* target, std::string help) {
  flags_.push_back({std::move(name), Kind::kStrings, target, std::move(help), ""});
}

FlagSet::Flag* FlagSet::Find(std::string_view name) {
  for (Flag& f : flags_) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

bool FlagSet::WasSet(std::string_view name) const {
  for (const Flag& f : flags_) {
    if (f.name == name) return f.set;
  }
  return false;
}

std::vector<std::pair<std::string, std::string>> FlagSet::Values() const {
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(flags_.size());
  for (const Flag& f : flags_) {
    std::string value;
    switch (f.kind) {
      case Kind::kString:
        value = *static_cast<const std::string*>(f.target);
        break;
      case Kind::kBool:
        value = *static_cast<const bool*>(f.target) ? "true" : "false";
        break;
      case Kind::kInt:
        value = std::to_string(*static_cast<const int64_t*>(f.target));
        break;
      case Kind::kStrings:
        for (const std::string& item : *static_cast<const std::vector<std::string>*>(f.target)) {
          if (!value.empty()) value += ',';
          value += item;
        }
        break;
    }
    out.emplace_back(f.name, std::move(value));
  }
  std::sort(out.begin(), out.end());
  return out;
}

Status FlagSet::Assign(Flag& flag, std::string_view value) {
  auto invalid = [&](std::string_view why) {
    return Status::InvalidArgument("invalid value " + GoQuote(value) + " for flag --" + flag.name + ": " +
                                   std::string(why));
  };
  switch (flag.kind) {
    case Kind::kString:
      *static_cast<std::string*>(flag.target) = std::string(value);
      break;
    case Kind::kStrings: {
      auto* list = static_cast<std::vector<std::string>*>(flag.target);
      // The first use replaces the default list, later uses append.
      if (!flag.set) list->clear();
      list->emplace_back(value);
      break;
    }
    case Kind::kBool:
      if (std::optional<bool> b = ParseBool(value)) {
        *static_cast<bool*>(flag.target) = *b;
      } else {
        return invalid("expected true or false");
      }
      break;
    case Kind::kInt: {
      auto v = ParseInt(value);
      if (!v) return invalid("expected an integer");
      *static_cast<int64_t*>(flag.target) = *v;
      break;
    }
  }
  flag.set = true;
  return Status::Ok();
}

Result<FlagSet::Outcome> FlagSet::Parse(int argc, const char* const* argv, const std::string& version_text,
                                        std::string* out) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg.size() < 2 || arg[0] != '-') {
      return Status::InvalidArgument("unexpected argument " + GoQuote(arg));
    }
    arg.remove_prefix(arg[1] == '-' ? 2 : 1);
    std::string_view name = arg;
    std::string_view value;
    bool has_value = false;
    if (size_t eq = arg.find('='); eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      has_value = true;
    }
    if (name == "help" || name == "h") {
      *out = Usage();
      return Outcome::kExitOk;
    }
    if (name == "version") {
      *out = version_text;
      return Outcome::kExitOk;
    }
    Flag* flag = Find(name);
    if (flag == nullptr && !has_value && name.starts_with("no-")) {
      // kingpin's negative form of a boolean flag.
      flag = Find(name.substr(3));
      if (flag != nullptr && flag->kind == Kind::kBool) {
        EMBER_RETURN_IF_ERROR(Assign(*flag, "false"));
        continue;
      }
      flag = nullptr;
    }
    if (flag == nullptr) return Status::InvalidArgument("unknown flag --" + std::string(name));
    if (!has_value) {
      if (flag->kind == Kind::kBool) {
        value = "true";
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        return Status::InvalidArgument("flag --" + flag->name + " expects a value");
      }
    }
    EMBER_RETURN_IF_ERROR(Assign(*flag, value));
  }
  return Outcome::kRun;
}

std::string FlagSet::Usage() const {
  std::string s = "usage: " + program_ + " [<flags>]\n\n" + summary_ + "\n\nFlags:\n";
  std::vector<const Flag*> sorted;
  for (const Flag& f : flags_) sorted.push_back(&f);
  std::sort(sorted.begin(), sorted.end(), [](const Flag* a, const Flag* b) { return a->name < b->name; });
  s += "  -h, --help    Show this help.\n      --version  Show the version.\n";
  for (const Flag* f : sorted) {
    s += "      --" + f->name;
    if (f->kind != Kind::kBool) s += "=<value>";
    s += "\n          " + f->help;
    if (!f->default_text.empty()) s += " (default: " + f->default_text + ")";
    s += '\n';
  }
  return s;
}

}  // namespace ember
