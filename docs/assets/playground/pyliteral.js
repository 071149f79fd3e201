// A reader for one Python constructor call, e.g.
//   torch.optim.Rprop(model.parameters(), lr=0.1, etas=(0.3, 1.5), step_sizes=(1e-6, 50))
// Arguments that are Python literals become typed nodes; anything else (a name, an attribute, a
// call, arithmetic) becomes {type: "expr", text} holding its source text on one line. The
// tokenizer and the expression grammar follow Python 3's own (numbers with underscores, string
// prefixes, implicit line joining inside brackets, comments, comprehensions, lambdas), so that a
// call Python accepts is read, and a call Python rejects throws SyntaxError saying where.
// No dependencies; an ES module for the browser and for Node.
//
// Typed nodes:
//   {type: "float", value}            value: a JS number (a Python float is an IEEE double too)
//   {type: "int", value, text}        value: the nearest JS number; text: the exact decimal digits
//   {type: "bool", value}             {type: "none"}          {type: "str", value}
//   {type: "tuple", items}            {type: "list", items}   {type: "expr", text}

// --- errors ---------------------------------------------------------------------------------------

function describeToken(token) {
  if (token.kind === "end") return "the end of the input";
  if (token.kind === "newline") return "a line break";
  return `'${token.value.length > 20 ? token.value.slice(0, 20) + "…" : token.value}'`;
}

function describeTokenZh(token) {
  if (token.kind === "end") return "输入末尾";
  if (token.kind === "newline") return "换行";
  return `“${token.value.length > 20 ? token.value.slice(0, 20) + "…" : token.value}”`;
}

// A SyntaxError whose message names the line and column (1-based); `zh` holds the same message in
// Chinese, `offset` the 0-based character offset.
function fail(source, offset, en, zh) {
  const before = source.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - (before.lastIndexOf("\n") + 1) + 1;
  const error = new SyntaxError(`${en} (line ${line}, column ${column})`);
  error.zh = `${zh}（第 ${line} 行第 ${column} 列）`;
  Object.assign(error, {offset, line, column, detail: {en, zh}});
  return error;
}

// --- tokenizer ------------------------------------------------------------------------------------

const DIGITS = String.raw`[0-9](?:_?[0-9])*`;
const EXPONENT = String.raw`[eE][+-]?${DIGITS}`;
const NUMBER = new RegExp(
  String.raw`(?:(?:${DIGITS})?\.${DIGITS}(?:${EXPONENT})?|${DIGITS}\.(?:${EXPONENT})?|${DIGITS}${EXPONENT})[jJ]?` +
  String.raw`|0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+` +
  String.raw`|(?:${DIGITS})[jJ]|[1-9](?:_?[0-9])*|0+(?:_?0)*`,
  "y");
const NAME = /[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*/uy;
const NAME_CHAR = /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]/u;
const STRING_PREFIX = /^(?:[rRuUbBfF]|[bB][rR]|[rR][bB]|[fF][rR]|[rR][fF])$/;
const OPERATORS = [
  "**=", "//=", ">>=", "<<=", "...",
  "**", "//", "<<", ">>", "<=", ">=", "==", "!=", "->", ":=",
  "+=", "-=", "*=", "/=", "%=", "@=", "&=", "|=", "^=",
  "+", "-", "*", "/", "%", "@", "&", "|", "^", "~", "<", ">",
  "(", ")", "[", "]", "{", "}", ",", ":", ".", ";", "=",
];
const CLOSING = {"(": ")", "[": "]", "{": "}"};
const KEYWORDS = new Set([
  "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
  "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in",
  "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
]);

