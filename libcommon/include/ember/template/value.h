// The dynamic values templates work on, and the functions they call.
//
// A Value is what Go's text/template reaches through reflection: nil, bool,
// int, uint, float64, string, a list (slice), a map with string keys
// (iterated in key order), an Object (a struct or a named type with fields
// and methods, such as a time or Alertmanager's Alerts), or a function.
// Values are immutable and cheap to copy: lists, maps, objects and functions
// are shared. Safe to read from many threads.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ember/base/labels.h"
#include "ember/base/status.h"

namespace ember::tmpl {

class Value;
class Object;
struct Func;

// A slice: `elem_type` is Go's element type name ("interface {}", "string"),
// used for %T-like type names in messages and for the zero value of an
// element.
struct ListData {
  std::vector<Value> items;
  std::string elem_type = "interface {}";
};

// A map with string keys, iterated in key order. `elem_type` as for lists;
// a missing key reads as the zero value of "string" ("") or of a number
// type (0) under missingkey=zero, and as "no value" otherwise.
struct MapData {
  std::map<std::string, Value, std::less<>> entries;
  std::string elem_type = "interface {}";
};

class Value {
 public:
  enum class Kind {
    kInvalid,  // Go's invalid reflect.Value: a missing map key, `template "x"` without data; prints "<no
               // value>"
    kNil,      // an untyped nil; prints "<nil>"
    kBool,
    kInt,    // Go's int
    kUint,   // Go's uint
    kFloat,  // Go's float64
    kString,
    kList,
    kMap,
    kObject,
    kFunc,
  };

  Value() : v_(std::nullptr_t()) {}
  Value(std::nullptr_t) : v_(std::nullptr_t()) {}                 // NOLINT: implicit by design
  Value(bool b) : v_(b) {}                                        // NOLINT
  Value(int i) : v_(int64_t{i}) {}                                // NOLINT
  Value(int64_t i) : v_(i) {}                                     // NOLINT
  Value(uint64_t u) : v_(u) {}                                    // NOLINT
  Value(double f) : v_(f) {}                                      // NOLINT
  Value(std::string s) : v_(std::move(s)) {}                      // NOLINT
  Value(std::string_view s) : v_(std::string(s)) {}               // NOLINT
  Value(const char* s) : v_(std::string(s)) {}                    // NOLINT
  Value(std::shared_ptr<const ListData> l) : v_(std::move(l)) {}  // NOLINT
  Value(std::shared_ptr<const MapData> m) : v_(std::move(m)) {}   // NOLINT
  Value(std::shared_ptr<const Object> o) : v_(std::move(o)) {}    // NOLINT
  Value(std::shared_ptr<const Func> f) : v_(std::move(f)) {}      // NOLINT

  static Value Invalid() {
    Value v;
    v.v_ = InvalidTag{};
    return v;
  }
  // A list of `items` with element type `elem_type`.
  static Value List(std::vector<Value> items, std::string elem_type = "interface {}");
  // A map[string]interface{} (or map[string]<elem_type>).
  static Value Map(std::map<std::string, Value, std::less<>> entries, std::string elem_type = "interface {}");
  // A map[string]string of the labels, as Prometheus hands labels to templates.
  static Value FromLabels(const Labels& labels);

  Kind kind() const { return static_cast<Kind>(v_.index()); }
  bool IsValid() const { return kind() != Kind::kInvalid; }
  bool IsNil() const { return kind() == Kind::kNil; }

  // Accessors; calling one for another kind is a bug (asserted).
  bool AsBool() const { return std::get<bool>(v_); }
  int64_t AsInt() const { return std::get<int64_t>(v_); }
  uint64_t AsUint() const { return std::get<uint64_t>(v_); }
  double AsFloat() const { return std::get<double>(v_); }
  const std::string& AsString() const { return std::get<std::string>(v_); }
  const ListData& AsList() const { return *std::get<std::shared_ptr<const ListData>>(v_); }
  const MapData& AsMap() const { return *std::get<std::shared_ptr<const MapData>>(v_); }
  const Object& AsObject() const { return *std::get<std::shared_ptr<const Object>>(v_); }
  const std::shared_ptr<const Object>& ObjectPtr() const {
    return std::get<std::shared_ptr<const Object>>(v_);
  }
  const Func& AsFunc() const { return *std::get<std::shared_ptr<const Func>>(v_); }

