#pragma once
// The parse tree of a template: expressions and statements, each with its source position.
// One node struct per family, its fields used as the comment on each kind says.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/text/jinja/error.h"
#include "core/text/jinja/value.h"

namespace tunesmith::text::jinja {

struct Expr;
struct Stmt;
using ExprPtr = std::unique_ptr<Expr>;
using StmtPtr = std::unique_ptr<Stmt>;
using Body = std::vector<StmtPtr>;

enum class ExprKind {
  kConst,     // value
  kName,      // name
  kList,      // args = items
  kTuple,     // args = items
  kDict,      // args = key0, value0, key1, value1, ...
  kGetattr,   // target.name
  kGetitem,   // target[args[0]]  (args[0] may be a kSlice)
  kSlice,     // args = start, stop, step (each may be null)
  kCall,      // target(args..., kwargs...)
  kFilter,    // target | name(args..., kwargs...); target is null inside {% filter %}
  kTest,      // target is name(args...); negated by a kNot around it
  kUnary,     // name ("-" or "+") args[0]
  kBinary,    // args[0] name args[1]; name in + - * / // % **
  kConcat,    // args joined with ~
  kCompare,   // args[0] ops[0] args[1] ops[1] args[2] ...; ops: == != < <= > >= in notin
  kAnd,       // args[0] and args[1]
  kOr,        // args[0] or args[1]
  kNot,       // not args[0]
  kCondExpr,  // args[1] if args[0] else args[2] (args[2] may be null)
};

struct Expr {
  ExprKind kind = ExprKind::kConst;
  SourcePos pos;
  Value value;
  std::string name;
  ExprPtr target;
  std::vector<ExprPtr> args;
  std::vector<std::pair<std::string, ExprPtr>> kwargs;
  std::vector<std::string> ops;
};

// An assignment target: a name, a tuple of names (unpacking), or namespace.attribute.
struct Target {
  std::vector<std::string> names;
  bool unpack = false;
  std::string attribute;  // set: names[0].attribute = ...
};

enum class StmtKind {
  kData,         // text
  kOutput,       // {{ expr }}
  kIf,           // branches: (condition, body)...; the else branch has a null condition
  kFor,          // for target in expr [if condition] body [else else_body]
  kSet,          // set target = expr
  kSetBlock,     // set target [| filter] body endset; expr = the filter chain (kFilter, target null) or null
  kMacro,        // macro name(params) body
  kCallBlock,    // call(params) expr body: body becomes caller()
  kFilterBlock,  // filter expr body
  kBreak,
  kContinue,
  kGeneration,   // transformers' {% generation %} body: rendered unchanged
};

struct Stmt {
  StmtKind kind = StmtKind::kData;
  SourcePos pos;
  std::string text;
  ExprPtr expr;
  ExprPtr condition;  // kFor: the loop filter
  Target target;
  std::string name;                                   // kMacro
  std::vector<std::pair<std::string, ExprPtr>> params;  // kMacro, kCallBlock: name and default (may be null)
  std::vector<std::pair<ExprPtr, Body>> branches;     // kIf
  Body body;
  Body else_body;
  bool recursive = false;  // kFor (not supported at run time)
  mutable signed char uses_loop = -1;  // kFor: whether the body mentions `loop` (-1: not yet known)
};

struct Program {
  Body body;
};

}  // namespace tunesmith::text::jinja