function tokenize(source) {
  const tokens = [];
  const brackets = [];  // open brackets: {value, offset}
  let i = 0;
  const push = (kind, value, start, extra = {}) => tokens.push({kind, value, start, end: i, ...extra});
  while (i < source.length) {
    const c = source[i];
    if (c === " " || c === "\t" || c === "\f" || c === "\r") { i++; continue; }
    if (c === "\\") {  // explicit line joining
      const rest = source.slice(i + 1).match(/^\r?\n/);
      if (!rest) throw fail(source, i, "unexpected character '\\' (a backslash only continues a line at its end)",
        "意外的字符“\\”（反斜杠只能出现在行尾，用于续行）");
      i += 1 + rest[0].length;
      continue;
    }
    if (c === "#") { while (i < source.length && source[i] !== "\n") i++; continue; }
    if (c === "\n") {
      const start = i++;
      // Inside brackets a line break is only white space; outside, it ends the statement.
      if (brackets.length === 0 && tokens.length && tokens[tokens.length - 1].kind !== "newline") {
        push("newline", "\n", start);
      }
      continue;
    }
    const start = i;
    NAME.lastIndex = i;
    const name = NAME.exec(source);
    if (name) {
      const quote = source[i + name[0].length];
      if ((quote === "'" || quote === '"') && STRING_PREFIX.test(name[0])) {
        i += name[0].length;
        readString(source, start, name[0].toLowerCase(), tokens, () => i, (v) => { i = v; });
        continue;
      }
      i += name[0].length;
      push(KEYWORDS.has(name[0]) ? "keyword" : "name", name[0].normalize("NFKC"), start);
      continue;
    }
    if (c === "'" || c === '"') {
      readString(source, start, "", tokens, () => i, (v) => { i = v; });
      continue;
    }
    if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(source[i + 1] ?? ""))) {
      NUMBER.lastIndex = i;
      const number = NUMBER.exec(source);
      const text = number ? number[0] : "";
      const next = source[i + text.length] ?? "";
      if (!number || NAME_CHAR.test(next) || next === ".") {
        const bad = source.slice(i).match(/^[0-9A-Za-z_.]+/)[0];
        throw fail(source, start, `invalid number '${bad}'`, `无效的数字“${bad}”`);
      }
      i += text.length;
      push("number", text, start);
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (!op) {
      throw fail(source, i, `unexpected character '${c}'`, `意外的字符“${c}”`);
    }
    i += op.length;
    if (op in CLOSING) brackets.push({value: op, offset: start});
    else if (op === ")" || op === "]" || op === "}") {
      const open = brackets.pop();
      if (!open) throw fail(source, start, `unmatched '${op}'`, `多余的“${op}”，没有与之配对的左括号`);
      if (CLOSING[open.value] !== op) {
        throw fail(source, start, `closing '${op}' does not match the opening '${open.value}'`,
          `右括号“${op}”与左括号“${open.value}”不匹配`);
      }
    }
    push("op", op, start);
  }
  if (brackets.length) {
    const open = brackets[brackets.length - 1];
    throw fail(source, open.offset, `'${open.value}' was never closed`, `“${open.value}”没有闭合`);
  }
  tokens.push({kind: "end", value: "", start: source.length, end: source.length});
  return tokens;
}

const SIMPLE_ESCAPES = {"\\": "\\", "'": "'", '"': '"', a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r",
  t: "\t", v: "\v", "\n": ""};

function readString(source, start, prefix, tokens, getI, setI) {
  let i = getI();
  const quote = source.startsWith(source[i].repeat(3), i) ? source[i].repeat(3) : source[i];
  i += quote.length;
  const raw = prefix.includes("r"), bytes = prefix.includes("b"), formatted = prefix.includes("f");
  let value = "";
  for (;;) {
    if (i >= source.length || (quote.length === 1 && source[i] === "\n")) {
      throw fail(source, start, "unterminated string literal", "字符串没有结束引号");
    }
    if (source.startsWith(quote, i)) { i += quote.length; break; }
    const c = source[i];
    if (c !== "\\") { value += c; i++; continue; }
    const e = source[i + 1];
    if (e === undefined) throw fail(source, start, "unterminated string literal", "字符串没有结束引号");
    if (raw) { value += c + e; i += 2; continue; }
    if (e === "\r" && source[i + 2] === "\n") { i += 3; continue; }
    if (e in SIMPLE_ESCAPES) { value += SIMPLE_ESCAPES[e]; i += 2; continue; }
    if (/[0-7]/.test(e)) {
      const digits = source.slice(i + 1).match(/^[0-7]{1,3}/)[0];
      value += String.fromCodePoint(parseInt(digits, 8));
      i += 1 + digits.length;
      continue;
    }
    const hexLength = {x: 2, u: bytes ? 0 : 4, U: bytes ? 0 : 8}[e];
    if (hexLength) {
      const digits = source.slice(i + 2, i + 2 + hexLength);
      if (!new RegExp(`^[0-9a-fA-F]{${hexLength}}$`).test(digits)) {
        throw fail(source, i, `truncated \\${e} escape in a string`, `字符串中的 \\${e} 转义不完整`);
      }
      const code = parseInt(digits, 16);
      if (code > 0x10ffff) throw fail(source, i, "illegal Unicode character in a string", "字符串中含有非法的 Unicode 字符");
      value += String.fromCodePoint(code);
      i += 2 + hexLength;
      continue;
    }
    if (e === "N" && !bytes) {
      throw fail(source, i, "\\N{...} escapes are not supported here", "这里不支持 \\N{...} 转义");
    }
    value += c + e;  // Python keeps an unknown escape as it is (with a warning)
    i += 2;
  }
  setI(i);
  tokens.push({kind: "string", value: source.slice(start, i), start, end: i, str: value, bytes, formatted});
}

