#include "core/text/jinja/parser.h"

#include <initializer_list>

#include "core/text/jinja/lexer.h"

namespace tunesmith::text::jinja {
namespace {

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : toks_(std::move(tokens)) {}

  Program run() {
    Program p;
    p.body = subparse({}, nullptr);
    return p;
  }

 private:
  // ---- token stream ----
  const Token& cur() const { return toks_[i_]; }
  const Token& look() const { return toks_[i_ + 1 < toks_.size() ? i_ + 1 : i_]; }
  Token next() {
    Token t = toks_[i_];
    if (i_ + 1 < toks_.size()) ++i_;
    return t;
  }
  bool is_op(const char* op) const { return cur().kind == Tok::kOp && cur().text == op; }
  bool is_name(const char* name) const { return cur().kind == Tok::kName && cur().text == name; }
  bool skip_op(const char* op) {
    if (!is_op(op)) return false;
    next();
    return true;
  }
  bool skip_name(const char* name) {
    if (!is_name(name)) return false;
    next();
    return true;
  }

  static std::string describe(const Token& t) {
    switch (t.kind) {
      case Tok::kData: return "template data";
      case Tok::kVarBegin: return "'{{'";
      case Tok::kVarEnd: return "end of print statement";
      case Tok::kBlockBegin: return "'{%'";
      case Tok::kBlockEnd: return "end of statement block";
      case Tok::kName: return "'" + t.text + "'";
      case Tok::kString: return "string";
      case Tok::kInt: return "integer";
      case Tok::kFloat: return "float";
      case Tok::kOp: return "'" + t.text + "'";
      case Tok::kEof: return "end of template";
    }
    return "token";
  }

  [[noreturn]] void fail(const SourcePos& pos, const std::string& message) const {
    throw TemplateError(pos.line, pos.column, message);
  }
  [[noreturn]] void fail_here(const std::string& message) const { fail(cur().pos, message); }

  void expect_op(const char* op) {
    if (!skip_op(op)) fail_here(std::string("expected '") + op + "', got " + describe(cur()));
  }
  void expect(Tok kind, const char* what) {
    if (cur().kind != kind) fail_here(std::string("expected ") + what + ", got " + describe(cur()));
    next();
  }
  std::string expect_name() {
    if (cur().kind != Tok::kName) fail_here("expected a name, got " + describe(cur()));
    return next().text;
  }

  struct DepthGuard {
    DepthGuard(Parser& p) : p_(p) {  // NOLINT
      if (++p_.depth_ > kMaxNesting) p_.fail_here("template nested too deeply");
    }
    ~DepthGuard() { --p_.depth_; }
    Parser& p_;
  };

  ExprPtr make(ExprKind kind, const SourcePos& pos) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->pos = pos;
    return e;
  }

  // ---- statements ----

  // Parses until one of `end_names` starts a block tag (left as the current token), or EOF.
  // `opener` names the tag being closed for the EOF error.
  Body subparse(std::initializer_list<const char*> end_names, const Token* opener) {
    DepthGuard guard(*this);
    Body body;
    for (;;) {
      const Token& t = cur();
      if (t.kind == Tok::kEof) {
        if (opener) {
          std::string expected;
          for (const char* n : end_names) expected += std::string(expected.empty() ? "" : " or ") + "'" + n + "'";
          fail(opener->pos, "unexpected end of template: '" + opener->text + "' block is never closed (expected " +
                                expected + ")");
        }
        return body;
      }
      if (t.kind == Tok::kData) {
        auto s = std::make_unique<Stmt>();
        s->kind = StmtKind::kData;
        s->pos = t.pos;
        s->text = t.text;
        body.push_back(std::move(s));
        next();
      } else if (t.kind == Tok::kVarBegin) {
        auto s = std::make_unique<Stmt>();
        s->kind = StmtKind::kOutput;
        s->pos = t.pos;
        next();
        s->expr = parse_tuple(false, true, {}, false);
        expect(Tok::kVarEnd, "'}}'");
        body.push_back(std::move(s));
      } else if (t.kind == Tok::kBlockBegin) {
        next();
        if (cur().kind == Tok::kName)
          for (const char* n : end_names)
            if (cur().text == n) return body;
        if (StmtPtr s = parse_statement()) body.push_back(std::move(s));
      } else {
        fail_here("unexpected " + describe(t));
      }
    }
  }

