// Executes parsed templates with Go's text/template semantics. Errors unwind
// through a private exception type caught in Template::Execute, as Go's
// executor unwinds with panic/recover; nothing is thrown past this file.
#include <algorithm>
#include <cmath>

#include "ember/base/strings.h"
#include "ember/template/format.h"
#include "ember/template/template.h"
#include "node.h"

namespace ember::tmpl {

struct Template::Impl {
  std::string name;
  std::map<std::string, std::unique_ptr<internal::Tree>, std::less<>> trees;
  FuncMap parse_funcs;
  MissingKey missing_key = MissingKey::kDefault;
};

namespace internal {
namespace {

struct ExecFailure {
  Status status;
};
struct BreakSignal {};
struct ContinueSignal {};

bool IsBuiltin(const Func* f, std::string_view name) {
  auto it = Builtins().find(name);
  return it != Builtins().end() && it->second.get() == f;
}

class State {
 public:
  State(const Template::Impl& t, const Tree* tree, std::string& out, const ExecOptions& opts)
      : t_(t), tree_(tree), out_(out), opts_(opts) {}

  void Run(const Value& data) {
    // A nil interface{} as data is Go's invalid reflect.Value.
    Value dot = data.IsNil() ? Value::Invalid() : data;
    vars_.push_back({"$", dot});
    Walk(dot, tree_->root.get());
  }

 private:
  [[noreturn]] void Errorf(const std::string& msg) {
    std::string text;
    if (node_ == nullptr) {
      text = "template: " + tree_->name + ": " + msg;
    } else {
      const std::string& src = *tree_->text;
      size_t pos = std::min(static_cast<size_t>(node_->pos), src.size());
      std::string_view before(src.data(), pos);
      size_t nl = before.rfind('\n');
      size_t col = nl == std::string_view::npos ? pos : pos - (nl + 1);
      size_t line = 1 + static_cast<size_t>(std::count(before.begin(), before.end(), '\n'));
      text = "template: " + tree_->parse_name + ":" + std::to_string(line) + ":" + std::to_string(col) +
             ": executing " + GoQuote(tree_->name) + " at <" + node_->String() + ">: " + msg;
    }
    throw ExecFailure{Status::InvalidArgument(std::move(text))};
  }

  void At(const Node* n) { node_ = n; }

  void Step() {
    if (opts_.max_steps != 0 && ++steps_ > opts_.max_steps) {
      throw ExecFailure{
          Status::ResourceExhausted("template: " + tree_->name + ": execution step limit exceeded")};
    }
  }

  void Write(std::string_view s) {
    if (out_.size() + s.size() > opts_.max_output_bytes) {
      throw ExecFailure{
          Status::ResourceExhausted("template: " + tree_->name + ": output size limit exceeded")};
    }
    out_.append(s);
  }

  struct DepthGuard {
    State& s;
    explicit DepthGuard(State& st) : s(st) {
      if (++s.depth_ > s.opts_.max_depth) {
        s.Errorf("exceeded maximum template depth (" + std::to_string(s.opts_.max_depth) + ")");
      }
    }
    ~DepthGuard() { --s.depth_; }
  };

  // Variables.
  size_t Mark() const { return vars_.size(); }
  void Pop(size_t mark) { vars_.resize(mark); }
  void SetVar(const std::string& name, const Value& v) {
    for (size_t i = vars_.size(); i-- > 0;) {
      if (vars_[i].first == name) {
        vars_[i].second = v;
        return;
      }
    }
    Errorf("undefined variable: " + name);
  }
  void SetTopVar(size_t n, const Value& v) { vars_[vars_.size() - n].second = v; }
  Value VarValue(const std::string& name) {
    for (size_t i = vars_.size(); i-- > 0;) {
      if (vars_[i].first == name) return vars_[i].second;
    }
    Errorf("undefined variable: " + name);
  }