// --- expressions ----------------------------------------------------------------------------------
// The parser builds a small tree. Each node remembers its first and last token so that a
// non-literal keeps its exact source text. Node kinds: number, string, const, name, tuple, list,
// paren, unary, dict (a plain {key: value} display), dictcall (`dict(key=value)`), other.

const COMPARISONS = new Set(["<", ">", "==", ">=", "<=", "!="]);
const BINARY_LEVELS = [["|"], ["^"], ["&"], ["<<", ">>"], ["+", "-"], ["*", "/", "//", "%", "@"]];

class Parser {
  constructor(source) {
    this.source = source;
    this.tokens = tokenize(source);
    this.pos = 0;
  }

  get token() { return this.tokens[this.pos]; }
  peek(n = 1) { return this.tokens[Math.min(this.pos + n, this.tokens.length - 1)]; }
  isOp(value, token = this.token) { return token.kind === "op" && token.value === value; }
  isKeyword(value, token = this.token) { return token.kind === "keyword" && token.value === value; }
  next() { const t = this.token; if (t.kind !== "end") this.pos++; return t; }

  error(en, zh, token = this.token) {
    return fail(this.source, token.start, `${en}, found ${describeToken(token)}`, `${zh}，但遇到的是${describeTokenZh(token)}`);
  }

  expectOp(value, en, zh) {
    if (!this.isOp(value)) throw this.error(en ?? `expected '${value}'`, zh ?? `此处应为“${value}”`);
    return this.next();
  }

  node(kind, first, fields = {}) {
    return {kind, first, last: this.pos - 1, ...fields};
  }

  // test: or_test ['if' or_test 'else' test] | lambda
  test() {
    const first = this.pos;
    if (this.isKeyword("lambda")) return this.lambda();
    const body = this.orTest();
    if (this.isKeyword("if")) {
      this.next();
      this.orTest();
      if (!this.isKeyword("else")) throw this.error("expected 'else' in a conditional expression", "条件表达式中此处应为 `else`");
      this.next();
      this.test();
      return this.node("other", first);
    }
    return body;
  }

  // namedexpr_test: test [':=' test]
  namedTest() {
    const first = this.pos;
    if (this.token.kind === "name" && this.isOp(":=", this.peek())) {
      this.next(); this.next();
      this.test();
      return this.node("other", first);
    }
    return this.test();
  }

  lambda() {
    const first = this.pos;
    this.next();
    while (!this.isOp(":")) {
      if (this.isOp("*") || this.isOp("**") || this.isOp("/")) { this.next(); }
      if (this.token.kind === "name") {
        this.next();
        if (this.isOp("=")) { this.next(); this.test(); }
      } else if (!this.isOp(",") && !this.isOp(":")) {
        throw this.error("expected a parameter name in a lambda", "`lambda` 中此处应为参数名");
      }
      if (this.isOp(",")) this.next();
      else if (!this.isOp(":")) throw this.error("expected ',' or ':' in a lambda", "`lambda` 中此处应为 `,` 或 `:`");
    }
    this.next();
    this.test();
    return this.node("other", first);
  }

  orTest() { return this.booleanChain("or", () => this.andTest()); }
  andTest() { return this.booleanChain("and", () => this.notTest()); }

  booleanChain(keyword, operand) {
    const first = this.pos;
    const left = operand();
    if (!this.isKeyword(keyword)) return left;
    while (this.isKeyword(keyword)) { this.next(); operand(); }
    return this.node("other", first);
  }

  notTest() {
    const first = this.pos;
    if (this.isKeyword("not")) { this.next(); this.notTest(); return this.node("other", first); }
    return this.comparison();
  }

  comparison() {
    const first = this.pos;
    const left = this.binary(0);
    let chained = false;
    for (;;) {
      const t = this.token;
      if (t.kind === "op" && COMPARISONS.has(t.value)) this.next();
      else if (this.isKeyword("in")) this.next();
      else if (this.isKeyword("not") && this.isKeyword("in", this.peek())) { this.next(); this.next(); }
      else if (this.isKeyword("is")) { this.next(); if (this.isKeyword("not")) this.next(); }
      else break;
      this.binary(0);
      chained = true;
    }
    return chained ? this.node("other", first) : left;
  }