  // After the tag's arguments: '%}' then the body up to one of end_names.
  Body parse_statements(std::initializer_list<const char*> end_names, const Token& opener, bool drop_needle) {
    expect(Tok::kBlockEnd, "'%}'");
    Body body = subparse(end_names, &opener);
    if (drop_needle) {
      next();  // the end name
      expect(Tok::kBlockEnd, "'%}'");
    }
    return body;
  }

  StmtPtr new_stmt(StmtKind kind, const Token& tag) {
    auto s = std::make_unique<Stmt>();
    s->kind = kind;
    s->pos = tag.pos;
    return s;
  }

  StmtPtr parse_statement() {
    DepthGuard guard(*this);
    if (cur().kind != Tok::kName) fail_here("expected a tag name, got " + describe(cur()));
    const Token tag = cur();
    const std::string& n = tag.text;
    if (n == "for") return parse_for();
    if (n == "if") return parse_if();
    if (n == "set") return parse_set();
    if (n == "macro") return parse_macro();
    if (n == "call") return parse_call_block();
    if (n == "filter") return parse_filter_block();
    if (n == "generation") {
      next();
      auto s = new_stmt(StmtKind::kGeneration, tag);
      s->body = parse_statements({"endgeneration"}, tag, true);
      return s;
    }
    if (n == "break" || n == "continue") {
      next();
      if (loop_depth_ == 0) fail(tag.pos, "'" + n + "' outside of a loop");
      auto s = new_stmt(n == "break" ? StmtKind::kBreak : StmtKind::kContinue, tag);
      expect(Tok::kBlockEnd, "'%}'");
      return s;
    }
    if (n == "print") {
      next();
      auto s = new_stmt(StmtKind::kOutput, tag);
      s->expr = parse_tuple(false, true, {}, false);
      expect(Tok::kBlockEnd, "'%}'");
      return s;
    }
    if (n == "extends" || n == "include" || n == "import" || n == "from" || n == "block" || n == "with" ||
        n == "autoescape" || n == "do")
      fail(tag.pos, "the '" + n + "' tag is not supported in chat templates");
    fail(tag.pos, "unknown tag '" + n + "'");
  }

  StmtPtr parse_for() {
    const Token tag = next();
    auto s = new_stmt(StmtKind::kFor, tag);
    s->target = parse_assign_target(true, "in");
    if (!skip_name("in")) fail_here("expected 'in', got " + describe(cur()));
    s->expr = parse_tuple(false, false, "recursive", false);
    if (skip_name("if")) s->condition = parse_expression(true);
    s->recursive = skip_name("recursive");
    ++loop_depth_;
    s->body = parse_statements({"endfor", "else"}, tag, false);
    --loop_depth_;
    bool has_else = cur().text == "else";
    next();
    if (has_else) {
      s->else_body = parse_statements({"endfor"}, tag, true);
    } else {
      expect(Tok::kBlockEnd, "'%}'");
    }
    return s;
  }

  StmtPtr parse_if() {
    const Token tag = next();
    auto s = new_stmt(StmtKind::kIf, tag);
    ExprPtr cond = parse_tuple(false, false, {}, false);
    for (;;) {
      Body body = parse_statements({"elif", "else", "endif"}, tag, false);
      s->branches.emplace_back(std::move(cond), std::move(body));
      std::string which = next().text;
      if (which == "elif") {
        cond = parse_tuple(false, false, {}, false);
        continue;
      }
      if (which == "else") s->branches.emplace_back(nullptr, parse_statements({"endif"}, tag, true));
      else expect(Tok::kBlockEnd, "'%}'");
      break;
    }
    return s;
  }