  void Walk(const Value& dot, const Node* node) {
    At(node);
    Step();
    switch (node->type) {
      case NodeType::kAction: {
        const auto* a = static_cast<const ActionNode*>(node);
        Value v = EvalPipeline(dot, a->pipe.get());
        if (a->pipe->decl.empty()) PrintValue(node, v);
        return;
      }
      case NodeType::kBreak:
        throw BreakSignal{};
      case NodeType::kContinue:
        throw ContinueSignal{};
      case NodeType::kComment:
        return;
      case NodeType::kIf:
      case NodeType::kWith: {
        DepthGuard g(*this);
        const auto* b = static_cast<const BranchNode*>(node);
        size_t mark = Mark();
        Value v = EvalPipeline(dot, b->pipe.get());
        if (IsTrue(v)) {
          Walk(node->type == NodeType::kWith ? v : dot, b->list.get());
        } else if (b->else_list) {
          Walk(dot, b->else_list.get());
        }
        Pop(mark);
        return;
      }
      case NodeType::kList:
        for (const auto& n : static_cast<const ListNode*>(node)->nodes) Walk(dot, n.get());
        return;
      case NodeType::kRange: {
        DepthGuard g(*this);
        WalkRange(dot, static_cast<const BranchNode*>(node));
        return;
      }
      case NodeType::kTemplate: {
        DepthGuard g(*this);
        WalkTemplate(dot, static_cast<const TemplateNode*>(node));
        return;
      }
      case NodeType::kText:
        Write(static_cast<const TextNode*>(node)->text);
        return;
      default:
        Errorf("unknown node: " + node->String());
    }
  }

  void WalkRange(const Value& dot, const BranchNode* r) {
    At(r);
    size_t outer = Mark();
    Value val = EvalPipeline(dot, r->pipe.get());
    size_t mark = Mark();
    const PipeNode& pipe = *r->pipe;
    bool ran = false;
    auto one = [&](const Value& index, const Value& elem) {
      ran = true;
      Step();
      if (!pipe.decl.empty()) {
        if (pipe.is_assign) {
          SetVar(pipe.decl[0]->ident[0], pipe.decl.size() > 1 ? index : elem);
        } else {
          SetTopVar(1, elem);
        }
      }
      if (pipe.decl.size() > 1) {
        if (pipe.is_assign) {
          SetVar(pipe.decl[1]->ident[0], elem);
        } else {
          SetTopVar(2, index);
        }
      }
      try {
        Walk(elem, r->list.get());
      } catch (const ContinueSignal&) {
      }
      Pop(mark);
    };
    try {
      const Value* v = &val;
      if (v->kind() == Value::Kind::kObject && v->AsObject().Underlying() != nullptr)
        v = v->AsObject().Underlying();
      switch (v->kind()) {
        case Value::Kind::kList: {
          auto hold = *v;  // keep the list alive while iterating
          const auto& items = hold.AsList().items;
          for (size_t i = 0; i < items.size(); ++i) one(Value(static_cast<int64_t>(i)), items[i]);
          break;
        }
        case Value::Kind::kMap: {
          auto hold = *v;
          for (const auto& [k, e] : hold.AsMap().entries) one(Value(k), e);
          break;
        }
        case Value::Kind::kInt:
        case Value::Kind::kUint: {
          if (pipe.decl.size() > 1) {
            Errorf("can't use " + FormatValue(*v) + " to iterate over more than one variable");
          }
          if (v->kind() == Value::Kind::kInt) {
            for (int64_t i = 0; i < v->AsInt(); ++i) one(Value(i), Value(i));
          } else {
            for (uint64_t i = 0; i < v->AsUint(); ++i) one(Value(i), Value(i));
          }
          break;
        }
        case Value::Kind::kInvalid:
        case Value::Kind::kNil:
          break;
        default:
          Errorf("range can't iterate over " + FormatValue(*v));
      }
    } catch (const BreakSignal&) {
      Pop(outer);
      return;
    }
    if (!ran && r->else_list) Walk(dot, r->else_list.get());
    Pop(outer);
  }

  void WalkTemplate(const Value& dot, const TemplateNode* t) {
    At(t);
    auto it = t_.trees.find(t->name);
    if (it == t_.trees.end()) Errorf("template " + GoQuote(t->name) + " not defined");
    Value new_dot = EvalPipeline(dot, t->pipe.get());
    State sub(t_, it->second.get(), out_, opts_);
    sub.depth_ = depth_;
    sub.steps_ = steps_;
    sub.vars_.push_back({"$", new_dot});
    sub.Walk(new_dot, it->second->root.get());
    steps_ = sub.steps_;
  }