  binary(level) {
    if (level === BINARY_LEVELS.length) return this.factor();
    const first = this.pos;
    const left = this.binary(level + 1);
    let combined = false;
    while (this.token.kind === "op" && BINARY_LEVELS[level].includes(this.token.value)) {
      this.next();
      this.binary(level + 1);
      combined = true;
    }
    return combined ? this.node("other", first) : left;
  }

  factor() {
    const first = this.pos;
    if (this.isOp("-") || this.isOp("+") || this.isOp("~")) {
      const op = this.next().value;
      const operand = this.factor();
      return this.node("unary", first, {op, operand});
    }
    return this.power();
  }

  power() {
    const first = this.pos;
    if (this.isKeyword("await")) { this.next(); this.primary(); }
    const base = this.isKeyword("await", this.tokens[first]) ? this.node("other", first) : this.primary();
    if (this.isOp("**")) {
      this.next();
      this.factor();
      return this.node("other", first);
    }
    return base;
  }

  primary() {
    const first = this.pos;
    let atom = this.atom();
    let trailers = 0, dictArguments = null;
    for (;;) {
      if (this.isOp(".")) {
        this.next();
        if (this.token.kind !== "name") throw this.error("expected an attribute name after '.'", "“.”之后应为属性名");
        this.next();
      } else if (this.isOp("(")) {
        this.next();
        // `dict(key=value, …)`: its arguments are kept, for parameter groups.
        const args = trailers === 0 && atom.kind === "name" && this.tokens[first].value === "dict" ? [] : null;
        this.callArguments(args ? (argument) => args.push(argument) : () => {});
        this.expectOp(")", "expected ',' or ')' in a call", "函数调用中此处应为“,”或“)”");
        dictArguments = args;
      } else if (this.isOp("[")) {
        this.next();
        this.subscripts();
        this.expectOp("]", "expected ']' after a subscript", "下标之后应为“]”");
      } else break;
      trailers++;
      atom = this.node("other", first);
    }
    if (trailers === 1 && dictArguments) return this.node("dictcall", first, {args: dictArguments});
    return atom;
  }

  subscripts() {
    if (this.isOp("]")) throw this.error("expected a subscript", "此处应为下标");
    for (;;) {
      if (this.isOp("*")) { this.next(); this.binary(0); }
      else {
        if (!this.isOp(":")) this.namedTest();
        if (this.isOp(":")) {
          this.next();
          if (!this.isOp(":") && !this.isOp(",") && !this.isOp("]")) this.test();
          if (this.isOp(":")) { this.next(); if (!this.isOp(",") && !this.isOp("]")) this.test(); }
        }
      }
      if (!this.isOp(",")) return;
      this.next();
      if (this.isOp("]")) return;
    }
  }

  // arglist of a call: calls `onArgument({name, star, node, firstToken})` for each argument.
  callArguments(onArgument) {
    let sawKeyword = false, sawDoubleStar = false, count = 0;
    const names = new Set();
    while (!this.isOp(")")) {
      const start = this.token;
      if (this.isOp(",")) throw this.error("expected an argument", "此处应为参数");
      let argument;
      if (this.isOp("*") || this.isOp("**")) {
        const star = this.next().value;
        const node = this.test();
        if (star === "*" && sawDoubleStar) {
          throw fail(this.source, start.start, "iterable argument unpacking follows keyword argument unpacking",
            "可迭代对象解包（*）不能出现在关键字参数解包（**）之后");
        }
        if (star === "**") sawDoubleStar = true;
        argument = {star, node, start};
      } else if (this.token.kind === "name" && this.isOp("=", this.peek())) {
        const name = this.next().value;
        this.next();
        if (names.has(name)) {
          throw fail(this.source, start.start, `keyword argument repeated: ${name}`, `关键字参数重复：${name}`);
        }
        names.add(name);
        const valueStart = this.token;
        if (this.isOp(",") || this.isOp(")")) {
          throw this.error(`expected a value after '${name}='`, `“${name}=”之后应为取值`);
        }
        argument = {name, node: this.test(), start, valueStart};
        sawKeyword = true;
      } else {
        if (sawDoubleStar) {
          throw fail(this.source, start.start, "positional argument follows keyword argument unpacking",
            "位置参数不能出现在关键字参数解包（**）之后");
        }
        if (sawKeyword) {
          throw fail(this.source, start.start, "positional argument follows keyword argument",
            "位置参数不能出现在关键字参数之后");
        }
        let node = this.namedTest();
        if (this.isKeyword("for") || this.isKeyword("async")) {
          this.comprehension();
          node = this.node("other", node.first);
          if (count > 0 || !this.isOp(")")) {
            throw fail(this.source, start.start, "a generator expression must be parenthesized",
              "生成器表达式必须放在括号中");
          }
        }
        argument = {node, start};
      }
      onArgument(argument);
      count++;
      if (this.isOp(",")) this.next();
      else if (!this.isOp(")")) throw this.error("expected ',' or ')' after an argument", "参数之后应为“,”或“)”");
    }
  }

