// The parse tree of a template, as Go's text/template/parse builds it.
// Nodes are owned by their Tree and immutable after parsing.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ember/template/template.h"

namespace ember::tmpl::internal {

enum class NodeType {
  kText,
  kAction,
  kBool,
  kChain,
  kCommand,
  kDot,
  kField,
  kIdentifier,
  kIf,
  kList,
  kNil,
  kNumber,
  kPipe,
  kRange,
  kString,
  kTemplate,
  kVariable,
  kWith,
  kComment,
  kBreak,
  kContinue,
  // Parser-only markers.
  kElse,
  kEnd,
};

struct Node {
  NodeType type;
  int pos = 0;  // byte offset in the source text
  explicit Node(NodeType t, int p) : type(t), pos(p) {}
  virtual ~Node() = default;
  // Go's String() of the node, used in exec error contexts.
  virtual void Write(std::string& out) const = 0;
  std::string String() const {
    std::string s;
    Write(s);
    return s;
  }
};
using NodePtr = std::unique_ptr<Node>;

struct ListNode : Node {
  std::vector<NodePtr> nodes;
  explicit ListNode(int p) : Node(NodeType::kList, p) {}
  void Write(std::string& out) const override {
    for (const auto& n : nodes) n->Write(out);
  }
};

struct TextNode : Node {
  std::string text;
  TextNode(int p, std::string t) : Node(NodeType::kText, p), text(std::move(t)) {}
  void Write(std::string& out) const override;
};

struct CommentNode : Node {
  std::string text;
  CommentNode(int p, std::string t) : Node(NodeType::kComment, p), text(std::move(t)) {}
  void Write(std::string& out) const override { out += "{{" + text + "}}"; }
};

struct VariableNode : Node {
  std::vector<std::string> ident;  // "$x", then field names
  VariableNode(int p, std::vector<std::string> i) : Node(NodeType::kVariable, p), ident(std::move(i)) {}
  void Write(std::string& out) const override {
    for (size_t i = 0; i < ident.size(); ++i) {
      if (i > 0) out += '.';
      out += ident[i];
    }
  }
};

struct CommandNode;
struct PipeNode : Node {
  int line = 0;
  bool is_assign = false;
  std::vector<std::unique_ptr<VariableNode>> decl;
  std::vector<std::unique_ptr<CommandNode>> cmds;
  PipeNode(int p, int l) : Node(NodeType::kPipe, p), line(l) {}
  void Write(std::string& out) const override;
};

struct CommandNode : Node {
  std::vector<NodePtr> args;
  explicit CommandNode(int p) : Node(NodeType::kCommand, p) {}
  void Write(std::string& out) const override {
    for (size_t i = 0; i < args.size(); ++i) {
      if (i > 0) out += ' ';
      if (args[i]->type == NodeType::kPipe) {
        out += '(';
        args[i]->Write(out);
        out += ')';
      } else {
        args[i]->Write(out);
      }
    }
  }
};

inline void PipeNode::Write(std::string& out) const {
  if (!decl.empty()) {
    for (size_t i = 0; i < decl.size(); ++i) {
      if (i > 0) out += ", ";
      decl[i]->Write(out);
    }
    out += is_assign ? " = " : " := ";
  }
  for (size_t i = 0; i < cmds.size(); ++i) {
    if (i > 0) out += " | ";
    cmds[i]->Write(out);
  }
}

struct ActionNode : Node {
  int line = 0;
  std::unique_ptr<PipeNode> pipe;
  ActionNode(int p, int l, std::unique_ptr<PipeNode> pp)
      : Node(NodeType::kAction, p), line(l), pipe(std::move(pp)) {}
  void Write(std::string& out) const override {
    out += "{{";
    pipe->Write(out);
    out += "}}";
  }
};

struct IdentifierNode : Node {
  std::string ident;
  IdentifierNode(int p, std::string i) : Node(NodeType::kIdentifier, p), ident(std::move(i)) {}
  void Write(std::string& out) const override { out += ident; }
};

struct DotNode : Node {
  explicit DotNode(int p) : Node(NodeType::kDot, p) {}
  void Write(std::string& out) const override { out += '.'; }
};

struct NilNode : Node {
  explicit NilNode(int p) : Node(NodeType::kNil, p) {}
  void Write(std::string& out) const override { out += "nil"; }
};

struct FieldNode : Node {
  std::vector<std::string> ident;  // without the dots
  FieldNode(int p, std::vector<std::string> i) : Node(NodeType::kField, p), ident(std::move(i)) {}
  void Write(std::string& out) const override {
    for (const auto& id : ident) {
      out += '.';
      out += id;
    }
  }
};

struct ChainNode : Node {
  NodePtr node;
  std::vector<std::string> field;
  ChainNode(int p, NodePtr n) : Node(NodeType::kChain, p), node(std::move(n)) {}
  void Write(std::string& out) const override {
    if (node->type == NodeType::kPipe) {
      out += '(';
      node->Write(out);
      out += ')';
    } else {
      node->Write(out);
    }
    for (const auto& f : field) {
      out += '.';
      out += f;
    }
  }
};

struct BoolNode : Node {
  bool value;
  BoolNode(int p, bool v) : Node(NodeType::kBool, p), value(v) {}
  void Write(std::string& out) const override { out += value ? "true" : "false"; }
};

struct NumberNode : Node {
  bool is_int = false, is_uint = false, is_float = false;
  int64_t int64 = 0;
  uint64_t uint64 = 0;
  double float64 = 0;
  std::string text;
  NumberNode(int p, std::string t) : Node(NodeType::kNumber, p), text(std::move(t)) {}
  void Write(std::string& out) const override { out += text; }
};

struct StringNode : Node {
  std::string quoted;
  std::string text;
  StringNode(int p, std::string q, std::string t)
      : Node(NodeType::kString, p), quoted(std::move(q)), text(std::move(t)) {}
  void Write(std::string& out) const override { out += quoted; }
};

struct BranchNode : Node {
  int line = 0;
  std::unique_ptr<PipeNode> pipe;
  std::unique_ptr<ListNode> list;
  std::unique_ptr<ListNode> else_list;
  BranchNode(NodeType t, int p, int l) : Node(t, p), line(l) {}
  void Write(std::string& out) const override {
    const char* name = type == NodeType::kIf ? "if" : type == NodeType::kRange ? "range" : "with";
    out += "{{";
    out += name;
    out += ' ';
    pipe->Write(out);
    out += "}}";
    list->Write(out);
    if (else_list) {
      out += "{{else}}";
      else_list->Write(out);
    }
    out += "{{end}}";
  }
};

struct TemplateNode : Node {
  int line = 0;
  std::string name;
  std::unique_ptr<PipeNode> pipe;  // may be null
  TemplateNode(int p, int l, std::string n, std::unique_ptr<PipeNode> pp)
      : Node(NodeType::kTemplate, p), line(l), name(std::move(n)), pipe(std::move(pp)) {}
  void Write(std::string& out) const override;
};

struct SimpleNode : Node {  // break, continue, else, end
  int line = 0;
  SimpleNode(NodeType t, int p, int l) : Node(t, p), line(l) {}
  void Write(std::string& out) const override {
    switch (type) {
      case NodeType::kBreak:
        out += "{{break}}";
        break;
      case NodeType::kContinue:
        out += "{{continue}}";
        break;
      case NodeType::kElse:
        out += "{{else}}";
        break;
      default:
        out += "{{end}}";
        break;
    }
  }
};

// One named template: its root list and the text it was parsed from (for
// line:column in errors).
struct Tree {
  std::string name;
  std::string parse_name;  // the top-level template's name, for messages
  std::shared_ptr<const std::string> text;
  std::unique_ptr<ListNode> root;
};

// Parses `text` into `trees` (the main template under `name` plus every
// define/block). Error: InvalidArgument with Go's message.
Status ParseTemplates(std::string_view name, std::string_view text, const ParseOptions& options,
                      std::map<std::string, std::unique_ptr<Tree>, std::less<>>& trees);

// Whether `n` holds nothing but space and comments (Go's IsEmptyTree).
bool IsEmptyTree(const Node* n);

// The maximum nesting of parentheses and control structures the parser
// accepts; keeps parsing and execution within the thread's stack.
inline constexpr int kMaxParseDepth = 1000;

}  // namespace ember::tmpl::internal