  StmtPtr parse_set() {
    const Token tag = next();
    StmtPtr s = new_stmt(StmtKind::kSet, tag);
    if (cur().kind == Tok::kName && look().kind == Tok::kOp && look().text == ".") {
      s->target.names.push_back(next().text);
      next();
      s->target.attribute = expect_name();
    } else {
      s->target = parse_assign_target(true, nullptr);
    }
    if (skip_op("=")) {
      s->expr = parse_tuple(false, true, {}, false);
      expect(Tok::kBlockEnd, "'%}'");
      return s;
    }
    s->kind = StmtKind::kSetBlock;
    if (is_op("|")) s->expr = parse_filter(nullptr, false);
    s->body = parse_statements({"endset"}, tag, true);
    return s;
  }

  void parse_signature(Stmt& s) {
    expect_op("(");
    bool seen_default = false;
    while (!is_op(")")) {
      if (!s.params.empty()) expect_op(",");
      if (is_op(")")) break;
      std::string name = expect_name();
      ExprPtr def;
      if (skip_op("=")) {
        def = parse_expression(true);
        seen_default = true;
      } else if (seen_default) {
        fail_here("non-default argument follows default argument");
      }
      s.params.emplace_back(std::move(name), std::move(def));
    }
    expect_op(")");
  }

  StmtPtr parse_macro() {
    const Token tag = next();
    auto s = new_stmt(StmtKind::kMacro, tag);
    s->name = expect_name();
    parse_signature(*s);
    int saved = loop_depth_;
    loop_depth_ = 0;
    s->body = parse_statements({"endmacro"}, tag, true);
    loop_depth_ = saved;
    return s;
  }

  StmtPtr parse_call_block() {
    const Token tag = next();
    auto s = new_stmt(StmtKind::kCallBlock, tag);
    if (is_op("(")) parse_signature(*s);
    s->expr = parse_expression(true);
    if (s->expr->kind != ExprKind::kCall) fail(s->expr->pos, "expected a call after 'call'");
    s->body = parse_statements({"endcall"}, tag, true);
    return s;
  }

  StmtPtr parse_filter_block() {
    const Token tag = next();
    auto s = new_stmt(StmtKind::kFilterBlock, tag);
    s->expr = parse_filter(nullptr, true);
    s->body = parse_statements({"endfilter"}, tag, true);
    return s;
  }

  // A name, or names separated by commas (optionally in parentheses) when with_tuple.
  Target parse_assign_target(bool with_tuple, const char* end_name) {
    Target t;
    bool parens = with_tuple && skip_op("(");
    for (;;) {
      t.names.push_back(expect_name());
      if (!with_tuple || !is_op(",")) break;
      next();
      t.unpack = true;
      if ((end_name && is_name(end_name)) || is_op("=") || is_op(")") || cur().kind == Tok::kBlockEnd) break;
    }
    if (parens) {
      expect_op(")");
      t.unpack = true;  // "(a)" would be a name in Jinja2, but nobody writes that
    }
    return t;
  }

  // ---- expressions ----

  bool is_tuple_end(const char* extra_end) const {
    const Token& t = cur();
    if (t.kind == Tok::kVarEnd || t.kind == Tok::kBlockEnd || t.kind == Tok::kEof) return true;
    if (t.kind == Tok::kOp && t.text == ")") return true;
    return extra_end && t.kind == Tok::kName && t.text == extra_end;
  }

  ExprPtr parse_tuple(bool simplified, bool with_condexpr, const char* extra_end, bool explicit_parens) {
    SourcePos pos = cur().pos;
    std::vector<ExprPtr> args;
    bool is_tuple = false;
    for (;;) {
      if (!args.empty()) expect_op(",");
      if (is_tuple_end(extra_end)) break;
      args.push_back(simplified ? parse_primary() : parse_expression(with_condexpr));
      if (is_op(",")) is_tuple = true;
      else break;
    }
    if (!is_tuple) {
      if (!args.empty()) return std::move(args[0]);
      if (!explicit_parens) fail_here("expected an expression, got " + describe(cur()));
    }
    auto e = make(ExprKind::kTuple, pos);
    e->args = std::move(args);
    return e;
  }