  comprehension() {
    while (this.isKeyword("for") || this.isKeyword("async")) {
      if (this.isKeyword("async")) this.next();
      if (!this.isKeyword("for")) throw this.error("expected 'for'", "此处应为 `for`");
      this.next();
      for (;;) {  // target list
        if (this.isOp("*")) this.next();
        this.binary(0);
        if (!this.isOp(",")) break;
        this.next();
        if (this.isKeyword("in")) break;
      }
      if (!this.isKeyword("in")) throw this.error("expected 'in' in a comprehension", "推导式中此处应为 `in`");
      this.next();
      this.orTest();
      while (this.isKeyword("if")) { this.next(); this.orTest(); }
    }
  }

  // The elements of (…), […] or a bare tuple up to `closing`; returns {items, trailingComma, starred}.
  elements(closing) {
    const items = [];
    let trailingComma = false, starred = false;
    while (!this.isOp(closing)) {
      if (this.isOp("*")) { const first = this.pos; this.next(); this.binary(0); items.push(this.node("other", first)); starred = true; }
      else items.push(this.namedTest());
      trailingComma = false;
      if (items.length === 1 && (this.isKeyword("for") || this.isKeyword("async"))) {
        this.comprehension();
        return {items, comprehension: true};
      }
      if (!this.isOp(",")) break;
      this.next();
      trailingComma = true;
    }
    return {items, trailingComma, starred};
  }

  atom() {
    const first = this.pos;
    const t = this.token;
    if (t.kind === "name") { this.next(); return this.node("name", first); }
    if (t.kind === "number") { this.next(); return this.node("number", first, {text: t.value}); }
    if (t.kind === "string") {
      const parts = [];
      while (this.token.kind === "string") parts.push(this.next());
      if (parts.some((p) => p.bytes) && !parts.every((p) => p.bytes)) {
        throw fail(this.source, t.start, "cannot mix bytes and nonbytes literals", "不能把 `bytes` 字面量和 `str` 字面量连在一起");
      }
      if (parts.some((p) => p.bytes || p.formatted)) return this.node("other", first);
      return this.node("string", first, {value: parts.map((p) => p.str).join("")});
    }
    if (t.kind === "keyword" && (t.value === "True" || t.value === "False" || t.value === "None")) {
      this.next();
      return this.node("const", first, {value: t.value});
    }
    if (this.isOp("...")) { this.next(); return this.node("other", first); }
    if (this.isOp("(")) {
      this.next();
      if (this.isKeyword("yield")) throw this.error("'yield' is not supported here", "这里不支持 `yield`");
      const {items, trailingComma, starred, comprehension} = this.elements(")");
      this.expectOp(")", "expected ',' or ')'", "此处应为“,”或“)”");
      if (comprehension || starred) return this.node("other", first);
      if (items.length === 1 && !trailingComma) return this.node("paren", first, {inner: items[0]});
      return this.node("tuple", first, {items});
    }
    if (this.isOp("[")) {
      this.next();
      const {items, starred, comprehension} = this.elements("]");
      this.expectOp("]", "expected ',' or ']'", "此处应为“,”或“]”");
      if (comprehension || starred) return this.node("other", first);
      return this.node("list", first, {items});
    }
    if (this.isOp("{")) {
      this.next();
      const entries = this.dictOrSet();
      this.expectOp("}", "expected ',' or '}'", "此处应为“,”或“}”");
      return entries ? this.node("dict", first, {entries}) : this.node("other", first);
    }
    throw this.error("expected an expression", "此处应为表达式");
  }