  void PrintValue(const Node* n, const Value& v) {
    At(n);
    if (v.kind() == Value::Kind::kFunc) Errorf("can't print " + n->String() + " of type " + v.TypeName());
    if (v.kind() == Value::Kind::kString) {
      Write(v.AsString());
      return;
    }
    Write(FormatValue(v));
  }

  Value EvalPipeline(const Value& dot, const PipeNode* pipe) {
    if (pipe == nullptr) return Value::Invalid();
    At(pipe);
    std::optional<Value> value;
    for (const auto& cmd : pipe->cmds) {
      value = EvalCommand(dot, cmd.get(), value ? &*value : nullptr);
      // Go digs an interface{} down to what it holds: a nil one becomes no value.
      if (value->IsNil()) value = Value::Invalid();
    }
    for (const auto& var : pipe->decl) {
      if (pipe->is_assign) {
        SetVar(var->ident[0], *value);
      } else {
        vars_.push_back({var->ident[0], *value});
      }
    }
    return *value;
  }

  void NotAFunction(const std::vector<NodePtr>& args, const Value* final) {
    if (args.size() > 1 || final != nullptr)
      Errorf("can't give argument to non-function " + args[0]->String());
  }

  Value EvalCommand(const Value& dot, const CommandNode* cmd, const Value* final) {
    Step();
    const Node* first = cmd->args[0].get();
    switch (first->type) {
      case NodeType::kField:
        return EvalFieldNode(dot, static_cast<const FieldNode*>(first), cmd->args, final);
      case NodeType::kChain:
        return EvalChainNode(dot, static_cast<const ChainNode*>(first), cmd->args, final);
      case NodeType::kIdentifier:
        return EvalFunction(dot, static_cast<const IdentifierNode*>(first), cmd, cmd->args, final);
      case NodeType::kPipe: {
        NotAFunction(cmd->args, final);
        return EvalPipeline(dot, static_cast<const PipeNode*>(first));
      }
      case NodeType::kVariable:
        return EvalVariableNode(dot, static_cast<const VariableNode*>(first), cmd->args, final);
      default:
        break;
    }
    At(first);
    NotAFunction(cmd->args, final);
    switch (first->type) {
      case NodeType::kBool:
        return Value(static_cast<const BoolNode*>(first)->value);
      case NodeType::kDot:
        return dot;
      case NodeType::kNil:
        Errorf("nil is not a command");
      case NodeType::kNumber:
        return IdealConstant(static_cast<const NumberNode*>(first));
      case NodeType::kString:
        return Value(static_cast<const StringNode*>(first)->text);
      default:
        break;
    }
    Errorf("can't evaluate command " + GoQuote(first->String()));
  }

  Value IdealConstant(const NumberNode* n) {
    At(n);
    const std::string& text = n->text;
    bool hex_int = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X') &&
                   text.find_first_of("pP") == std::string::npos;
    bool rune = !text.empty() && text[0] == '\'';
    if (n->is_float && !hex_int && !rune && text.find_first_of(".eEpP") != std::string::npos) {
      return Value(n->float64);
    }
    if (n->is_int) return Value(n->int64);
    if (n->is_uint) Errorf(text + " overflows int");
    return Value::Invalid();
  }

  Value EvalFieldNode(const Value& dot, const FieldNode* field, const std::vector<NodePtr>& args,
                      const Value* final) {
    At(field);
    return EvalFieldChain(dot, dot, field, field->ident, 0, args, final);
  }

  Value EvalChainNode(const Value& dot, const ChainNode* chain, const std::vector<NodePtr>& args,
                      const Value* final) {
    At(chain);
    if (chain->node->type == NodeType::kNil) Errorf("indirection through explicit nil in " + chain->String());
    Value pipe = EvalArg(dot, ArgType::Any(), chain->node.get());
    return EvalFieldChain(dot, pipe, chain, chain->field, 0, args, final);
  }

  Value EvalVariableNode(const Value& dot, const VariableNode* var, const std::vector<NodePtr>& args,
                         const Value* final) {
    At(var);
    Value v = VarValue(var->ident[0]);
    if (var->ident.size() == 1) {
      NotAFunction(args, final);
      return v;
    }
    return EvalFieldChain(dot, v, var, var->ident, 1, args, final);
  }