  ExprPtr parse_expression(bool with_condexpr) {
    DepthGuard guard(*this);
    return with_condexpr ? parse_condexpr() : parse_or();
  }

  ExprPtr parse_condexpr() {
    ExprPtr e1 = parse_or();
    while (is_name("if")) {
      SourcePos pos = next().pos;
      ExprPtr cond = parse_or();
      ExprPtr e3;
      if (skip_name("else")) e3 = parse_condexpr();
      auto e = make(ExprKind::kCondExpr, pos);
      e->args.push_back(std::move(cond));
      e->args.push_back(std::move(e1));
      e->args.push_back(std::move(e3));
      e1 = std::move(e);
    }
    return e1;
  }

  ExprPtr binary(ExprKind kind, const SourcePos& pos, ExprPtr a, ExprPtr b, std::string op = {}) {
    auto e = make(kind, pos);
    e->name = std::move(op);
    e->args.push_back(std::move(a));
    e->args.push_back(std::move(b));
    return e;
  }

  ExprPtr parse_or() {
    ExprPtr left = parse_and();
    while (is_name("or")) {
      SourcePos pos = next().pos;
      left = binary(ExprKind::kOr, pos, std::move(left), parse_and());
    }
    return left;
  }

  ExprPtr parse_and() {
    ExprPtr left = parse_not();
    while (is_name("and")) {
      SourcePos pos = next().pos;
      left = binary(ExprKind::kAnd, pos, std::move(left), parse_not());
    }
    return left;
  }

  ExprPtr parse_not() {
    if (is_name("not")) {
      DepthGuard guard(*this);
      SourcePos pos = next().pos;
      auto e = make(ExprKind::kNot, pos);
      e->args.push_back(parse_not());
      return e;
    }
    return parse_compare();
  }

  ExprPtr parse_compare() {
    SourcePos pos = cur().pos;
    ExprPtr first = parse_math1();
    std::vector<std::string> ops;
    std::vector<ExprPtr> args;
    for (;;) {
      const Token& t = cur();
      if (t.kind == Tok::kOp && (t.text == "==" || t.text == "!=" || t.text == "<" || t.text == "<=" ||
                                  t.text == ">" || t.text == ">=")) {
        ops.push_back(next().text);
      } else if (is_name("in")) {
        next();
        ops.emplace_back("in");
      } else if (is_name("not") && look().kind == Tok::kName && look().text == "in") {
        next();
        next();
        ops.emplace_back("notin");
      } else {
        break;
      }
      args.push_back(parse_math1());
    }
    if (ops.empty()) return first;
    auto e = make(ExprKind::kCompare, pos);
    e->args.push_back(std::move(first));
    for (auto& a : args) e->args.push_back(std::move(a));
    e->ops = std::move(ops);
    return e;
  }

  ExprPtr parse_math1() {
    ExprPtr left = parse_concat();
    while (is_op("+") || is_op("-")) {
      Token op = next();
      left = binary(ExprKind::kBinary, op.pos, std::move(left), parse_concat(), op.text);
    }
    return left;
  }

  ExprPtr parse_concat() {
    SourcePos pos = cur().pos;
    ExprPtr first = parse_math2();
    if (!is_op("~")) return first;
    auto e = make(ExprKind::kConcat, pos);
    e->args.push_back(std::move(first));
    while (skip_op("~")) e->args.push_back(parse_math2());
    return e;
  }

  ExprPtr parse_math2() {
    ExprPtr left = parse_pow();
    while (is_op("*") || is_op("/") || is_op("//") || is_op("%")) {
      Token op = next();
      left = binary(ExprKind::kBinary, op.pos, std::move(left), parse_pow(), op.text);
    }
    return left;
  }