  // The inside of {…}: returns the entries [{key, value}] of a plain dict display, or null for a
  // set, a comprehension or a dict with `**` unpacking.
  dictOrSet() {
    let count = 0, plain = true;
    const entries = [];
    while (!this.isOp("}")) {
      if (this.isOp("**")) { this.next(); this.binary(0); plain = false; }
      else {
        if (this.isOp("*")) { this.next(); plain = false; }
        const key = this.test();
        if (this.isOp(":")) { this.next(); entries.push({key, value: this.test()}); }
        else plain = false;
      }
      count++;
      if (count === 1 && (this.isKeyword("for") || this.isKeyword("async"))) { this.comprehension(); return null; }
      if (!this.isOp(",")) break;
      this.next();
    }
    return plain ? entries : null;
  }

  // The source text of tokens first..last on one line: a gap holding a line break or a comment
  // becomes one space (none next to a bracket or before a comma).
  text(first, last) {
    let out = this.tokens[first].value;
    for (let k = first + 1; k <= last; k++) {
      const a = this.tokens[k - 1], b = this.tokens[k];
      let gap = this.source.slice(a.end, b.start);
      if (/[\n#\\]/.test(gap)) {
        const tight = (a.kind === "op" && a.value in CLOSING) || (b.kind === "op" && /^[)\]},]$/.test(b.value));
        gap = tight ? "" : " ";
      }
      out += gap + b.value;
    }
    return out;
  }
}

// --- numbers ---------------------------------------------------------------------------------------

function intFromText(text) {
  const clean = text.replace(/_/g, "");
  const big = /^0[xob]/i.test(clean) ? BigInt(clean.toLowerCase()) : BigInt(clean);
  return big;
}

function intNode(big) {
  return {type: "int", value: Number(big), text: big.toString()};
}

// A tree node → a typed literal node, or an expr node with its source text.
// Python spellings of the special floats: float("nan"), float('-Infinity'), math.inf, np.nan, …
// (quotes as \x22 and \x27: the string scanner of tests/test_language.py reads this file too)
const SPECIAL_FLOAT = /^(?:float\(([\x22\x27])\s*([+-]?)(nan|inf|infinity)\s*\1\)|(?:math|np|numpy)\.(inf|nan))$/i;

function specialFloat(text) {
  const m = SPECIAL_FLOAT.exec(text.replace(/\s+(?=[().])|(?<=[().])\s+/g, ""));
  if (!m) return null;
  const word = (m[3] ?? m[4]).toLowerCase();
  return {type: "float", value: word === "nan" ? NaN : (m[2] === "-" ? -Infinity : Infinity)};
}

function literal(parser, node) {
  const expr = () => specialFloat(parser.text(node.first, node.last)) ?? {type: "expr", text: parser.text(node.first, node.last)};
  switch (node.kind) {
    case "number": {
      const text = node.text.replace(/_/g, "");
      if (/[jJ]$/.test(text)) return expr();  // complex: not a supported literal
      if (/^0[xXoObB]/.test(text) || /^[0-9]+$/.test(text)) return intNode(intFromText(text));
      return {type: "float", value: Number(text)};
    }
    case "string": return {type: "str", value: node.value};
    case "const":
      return node.value === "None" ? {type: "none"} : {type: "bool", value: node.value === "True"};
    case "paren": {
      const inner = literal(parser, node.inner);
      return inner.type === "expr" ? expr() : inner;
    }
    case "tuple": case "list": {
      const items = node.items.map((item) => literal(parser, item));
      return items.some((item) => item.type === "expr") ? expr() : {type: node.kind, items};
    }
    case "unary": {
      if (node.op === "~") return expr();
      const operand = literal(parser, node.operand);
      if (operand.type === "float") return {type: "float", value: node.op === "-" ? -operand.value : operand.value};
      if (operand.type === "int") {
        const big = BigInt(operand.text);
        return intNode(node.op === "-" ? -big : big);
      }
      return expr();
    }
    default: return expr();
  }
}

// --- public API ------------------------------------------------------------------------------------

/**
 * Parse one Python call `callee(arguments)`.
 * @param {string} text Python source of the call (white space, line breaks and comments allowed).
 * @returns {{callee: string, positional: string[], positionalNodes: object[], kwargs: Object<string, object>}}
 *   `callee` is the dotted name without spaces; `positional` the source text of each positional
 *   argument (one line each) and `positionalNodes` the same arguments as typed nodes; `kwargs`
 *   maps each keyword to its typed node (in source order).
 * @throws {SyntaxError} with `.zh` (Chinese message), `.line`, `.column` (1-based) and `.offset`.
 */