  Value EvalFieldChain(const Value& dot, Value receiver, const Node* node,
                       const std::vector<std::string>& ident, size_t from, const std::vector<NodePtr>& args,
                       const Value* final) {
    static const std::vector<NodePtr> kNoArgs;
    size_t n = ident.size();
    for (size_t i = from; i + 1 < n; ++i)
      receiver = EvalField(dot, ident[i], node, kNoArgs, nullptr, receiver);
    return EvalField(dot, ident[n - 1], node, args, final, receiver);
  }

  Value MapLookup(const MapData& m, const std::string& name) {
    auto it = m.entries.find(name);
    if (it != m.entries.end()) return it->second;
    switch (t_.missing_key) {
      case MissingKey::kDefault:
        return Value::Invalid();
      case MissingKey::kZero:
        return ZeroOf(m.elem_type);
      case MissingKey::kError:
        Errorf("map has no entry for key " + GoQuote(name));
    }
    return Value::Invalid();
  }

  static Value ZeroOf(const std::string& type) {
    if (type == "string") return Value(std::string());
    if (type == "int") return Value(int64_t{0});
    if (type == "float64") return Value(0.0);
    if (type == "bool") return Value(false);
    if (type == "uint") return Value(uint64_t{0});
    return Value::Invalid();
  }

  Value EvalField(const Value& dot, const std::string& name, const Node* node,
                  const std::vector<NodePtr>& args, const Value* final, const Value& receiver) {
    if (!receiver.IsValid()) {
      if (t_.missing_key == MissingKey::kError) Errorf("nil data; no entry for key " + GoQuote(name));
      return Value::Invalid();
    }
    bool has_args = args.size() > 1 || final != nullptr;
    switch (receiver.kind()) {
      case Value::Kind::kNil:
        Errorf("nil pointer evaluating interface {}." + name);
      case Value::Kind::kObject: {
        const Object& obj = receiver.AsObject();
        Object::Member m = obj.Lookup(name);
        if (m.kind == Object::Member::Kind::kMethod) {
          Func method;
          method.params = m.params;
          method.variadic = m.variadic;
          auto holder = receiver.ObjectPtr();
          method.fn = [holder, name](std::vector<Value>& a) { return holder->Call(name, a); };
          return EvalCall(dot, method, false, node, name, args, final);
        }
        if (m.kind == Object::Member::Kind::kField) {
          if (has_args) Errorf(name + " has arguments but cannot be invoked as function");
          return obj.Field(name);
        }
        if (const MapData* md = receiver.MapOrNull()) {
          if (has_args) Errorf(name + " is not a method but has arguments");
          return MapLookup(*md, name);
        }
        break;
      }
      case Value::Kind::kMap:
        if (has_args) Errorf(name + " is not a method but has arguments");
        return MapLookup(receiver.AsMap(), name);
      default:
        break;
    }
    Errorf("can't evaluate field " + name + " in type " + receiver.TypeName());
  }

  Value EvalFunction(const Value& dot, const IdentifierNode* node, const Node* cmd,
                     const std::vector<NodePtr>& args, const Value* final) {
    At(node);
    const std::string& name = node->ident;
    const Func* fn = FindFunction(name);
    if (fn == nullptr) Errorf(GoQuote(name) + " is not a defined function");
    return EvalCall(dot, *fn, IsBuiltin(fn, name), cmd, name, args, final);
  }

  const Func* FindFunction(std::string_view name) const {
    if (opts_.funcs != nullptr) {
      auto it = opts_.funcs->find(name);
      if (it != opts_.funcs->end()) return it->second.get();
    }
    auto it = t_.parse_funcs.find(name);
    if (it != t_.parse_funcs.end()) return it->second.get();
    auto b = Builtins().find(name);
    if (b != Builtins().end()) return b->second.get();
    return nullptr;
  }