  ExprPtr parse_pow() {
    ExprPtr left = parse_unary(true);
    while (is_op("**")) {
      Token op = next();
      left = binary(ExprKind::kBinary, op.pos, std::move(left), parse_unary(true), op.text);
    }
    return left;
  }

  ExprPtr parse_unary(bool with_filter) {
    DepthGuard guard(*this);
    ExprPtr node;
    if (is_op("-") || is_op("+")) {
      Token op = next();
      node = make(ExprKind::kUnary, op.pos);
      node->name = op.text;
      node->args.push_back(parse_unary(false));
    } else {
      node = parse_postfix(parse_primary());
    }
    if (with_filter) node = parse_filter_expr(std::move(node));
    return node;
  }

  ExprPtr parse_primary() {
    DepthGuard guard(*this);
    const Token& t = cur();
    SourcePos pos = t.pos;
    if (t.kind == Tok::kName) {
      std::string n = next().text;
      auto e = make(ExprKind::kConst, pos);
      if (n == "true" || n == "True") e->value = Value(true);
      else if (n == "false" || n == "False") e->value = Value(false);
      else if (n == "none" || n == "None") e->value = Value::none();
      else {
        e->kind = ExprKind::kName;
        e->name = n;
      }
      return e;
    }
    if (t.kind == Tok::kString) {
      std::string s = next().text;
      while (cur().kind == Tok::kString) s += next().text;  // adjacent literals concatenate
      auto e = make(ExprKind::kConst, pos);
      e->value = Value(std::move(s));
      return e;
    }
    if (t.kind == Tok::kInt || t.kind == Tok::kFloat) {
      Token n = next();
      auto e = make(ExprKind::kConst, pos);
      e->value = n.kind == Tok::kInt ? Value(n.int_value) : Value(n.float_value);
      return e;
    }
    if (skip_op("(")) {
      ExprPtr e = parse_tuple(false, true, {}, true);
      expect_op(")");
      return e;
    }
    if (skip_op("[")) {
      auto e = make(ExprKind::kList, pos);
      while (!is_op("]")) {
        if (!e->args.empty()) expect_op(",");
        if (is_op("]")) break;
        e->args.push_back(parse_expression(true));
      }
      expect_op("]");
      return e;
    }
    if (skip_op("{")) {
      auto e = make(ExprKind::kDict, pos);
      while (!is_op("}")) {
        if (!e->args.empty()) expect_op(",");
        if (is_op("}")) break;
        e->args.push_back(parse_expression(true));
        expect_op(":");
        e->args.push_back(parse_expression(true));
      }
      expect_op("}");
      return e;
    }
    fail_here("unexpected " + describe(t));
  }

  ExprPtr parse_postfix(ExprPtr node) {
    for (;;) {
      if (is_op(".") || is_op("[")) node = parse_subscript(std::move(node));
      else if (is_op("(")) node = parse_call(std::move(node));
      else return node;
    }
  }

  ExprPtr parse_filter_expr(ExprPtr node) {
    for (;;) {
      if (is_op("|")) node = parse_filter(std::move(node), false);
      else if (is_name("is")) node = parse_test(std::move(node));
      else if (is_op("(")) node = parse_call(std::move(node));
      else return node;
    }
  }

  ExprPtr parse_subscript(ExprPtr node) {
    DepthGuard guard(*this);
    Token t = next();
    if (t.text == ".") {
      if (cur().kind == Tok::kName) {
        auto e = make(ExprKind::kGetattr, t.pos);
        e->target = std::move(node);
        e->name = next().text;
        return e;
      }
      if (cur().kind == Tok::kInt) {
        auto e = make(ExprKind::kGetitem, t.pos);
        e->target = std::move(node);
        auto idx = make(ExprKind::kConst, cur().pos);
        idx->value = Value(next().int_value);
        e->args.push_back(std::move(idx));
        return e;
      }
      fail_here("expected a name after '.', got " + describe(cur()));
    }
    std::vector<ExprPtr> args;
    while (!is_op("]")) {
      if (!args.empty()) expect_op(",");
      args.push_back(parse_subscribed());
    }
    expect_op("]");
    auto e = make(ExprKind::kGetitem, t.pos);
    e->target = std::move(node);
    if (args.size() == 1) {
      e->args.push_back(std::move(args[0]));
    } else {
      auto tup = make(ExprKind::kTuple, t.pos);
      tup->args = std::move(args);
      e->args.push_back(std::move(tup));
    }
    return e;
  }