export function parseCall(text) {
  if (typeof text !== "string") throw new TypeError("parseCall expects a string");
  const parser = new Parser(text);
  while (parser.token.kind === "newline") parser.next();
  if (parser.token.kind === "end") throw parser.error("expected a call such as torch.optim.Rprop(…)", "此处应为形如 torch.optim.Rprop(…) 的调用");
  if (parser.token.kind !== "name") throw parser.error("expected the name of the class to call", "此处应为要调用的类名");
  // An assignment `optimizer = …` or `self.optimizer = …`: its target is kept.
  let assign = null, k = 0;
  while (parser.peek(k).kind === "name" && parser.isOp(".", parser.peek(k + 1))) k += 2;
  if (parser.peek(k).kind === "name" && parser.isOp("=", parser.peek(k + 1))) {
    assign = parser.text(parser.pos, parser.pos + k);
    for (let skip = 0; skip <= k + 1; skip++) parser.next();
  }
  if (parser.token.kind !== "name") throw parser.error("expected the name of the class to call", "此处应为要调用的类名");
  if (parser.isOp(":", parser.peek())) {
    throw fail(text, parser.peek().start,
      "write the assignment without a type annotation, e.g. `optimizer = torch.optim.Rprop(…)`",
      "请去掉类型注解，写成 `optimizer = torch.optim.Rprop(…)` 这样的赋值语句");
  }
  const parts = [parser.next().value];
  while (parser.isOp(".")) {
    parser.next();
    if (parser.token.kind !== "name") throw parser.error("expected an attribute name after '.'", "“.”之后应为属性名");
    parts.push(parser.next().value);
  }
  parser.expectOp("(", "expected '(' after the class name", "类名之后应为“(”");
  const positional = [], positionalNodes = [], kwargs = {};
  parser.callArguments((argument) => {
    if (argument.star) {
      const error = fail(text, argument.start.start,
        `argument unpacking (${argument.star}…) cannot be read: write the arguments out`,
        `无法读取参数解包（${argument.star}…）：请把参数逐个写出`);
      error.valid = true;  // valid Python that the converter cannot evaluate
      throw error;
    }
    const value = literal(parser, argument.node);
    if (argument.name !== undefined) kwargs[argument.name] = value;
    else {
      positional.push(parser.text(argument.node.first, argument.node.last));
      positionalNodes.push(value);
    }
  });
  parser.next();  // ')'
  if (parser.isOp(";")) parser.next();
  while (parser.token.kind === "newline") parser.next();
  if (parser.token.kind !== "end") {
    throw parser.error("expected the end of the input after the call", "调用之后不应再有其他内容");
  }
  return {callee: parts.join("."), positional, positionalNodes, kwargs, assign};
}

/**
 * Read the first argument of an optimizer as parameter groups: a list or tuple whose items are
 * dict displays `{"params": …, "lr": …}` or calls `dict(params=…, lr=…)`.
 * @param {string} text Python source of the argument.
 * @returns {null | {container: "list"|"tuple", groups: Array<{form: "dict"|"call",
 *   entries: Array<{key: string|null, keyText: string, node: object, text: string}>, unpacked: boolean}>,
 *   others: string[]}}
 *   null when the text is not a list or tuple holding a dict; otherwise each group's entries in
 *   source order (`key` null when it is not a string literal; `node` the typed value, `text` its
 *   source on one line), `unpacked` when the group uses `**`/`*` or a positional argument, and
 *   `others` the source text of the items that are neither.
 * @throws {SyntaxError} as parseCall.
 */
export function parseGroups(text) {
  if (typeof text !== "string") throw new TypeError("parseGroups expects a string");
  const parser = new Parser(`(${text}\n)`);
  parser.next();
  let node = parser.namedTest();
  if (!parser.isOp(")") || parser.peek().kind !== "end") return null;
  while (node.kind === "paren") node = node.inner;
  if (node.kind !== "list" && node.kind !== "tuple") return null;
  if (!node.items.some((item) => item.kind === "dict" || item.kind === "dictcall")) return null;
  const source = (n) => parser.text(n.first, n.last);
  const groups = [], others = [];
  for (const item of node.items) {
    if (item.kind === "dict") {
      groups.push({form: "dict", unpacked: false, entries: item.entries.map(({key, value}) => ({
        key: key.kind === "string" ? key.value : null, keyText: source(key), node: literal(parser, value), text: source(value)}))});
    } else if (item.kind === "dictcall") {
      const named = item.args.filter((a) => a.name !== undefined && !a.star);
      groups.push({form: "call", unpacked: named.length !== item.args.length, entries: named.map((a) => ({
        key: a.name, keyText: a.name, node: literal(parser, a.node), text: source(a.node)}))});
    } else others.push(source(item));
  }
  return {container: node.kind, groups, others};
}

