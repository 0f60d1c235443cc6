// Decoding a YAML config file from a FileSystem into an Options struct.
#pragma once

#include <string>
#include <string_view>

#include "ember/base/file_system.h"
#include "ember/base/status.h"
#include "ember/config/expand_env.h"
#include "ember/config/field_reader.h"

namespace ember::config {

struct YamlFileOptions {
  // Expand ${VAR} references in the text before parsing (ExpandEnv), as Loki
  // and Promtail do under -config.expand-env=true. Default: false.
  bool expand_env = false;
  // Where variables come from when expanding. Default (empty): the process
  // environment.
  EnvLookup env;
};

// Reads `path` from `fs` and decodes it as DecodeYaml does; an empty file (or
// one holding only comments) decodes as an empty mapping, so defaults stand.
// Errors: the file system's Status when the file cannot be read (its message
// names the file); InvalidArgument "parsing YAML file <path>: line N: ..." for
// anything wrong with the content, including a failed env expansion.
Status DecodeYamlFile(FileSystem& fs, const std::string& path, std::string_view type_name,
                      const StructDecoder& decode, const YamlFileOptions& options = {});

// The usual shape of a loader: a T starting from its in-class defaults, filled
// by `decode`.
template <class T>
Result<T> LoadYamlFile(FileSystem& fs, const std::string& path, std::string_view type_name,
                       void (*decode)(FieldReader&, T&), const YamlFileOptions& options = {}) {
  T value{};
  EMBER_RETURN_IF_ERROR(DecodeYamlFile(
      fs, path, type_name, [&](FieldReader& r) { decode(r, value); }, options));
  return value;
}

// LoadYamlFile for a program's --config.file: an empty `path` decodes the
// program's embedded `default_yaml` instead (errors then name
// "(embedded default)"), so a program runs with no file at all.
template <class T>
Result<T> LoadYamlFileOrDefault(FileSystem& fs, const std::string& path, std::string_view default_yaml,
                                std::string_view type_name, void (*decode)(FieldReader&, T&),
                                const YamlFileOptions& options = {}) {
  if (!path.empty()) return LoadYamlFile(fs, path, type_name, decode, options);
  T value{};
  Status s = DecodeYaml(default_yaml, type_name, [&](FieldReader& r) { decode(r, value); });
  if (!s.ok()) return s.WithContext("parsing YAML file (embedded default)");
  return value;
}

}  // namespace ember::config