  // args[0] is the function's own node (as in Go) when args is not empty.
  Value EvalCall(const Value& dot, const Func& fn, bool builtin, const Node* node, const std::string& name,
                 const std::vector<NodePtr>& all_args, const Value* final) {
    size_t nargs = all_args.empty() ? 0 : all_args.size() - 1;
    auto arg = [&](size_t i) { return all_args[i + 1].get(); };
    size_t num_in = nargs + (final != nullptr ? 1 : 0);
    size_t num_fixed = nargs;
    if (fn.variadic) {
      num_fixed = fn.params.size();
      if (num_in < num_fixed) {
        Errorf("wrong number of args for " + name + ": want at least " + std::to_string(fn.params.size()) +
               " got " + std::to_string(nargs));
      }
    } else if (num_in != fn.params.size()) {
      Errorf("wrong number of args for " + name + ": want " + std::to_string(fn.params.size()) + " got " +
             std::to_string(num_in));
    }
    if (builtin && (name == "and" || name == "or")) {
      Value v;
      for (size_t i = 0; i < nargs; ++i) {
        v = EvalArg(dot, ArgType::Any(), arg(i));
        if (IsTrue(v) == (name == "or")) return v;
      }
      if (final != nullptr) v = ValidateType(*final, ArgType::Any());
      return v;
    }
    std::vector<Value> argv;
    argv.reserve(num_in);
    size_t i = 0;
    for (; i < num_fixed && i < nargs; ++i) argv.push_back(EvalArg(dot, fn.params[i], arg(i)));
    if (fn.variadic) {
      for (; i < nargs; ++i) argv.push_back(EvalArg(dot, *fn.variadic, arg(i)));
    }
    if (final != nullptr) {
      const ArgType& t = (fn.variadic && num_in - 1 >= num_fixed) ? *fn.variadic : fn.params[num_in - 1];
      argv.push_back(ValidateType(*final, t));
    }
    if (builtin && name == "call") {
      // Go's call builtin receives the callee's name for its messages.
      argv.insert(argv.begin(), Value(nargs > 0 ? arg(0)->String() : std::string()));
    }
    Result<Value> r = fn.fn(argv);
    if (!r.ok()) {
      At(node);
      if (r.status().code() == StatusCode::kResourceExhausted) throw ExecFailure{r.status()};
      Errorf("error calling " + name + ": " + r.status().message());
    }
    // Strings built by functions count against the output limit, so that
    // doubling a string in a loop cannot exhaust memory.
    if (r->kind() == Value::Kind::kString && r->AsString().size() > opts_.max_output_bytes) {
      throw ExecFailure{
          Status::ResourceExhausted("template: " + tree_->name + ": value size limit exceeded")};
    }
    return std::move(r).value();
  }

  Value ValidateType(const Value& v, const ArgType& t) {
    if (!v.IsValid() || v.IsNil()) {
      if (t.kind == ArgType::Kind::kAny || t.kind == ArgType::Kind::kObject) return Value(nullptr);
      Errorf("invalid value; expected " + t.Name());
    }
    bool ok = true;
    switch (t.kind) {
      case ArgType::Kind::kAny:
        return v;
      case ArgType::Kind::kString:
        ok = v.kind() == Value::Kind::kString;
        break;
      case ArgType::Kind::kInt:
        ok = v.kind() == Value::Kind::kInt;
        break;
      case ArgType::Kind::kFloat:
        ok = v.kind() == Value::Kind::kFloat;
        break;
      case ArgType::Kind::kBool:
        ok = v.kind() == Value::Kind::kBool;
        break;
      case ArgType::Kind::kObject:
        ok = v.kind() == Value::Kind::kObject && v.AsObject().TypeName() == t.type_name;
        break;
    }
    if (!ok) Errorf("wrong type for value; expected " + t.Name() + "; got " + v.TypeName());
    return v;
  }

