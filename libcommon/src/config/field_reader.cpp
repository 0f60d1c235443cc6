#include "ember/config/field_reader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <limits>
#include <optional>

#include "ember/base/strings.h"
#include "yaml_scalar.h"

namespace ember::config {

// State shared by every reader of one DecodeYaml call.
struct FieldReader::Shared {
  Status error;  // the first error; decoding stops once it is set
};

struct FieldReader::Impl {
  struct Entry {
    std::string key;
    YAML::Node value;
    int key_line = 0;
    bool consumed = false;
  };

  Shared* shared = nullptr;
  std::string path;
  std::string type_name;
  int line = 1;  // the line of the struct's key (or first line), for errors about it as a whole
  std::vector<Entry> entries;
  // A validation error from Fail(). It waits until the struct is decoded: a
  // misspelled key explains a failed check better than the check does, so
  // unknown keys are reported first.
  Status pending;

  bool failed() const { return !shared->error.ok(); }

  static Status ErrorAt(int at_line, const std::string& at_path, std::string_view message) {
    std::string text = "line " + std::to_string(at_line) + ": " + std::string(message);
    if (!at_path.empty()) text += " (path: " + at_path + ")";
    return Status::InvalidArgument(std::move(text));
  }

  void FailAt(int at_line, const std::string& at_path, std::string_view message) {
    if (!failed()) shared->error = ErrorAt(at_line, at_path, message);
  }

  std::string ChildPath(std::string_view key) const {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
  }

  // Marks `key` consumed and returns its entry; null when absent or when
  // decoding has already failed.
  Entry* Take(std::string_view key) {
    if (failed()) return nullptr;
    for (Entry& e : entries) {
      if (e.key == key) {
        e.consumed = true;
        return &e;
      }
    }
    return nullptr;
  }

  // A null value's mark points past it, at the next token; its key's line is
  // where users look.
  static int ValueLine(const Entry& e) { return e.value.IsNull() ? e.key_line : MarkLine(e.value); }

  static int MarkLine(const YAML::Node& node) { return node.Mark().line + 1; }

  // Collects the entries of `mapping` into `out`, resolving merge keys. Keys
  // already in `out` win over merged ones; a duplicate explicit key is an
  // error. Returns false after recording an error.
  bool CollectEntries(const YAML::Node& mapping, const std::string& at_path, std::vector<Entry>& out) {
    std::vector<YAML::Node> merged;
    size_t first_own = out.size();
    for (auto it = mapping.begin(); it != mapping.end(); ++it) {
      // The iterator hands out a temporary pair: keep copies (nodes are handles).
      YAML::Node k = it->first;
      YAML::Node v = it->second;
      int key_line = MarkLine(k);
      if (!k.IsScalar()) {
        FailAt(key_line, at_path, "mapping keys must be scalars");
        return false;
      }
      if (k.Scalar() == "<<" && k.Tag() == "?") {
        merged.push_back(v);
        continue;
      }
      for (size_t i = first_own; i < out.size(); ++i) {
        if (out[i].key == k.Scalar()) {
          FailAt(key_line, at_path,
                 "mapping key " + GoQuote(k.Scalar()) + " already defined at line " +
                     std::to_string(out[i].key_line));
          return false;
        }
      }
      out.push_back(Entry{k.Scalar(), v, key_line});
    }
    for (const YAML::Node& source : merged) {
      std::vector<YAML::Node> maps;
      if (source.IsSequence()) {
        for (const YAML::Node& item : source) maps.push_back(item);
      } else {
        maps.push_back(source);
      }
      for (const YAML::Node& m : maps) {
        if (!m.IsMap()) {
          FailAt(MarkLine(m), at_path, "map merge requires map or sequence of maps as the value");
          return false;
        }
        std::vector<Entry> from;
        if (!CollectEntries(m, at_path, from)) return false;
        for (Entry& e : from) {
          auto same_key = [&](const Entry& have) { return have.key == e.key; };
          if (std::none_of(out.begin(), out.end(), same_key)) out.push_back(std::move(e));
        }
      }
    }
    return true;
  }