  // Go's type name as fmt's %T prints it: "int", "float64", "string",
  // "[]interface {}", "map[string]string", an Object's TypeName(); "<nil>"
  // for nil and invalid values.
  std::string TypeName() const;

  // The list or map this value is, looking through an Object's Underlying():
  // nullptr when it is neither.
  const ListData* ListOrNull() const;
  const MapData* MapOrNull() const;

 private:
  struct InvalidTag {};
  std::variant<InvalidTag, std::nullptr_t, bool, int64_t, uint64_t, double, std::string,
               std::shared_ptr<const ListData>, std::shared_ptr<const MapData>, std::shared_ptr<const Object>,
               std::shared_ptr<const Func>>
      v_;
};

// How a parameter of a Func (or an Object's method) accepts its argument, as
// Go converts template arguments to a function's parameter types.
struct ArgType {
  enum class Kind {
    kAny,     // interface{}: any value; constants keep their literal type (int, float64, string, bool)
    kString,  // string
    kInt,     // int: an int value or an integer constant
    kFloat,   // float64: a float64 value or a numeric constant
    kBool,    // bool
    kObject,  // an Object whose TypeName() is `type_name`, or nil
  };
  Kind kind = Kind::kAny;
  std::string type_name;  // for kObject

  static ArgType Any() { return {}; }
  static ArgType String() { return {Kind::kString, {}}; }
  static ArgType Int() { return {Kind::kInt, {}}; }
  static ArgType Float() { return {Kind::kFloat, {}}; }
  static ArgType Bool() { return {Kind::kBool, {}}; }
  static ArgType ObjectOf(std::string name) { return {Kind::kObject, std::move(name)}; }
  // Go's name for the type ("interface {}", "string", "float64", ...).
  std::string Name() const;
};

// A function templates call by name (a FuncMap entry) or through `call`.
// It receives its arguments already checked and converted against
// `params` (then `variadic` for the rest) and returns a value or an error,
// as Go's func(...) (T, error) does; the executor reports the error as
// `error calling NAME: <message>`.
struct Func {
  using Fn = std::function<Result<Value>(std::vector<Value>& args)>;
  std::vector<ArgType> params;
  std::optional<ArgType> variadic;  // set: takes any number of further arguments of this type
  Fn fn;

  static std::shared_ptr<const Func> Make(std::vector<ArgType> params, std::optional<ArgType> variadic,
                                          Fn fn);
};

using FuncMap = std::map<std::string, std::shared_ptr<const Func>, std::less<>>;

// A Go struct, pointer or named type as templates see it: fields, methods,
// and optionally the list or map it is (Go's `type Alerts []Alert`).
// Implementations must be immutable or otherwise thread-safe.
class Object {
 public:
  virtual ~Object() = default;

  // Go's type name, as %T and error messages print it ("*template.sample",
  // "time.Time", "template.Alerts").
  virtual std::string TypeName() const = 0;

  // What `.name` is on this object: a method (looked up first, as Go
  // does), a field, or neither.
  struct Member {
    enum class Kind { kNone, kField, kMethod };
    Kind kind = Kind::kNone;
    std::vector<ArgType> params;      // for methods
    std::optional<ArgType> variadic;  // for methods
  };
  virtual Member Lookup(std::string_view name) const = 0;

  // The value of field `name` (Lookup said kField).
  virtual Value Field(std::string_view name) const;

  // Calls method `name` (Lookup said kMethod) with arguments already checked
  // against its parameters. An error is reported as `error calling NAME: ...`.
  virtual Result<Value> Call(std::string_view name, std::vector<Value>& args) const;

  // The list or map this object is, for range, len, index and printing; nullptr
  // for a plain struct.
  virtual const Value* Underlying() const { return nullptr; }

  // The text fmt's %v and print give: a Stringer's String(), or Go's
  // struct form ("{a b}").
  virtual std::string String() const;

  // Whether `if` takes it as true: Go's structs and non-nil pointers are
  // true, a named slice or map is true when not empty.
  virtual bool Truth() const;
};

// Go's truth of a value for if/with/and/or/not: false, 0, "", empty lists and
// maps, nil and invalid values are false.
bool IsTrue(const Value& v);

}  // namespace ember::tmpl