  ExprPtr parse_subscribed() {
    SourcePos pos = cur().pos;
    std::vector<ExprPtr> parts;
    if (skip_op(":")) {
      parts.push_back(nullptr);
    } else {
      ExprPtr node = parse_expression(true);
      if (!skip_op(":")) return node;
      parts.push_back(std::move(node));
    }
    if (is_op(":")) parts.push_back(nullptr);
    else if (!is_op("]") && !is_op(",")) parts.push_back(parse_expression(true));
    else parts.push_back(nullptr);
    if (skip_op(":")) {
      if (!is_op("]") && !is_op(",")) parts.push_back(parse_expression(true));
      else parts.push_back(nullptr);
    } else {
      parts.push_back(nullptr);
    }
    auto e = make(ExprKind::kSlice, pos);
    e->args = std::move(parts);
    return e;
  }

  void parse_call_args(Expr& e) {
    expect_op("(");
    while (!is_op(")")) {
      if (!e.args.empty() || !e.kwargs.empty()) expect_op(",");
      if (is_op(")")) break;
      if (is_op("*") || is_op("**")) fail_here("*args and **kwargs in calls are not supported");
      if (cur().kind == Tok::kName && look().kind == Tok::kOp && look().text == "=") {
        std::string key = next().text;
        next();
        e.kwargs.emplace_back(std::move(key), parse_expression(true));
      } else {
        if (!e.kwargs.empty()) fail_here("invalid syntax for function call expression");
        e.args.push_back(parse_expression(true));
      }
    }
    expect_op(")");
  }

  ExprPtr parse_call(ExprPtr node) {
    DepthGuard guard(*this);
    auto e = make(ExprKind::kCall, cur().pos);
    e->target = std::move(node);
    parse_call_args(*e);
    return e;
  }

  ExprPtr parse_filter(ExprPtr node, bool start_inline) {
    DepthGuard guard(*this);
    while (is_op("|") || start_inline) {
      if (!start_inline) next();
      start_inline = false;
      SourcePos pos = cur().pos;
      std::string name = expect_name();
      while (skip_op(".")) name += "." + expect_name();
      auto e = make(ExprKind::kFilter, pos);
      e->target = std::move(node);
      e->name = std::move(name);
      if (is_op("(")) parse_call_args(*e);
      node = std::move(e);
    }
    return node;
  }

  ExprPtr parse_test(ExprPtr node) {
    DepthGuard guard(*this);
    SourcePos pos = next().pos;  // 'is'
    bool negated = skip_name("not");
    std::string name = expect_name();
    while (skip_op(".")) name += "." + expect_name();
    auto e = make(ExprKind::kTest, pos);
    e->target = std::move(node);
    e->name = std::move(name);
    const Token& t = cur();
    if (is_op("(")) {
      parse_call_args(*e);
    } else if ((t.kind == Tok::kName || t.kind == Tok::kString || t.kind == Tok::kInt || t.kind == Tok::kFloat ||
                is_op("[") || is_op("{")) &&
               !is_name("else") && !is_name("or") && !is_name("and")) {
      if (is_name("is")) fail_here("you cannot chain multiple tests with 'is'");
      e->args.push_back(parse_postfix(parse_primary()));
    }
    if (!negated) return e;
    auto n = make(ExprKind::kNot, pos);
    n->args.push_back(std::move(e));
    return n;
  }

  std::vector<Token> toks_;
  std::size_t i_ = 0;
  int depth_ = 0;
  int loop_depth_ = 0;
};

}  // namespace

Program parse(std::string_view source) { return Parser(tokenize(source)).run(); }

}  // namespace tunesmith::text::jinja
