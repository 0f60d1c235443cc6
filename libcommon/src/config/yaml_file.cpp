#include "ember/config/yaml_file.h"

namespace ember::config {

Status DecodeYamlFile(FileSystem& fs, const std::string& path, std::string_view type_name,
                      const StructDecoder& decode, const YamlFileOptions& options) {
  EMBER_ASSIGN_OR_RETURN(std::string text, fs.ReadFile(path));
  std::string context = "parsing YAML file " + path;
  if (options.expand_env) {
    Result<std::string> expanded = ExpandEnv(text, options.env ? options.env : ProcessEnvLookup());
    if (!expanded.ok()) return expanded.status().WithContext(context);
    text = std::move(expanded).value();
  }
  return DecodeYaml(text, type_name, decode).WithContext(context);
}

}  // namespace ember::config
