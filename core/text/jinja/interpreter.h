#pragma once
// Runs a parsed template: a tree-walking interpreter with Jinja2's scoping (a for-loop
// iteration and a macro call get their own scope; if-blocks do not), Python value
// semantics, and hard limits so a hostile or broken template ends with a TemplateError
// naming its line and column instead of hanging or exhausting memory:
//   - every expression and statement evaluated costs one step (max_steps),
//   - everything written, and every string or list built, counts against max_output bytes,
//   - macro calls nest at most max_call_depth deep (the parser already caps nesting).
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/text/jinja/ast.h"
#include "core/text/jinja/value.h"

namespace tunesmith::text::jinja {

struct RenderLimits {
  std::uint64_t max_steps = 5'000'000;
  std::size_t max_output = 64u << 20;  // bytes
  int max_call_depth = 100;
  double max_seconds = 10.0;  // wall clock, a backstop for steps that are slow on their own
};

// What the template sees besides its variables.
struct RenderEnvironment {
  // The time strftime_now() formats (UTC); unset means the real clock.
  std::optional<std::chrono::system_clock::time_point> now;
};

// A variable scope; shared because macros keep the scope they were defined in.
struct Frame {
  std::shared_ptr<Frame> parent;
  std::vector<std::pair<std::string, Value>> vars;
  const Value* find(std::string_view name) const;
  void set(const std::string& name, Value v);
};

// The rendered text, with the spans copied from tracked sources (see Value::from_messages).
struct RenderOutput {
  std::string text;
  std::vector<Origin> origins;
};

class Interpreter {
 public:
  Interpreter(RenderLimits limits, RenderEnvironment env);

  // `variables` are the template's globals (messages, bos_token, ...).
  RenderOutput render(const Program& program, const std::vector<std::pair<std::string, Value>>& variables);

  // For the built-in filters, tests and functions.
  Value call(const Value& callee, CallArgs& args);
  Value filter(const std::string& name, const Value& input, CallArgs& args);
  bool test(const std::string& name, const Value& input, CallArgs& args);
  // Throws ValueError when a value of `bytes` would exceed the output limit.
  void check_size(std::size_t bytes);
  void charge_steps(std::uint64_t n);
  std::chrono::system_clock::time_point now() const;

 private:
  enum class Flow { kNormal, kBreak, kContinue };

  Flow exec(const Body& body, const std::shared_ptr<Frame>& frame);
  Flow exec_stmt(const Stmt& s, const std::shared_ptr<Frame>& frame);
  Flow exec_for(const Stmt& s, const std::shared_ptr<Frame>& frame);
  void exec_set(const Stmt& s, const Value& v, const std::shared_ptr<Frame>& frame);
  Value make_macro(const Stmt& s, const std::shared_ptr<Frame>& frame, const std::string& name);
  Value render_body(const Body& body, const std::shared_ptr<Frame>& frame);
  Value eval(const Expr& e, const std::shared_ptr<Frame>& frame);
  Value eval_impl(const Expr& e, const std::shared_ptr<Frame>& frame);
  Value eval_call(const Expr& e, const std::shared_ptr<Frame>& frame, const Value* caller);
  Value apply_filter_expr(const Expr& e, const Value& input, const std::shared_ptr<Frame>& frame);
  void collect_args(const Expr& e, const std::shared_ptr<Frame>& frame, CallArgs& args);
  void write(const Value& v, const SourcePos& pos);
  void step(const SourcePos& pos);

  RenderLimits limits_;
  RenderEnvironment env_;
  std::uint64_t steps_ = 0;
  std::chrono::steady_clock::time_point deadline_;
  std::size_t written_ = 0;
  int call_depth_ = 0;
  std::vector<StringBuilder> out_;
  SourcePos last_pos_;
};

// Whether statements mention the name `loop` (a for loop builds loop.* only then).
bool mentions_loop(const Body& body);

// Attribute and item access with Jinja2's sandbox rules (x.y tries the attribute, then
// the item; x[y] the other way round; what is missing is Undefined).
Value get_attr(const Value& obj, const std::string& name);
Value get_item(const Value& obj, const Value& key);
// Python slicing; start/stop/step may be None.
Value slice(const Value& obj, const Value& start, const Value& stop, const Value& step);
// A bound method of a str, dict or list (Python's), or Undefined.
Value get_method(const Value& obj, const std::string& name);
bool has_filter(const std::string& name);
bool has_test(const std::string& name);
Value apply_filter(Interpreter& in, const std::string& name, const Value& input, CallArgs& args);
bool apply_test(Interpreter& in, const std::string& name, const Value& input, CallArgs& args);
// range, namespace, dict, raise_exception, strftime_now.
std::vector<std::pair<std::string, Value>> builtin_globals();
// Python's `in`.
bool contains(const Value& container, const Value& item);
// Python binary operators + - * / // % ** on values.
Value binary_op(const std::string& op, const Value& a, const Value& b, Interpreter& in);

}  // namespace tunesmith::text::jinja
