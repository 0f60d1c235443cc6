#include "ember/template/value.h"

#include "ember/template/format.h"

namespace ember::tmpl {

Value Value::List(std::vector<Value> items, std::string elem_type) {
  auto l = std::make_shared<ListData>();
  l->items = std::move(items);
  l->elem_type = std::move(elem_type);
  return Value(std::shared_ptr<const ListData>(std::move(l)));
}

Value Value::Map(std::map<std::string, Value, std::less<>> entries, std::string elem_type) {
  auto m = std::make_shared<MapData>();
  m->entries = std::move(entries);
  m->elem_type = std::move(elem_type);
  return Value(std::shared_ptr<const MapData>(std::move(m)));
}

Value Value::FromLabels(const Labels& labels) {
  auto m = std::make_shared<MapData>();
  m->elem_type = "string";
  for (const auto& l : labels) m->entries.emplace_hint(m->entries.end(), l.name, Value(l.value));
  return Value(std::shared_ptr<const MapData>(std::move(m)));
}

std::string Value::TypeName() const {
  switch (kind()) {
    case Kind::kInvalid:
    case Kind::kNil:
      return "<nil>";
    case Kind::kBool:
      return "bool";
    case Kind::kInt:
      return "int";
    case Kind::kUint:
      return "uint";
    case Kind::kFloat:
      return "float64";
    case Kind::kString:
      return "string";
    case Kind::kList:
      return "[]" + AsList().elem_type;
    case Kind::kMap:
      return "map[string]" + AsMap().elem_type;
    case Kind::kObject:
      return AsObject().TypeName();
    case Kind::kFunc:
      return "func(...interface {}) (interface {}, error)";
  }
  return "<nil>";
}

const ListData* Value::ListOrNull() const {
  if (kind() == Kind::kList) return &AsList();
  if (kind() == Kind::kObject) {
    const Value* u = AsObject().Underlying();
    if (u != nullptr && u->kind() == Kind::kList) return &u->AsList();
  }
  return nullptr;
}

const MapData* Value::MapOrNull() const {
  if (kind() == Kind::kMap) return &AsMap();
  if (kind() == Kind::kObject) {
    const Value* u = AsObject().Underlying();
    if (u != nullptr && u->kind() == Kind::kMap) return &u->AsMap();
  }
  return nullptr;
}

std::string ArgType::Name() const {
  switch (kind) {
    case Kind::kAny:
      return "interface {}";
    case Kind::kString:
      return "string";
    case Kind::kInt:
      return "int";
    case Kind::kFloat:
      return "float64";
    case Kind::kBool:
      return "bool";
    case Kind::kObject:
      return type_name;
  }
  return "interface {}";
}

std::shared_ptr<const Func> Func::Make(std::vector<ArgType> params, std::optional<ArgType> variadic, Fn fn) {
  auto f = std::make_shared<Func>();
  f->params = std::move(params);
  f->variadic = std::move(variadic);
  f->fn = std::move(fn);
  return f;
}

Value Object::Field(std::string_view) const { return Value::Invalid(); }

Result<Value> Object::Call(std::string_view name, std::vector<Value>&) const {
  return Status::Internal("method " + std::string(name) + " not implemented");
}

std::string Object::String() const {
  if (const Value* u = Underlying()) return FormatValue(*u);
  return "{}";
}

bool Object::Truth() const {
  if (const Value* u = Underlying()) return IsTrue(*u);
  return true;
}

bool IsTrue(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kInvalid:
    case Value::Kind::kNil:
      return false;
    case Value::Kind::kBool:
      return v.AsBool();
    case Value::Kind::kInt:
      return v.AsInt() != 0;
    case Value::Kind::kUint:
      return v.AsUint() != 0;
    case Value::Kind::kFloat:
      return v.AsFloat() != 0;
    case Value::Kind::kString:
      return !v.AsString().empty();
    case Value::Kind::kList:
      return !v.AsList().items.empty();
    case Value::Kind::kMap:
      return !v.AsMap().entries.empty();
    case Value::Kind::kObject:
      return v.AsObject().Truth();
    case Value::Kind::kFunc:
      return true;
  }
  return false;
}

}  // namespace ember::tmpl