  // Builds the reader for the struct in `node` (a mapping or null), runs
  // `decode` on it, then rejects keys nobody consumed.
  static void DecodeStruct(Shared* shared, const YAML::Node& node, int at_line, std::string at_path,
                           std::string type_name, const StructDecoder& decode) {
    auto impl = std::make_unique<Impl>();
    impl->shared = shared;
    impl->path = std::move(at_path);
    impl->type_name = std::move(type_name);
    impl->line = at_line;
    if (node.IsMap()) {
      if (!impl->CollectEntries(node, impl->path, impl->entries)) return;
    } else if (!node.IsNull()) {
      impl->FailAt(at_line, impl->path, CannotUnmarshal(node, impl->type_name));
      return;
    }
    FieldReader reader(std::move(impl));
    decode(reader);
    Impl& r = *reader.impl_;
    for (const Entry& e : r.entries) {
      if (!e.consumed) {
        r.FailAt(e.key_line, r.ChildPath(e.key), "field " + e.key + " not found in type " + r.type_name);
        break;
      }
    }
    if (!r.failed() && !r.pending.ok()) shared->error = r.pending;
  }

  // Runs `one` for each item of a sequence value, or fails naming `into`.
  template <class Fn>
  void ForEachItem(Entry& e, std::string_view into, Fn one) {
    if (e.value.IsNull()) return;
    std::string at_path = ChildPath(e.key);
    if (!e.value.IsSequence()) {
      FailAt(ValueLine(e), at_path, CannotUnmarshal(e.value, into));
      return;
    }
    size_t i = 0;
    for (const YAML::Node& item : e.value) {
      if (failed()) return;
      one(item, at_path + "[" + std::to_string(i) + "]");
      ++i;
    }
  }

  // Reads `key` through `convert`, which returns nullopt for a value of the
  // wrong type; an absent or null value leaves *out alone.
  template <class T, class Convert>
  void ReadScalar(std::string_view key, T* out, std::string_view into, Convert convert) {
    Entry* e = Take(key);
    if (e == nullptr || e->value.IsNull()) return;
    std::optional<T> v = convert(e->value);
    if (!v) return FailAt(ValueLine(*e), ChildPath(key), CannotUnmarshal(e->value, into));
    *out = *v;
  }

