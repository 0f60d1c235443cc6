// FieldReader: strict decoding of a YAML mapping into a plain Options struct,
// one field at a time.
//
// A decode function names each key it understands and where its value goes;
// a key that no call consumed is an error, as in the upstream programs' strict
// YAML decoding. Errors carry the line and the dotted path of the offending
// value so that users recognise them:
//
//   line 3: field scrape_intervall not found in type global (path: global.scrape_intervall)
//   line 5: cannot unmarshal !!str `abc` into int (path: global.sample_limit)
//
//   void DecodeGlobal(config::FieldReader& r, GlobalOptions& g) {
//     r.SetTypeName("global");
//     r.Duration("scrape_interval", &g.scrape_interval);
//     r.Field("sample_limit", &g.sample_limit);
//     r.Check(ValidateGlobal(g));
//   }
//   r.Struct("global", [&](config::FieldReader& g) { DecodeGlobal(g, opts.global); });
//
// A field whose key is absent, or present with a null value (`key:`, `key: ~`),
// keeps the value it had, so in-class defaults survive. Lists and maps are
// replaced as a whole, never merged with their defaults. Merge keys (`<<: *x`)
// are honoured; keys given beside them win.
//
// The first error stops decoding: later calls do nothing, and the error is
// what DecodeYaml returns. Decode functions therefore need not check after
// each call. A validation error from Check() or Fail() is held until the
// struct's decode function returns, so that an unknown key in the same struct,
// which usually explains the failed check, is reported instead.
//
// A FieldReader exists only during DecodeYaml and is used by one thread. The
// YAML library stays behind this header: nothing here exposes its types.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ember/base/status.h"
#include "ember/base/time.h"

namespace ember::config {

class FieldReader;

// Decodes the fields of one struct from `r`.
using StructDecoder = std::function<void(FieldReader& r)>;
// Decodes one entry of a map whose values are structs; `name` is the entry's key.
using MapEntryDecoder = std::function<void(const std::string& name, FieldReader& r)>;
// Turns the text of a scalar into a value; a failed Status becomes a decoding
// error at that value's line and path.
using ScalarParser = std::function<Status(const std::string& text)>;

// Parses `yaml_text` (one document; empty or only comments means an empty
// mapping) and runs `decode` on its top-level mapping, whose type is called
// `type_name` in errors. Returns InvalidArgument "line N: ..." on a syntax
// error, a type error, an unknown key or a failed check. Never throws.
Status DecodeYaml(std::string_view yaml_text, std::string_view type_name, const StructDecoder& decode);

class FieldReader {
 public:
  ~FieldReader();
  FieldReader(const FieldReader&) = delete;
  FieldReader& operator=(const FieldReader&) = delete;

  // The type named in "field x not found in type <name>" errors. Defaults to
  // the key the struct sits under. A decode function for a type that is also
  // decoded inline into another (sharing its reader) should leave it alone.
  void SetTypeName(std::string name);

  // Scalars. Strings take any scalar's text, as Go's YAML decoder does
  // (`port: 80` reads as "80"). Booleans take the YAML 1.1 forms (true/false,
  // yes/no, on/off, y/n). Integers take decimal, 0x, 0o, 0b and YAML 1.1
  // octal forms and whole floats in range; anything else, including quoted
  // numbers, is a type error.
  void Field(std::string_view key, std::string* out);
  void Field(std::string_view key, bool* out);
  void Field(std::string_view key, int* out);
  void Field(std::string_view key, int64_t* out);
  void Field(std::string_view key, uint64_t* out);
  void Field(std::string_view key, double* out);
  // A list of scalars; a null item reads as "" (as 0 for numbers).
  void Field(std::string_view key, std::vector<std::string>* out);
  void Field(std::string_view key, std::vector<double>* out);
  // A mapping of scalars; a null value reads as "".
  void Field(std::string_view key, std::map<std::string, std::string>* out);
  // A mapping of scalar lists (Go's url.Values: `params: {module: [a, b]}`).
  void Field(std::string_view key, std::map<std::string, std::vector<std::string>>* out);

  // A Prometheus duration ("1h30m", "5m", "2w"): ParseDuration's syntax.
  void Duration(std::string_view key, Milliseconds* out);
  // A Go duration ("1.5h", "300ms"), as Loki, Promtail and Alertmanager's
  // time.Duration fields take: ParseGoDuration's syntax.
  void GoDuration(std::string_view key, Nanoseconds* out);

  // A scalar given to `parse` as text, for values with their own syntax
  // (enums, regexes, URLs, TLS versions).
  void Parse(std::string_view key, const ScalarParser& parse);
  // A list of such scalars, `parse` called per item in order.
  void ParseList(std::string_view key, const ScalarParser& parse);

  // A nested struct. `decode` also runs for a null value, as for `{}`, so its
  // checks still apply; it does not run when the key is absent.
  void Struct(std::string_view key, const StructDecoder& decode);
  // A list of structs: `decode_item` runs once per item, in order (typically
  // decoding into `out.emplace_back()`). Item paths read "key[2]".
  void List(std::string_view key, const StructDecoder& decode_item);
  // A mapping of name to struct: `decode_entry` runs per entry in document
  // order. Entry paths read "key.name".
  void Map(std::string_view key, const MapEntryDecoder& decode_entry);

  // Accepts `key` with any value and ignores it: for upstream keys that a
  // program takes but has no use for (yet), so that files written for the
  // upstream program load.
  void Skip(std::string_view key);

  // Rejects `key` when present, whatever its value: for upstream keys Ember
  // does not implement, which deserve a clearer error than an unknown key.
  // "line N: field <key> is not supported[: <hint>] (path: p)".
  void Unsupported(std::string_view key, std::string_view hint = "");

  // Whether `key` is present (even with a null value). Does not consume it.
  bool Has(std::string_view key) const;
  // The keys present, in document order, for structs whose shape depends on
  // which key is given (such as a pipeline stage `- regex: {...}`).
  std::vector<std::string> Keys() const;

  // Records a validation error for this struct: "line N: <message> (path: p)",
  // N being the line of the struct's key. Only the first one counts; it is
  // reported after the struct's unknown keys, if any.
  void Fail(std::string_view message);
  // Fail(status.message()) when `status` is not OK. For validators that live
  // with the Options they check and know nothing of YAML.
  void Check(const Status& status);

  // False once any error has been recorded, including a held Fail().
  bool ok() const;
  // The dotted path of this struct ("" at the top level).
  const std::string& path() const;

 private:
  struct Impl;
  struct Shared;
  friend Status DecodeYaml(std::string_view, std::string_view, const StructDecoder&);
  explicit FieldReader(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

}  // namespace ember::config