  Value EvalArg(const Value& dot, const ArgType& t, const Node* n) {
    At(n);
    static const std::vector<NodePtr> kNoArgs;
    switch (n->type) {
      case NodeType::kDot:
        return ValidateType(dot, t);
      case NodeType::kNil:
        if (t.kind == ArgType::Kind::kAny || t.kind == ArgType::Kind::kObject) return Value(nullptr);
        Errorf("cannot assign nil to " + t.Name());
      case NodeType::kField: {
        Value v = EvalFieldChain(dot, dot, n, static_cast<const FieldNode*>(n)->ident, 0, kNoArgs, nullptr);
        return ValidateType(v, t);
      }
      case NodeType::kVariable:
        return ValidateType(EvalVariableNode(dot, static_cast<const VariableNode*>(n), kNoArgs, nullptr), t);
      case NodeType::kPipe: {
        DepthGuard g(*this);
        return ValidateType(EvalPipeline(dot, static_cast<const PipeNode*>(n)), t);
      }
      case NodeType::kIdentifier:
        return ValidateType(EvalFunction(dot, static_cast<const IdentifierNode*>(n), n, kNoArgs, nullptr), t);
      case NodeType::kChain:
        return ValidateType(EvalChainNode(dot, static_cast<const ChainNode*>(n), kNoArgs, nullptr), t);
      default:
        break;
    }
    switch (t.kind) {
      case ArgType::Kind::kBool:
        if (n->type == NodeType::kBool) return Value(static_cast<const BoolNode*>(n)->value);
        Errorf("expected bool; found " + n->String());
      case ArgType::Kind::kFloat:
        if (n->type == NodeType::kNumber && static_cast<const NumberNode*>(n)->is_float) {
          return Value(static_cast<const NumberNode*>(n)->float64);
        }
        Errorf("expected float; found " + n->String());
      case ArgType::Kind::kInt:
        if (n->type == NodeType::kNumber && static_cast<const NumberNode*>(n)->is_int) {
          return Value(static_cast<const NumberNode*>(n)->int64);
        }
        Errorf("expected integer; found " + n->String());
      case ArgType::Kind::kString:
        if (n->type == NodeType::kString) return Value(static_cast<const StringNode*>(n)->text);
        Errorf("expected string; found " + n->String());
      case ArgType::Kind::kAny:
        switch (n->type) {
          case NodeType::kBool:
            return Value(static_cast<const BoolNode*>(n)->value);
          case NodeType::kNumber:
            return IdealConstant(static_cast<const NumberNode*>(n));
          case NodeType::kString:
            return Value(static_cast<const StringNode*>(n)->text);
          default:
            break;
        }
        Errorf("can't handle assignment of " + n->String() + " to empty interface argument");
      case ArgType::Kind::kObject:
        break;
    }
    Errorf("can't handle " + n->String() + " for arg of type " + t.Name());
  }

  const Template::Impl& t_;
  const Tree* tree_;
  std::string& out_;
  const ExecOptions& opts_;
  std::vector<std::pair<std::string, Value>> vars_;
  const Node* node_ = nullptr;
  int depth_ = 0;
  uint64_t steps_ = 0;
};

}  // namespace
}  // namespace internal

Template::Template(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Template::~Template() = default;

const std::string& Template::name() const { return impl_->name; }

bool Template::HasTemplate(std::string_view name) const { return impl_->trees.count(name) > 0; }

Result<std::shared_ptr<const Template>> Template::Parse(std::string_view name, std::string_view text,
                                                        const ParseOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->name = std::string(name);
  impl->missing_key = options.missing_key;
  if (options.funcs != nullptr) impl->parse_funcs = *options.funcs;
  EMBER_RETURN_IF_ERROR(internal::ParseTemplates(name, text, options, impl->trees));
  return std::shared_ptr<const Template>(new Template(std::move(impl)));
}

Status Template::ExecuteTemplate(std::string& out, std::string_view name, const Value& data,
                                 const ExecOptions& options) const {
  auto it = impl_->trees.find(name);
  if (it == impl_->trees.end()) {
    return Status::InvalidArgument("template: no template " + GoQuote(name) + " associated with template " +
                                   GoQuote(impl_->name));
  }
  try {
    internal::State s(*impl_, it->second.get(), out, options);
    s.Run(data);
  } catch (const internal::ExecFailure& f) {
    return f.status;
  } catch (const internal::BreakSignal&) {
  } catch (const internal::ContinueSignal&) {
  } catch (const std::bad_alloc&) {
    return Status::ResourceExhausted("template: " + std::string(name) + ": out of memory");
  }
  return Status::Ok();
}

Status Template::Execute(std::string& out, const Value& data, const ExecOptions& options) const {
  if (impl_->trees.find(impl_->name) == impl_->trees.end()) {
    return Status::InvalidArgument("template: " + impl_->name + ": " + GoQuote(impl_->name) +
                                   " is an incomplete or empty template");
  }
  return ExecuteTemplate(out, impl_->name, data, options);
}

Result<std::string> Template::Execute(const Value& data, const ExecOptions& options) const {
  std::string out;
  EMBER_RETURN_IF_ERROR(Execute(out, data, options));
  return out;
}

}  // namespace ember::tmpl