  // The text of a scalar value; records an error naming `into` for a mapping
  // or sequence.
  std::optional<std::string> ScalarText(const YAML::Node& node, int at_line, const std::string& at_path,
                                        std::string_view into) {
    if (node.IsNull()) return std::string();
    if (!node.IsScalar()) {
      FailAt(at_line, at_path, CannotUnmarshal(node, into));
      return std::nullopt;
    }
    return node.Scalar();
  }
};

FieldReader::FieldReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FieldReader::~FieldReader() = default;

Status DecodeYaml(std::string_view yaml_text, std::string_view type_name, const StructDecoder& decode) {
  FieldReader::Shared shared;
  try {
    YAML::Node root = YAML::Load(std::string(yaml_text));
    FieldReader::Impl::DecodeStruct(&shared, root, 1, "", std::string(type_name), decode);
  } catch (const YAML::Exception& e) {
    // Syntax errors surface here; so would any the YAML library raises while
    // the tree is walked.
    if (e.mark.is_null()) return Status::InvalidArgument(e.msg);
    return Status::InvalidArgument("line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return shared.error;
}

void FieldReader::SetTypeName(std::string name) { impl_->type_name = std::move(name); }

void FieldReader::Field(std::string_view key, std::string* out) {
  Impl::Entry* e = impl_->Take(key);
  if (e == nullptr || e->value.IsNull()) return;
  if (auto text = impl_->ScalarText(e->value, Impl::ValueLine(*e), impl_->ChildPath(key), "string"))
    *out = *text;
}

void FieldReader::Field(std::string_view key, bool* out) {
  impl_->ReadScalar(key, out, "bool", ScalarAsBool);
}

void FieldReader::Field(std::string_view key, int* out) {
  impl_->ReadScalar(key, out, "int", [](const YAML::Node& node) -> std::optional<int> {
    std::optional<int64_t> v = ScalarAsInt64(node);
    if (!v || *v < std::numeric_limits<int>::min() || *v > std::numeric_limits<int>::max())
      return std::nullopt;
    return static_cast<int>(*v);
  });
}

void FieldReader::Field(std::string_view key, int64_t* out) {
  impl_->ReadScalar(key, out, "int64", ScalarAsInt64);
}

void FieldReader::Field(std::string_view key, uint64_t* out) {
  impl_->ReadScalar(key, out, "uint64", ScalarAsUint64);
}

void FieldReader::Field(std::string_view key, double* out) {
  impl_->ReadScalar(key, out, "float64", ScalarAsDouble);
}

void FieldReader::Field(std::string_view key, std::vector<std::string>* out) {
  Impl::Entry* e = impl_->Take(key);
  if (e == nullptr || e->value.IsNull()) return;
  std::vector<std::string> items;
  impl_->ForEachItem(*e, "[]string", [&](const YAML::Node& item, const std::string& at_path) {
    if (auto text = impl_->ScalarText(item, Impl::MarkLine(item), at_path, "string")) items.push_back(*text);
  });
  if (!impl_->failed()) *out = std::move(items);
}

void FieldReader::Field(std::string_view key, std::vector<double>* out) {
  Impl::Entry* e = impl_->Take(key);
  if (e == nullptr || e->value.IsNull()) return;
  std::vector<double> items;
  impl_->ForEachItem(*e, "[]float64", [&](const YAML::Node& item, const std::string& at_path) {
    if (item.IsNull()) return items.push_back(0);
    std::optional<double> v = ScalarAsDouble(item);
    if (!v) return impl_->FailAt(Impl::MarkLine(item), at_path, CannotUnmarshal(item, "float64"));
    items.push_back(*v);
  });
  if (!impl_->failed()) *out = std::move(items);
}

void FieldReader::Field(std::string_view key, std::map<std::string, std::string>* out) {
  Impl::Entry* e = impl_->Take(key);
  if (e == nullptr || e->value.IsNull()) return;
  std::string at_path = impl_->ChildPath(key);
  if (!e->value.IsMap()) {
    return impl_->FailAt(Impl::ValueLine(*e), at_path, CannotUnmarshal(e->value, "map[string]string"));
  }
  std::vector<Impl::Entry> entries;
  if (!impl_->CollectEntries(e->value, at_path, entries)) return;
  std::map<std::string, std::string> values;
  for (const Impl::Entry& entry : entries) {
    auto text = impl_->ScalarText(entry.value, Impl::ValueLine(entry), at_path + "." + entry.key, "string");
    if (!text) return;
    values[entry.key] = std::move(*text);
  }
  *out = std::move(values);
}

void FieldReader::Field(std::string_view key, std::map<std::string, std::vector<std::string>>* out) {
  Impl::Entry* e = impl_->Take(key);
  if (e == nullptr || e->value.IsNull()) return;
  std::string at_path = impl_->ChildPath(key);
  if (!e->value.IsMap()) {
    return impl_->FailAt(Impl::ValueLine(*e), at_path, CannotUnmarshal(e->value, "map[string][]string"));
  }
  std::vector<Impl::Entry> entries;
  if (!impl_->CollectEntries(e->value, at_path, entries)) return;
  std::map<std::string, std::vector<std::string>> values;
  for (Impl::Entry& entry : entries) {
    std::vector<std::string>& items = values[entry.key];
    entry.key = key.empty() ? entry.key : std::string(key) + "." + entry.key;
    impl_->ForEachItem(entry, "[]string", [&](const YAML::Node& item, const std::string& item_path) {
      if (auto text = impl_->ScalarText(item, Impl::MarkLine(item), item_path, "string"))
        items.push_back(*text);
    });
    if (impl_->failed()) return;
  }
  *out = std::move(values);
}

void FieldReader::Duration(std::string_view key, Milliseconds* out) {
  Parse(key, [out](const std::string& text) -> Status {
    EMBER_ASSIGN_OR_RETURN(*out, ParseDuration(text));
    return Status::Ok();
  });
}

void FieldReader::GoDuration(std::string_view key, Nanoseconds* out) {
  Parse(key, [out](const std::string& text) -> Status {
    EMBER_ASSIGN_OR_RETURN(*out, ParseGoDuration(text));
    return Status::Ok();
  });
}

void FieldReader::Parse(std::string_view key, const ScalarParser& parse) {
  Impl::Entry* e = impl_->Take(key);
  if (e == nullptr || e->value.IsNull()) return;
  int at_line = Impl::ValueLine(*e);
  std::string at_path = impl_->ChildPath(key);
  auto text = impl_->ScalarText(e->value, at_line, at_path, "string");
  if (!text) return;
  if (Status s = parse(*text); !s.ok()) impl_->FailAt(at_line, at_path, s.message());
}

void FieldReader::ParseList(std::string_view key, const ScalarParser& parse) {
  Impl::Entry* e = impl_->Take(key);
  if (e == nullptr) return;
  impl_->ForEachItem(*e, "[]string", [&](const YAML::Node& item, const std::string& at_path) {
    int at_line = Impl::MarkLine(item);
    auto text = impl_->ScalarText(item, at_line, at_path, "string");
    if (!text) return;
    if (Status s = parse(*text); !s.ok()) impl_->FailAt(at_line, at_path, s.message());
  });
}

void FieldReader::Struct(std::string_view key, const StructDecoder& decode) {
  Impl::Entry* e = impl_->Take(key);
  if (e == nullptr) return;
  Impl::DecodeStruct(impl_->shared, e->value, e->key_line, impl_->ChildPath(key), std::string(key), decode);
}

void FieldReader::List(std::string_view key, const StructDecoder& decode_item) {
  Impl::Entry* e = impl_->Take(key);
  if (e == nullptr) return;
  impl_->ForEachItem(*e, "list", [&](const YAML::Node& item, const std::string& at_path) {
    Impl::DecodeStruct(impl_->shared, item, Impl::MarkLine(item), at_path, std::string(key), decode_item);
  });
}

void FieldReader::Map(std::string_view key, const MapEntryDecoder& decode_entry) {
  Impl::Entry* e = impl_->Take(key);
  if (e == nullptr || e->value.IsNull()) return;
  std::string at_path = impl_->ChildPath(key);
  if (!e->value.IsMap()) return impl_->FailAt(Impl::ValueLine(*e), at_path, CannotUnmarshal(e->value, "map"));
  std::vector<Impl::Entry> entries;
  if (!impl_->CollectEntries(e->value, at_path, entries)) return;
  for (const Impl::Entry& entry : entries) {
    if (impl_->failed()) return;
    const std::string& name = entry.key;
    Impl::DecodeStruct(impl_->shared, entry.value, entry.key_line, at_path + "." + name, std::string(key),
                       [&](FieldReader& r) { decode_entry(name, r); });
  }
}

void FieldReader::Skip(std::string_view key) { impl_->Take(key); }

void FieldReader::Unsupported(std::string_view key, std::string_view hint) {
  Impl::Entry* e = impl_->Take(key);
  if (e == nullptr) return;
  std::string message = "field " + e->key + " is not supported";
  if (!hint.empty()) message += ": " + std::string(hint);
  impl_->FailAt(e->key_line, impl_->ChildPath(key), message);
}

bool FieldReader::Has(std::string_view key) const {
  for (const Impl::Entry& e : impl_->entries) {
    if (e.key == key) return true;
  }
  return false;
}

std::vector<std::string> FieldReader::Keys() const {
  std::vector<std::string> keys;
  keys.reserve(impl_->entries.size());
  for (const Impl::Entry& e : impl_->entries) keys.push_back(e.key);
  return keys;
}

void FieldReader::Fail(std::string_view message) {
  if (ok()) impl_->pending = Impl::ErrorAt(impl_->line, impl_->path, message);
}

void FieldReader::Check(const Status& status) {
  if (!status.ok()) Fail(status.message());
}

bool FieldReader::ok() const { return !impl_->failed() && impl_->pending.ok(); }

const std::string& FieldReader::path() const { return impl_->path; }

}  // namespace ember::config
