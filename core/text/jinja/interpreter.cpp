#include "core/text/jinja/interpreter.h"

#include <algorithm>

namespace tunesmith::text::jinja {

// ---- Frame ---------------------------------------------------------------------------------

const Value* Frame::find(std::string_view name) const {
  for (const Frame* f = this; f; f = f->parent.get())
    for (const auto& [k, v] : f->vars)
      if (k == name) return &v;
  return nullptr;
}

void Frame::set(const std::string& name, Value v) {
  for (auto& [k, old] : vars) {
    if (k == name) {
      old = std::move(v);
      return;
    }
  }
  vars.emplace_back(name, std::move(v));
}

namespace {

// Control flow out of a loop body, and errors that already carry their position.
struct LoopControl {};

std::shared_ptr<Frame> child(const std::shared_ptr<Frame>& parent) {
  auto f = std::make_shared<Frame>();
  f->parent = parent;
  return f;
}

bool mentions_loop(const Expr* e) {
  if (!e) return false;
  if (e->kind == ExprKind::kName && e->name == "loop") return true;
  if (mentions_loop(e->target.get())) return true;
  for (const auto& a : e->args)
    if (mentions_loop(a.get())) return true;
  for (const auto& kv : e->kwargs)
    if (mentions_loop(kv.second.get())) return true;
  return false;
}

}  // namespace

bool mentions_loop(const Body& body) {
  for (const auto& s : body) {
    if (mentions_loop(s->expr.get()) || mentions_loop(s->condition.get())) return true;
    for (const auto& p : s->params)
      if (mentions_loop(p.second.get())) return true;
    for (const auto& [cond, b] : s->branches)
      if (mentions_loop(cond.get()) || mentions_loop(b)) return true;
    if (mentions_loop(s->body) || mentions_loop(s->else_body)) return true;
  }
  return false;
}

// ---- Interpreter -----------------------------------------------------------------------------

Interpreter::Interpreter(RenderLimits limits, RenderEnvironment env) : limits_(limits), env_(std::move(env)) {}

std::chrono::system_clock::time_point Interpreter::now() const {
  return env_.now ? *env_.now : std::chrono::system_clock::now();
}

void Interpreter::step(const SourcePos& pos) {
  last_pos_ = pos;
  if (++steps_ > limits_.max_steps)
    throw TemplateError(pos.line, pos.column,
                        "template exceeded the step limit (" + std::to_string(limits_.max_steps) +
                            " steps): it loops too long or forever");
  if ((steps_ & 4095) == 0 && std::chrono::steady_clock::now() > deadline_)
    throw TemplateError(pos.line, pos.column,
                        "template exceeded the time limit (" + std::to_string(limits_.max_seconds) + " s)");
}

void Interpreter::charge_steps(std::uint64_t n) {
  steps_ += n;
  if (steps_ > limits_.max_steps)
    throw ValueError("template exceeded the step limit (" + std::to_string(limits_.max_steps) +
                     " steps): it loops too long or forever");
}

void Interpreter::check_size(std::size_t bytes) {
  if (bytes > limits_.max_output)
    throw ValueError("template output exceeded the size limit (" + std::to_string(limits_.max_output) + " bytes)");
}

RenderOutput Interpreter::render(const Program& program,
                                 const std::vector<std::pair<std::string, Value>>& variables) {
  deadline_ = std::chrono::steady_clock::now() +
              std::chrono::microseconds(static_cast<std::int64_t>(limits_.max_seconds * 1e6));
  auto root = std::make_shared<Frame>();
  root->vars = builtin_globals();
  for (const auto& [k, v] : variables) root->set(k, v);
  auto top = child(root);
  out_.clear();
  out_.emplace_back();
  exec(program.body, top);
  RenderOutput r;
  r.origins = out_.back().origins();
  r.text = std::move(out_.back().text());
  return r;
}

void Interpreter::write(const Value& v, const SourcePos& pos) {
  std::size_t n = v.is_string() ? v.str().size() : 0;
  if (!v.is_string()) {
    Value s = Value(v.to_str());
    n = s.str().size();
    written_ += n;
    if (written_ > limits_.max_output)
      throw TemplateError(pos.line, pos.column,
                          "template output exceeded the size limit (" + std::to_string(limits_.max_output) + " bytes)");
    out_.back().append(s);
    return;
  }
  written_ += n;
  if (written_ > limits_.max_output)
    throw TemplateError(pos.line, pos.column,
                        "template output exceeded the size limit (" + std::to_string(limits_.max_output) + " bytes)");
  out_.back().append(v);
}

Interpreter::Flow Interpreter::exec(const Body& body, const std::shared_ptr<Frame>& frame) {
  for (const auto& s : body) {
    Flow f = exec_stmt(*s, frame);
    if (f != Flow::kNormal) return f;
  }
  return Flow::kNormal;
}

Value Interpreter::render_body(const Body& body, const std::shared_ptr<Frame>& frame) {
  out_.emplace_back();
  try {
    exec(body, frame);
  } catch (...) {
    out_.pop_back();
    throw;
  }
  Value v = out_.back().build();
  out_.pop_back();
  return v;
}

Interpreter::Flow Interpreter::exec_stmt(const Stmt& s, const std::shared_ptr<Frame>& frame) {
  step(s.pos);
  switch (s.kind) {
    case StmtKind::kData: {
      written_ += s.text.size();
      if (written_ > limits_.max_output)
        throw TemplateError(s.pos.line, s.pos.column,
                            "template output exceeded the size limit (" + std::to_string(limits_.max_output) +
                                " bytes)");
      out_.back().append(std::string_view(s.text));
      return Flow::kNormal;
    }
    case StmtKind::kOutput:
      write(eval(*s.expr, frame), s.expr->pos);
      return Flow::kNormal;
    case StmtKind::kIf:
      for (const auto& [cond, body] : s.branches) {
        if (!cond || eval(*cond, frame).truthy()) return exec(body, frame);
      }
      return Flow::kNormal;
    case StmtKind::kFor:
      return exec_for(s, frame);
    case StmtKind::kSet:
      exec_set(s, eval(*s.expr, frame), frame);
      return Flow::kNormal;
    case StmtKind::kSetBlock: {
      Value v = render_body(s.body, frame);
      if (s.expr) v = apply_filter_expr(*s.expr, v, frame);
      exec_set(s, v, frame);
      return Flow::kNormal;
    }
    case StmtKind::kMacro:
      frame->set(s.name, make_macro(s, frame, s.name));
      return Flow::kNormal;
    case StmtKind::kCallBlock: {
      Value caller = make_macro(s, frame, "caller");
      write(eval_call(*s.expr, frame, &caller), s.pos);
      return Flow::kNormal;
    }
    case StmtKind::kFilterBlock: {
      Value v = render_body(s.body, frame);
      write(apply_filter_expr(*s.expr, v, frame), s.pos);
      return Flow::kNormal;
    }
    case StmtKind::kBreak:
      return Flow::kBreak;
    case StmtKind::kContinue:
      return Flow::kContinue;
    case StmtKind::kGeneration:
      return exec(s.body, frame);
  }
  return Flow::kNormal;
}

namespace {

void bind_target(const Target& t, const Value& v, Frame& frame) {
  if (!t.unpack) {
    frame.set(t.names[0], v);
    return;
  }
  std::vector<Value> items = v.iterate();
  if (items.size() != t.names.size())
    throw ValueError(items.size() > t.names.size()
                         ? "too many values to unpack (expected " + std::to_string(t.names.size()) + ")"
                         : "not enough values to unpack (expected " + std::to_string(t.names.size()) + ", got " +
                               std::to_string(items.size()) + ")");
  for (std::size_t i = 0; i < items.size(); ++i) frame.set(t.names[i], items[i]);
}

}  // namespace

Interpreter::Flow Interpreter::exec_for(const Stmt& s, const std::shared_ptr<Frame>& frame) {
  if (s.recursive) throw TemplateError(s.pos.line, s.pos.column, "recursive for loops are not supported");
  Value iterable = eval(*s.expr, frame);
  std::vector<Value> items;
  try {
    if (iterable.is_none() || iterable.is_number() || iterable.is_function() || iterable.is_namespace())
      throw ValueError(std::string("'") + iterable.type_name() + "' object is not iterable");
    items = iterable.iterate();
    if (s.condition) {
      std::vector<Value> kept;
      for (auto& item : items) {
        auto f = child(frame);
        bind_target(s.target, item, *f);
        if (eval(*s.condition, f).truthy()) kept.push_back(std::move(item));
      }
      items = std::move(kept);
    }
  } catch (const ValueError& e) {
    throw TemplateError(s.expr->pos.line, s.expr->pos.column, e.what());
  }
  if (items.empty()) {
    if (!s.else_body.empty()) return exec(s.else_body, child(frame)) == Flow::kBreak ? Flow::kNormal : Flow::kNormal;
    return Flow::kNormal;
  }
  if (s.uses_loop < 0) s.uses_loop = mentions_loop(s.body) || mentions_loop(s.else_body) ? 1 : 0;
  const auto n = static_cast<std::int64_t>(items.size());
  for (std::int64_t i = 0; i < n; ++i) {
    auto f = child(frame);
    try {
      bind_target(s.target, items[static_cast<std::size_t>(i)], *f);
    } catch (const ValueError& e) {
      throw TemplateError(s.pos.line, s.pos.column, e.what());
    }
    if (!s.uses_loop) {
      if (exec(s.body, f) == Flow::kBreak) break;
      continue;
    }
    auto loop = std::make_shared<DictData>();
    loop->items.reserve(12);
    loop->items.emplace_back("index", Value(i + 1));
    loop->items.emplace_back("index0", Value(i));
    loop->items.emplace_back("revindex", Value(n - i));
    loop->items.emplace_back("revindex0", Value(n - i - 1));
    loop->items.emplace_back("first", Value(i == 0));
    loop->items.emplace_back("last", Value(i == n - 1));
    loop->items.emplace_back("length", Value(n));
    loop->items.emplace_back("depth", Value(1));
    loop->items.emplace_back("depth0", Value(0));
    loop->items.emplace_back("previtem", i > 0 ? items[static_cast<std::size_t>(i - 1)] : Value::undefined("loop.previtem"));
    loop->items.emplace_back("nextitem", i + 1 < n ? items[static_cast<std::size_t>(i + 1)] : Value::undefined("loop.nextitem"));
    loop->items.emplace_back("cycle", Value::function("loop.cycle", [i](CallArgs& a, Interpreter&) -> Value {
      if (a.positional.empty()) throw ValueError("no items for cycling given");
      return a.positional[static_cast<std::size_t>(i) % a.positional.size()];
    }));
    loop->is_namespace = false;
    f->set("loop", Value::dict(std::move(loop)));
    Flow flow = exec(s.body, f);
    if (flow == Flow::kBreak) break;
  }
  return Flow::kNormal;
}

void Interpreter::exec_set(const Stmt& s, const Value& v, const std::shared_ptr<Frame>& frame) {
  const Target& t = s.target;
  if (!t.attribute.empty()) {
    const Value* ns = frame->find(t.names[0]);
    if (!ns || !ns->is_namespace())
      throw TemplateError(s.pos.line, s.pos.column, "cannot assign attribute on non-namespace object '" + t.names[0] + "'");
    ns->dict_data()->set(t.attribute, v);
    return;
  }
  try {
    bind_target(t, v, *frame);
  } catch (const ValueError& e) {
    throw TemplateError(s.pos.line, s.pos.column, e.what());
  }
}

Value Interpreter::make_macro(const Stmt& s, const std::shared_ptr<Frame>& frame, const std::string& name) {
  const Stmt* def = &s;
  std::weak_ptr<Frame> weak = frame;  // a macro stored in its own scope must not keep it alive forever
  std::shared_ptr<Frame> strong = name == "caller" ? frame : nullptr;
  return Value::function(name, [this, def, weak, strong, name](CallArgs& args, Interpreter&) -> Value {
    std::shared_ptr<Frame> scope = strong ? strong : weak.lock();
    if (!scope) throw ValueError("macro '" + name + "' called after its scope ended");
    if (call_depth_ >= limits_.max_call_depth)
      throw ValueError("maximum recursion depth exceeded: macro calls nested more than " +
                       std::to_string(limits_.max_call_depth) + " deep");
    auto f = child(scope);
    std::vector<bool> bound(def->params.size(), false);
    std::vector<Value> varargs;
    for (std::size_t i = 0; i < args.positional.size(); ++i) {
      if (i < def->params.size()) {
        f->set(def->params[i].first, args.positional[i]);
        bound[i] = true;
      } else {
        varargs.push_back(args.positional[i]);
      }
    }
    auto kwargs = std::make_shared<DictData>();
    Value caller;
    for (auto& [k, v] : args.named) {
      bool found = false;
      for (std::size_t i = 0; i < def->params.size(); ++i) {
        if (def->params[i].first == k) {
          if (bound[i]) throw ValueError("macro '" + name + "' got multiple values for argument '" + k + "'");
          f->set(k, v);
          bound[i] = true;
          found = true;
        }
      }
      if (found) continue;
      if (k == "caller") caller = v;
      else kwargs->set(k, v);
    }
    for (std::size_t i = 0; i < def->params.size(); ++i) {
      if (bound[i]) continue;
      const auto& [pname, pdefault] = def->params[i];
      f->set(pname, pdefault ? eval(*pdefault, f) : Value::undefined(pname));
    }
    f->set("varargs", Value::list(std::move(varargs), true));
    f->set("kwargs", Value::dict(std::move(kwargs)));
    if (!caller.is_undefined()) f->set("caller", caller);
    ++call_depth_;
    struct Restore {
      int& d;
      ~Restore() { --d; }
    } restore{call_depth_};
    return render_body(def->body, f);
  });
}

Value Interpreter::call(const Value& callee, CallArgs& args) {
  if (callee.is_function()) return callee.fn().call(args, *this);
  if (callee.is_undefined()) throw ValueError("'" + callee.undefined_hint() + "' is undefined");
  throw ValueError(std::string("'") + callee.type_name() + "' object is not callable");
}

Value Interpreter::filter(const std::string& name, const Value& input, CallArgs& args) {
  return apply_filter(*this, name, input, args);
}

bool Interpreter::test(const std::string& name, const Value& input, CallArgs& args) {
  return apply_test(*this, name, input, args);
}

void Interpreter::collect_args(const Expr& e, const std::shared_ptr<Frame>& frame, CallArgs& args) {
  args.positional.reserve(e.args.size());
  for (const auto& a : e.args) args.positional.push_back(eval(*a, frame));
  for (const auto& [k, a] : e.kwargs) args.named.emplace_back(k, eval(*a, frame));
}

Value Interpreter::apply_filter_expr(const Expr& e, const Value& input, const std::shared_ptr<Frame>& frame) {
  // A filter chain `| a | b(x)` parsed with a null innermost target.
  Value v = e.target ? apply_filter_expr(*e.target, input, frame) : input;
  CallArgs args;
  collect_args(e, frame, args);
  try {
    return apply_filter(*this, e.name, v, args);
  } catch (const ValueError& err) {
    throw TemplateError(e.pos.line, e.pos.column, err.what());
  }
}

Value Interpreter::eval_call(const Expr& e, const std::shared_ptr<Frame>& frame, const Value* caller) {
  Value callee = eval(*e.target, frame);
  CallArgs args;
  collect_args(e, frame, args);
  if (caller) args.named.emplace_back("caller", *caller);
  try {
    return call(callee, args);
  } catch (const ValueError& err) {
    throw TemplateError(e.pos.line, e.pos.column, err.what());
  }
}

Value Interpreter::eval(const Expr& e, const std::shared_ptr<Frame>& frame) {
  step(e.pos);
  try {
    return eval_impl(e, frame);
  } catch (const ValueError& err) {
    throw TemplateError(e.pos.line, e.pos.column, err.what());
  }
}

Value Interpreter::eval_impl(const Expr& e, const std::shared_ptr<Frame>& frame) {
  switch (e.kind) {
    case ExprKind::kConst:
      return e.value;
    case ExprKind::kName: {
      const Value* v = frame->find(e.name);
      return v ? *v : Value::undefined(e.name);
    }
    case ExprKind::kList:
    case ExprKind::kTuple: {
      std::vector<Value> items;
      items.reserve(e.args.size());
      for (const auto& a : e.args) items.push_back(eval(*a, frame));
      return Value::list(std::move(items), e.kind == ExprKind::kTuple);
    }
    case ExprKind::kDict: {
      auto d = std::make_shared<DictData>();
      for (std::size_t i = 0; i + 1 < e.args.size(); i += 2) {
        Value k = eval(*e.args[i], frame);
        if (!k.is_string()) throw ValueError("only string keys are supported in dict literals");
        d->set(k.str(), eval(*e.args[i + 1], frame));
      }
      return Value::dict(std::move(d));
    }
    case ExprKind::kGetattr:
      return get_attr(eval(*e.target, frame), e.name);
    case ExprKind::kGetitem: {
      Value obj = eval(*e.target, frame);
      const Expr& key = *e.args[0];
      if (key.kind == ExprKind::kSlice) {
        auto part = [&](std::size_t i) { return key.args[i] ? eval(*key.args[i], frame) : Value::none(); };
        return slice(obj, part(0), part(1), part(2));
      }
      return get_item(obj, eval(key, frame));
    }
    case ExprKind::kSlice:
      throw ValueError("a slice is only valid inside []");
    case ExprKind::kCall:
      return eval_call(e, frame, nullptr);
    case ExprKind::kFilter: {
      Value input = e.target ? eval(*e.target, frame) : Value::undefined();
      CallArgs args;
      collect_args(e, frame, args);
      return apply_filter(*this, e.name, input, args);
    }
    case ExprKind::kTest: {
      Value input = eval(*e.target, frame);
      CallArgs args;
      collect_args(e, frame, args);
      return Value(apply_test(*this, e.name, input, args));
    }
    case ExprKind::kUnary: {
      Value v = eval(*e.args[0], frame);
      if (v.is_undefined()) throw ValueError("'" + v.undefined_hint() + "' is undefined");
      if (!v.is_number()) throw ValueError(std::string("bad operand type for unary ") + e.name + ": '" + v.type_name() + "'");
      if (e.name == "+") return v.is_float() ? v : Value(v.as_int());
      if (v.is_float()) return Value(-v.as_float());
      if (v.as_int() == INT64_MIN) throw ValueError("integer overflow");
      return Value(-v.as_int());
    }
    case ExprKind::kBinary:
      return binary_op(e.name, eval(*e.args[0], frame), eval(*e.args[1], frame), *this);
    case ExprKind::kConcat: {
      StringBuilder sb;
      for (const auto& a : e.args) {
        Value v = eval(*a, frame);
        sb.append(v.as_string_value());
        check_size(sb.size());
      }
      return sb.build();
    }
    case ExprKind::kCompare: {
      Value left = eval(*e.args[0], frame);
      for (std::size_t i = 0; i < e.ops.size(); ++i) {
        Value right = eval(*e.args[i + 1], frame);
        const std::string& op = e.ops[i];
        bool r;
        if (op == "==") r = left == right;
        else if (op == "!=") r = !(left == right);
        else if (op == "<") r = Value::less(left, right);
        else if (op == ">") r = Value::less(right, left);
        else if (op == "<=") r = Value::less(left, right) || left == right;
        else if (op == ">=") r = Value::less(right, left) || left == right;
        else if (op == "in") r = contains(right, left);
        else r = !contains(right, left);
        if (!r) return Value(false);
        left = std::move(right);
      }
      return Value(true);
    }
    case ExprKind::kAnd: {
      Value a = eval(*e.args[0], frame);
      return a.truthy() ? eval(*e.args[1], frame) : a;
    }
    case ExprKind::kOr: {
      Value a = eval(*e.args[0], frame);
      return a.truthy() ? a : eval(*e.args[1], frame);
    }
    case ExprKind::kNot:
      return Value(!eval(*e.args[0], frame).truthy());
    case ExprKind::kCondExpr:
      if (eval(*e.args[0], frame).truthy()) return eval(*e.args[1], frame);
      if (e.args[2]) return eval(*e.args[2], frame);
      return Value::undefined("inline if without else");
  }
  return Value();
}

}  // namespace tunesmith::text::jinja