/**
 * Parse one Python expression (e.g. the text of a form field) into a typed node.
 * @param {string} text
 * @returns {object} a typed literal node, or {type: "expr", text}
 * @throws {SyntaxError} as parseCall.
 */
export function parseValue(text) {
  if (typeof text !== "string") throw new TypeError("parseValue expects a string");
  // Read it as the one argument of a call, so that line breaks are allowed as in an argument;
  // positions in errors refer to `text`.
  const relocate = (error) => (error instanceof SyntaxError && error.detail
    ? fail(text, Math.min(text.length, Math.max(0, error.offset - 1)), error.detail.en, error.detail.zh) : error);
  let parser, node;
  try {
    parser = new Parser(`(${text}\n)`);
    parser.next();
    if (parser.isOp(")")) throw fail(text, 0, "expected a value", "此处应为取值");
    node = parser.namedTest();
  } catch (error) {
    throw relocate(error);
  }
  if (!parser.isOp(")") || parser.peek().kind !== "end") {
    const token = parser.isOp(")") ? parser.peek() : parser.token;
    throw relocate(fail(parser.source, token.start, `unexpected ${describeToken(token)} after the value`,
      `取值之后出现了多余的${describeTokenZh(token)}`));
  }
  return literal(parser, node);
}

// Python's repr() of a float: the shortest digits that read back as the same double, in fixed
// notation for decimal exponents -4 ≤ e < 16 and scientific notation (two-digit exponent) otherwise.
function floatRepr(value) {
  if (Number.isNaN(value)) return 'float("nan")';
  if (value === Infinity) return 'float("inf")';
  if (value === -Infinity) return '-float("inf")';
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const sign = value < 0 ? "-" : "";
  const [mantissa, exp] = Math.abs(value).toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const e = Number(exp);
  if (e < -4 || e >= 16) {
    const body = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const expText = String(Math.abs(e)).padStart(2, "0");
    return `${sign}${body}e${e < 0 ? "-" : "+"}${expText}`;
  }
  const point = e + 1;  // digits before the decimal point
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}.0`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

function strRepr(value) {
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of value) {
    const code = ch.codePointAt(0);
    if (ch === "\\") out += "\\\\";
    else if (ch === quote) out += "\\" + quote;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch !== " " && /[\p{C}\p{Z}]/u.test(ch)) {
      out += code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}`
        : code < 0x10000 ? `\\u${code.toString(16).padStart(4, "0")}`
          : `\\U${code.toString(16).padStart(8, "0")}`;
    } else out += ch;
  }
  return out + quote;
}

/**
 * Python source for a typed node. Floats are written as Python's repr() writes them (always with
 * a decimal point or an exponent: 50 → "50.0", 1e-6 → "1e-06"); ints as integer digits; tuples
 * with a trailing comma when they hold one item.
 * @param {object} node a typed node as parseCall returns
 * @returns {string}
 */
export function formatLiteral(node) {
  if (node === null || typeof node !== "object") throw new TypeError("formatLiteral expects a typed node");
  switch (node.type) {
    case "float":
      if (typeof node.value !== "number") throw new TypeError("a float node needs a numeric value");
      return floatRepr(node.value);
    case "int": {
      if (typeof node.text === "string" && /^-?[0-9]+$/.test(node.text)) return node.text;
      if (typeof node.value === "bigint") return node.value.toString();
      if (!Number.isInteger(node.value)) throw new TypeError(`an int node needs an integer value, got ${node.value}`);
      return BigInt(node.value).toString();
    }
    case "bool": return node.value ? "True" : "False";
    case "none": return "None";
    case "str": return strRepr(String(node.value));
    case "tuple":
      if (node.items.length === 1) return `(${formatLiteral(node.items[0])},)`;
      return `(${node.items.map(formatLiteral).join(", ")})`;
    case "list": return `[${node.items.map(formatLiteral).join(", ")}]`;
    case "expr": return node.text;
    default: throw new TypeError(`unknown node type ${JSON.stringify(node.type)}`);
  }
}
