// The playground's Python call reader (pyliteral.js) and converter (convert.js).
// Run: node --test tests/js/convert.test.mjs
// tests/test_converter.py runs the converter's output through the real frameworks; these tests pin
// the reader, the formatting and the converter's answers case by case.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { convert, DIRECTIONS, FRAMEWORKS } from "../../docs/assets/playground/convert.js";
import { formatLiteral, parseCall, parseValue } from "../../docs/assets/playground/pyliteral.js";

const float = (value) => ({type: "float", value});
const int = (value) => ({type: "int", value, text: String(value)});
const tuple = (...items) => ({type: "tuple", items});
const list = (...items) => ({type: "list", items});
const expr = (text) => ({type: "expr", text});

// The rows of data/rprop-mapping.yml a caveat may point at.
const ROWS = new Set(["algorithm", "params", "lr", "lr-schedule", "etas", "step-sizes", "weight-decay", "maximize",
  "foreach", "capturable", "differentiable", "calling", "no-gradient", "state", "dtype"]);
const CJK = /[\u4e00-\u9fff]/;

describe("parseCall: calls it reads", () => {
  test("the torch example", () => {
    const call = parseCall("torch.optim.Rprop(model.parameters(), lr=0.1, etas=(0.3, 1.5), step_sizes=(1e-6, 50), maximize=True)");
    assert.equal(call.callee, "torch.optim.Rprop");
    assert.deepEqual(call.positional, ["model.parameters()"]);
    assert.deepEqual(call.positionalNodes, [expr("model.parameters()")]);
    assert.deepEqual(call.kwargs, {
      lr: float(0.1), etas: tuple(float(0.3), float(1.5)), step_sizes: tuple(float(1e-6), int(50)),
      maximize: {type: "bool", value: true},
    });
    assert.deepEqual(Object.keys(call.kwargs), ["lr", "etas", "step_sizes", "maximize"]);
  });

  test("the MindSpore examples", () => {
    const nn = parseCall("nn.Rprop(net.trainable_params(), learning_rate=[0.1, 0.01], weight_decay=0.0)");
    assert.equal(nn.callee, "nn.Rprop");
    assert.deepEqual(nn.kwargs, {learning_rate: list(float(0.1), float(0.01)), weight_decay: float(0)});
    const optim = parseCall("optim.Rprop(params, lr=1e-2)");
    assert.deepEqual(optim.positional, ["params"]);
    assert.deepEqual(optim.kwargs, {lr: float(0.01)});
  });

  test("white space, line breaks, comments, trailing commas and spaces in the callee", () => {
    const call = parseCall("\n  torch . optim.Rprop (\n    model.parameters(),  # all\n    lr = base_lr *\n      2,\n"
      + "    etas=(\n      0.5,\n      1.2,\n    ),\n)  # done\n");
    assert.equal(call.callee, "torch.optim.Rprop");
    assert.deepEqual(call.kwargs, {lr: expr("base_lr * 2"), etas: tuple(float(0.5), float(1.2))});
    assert.deepEqual(parseCall("Rprop(p,)").positional, ["p"]);
    assert.deepEqual(parseCall("Rprop(p, \\\n lr=1)").kwargs, {lr: int(1)});
    assert.deepEqual(parseCall("Rprop(p);").positional, ["p"]);
  });

  test("numbers as Python reads them", () => {
    const {kwargs} = parseCall("Rprop(p, a=1e-6, b=50., c=.5, d=-1, e=0x10, f=0o17, g=0b101, h=1_000, i=1_0.5e-1_0,"
      + " j=-0.0, k=+2, l=-(1.5), m=1E+3, n=0, o=00, q=123456789012345678901234567890, r=-(-(3)))");
    assert.deepEqual(kwargs.a, float(1e-6));
    assert.deepEqual(kwargs.b, float(50));
    assert.deepEqual(kwargs.c, float(0.5));
    assert.deepEqual(kwargs.d, int(-1));
    assert.deepEqual(kwargs.e, int(16));
    assert.deepEqual(kwargs.f, int(15));
    assert.deepEqual(kwargs.g, int(5));
    assert.deepEqual(kwargs.h, int(1000));
    assert.deepEqual(kwargs.i, float(10.5e-10));
    assert.ok(Object.is(kwargs.j.value, -0) && kwargs.j.type === "float");
    assert.deepEqual(kwargs.k, int(2));
    assert.deepEqual(kwargs.l, float(-1.5));
    assert.deepEqual(kwargs.m, float(1000));
    assert.deepEqual(kwargs.n, int(0));
    assert.deepEqual(kwargs.o, int(0));
    assert.deepEqual(kwargs.q, {type: "int", value: 1.2345678901234568e29, text: "123456789012345678901234567890"});
    assert.deepEqual(kwargs.r, int(3));
  });

  test("bools, None, strings, tuples, lists", () => {
    const {kwargs} = parseCall(`Rprop(p, a=True, b=False, c=None, d='x', e="it's", f='a\\'b\\n\\x41\\u00e9', g=r'\\d',
      h='a' "b", i=(0.5,), j=(), k=[], l=[1, [2, (3,)]], m=((0.5, 1.2)), n=(0.5), o="""tri
ple""")`);
    assert.deepEqual(kwargs.a, {type: "bool", value: true});
    assert.deepEqual(kwargs.b, {type: "bool", value: false});
    assert.deepEqual(kwargs.c, {type: "none"});
    assert.deepEqual(kwargs.d, {type: "str", value: "x"});
    assert.deepEqual(kwargs.e, {type: "str", value: "it's"});
    assert.deepEqual(kwargs.f, {type: "str", value: "a'b\nAé"});
    assert.deepEqual(kwargs.g, {type: "str", value: "\\d"});
    assert.deepEqual(kwargs.h, {type: "str", value: "ab"});
    assert.deepEqual(kwargs.i, tuple(float(0.5)));
    assert.deepEqual(kwargs.j, tuple());
    assert.deepEqual(kwargs.k, list());
    assert.deepEqual(kwargs.l, list(int(1), list(int(2), tuple(int(3)))));
    assert.deepEqual(kwargs.m, tuple(float(0.5), float(1.2)));
    assert.deepEqual(kwargs.n, float(0.5));
    assert.deepEqual(kwargs.o, {type: "str", value: "tri\nple"});
  });

  test("anything that is not a literal is an expression with its source text", () => {
    const {kwargs, positional} = parseCall("Rprop(list(model.parameters())[1:], a=base_lr * 2, b=f(x, *y, k=1, **z)[0].w,"
      + " c=(0.5, eta), d=-True, e=1j, f=lambda t: t + 1, g=[x for x in y if x], h={'lr': 0.1}, i=x if c else y,"
      + " j=b'raw', k=f'{x}', l=not x, m=a < b <= c, n=(y := 2), o=..., p=x ** -1, q=~1, r={1, 2}, s=(x for x in y),"
      + " t=await_ or x, u=a[::2, 1:3], v=np.float32(1.2))");
    assert.deepEqual(positional, ["list(model.parameters())[1:]"]);
    const texts = {a: "base_lr * 2", b: "f(x, *y, k=1, **z)[0].w", c: "(0.5, eta)", d: "-True", e: "1j",
      f: "lambda t: t + 1", g: "[x for x in y if x]", h: "{'lr': 0.1}", i: "x if c else y", j: "b'raw'",
      k: "f'{x}'", l: "not x", m: "a < b <= c", n: "(y := 2)", o: "...", p: "x ** -1", q: "~1", r: "{1, 2}",
      s: "(x for x in y)", t: "await_ or x", u: "a[::2, 1:3]", v: "np.float32(1.2)"};
    for (const [name, text] of Object.entries(texts)) assert.deepEqual(kwargs[name], expr(text), name);
  });

  test("an expression over several lines becomes one line", () => {
    const call = parseCall("Rprop(\n  [  # groups\n    p,\n    q,\n  ],\n  lr=schedule(\n    0.1,\n  ),\n)");
    assert.deepEqual(call.positional, ["[p, q,]"]);
    assert.deepEqual(call.kwargs.lr, expr("schedule(0.1,)"));
  });
});

describe("parseCall: calls it rejects, saying where", () => {
  const bad = [
    ["", "expected a call"],
    ["   \n  ", "expected a call"],
    ["torch.optim.Rprop", "expected '('"],
    ["torch.optim.Rprop(", "'(' was never closed"],
    ["torch.optim.Rprop(p))", "unmatched ')'"],
    ["torch.optim.Rprop(p, etas=(0.5, 1.2]", "does not match"],
    ["torch.optim.Rprop(p, lr=)", "expected a value after 'lr='"],
    ["torch.optim.Rprop(p, lr=0.1 0.2)", "expected ',' or ')'"],
    ["torch.optim.Rprop(p, lr=0.1,, )", "expected an argument"],
    ["Rprop(, p)", "expected an argument"],
    ["Rprop(lr=1, p)", "positional argument follows keyword argument"],
    ["Rprop(p, lr=1, lr=2)", "keyword argument repeated: lr"],
    ["Rprop(p, **kw)", "argument unpacking"],
    ["Rprop(*groups)", "argument unpacking"],
    ["Rprop(p) x", "expected the end of the input"],
    ["Rprop(p)\nRprop(q)", "expected the end of the input"],
    ["opt: Optimizer = Rprop(p)", "without a type annotation"],
    ["opt = = Rprop(p)", "expected the name"],
    ["Rprop\n(p)", "found a line break"],
    ["Rprop(p, lr=01)", "invalid number '01'"],
    ["Rprop(p, lr=1.5.3)", "invalid number"],
    ["Rprop(p, lr=1__0)", "invalid number"],
    ["Rprop(p, lr=1_)", "invalid number"],
    ["Rprop(p, lr=0x)", "invalid number"],
    ["Rprop(p, lr=1abc)", "invalid number"],
    ["Rprop(p, lr='abc)", "unterminated string"],
    ["Rprop(p, lr='a\\x4')", "truncated \\x escape"],
    ["Rprop(p, lr=$)", "unexpected character '$'"],
    ["Rprop(p, lr=b'a' 'b')", "cannot mix bytes"],
    ["Rprop(p, lr=x if y)", "expected 'else'"],
    ["Rprop(p, lr=a.)", "expected an attribute name"],
    ["Rprop(p, lr=x for x in y)", "expected ',' or ')'"],
    ["Rprop(x for x in y, p)", "must be parenthesized"],
    ["Rprop(p, lr=import)", "expected an expression"],
    ["3(p)", "expected the name"],
    ["Rprop(p, 'a' \\ 'b')", "backslash"],
  ];
  for (const [text, message] of bad) {
    test(JSON.stringify(text), () => {
      assert.throws(() => parseCall(text), (error) => {
        assert.ok(error instanceof SyntaxError, String(error));
        assert.ok(error.message.includes(message), error.message);
        assert.match(error.message, /\(line \d+, column \d+\)$/);
        assert.match(error.zh, CJK);
        assert.match(error.zh, /第 \d+ 行第 \d+ 列/);
        return true;
      });
    });
  }

  test("an assignment keeps its target: `optimizer = …`, `self.opt = …`", () => {
    assert.equal(parseCall("optimizer = torch.optim.Rprop(p)").assign, "optimizer");
    assert.equal(parseCall("self.opt = Rprop(p, lr=0.1)").assign, "self.opt");
    assert.equal(parseCall("Rprop(p)").assign, null);
  });

  test("positions are 1-based lines and columns", () => {
    assert.throws(() => parseCall("Rprop(p,\n  lr=0.1 0.2)"), (error) => error.line === 2 && error.column === 10 && error.offset === 18);
    assert.throws(() => parseCall("Rprop(p, lr=$)"), (error) => error.line === 1 && error.column === 13);
  });

  test("non-strings are a TypeError", () => {
    assert.throws(() => parseCall(undefined), TypeError);
    assert.throws(() => parseCall({kwargs: {}}), TypeError);
  });
});

describe("parseValue", () => {
  test("reads one value as a keyword argument's value", () => {
    assert.deepEqual(parseValue("(1e-6, 50)"), tuple(float(1e-6), int(50)));
    assert.deepEqual(parseValue(" 0.5 "), float(0.5));
    assert.deepEqual(parseValue("[\n 1,\n 2,\n]"), list(int(1), int(2)));
    assert.deepEqual(parseValue("base_lr * 2"), expr("base_lr * 2"));
    assert.deepEqual(parseValue("x := 1"), expr("x := 1"));
  });

  test("rejects anything that is not exactly one value", () => {
    for (const text of ["", "  ", "1, 2", "1), (2", "(1", "1)", "lr=1", "1 2"]) {
      assert.throws(() => parseValue(text), SyntaxError, JSON.stringify(text));
    }
    assert.throws(() => parseValue("1, 2"), (error) => error.column === 2);
  });
});

describe("formatLiteral", () => {
  test("floats as Python's repr() writes them", () => {
    const cases = [[50, "50.0"], [0, "0.0"], [-0, "-0.0"], [1e-6, "1e-06"], [1e-5, "1e-05"], [1.5e-5, "1.5e-05"],
      [0.0001, "0.0001"], [0.1, "0.1"], [1e16, "1e+16"], [1e15, "1000000000000000.0"], [2 ** 53, "9007199254740992.0"],
      [1.2345e16, "1.2345e+16"], [5e-324, "5e-324"], [1.7976931348623157e308, "1.7976931348623157e+308"],
      [0.30000000000000004, "0.30000000000000004"], [-2.5, "-2.5"], [123456789.123, "123456789.123"],
      [NaN, 'float("nan")'], [Infinity, 'float("inf")'], [-Infinity, '-float("inf")']];
    for (const [value, text] of cases) assert.equal(formatLiteral(float(value)), text, String(value));
  });

  test("ints stay ints; other types", () => {
    assert.equal(formatLiteral(int(50)), "50");
    assert.equal(formatLiteral({type: "int", value: -3}), "-3");
    assert.equal(formatLiteral({type: "int", value: 1e30, text: "1000000000000000000000000000001"}), "1000000000000000000000000000001");
    assert.equal(formatLiteral({type: "int", value: 12n}), "12");
    assert.equal(formatLiteral({type: "bool", value: true}), "True");
    assert.equal(formatLiteral({type: "bool", value: false}), "False");
    assert.equal(formatLiteral({type: "none"}), "None");
    assert.equal(formatLiteral({type: "str", value: "a'b"}), `"a'b"`);
    assert.equal(formatLiteral({type: "str", value: `a'"b\\\n\x01é`}), `'a\\'"b\\\\\\n\\x01é'`);
    assert.equal(formatLiteral(tuple(float(0.5))), "(0.5,)");
    assert.equal(formatLiteral(tuple()), "()");
    assert.equal(formatLiteral(tuple(float(1e-6), int(50))), "(1e-06, 50)");
    assert.equal(formatLiteral(list(float(1), list())), "[1.0, []]");
    assert.equal(formatLiteral(expr("base_lr * 2")), "base_lr * 2");
  });

  test("round trip: parse, format, parse again", () => {
    for (const text of ["(1e-06, 50.0)", "[0.1, 0.01]", "(0.5,)", "-0.0", "'it\\'s'", "None", "True", "[(1, 2.5), ()]"]) {
      const node = parseValue(text);
      assert.deepEqual(parseValue(formatLiteral(node)), node, text);
    }
  });

  test("bad nodes are a TypeError", () => {
    assert.throws(() => formatLiteral(null), TypeError);
    assert.throws(() => formatLiteral({type: "complex"}), TypeError);
    assert.throws(() => formatLiteral({type: "int", value: 0.5}), TypeError);
  });
});

// --- the converter --------------------------------------------------------------------------------

function ok(direction, input) {
  const result = convert(direction, input);
  assert.equal(result.ok, true, JSON.stringify(result));
  assert.ok(!result.code.includes("\n"));
  for (const c of result.caveats) {
    assert.ok(c.id && c.en && c.zh, JSON.stringify(c));
    assert.match(c.zh, CJK);
    assert.ok(ROWS.has(c.row), c.row);
  }
  return result;
}

function fails(direction, input, id) {
  const result = convert(direction, input);
  assert.equal(result.ok, false, JSON.stringify(result));
  assert.equal(result.error.id, id, JSON.stringify(result.error));
  assert.ok(result.error.en.length > 20);
  assert.match(result.error.zh, CJK);
  return result.error;
}

const ids = (result) => result.caveats.map((c) => c.id);

describe("convert: torch → mindspore.nn.Rprop", () => {
  const d = "torch->mindspore";

  test("defaults: the initial step size is written out", () => {
    const r = ok(d, "torch.optim.Rprop(model.parameters())");
    assert.equal(r.code, "mindspore.nn.Rprop(net.trainable_params(), learning_rate=0.01, etas=(0.5, 1.2), step_sizes=(1e-06, 50.0))");
    assert.equal(r.identical, true);
    assert.deepEqual(ids(r), ["lr-default"]);
    assert.equal(r.caveats[0].row, "lr");
  });

  test("ints become floats and lists tuples", () => {
    const r = ok(d, "torch.optim.Rprop(params, 0.1, [0.4, 2], [0, 5])");
    assert.equal(r.code, "mindspore.nn.Rprop(params, learning_rate=0.1, etas=(0.4, 2.0), step_sizes=(0.0, 5.0))");
    assert.equal(r.identical, true);
    assert.deepEqual(ids(r), ["etas-tuple-of-floats", "step-sizes-tuple-of-floats", "params-kept"]);
  });

  test("lr=0 is fine for nn; an int lr becomes a float", () => {
    assert.equal(ok(d, "torch.optim.Rprop(model.parameters(), lr=0)").code,
      "mindspore.nn.Rprop(net.trainable_params(), learning_rate=0.0, etas=(0.5, 1.2), step_sizes=(1e-06, 50.0))");
    assert.match(ok(d, "torch.optim.Rprop(model.parameters(), lr=2)").code, /learning_rate=2\.0,/);
  });

  test("min > max: torch clamps to max, so (max, max) is the same", () => {
    const r = ok(d, "torch.optim.Rprop(model.parameters(), step_sizes=(1.0, 0.1))");
    assert.match(r.code, /step_sizes=\(0\.1, 0\.1\)\)$/);
    assert.equal(r.identical, true);
    assert.ok(ids(r).includes("step-sizes-min-above-max"));
  });

  test("maximize=True has no nn equivalent: not identical, with the work-around", () => {
    const r = ok(d, "torch.optim.Rprop(model.parameters(), lr=0.01, maximize=True)");
    assert.equal(r.identical, false);
    assert.ok(!r.code.includes("maximize"));
    const c = r.caveats.find((x) => x.id === "maximize-no-equivalent");
    assert.equal(c.row, "maximize");
    assert.ok(c.en.includes("optimizer(tuple(-g for g in grads))") && c.zh.includes("optimizer(tuple(-g for g in grads))"));
    assert.ok(c.en.includes("mindspore.experimental.optim.Rprop"));
    assert.equal(ok(d, "torch.optim.Rprop(model.parameters(), maximize=False)").identical, true);
  });

  test("foreach, capturable and differentiable are dropped with a caveat each", () => {
    const r = ok(d, "torch.optim.Rprop(model.parameters(), foreach=True, capturable=True, differentiable=True)");
    assert.equal(r.identical, true);
    assert.deepEqual(ids(r).slice(1), ["foreach-dropped", "capturable-dropped", "differentiable-dropped"]);
    assert.deepEqual(r.caveats.slice(1).map((c) => c.row), ["foreach", "capturable", "differentiable"]);
    assert.ok(!/foreach|capturable|differentiable/.test(r.code));
    assert.ok(ok(d, "torch.optim.Rprop(model.parameters(), foreach=None)").caveats.some((c) => c.id === "foreach-dropped"));
  });

  test("an lr expression is copied; named_parameters maps too", () => {
    const r = ok(d, "torch.optim.Rprop(model.named_parameters(), lr=base_lr * 2)");
    assert.equal(r.code, "mindspore.nn.Rprop(net.trainable_params(), learning_rate=base_lr * 2, etas=(0.5, 1.2), step_sizes=(1e-06, 50.0))");
    assert.deepEqual(ids(r), ["lr-expression"]);
  });

  test("accepted spellings of the callee", () => {
    for (const callee of ["torch.optim.Rprop", "optim.Rprop", "Rprop", "torch.optim.rprop.Rprop", "rprop.Rprop"]) {
      ok(d, `${callee}(model.parameters())`);
    }
  });

  test("errors", () => {
    fails(d, "torch.optim.Rprop(model.parameters(), lr=0.1", "syntax");
    fails(d, "mindspore.nn.Rprop(net.trainable_params())", "callee");
    assert.match(fails(d, "nn.Rprop(net.trainable_params())", "callee").en, /mindspore\.nn\.Rprop/);
    fails(d, "torch.optim.SGD(model.parameters())", "callee");
    assert.match(fails(d, "torch.optim.Rprop(model.parameters(), weight_decay=0.1)", "unknown-keyword").en, /TypeError/);
    assert.match(fails(d, "torch.optim.Rprop(model.parameters(), learning_rate=0.1)", "unknown-keyword").en, /`lr`/);
    assert.match(fails(d, "torch.optim.Rprop(model.parameters(), lr=-1)", "source-rejects").en, /ValueError/);
    assert.match(fails(d, "torch.optim.Rprop(model.parameters(), lr='0.1')", "source-rejects").en, /TypeError/);
    fails(d, "torch.optim.Rprop(model.parameters(), lr=None)", "source-rejects");
    assert.match(fails(d, "torch.optim.Rprop(model.parameters(), etas=(1.0, 1.2))", "source-rejects").en, /ValueError/);
    assert.match(fails(d, "torch.optim.Rprop(model.parameters(), etas=(0.5,))", "source-rejects").en, /IndexError/);
    assert.match(fails(d, "torch.optim.Rprop(model.parameters(), etas=(0.5, 1.2, 2.0))", "source-rejects").en, /ValueError/);
    assert.match(fails(d, "torch.optim.Rprop(model.parameters(), step_sizes=(1e-6,))", "source-rejects").en, /ValueError/);
    assert.match(fails(d, "torch.optim.Rprop(model.parameters(), step_sizes=None)", "source-rejects").en, /TypeError/);
    fails(d, "torch.optim.Rprop(model.parameters(), 0.1, lr=0.2)", "source-rejects");
    fails(d, "torch.optim.Rprop(model.parameters(), 0.1, (0.5, 1.2), (1e-6, 50), True)", "source-rejects");
    fails(d, "torch.optim.Rprop(lr=0.1)", "source-rejects");
    fails(d, "torch.optim.Rprop(model.parameters(), maximize=flag)", "non-literal");
    fails(d, "torch.optim.Rprop(model.parameters(), etas=my_etas)", "non-literal");
    fails(d, "torch.optim.Rprop(model.parameters(), step_sizes=(1e-6, smax))", "non-literal");
    fails(d, "torch.optim.Rprop(model.parameters(), lr=True)", "unsupported-value");
    fails(d, "torch.optim.Rprop(model.parameters(), lr=1e999)", "unsupported-value");
    fails(d, "torch.optim.Rprop(model.parameters(), lr=1e39)", "unsupported-value");
    fails(d, "torch.optim.Rprop(model.parameters(), maximize=1)", "unsupported-value");
    fails(d, "torch.optim.Rprop(model.parameters(), step_sizes=(1e-6, 123456789012345678901234567890))", "unsupported-value");
    fails(d, "torch.optim.Rprop([{'params': p} for p in parts])", "parameter-groups");
    fails(d, "torch.optim.Rprop([{'params': a}, b])", "parameter-groups");
    fails(d, "torch.optim.Rprop(0.1)", "unsupported-value");
  });
});

describe("convert: torch → mindspore.experimental.optim.Rprop", () => {
  const d = "torch->mindspore-experimental";

  test("defaults and custom values keep their names and types", () => {
    assert.equal(ok(d, "torch.optim.Rprop(model.parameters())").code,
      "mindspore.experimental.optim.Rprop(net.trainable_params(), lr=0.01, etas=(0.5, 1.2), step_sizes=(1e-06, 50), maximize=False)");
    const r = ok(d, "torch.optim.Rprop(model.parameters(), lr=1, etas=[0.3, 2], step_sizes=(1e-4, 1), maximize=True)");
    assert.equal(r.code, "mindspore.experimental.optim.Rprop(net.trainable_params(), lr=1, etas=[0.3, 2], step_sizes=(0.0001, 1), maximize=True)");
    assert.equal(r.identical, true);
    assert.deepEqual(r.caveats, []);
  });

  test("lr=0 becomes torch's first step size", () => {
    const r = ok(d, "torch.optim.Rprop(model.parameters(), lr=0)");
    assert.match(r.code, /lr=1e-06,/);
    assert.deepEqual(ids(r), ["lr-zero"]);
    assert.match(ok(d, "torch.optim.Rprop(model.parameters(), lr=0.0, step_sizes=(1.0, 0.1))").code, /lr=0\.1,/);
    fails(d, "torch.optim.Rprop(model.parameters(), lr=0, step_sizes=(0, 1))", "no-equivalent");
    fails(d, "torch.optim.Rprop(model.parameters(), lr=0, step_sizes=ss)", "non-literal");
  });

  test("min > max is kept: experimental clamps as torch does", () => {
    assert.match(ok(d, "torch.optim.Rprop(model.parameters(), step_sizes=(1.0, 0.1))").code, /step_sizes=\(1\.0, 0\.1\)/);
  });

  test("expressions are copied", () => {
    const r = ok(d, "torch.optim.Rprop(model.parameters(), lr=base_lr, etas=my_etas, step_sizes=ss, maximize=flag)");
    assert.equal(r.code, "mindspore.experimental.optim.Rprop(net.trainable_params(), lr=base_lr, etas=my_etas, step_sizes=ss, maximize=flag)");
    assert.deepEqual(ids(r), ["lr-expression", "etas-expression", "step-sizes-expression", "maximize-expression"]);
  });

  test("torch-only switches are dropped (experimental raises TypeError for them)", () => {
    const r = ok(d, "torch.optim.Rprop(model.parameters(), foreach=False, differentiable=True)");
    assert.deepEqual(ids(r), ["foreach-dropped", "differentiable-dropped"]);
    assert.ok(r.caveats.every((c) => c.en.includes("TypeError")));
  });

  test("errors", () => {
    fails(d, "torch.optim.Rprop(model.parameters(), lr=-0.1)", "source-rejects");
    fails(d, "torch.optim.Rprop(model.parameters(), momentum=0.9)", "unknown-keyword");
    fails(d, "torch.optim.Rprop(model.parameters(), lr=0.1,, )", "syntax");
  });
});

describe("convert: mindspore.nn.Rprop → torch", () => {
  const d = "mindspore->torch";

  test("defaults: MindSpore's 0.1 is written out", () => {
    const r = ok(d, "mindspore.nn.Rprop(net.trainable_params())");
    assert.equal(r.code, "torch.optim.Rprop(model.parameters(), lr=0.1, etas=(0.5, 1.2), step_sizes=(1e-06, 50.0))");
    assert.equal(r.identical, true);
    assert.deepEqual(ids(r), ["lr-default"]);
  });

  test("a schedule: only its first value matters", () => {
    const r = ok(d, "nn.Rprop(net.trainable_params(), learning_rate=[0.1, 0.01], weight_decay=0.0)");
    assert.equal(r.code, "torch.optim.Rprop(model.parameters(), lr=0.1, etas=(0.5, 1.2), step_sizes=(1e-06, 50.0))");
    assert.equal(r.identical, true);
    assert.deepEqual(ids(r), ["lr-schedule"]);
    assert.equal(r.caveats[0].row, "lr-schedule");
    assert.match(r.caveats[0].en, /step 3 with `RuntimeError`/);
    assert.match(ok(d, "nn.Rprop(net.trainable_params(), learning_rate=(2, 0.5))").code, /lr=2\.0,/);
    fails(d, "nn.Rprop(net.trainable_params(), learning_rate=[])", "unsupported-value");
    fails(d, "nn.Rprop(net.trainable_params(), learning_rate=[-0.1, 0.1])", "unsupported-value");
    fails(d, "nn.Rprop(net.trainable_params(), learning_rate=[[0.1]])", "unsupported-value");
    fails(d, "nn.Rprop(net.trainable_params(), learning_rate=[0.1, x])", "non-literal");
  });

  test("weight decay has no torch equivalent: not identical, with the work-around and the name filter", () => {
    const r = ok(d, "nn.Rprop(net.trainable_params(), learning_rate=0.01, weight_decay=1e-2)");
    assert.equal(r.identical, false);
    const c = r.caveats.find((x) => x.id === "weight-decay-no-equivalent");
    assert.equal(c.row, "weight-decay");
    for (const text of [c.en, c.zh]) {
      assert.ok(text.includes("p.grad += 0.01 * p.detach()"));
      assert.ok(text.includes("beta") && text.includes("gamma"));
    }
    assert.equal(ok(d, "nn.Rprop(net.trainable_params(), weight_decay=0)").identical, true);
  });

  test("positional arguments and the ms alias", () => {
    const r = ok(d, "ms.nn.Rprop(params, 0.02, (0.4, 1.3), (1e-5, 2.0), 0.0)");
    assert.equal(r.code, "torch.optim.Rprop(params, lr=0.02, etas=(0.4, 1.3), step_sizes=(1e-05, 2.0))");
    assert.deepEqual(ids(r), ["params-kept"]);
  });

  test("errors: what nn itself rejects", () => {
    assert.match(fails(d, "nn.Rprop(net.trainable_params(), step_sizes=(1e-6, 50))", "source-rejects").en, /TypeError/);
    assert.match(fails(d, "nn.Rprop(net.trainable_params(), etas=[0.5, 1.2])", "source-rejects").en, /TypeError/);
    assert.match(fails(d, "nn.Rprop(net.trainable_params(), etas=(1, 1.2))", "source-rejects").en, /TypeError/);
    assert.match(fails(d, "nn.Rprop(net.trainable_params(), etas=(0.5, 2))", "source-rejects").en, /TypeError/);
    assert.match(fails(d, "nn.Rprop(net.trainable_params(), etas=(True, 1.2))", "source-rejects").en, /TypeError/);
    assert.match(fails(d, "nn.Rprop(net.trainable_params(), etas=(0.5, 1.0))", "source-rejects").en, /ValueError/);
    assert.match(fails(d, "nn.Rprop(net.trainable_params(), step_sizes=(1.0, 0.1))", "source-rejects").en, /ValueError/);
    // MindSpore compares min and max before it checks their types.
    assert.match(fails(d, "nn.Rprop(net.trainable_params(), step_sizes=(1, 0.1))", "source-rejects").en, /ValueError/);
    assert.match(fails(d, "nn.Rprop(net.trainable_params(), learning_rate=-0.1)", "source-rejects").en, /ValueError/);
    assert.match(fails(d, "nn.Rprop(net.trainable_params(), learning_rate=None)", "source-rejects").en, /TypeError/);
    assert.match(fails(d, "nn.Rprop(net.trainable_params(), weight_decay=-0.1)", "source-rejects").en, /ValueError/);
    assert.match(fails(d, "nn.Rprop(net.trainable_params(), weight_decay='0')", "source-rejects").en, /TypeError/);
    assert.match(fails(d, "nn.Rprop(net.trainable_params(), lr=0.01)", "unknown-keyword").en, /learning_rate/);
    fails(d, "nn.Rprop(net.trainable_params(), maximize=True)", "unknown-keyword");
    fails(d, "nn.Rprop(net.trainable_params(), learning_rate='0.1')", "unsupported-value");
    fails(d, "nn.Rprop(net.trainable_params(), learning_rate=schedule)", "non-literal");
    fails(d, "nn.Rprop(net.trainable_params(), weight_decay=wd)", "non-literal");
    fails(d, "nn.Rprop(net.trainable_params(), etas=(0.5, np.float32(1.2)))", "non-literal");
    fails(d, "torch.optim.Rprop(model.parameters())", "callee");
  });
});

describe("convert: mindspore.experimental.optim.Rprop → torch", () => {
  const d = "mindspore-experimental->torch";

  test("names and values are kept", () => {
    assert.equal(ok(d, "mindspore.experimental.optim.Rprop(net.trainable_params())").code,
      "torch.optim.Rprop(model.parameters(), lr=0.01, etas=(0.5, 1.2), step_sizes=(1e-06, 50), maximize=False)");
    const r = ok(d, "optim.Rprop(params, 0.03, (0.45, 2), step_sizes=[1e-5, 2], maximize=True)");
    assert.equal(r.code, "torch.optim.Rprop(params, lr=0.03, etas=(0.45, 2), step_sizes=[1e-05, 2], maximize=True)");
    assert.equal(r.identical, true);
    assert.equal(ok(d, "optim.Rprop(net.trainable_params(), lr=base_lr)").caveats[0].id, "lr-expression");
  });

  test("errors: what experimental itself rejects", () => {
    assert.match(fails(d, "optim.Rprop(net.trainable_params(), lr=0)", "source-rejects").en, /ValueError/);
    assert.match(fails(d, "optim.Rprop(net.trainable_params(), lr='0.1')", "source-rejects").en, /TypeError/);
    assert.match(fails(d, "optim.Rprop(net.trainable_params(), etas=(1, 1.2))", "source-rejects").en, /TypeError/);
    assert.match(fails(d, "optim.Rprop(net.trainable_params(), etas=(0.5, 1.0))", "source-rejects").en, /ValueError/);
    assert.match(fails(d, "optim.Rprop(net.trainable_params(), etas=(0.5,))", "source-rejects").en, /IndexError/);
    assert.match(fails(d, "optim.Rprop(net.trainable_params(), etas=None)", "source-rejects").en, /TypeError/);
    assert.match(fails(d, "optim.Rprop(net.trainable_params(), step_sizes=(1e-6,))", "source-rejects").en, /ValueError/);
    fails(d, "optim.Rprop(net.trainable_params(), weight_decay=0.1)", "unknown-keyword");
    fails(d, "optim.Rprop(net.trainable_params(), foreach=True)", "unknown-keyword");
    fails(d, "optim.Rprop(net.trainable_params(), 0.1, (0.5, 1.2), (1e-6, 50), True)", "source-rejects");
    fails(d, "optim.Rprop(net.trainable_params(), maximize=1)", "unsupported-value");
    fails(d, "nn.Rprop(net.trainable_params())", "callee");
  });
});

describe("convert: parameter groups", () => {
  const T2M = "torch->mindspore", T2X = "torch->mindspore-experimental", M2T = "mindspore->torch", X2T = "mindspore-experimental->torch";
  const two = (call, first, second = "", rest = "") => {
    const part = call.startsWith("torch") ? "model.{}.parameters()" : "net.{}.trainable_params()";
    const group = (name, extra) => `{"params": ${part.replace("{}", name)}${extra ? `, ${extra}` : ""}}`;
    return `${call}([${group("backbone", first)}, ${group("head", second)}]${rest ? `, ${rest}` : ""})`;
  };

  test("parseGroups reads dict displays and dict() calls, and nothing else", async () => {
    const {parseGroups} = await import("../../docs/assets/playground/pyliteral.js");
    const read = parseGroups('[{"params": model.a.parameters(), "lr": 1e-3}, dict(params=b, etas=(0.3, 1.5))]');
    assert.equal(read.container, "list");
    assert.deepEqual(read.groups.map((g) => g.form), ["dict", "call"]);
    assert.deepEqual(read.groups[0].entries.map((e) => [e.key, e.text]), [["params", "model.a.parameters()"], ["lr", "1e-3"]]);
    assert.deepEqual(read.groups[0].entries[1].node, float(0.001));
    assert.deepEqual(read.groups[1].entries[1].node, tuple(float(0.3), float(1.5)));
    assert.equal(parseGroups("({'params': a},)").container, "tuple");
    assert.equal(parseGroups("[dict(**g)]").groups[0].unpacked, true);
    assert.deepEqual(parseGroups("[{'params': a}, x]").others, ["x"]);
    for (const text of ["model.parameters()", "[]", "[a, b]", "[{'params': p} for p in x]", "{'params': a}", "[dict(a=1).copy()]"]) {
      assert.equal(parseGroups(text), null, text);
    }
  });

  test("the params rule: the path is kept, the method is swapped; anything else is copied with a caveat", () => {
    const r = ok(T2M, 'torch.optim.Rprop([{"params": model.backbone.parameters()}, {"params": self.net.head.parameters()}, {"params": head}])');
    assert.equal(r.code, 'mindspore.nn.Rprop([{"params": net.backbone.trainable_params()}, {"params": self.net.head.trainable_params()}, '
      + '{"params": head}], learning_rate=0.01, etas=(0.5, 1.2), step_sizes=(1e-06, 50.0))');
    assert.deepEqual(ids(r), ["lr-default", "params-kept"]);
    assert.match(r.caveats[1].en, /parameter group 3/);
    assert.match(ok(M2T, 'nn.Rprop([{"params": net.backbone.trainable_params()}])').code, /^torch\.optim\.Rprop\(\[\{"params": model\.backbone\.parameters\(\)\}\]/);
    fails(T2M, 'torch.optim.Rprop([{"params": model.a.named_parameters()}, {"params": model.b.parameters()}])', "source-rejects");
  });

  test("torch → nn.Rprop: per-group lr; etas, step_sizes, maximize only when they equal the call's", () => {
    assert.equal(ok(T2M, two("torch.optim.Rprop", '"lr": 1e-3', "", "lr=0.05")).code,
      'mindspore.nn.Rprop([{"params": net.backbone.trainable_params(), "lr": 0.001}, {"params": net.head.trainable_params()}], '
      + "learning_rate=0.05, etas=(0.5, 1.2), step_sizes=(1e-06, 50.0))");
    const same = ok(T2M, two("torch.optim.Rprop", '"etas": [0.4, 1.5], "foreach": True', '"weight_decay": 0.1', "etas=(0.4, 1.5)"));
    assert.equal(same.identical, true);
    assert.deepEqual(ids(same), ["lr-default", "group-key-same", "foreach-dropped", "group-key-ignored"]);
    assert.doesNotMatch(same.code, /weight_decay|foreach|\[0\.4/);
    for (const key of ['"etas": (0.3, 1.5)', '"step_sizes": (1e-4, 1)', '"maximize": True']) {
      const error = fails(T2M, two("torch.optim.Rprop", key), "no-equivalent");
      assert.equal(error.row, "params");
      assert.match(error.en, /experimental/);
    }
    // a group may repeat the call's maximize=True: not identical, as without groups
    assert.equal(ok(T2M, two("torch.optim.Rprop", '"maximize": True', "", "maximize=True")).identical, false);
    fails(T2M, two("torch.optim.Rprop", '"etas": e'), "non-literal");
    fails(T2M, two("torch.optim.Rprop", '"lr": -0.1'), "unsupported-value");  // torch does not check it
    fails(T2M, two("torch.optim.Rprop", '"etas": (1.5, 1.2)'), "unsupported-value");
    fails(T2M, 'torch.optim.Rprop([{"lr": 0.1}])', "source-rejects");
  });

  test("torch → experimental: group keys kept; an inherited lr=0 is written per group", () => {
    const r = ok(T2X, 'torch.optim.Rprop((dict(params=model.a.parameters(), step_sizes=(1e-7, 1), capturable=False), dict(params=model.b.parameters())), lr=0)');
    assert.equal(r.code, "mindspore.experimental.optim.Rprop((dict(params=net.a.trainable_params(), lr=0.0, step_sizes=(1e-07, 1)), "
      + "dict(params=net.b.trainable_params(), lr=0.0)), lr=1e-06, etas=(0.5, 1.2), step_sizes=(1e-06, 50), maximize=False)");
    assert.deepEqual(ids(r), ["lr-zero", "group-lr-zero", "capturable-dropped", "group-lr-zero"]);
    assert.match(ok(T2X, 'torch.optim.Rprop(({"params": model.parameters(), "maximize": True, "lr": 0},))').code,
      /^mindspore\.experimental\.optim\.Rprop\(\(\{"params": net\.trainable_params\(\), "lr": 0, "maximize": True\},\), /);
  });

  test("nn.Rprop → torch: group lr and weight decay, judged with the call's values", () => {
    const r = ok(M2T, two("nn.Rprop", '"weight_decay": 0.5', '"lr": 0.02', "learning_rate=0.01, weight_decay=0.1"));
    assert.equal(r.code, 'torch.optim.Rprop([{"params": model.backbone.parameters()}, {"params": model.head.parameters(), "lr": 0.02}], '
      + "lr=0.01, etas=(0.5, 1.2), step_sizes=(1e-06, 50.0))");
    assert.equal(r.identical, false);
    assert.deepEqual(ids(r), ["weight-decay-no-equivalent"]);
    assert.match(r.caveats[0].en, /`for p in model\.backbone\.parameters\(\): p\.grad \+= 0\.5 \* p\.detach\(\)`; `for p in model\.head\.parameters\(\): p\.grad \+= 0\.1 \* p\.detach\(\)`/);
    assert.match(r.caveats[0].en, /no "beta"\/"gamma" filter/);
    assert.equal(ok(M2T, two("nn.Rprop", '"weight_decay": 0', "", "weight_decay=0.0")).identical, true);
    assert.deepEqual(ids(ok(M2T, two("nn.Rprop", '"lr": 0.1'))), ["lr-default"]);
    fails(M2T, two("nn.Rprop", '"etas": (0.5, 1.2)'), "source-rejects");
    assert.match(fails(M2T, two("nn.Rprop", '"lr": -1.0'), "source-rejects").en, /`lr` must be >= 0/);
    fails(M2T, two("nn.Rprop", '"lr": [0.1, 0.2]'), "unsupported-value");
    fails(M2T, two("nn.Rprop", "", "", "learning_rate=[0.1, 0.2]"), "unsupported-value");
    fails(M2T, two("nn.Rprop", '"grad_centralization": True'), "no-equivalent");
    fails(M2T, two("nn.Rprop", '"grad_centralization": 1'), "source-rejects");
    fails(M2T, 'nn.Rprop([{"params": net.a.trainable_params()}, {"order_params": net.trainable_params()}])', "parameter-groups");
  });

  test("experimental → torch: group keys kept, a group weight_decay checked and dropped", () => {
    const r = ok(X2T, two("optim.Rprop", '"lr": 0, "etas": (0.3, 1.5), "weight_decay": 0.5', '"maximize": True', "lr=0.02"));
    assert.equal(r.code, 'torch.optim.Rprop([{"params": model.backbone.parameters(), "lr": 0, "etas": (0.3, 1.5)}, '
      + '{"params": model.head.parameters(), "maximize": True}], lr=0.02, etas=(0.5, 1.2), step_sizes=(1e-06, 50), maximize=False)');
    assert.deepEqual(ids(r), ["group-key-ignored"]);
    fails(X2T, two("optim.Rprop", '"lr": -1.0'), "source-rejects");
    fails(X2T, two("optim.Rprop", '"weight_decay": "a"'), "source-rejects");
    fails(X2T, two("optim.Rprop", '"etas": (1.0, 1.2)'), "unsupported-value");
  });

  test("an empty list of parameters or groups: ValueError in every framework", () => {
    for (const [d, text] of [[T2M, "torch.optim.Rprop([])"], [T2X, "torch.optim.Rprop(())"], [M2T, "nn.Rprop([])"], [X2T, "optim.Rprop([], lr=0.1)"]]) {
      assert.match(fails(d, text, "source-rejects").en, /ValueError/);
    }
  });

  test("group errors and caveats are bilingual; the Chinese uses 参数组", () => {
    const r = ok(T2X, two("torch.optim.Rprop", '"weight_decay": 0.1', "", "lr=0"));
    for (const c of r.caveats) assert.doesNotMatch(c.zh, /参数分组/);
    assert.match(fails(T2M, two("torch.optim.Rprop", '"etas": (0.3, 1.5)'), "no-equivalent").zh, /第 1 个参数组/);
  });
});

describe("convert: input forms and robustness", () => {
  test("DIRECTIONS and FRAMEWORKS", () => {
    assert.deepEqual(DIRECTIONS, ["torch->mindspore", "torch->mindspore-experimental", "mindspore->torch",
      "mindspore-experimental->torch"]);
    assert.equal(FRAMEWORKS.mindspore.callee, "mindspore.nn.Rprop");
    fails("torch->paddle", "torch.optim.Rprop(model.parameters())", "direction");
    fails("__proto__", "torch.optim.Rprop(model.parameters())", "direction");
  });

  test("an object of keyword arguments: typed nodes, plain values, Python text", () => {
    const typed = ok("torch->mindspore", {kwargs: {lr: float(0.05), etas: tuple(float(0.4), int(2))}});
    assert.equal(typed.code, "mindspore.nn.Rprop(net.trainable_params(), learning_rate=0.05, etas=(0.4, 2.0), step_sizes=(1e-06, 50.0))");
    const plain = ok("torch->mindspore", {kwargs: {lr: 0.05, etas: [0.4, 2], maximize: false, foreach: null, step_sizes: undefined}});
    assert.equal(plain.code, typed.code);
    const text = ok("torch->mindspore", {kwargs: {lr: "5e-2", etas: "(0.4, 2)"}, params: "list(model.parameters())"});
    assert.equal(text.code, typed.code.replace("net.trainable_params()", "list(model.parameters())"));
    const params = ok("mindspore->torch", {kwargs: {params: "net.trainable_params()", learning_rate: 0.05, weight_decay: 0}});
    assert.equal(params.code, "torch.optim.Rprop(model.parameters(), lr=0.05, etas=(0.5, 1.2), step_sizes=(1e-06, 50.0))");
    // A JS number is a Python float, so an nn step size of 50 is fine; a Python int is not.
    ok("mindspore->torch", {kwargs: {step_sizes: [1e-6, 50]}});
    fails("mindspore->torch", {kwargs: {step_sizes: [1e-6, int(50)]}}, "source-rejects");
    fails("mindspore->torch", {kwargs: {step_sizes: "(1e-6, 50)"}}, "source-rejects");
    fails("torch->mindspore", {kwargs: {lr: "0.1 +"}}, "syntax");
    fails("torch->mindspore", {kwargs: {lr: {type: "float", value: "0.1"}}}, "input");
    fails("torch->mindspore", {kwargs: {lr: () => 1}}, "input");
    fails("torch->mindspore", {kwargs: {momentum: 0.9}}, "unknown-keyword");
    for (const bad of [null, undefined, 42, {}, {kwargs: null}, {kwargs: []}]) fails("torch->mindspore", bad, "input");
  });

  test("never throws, on any text", () => {
    const pieces = ["torch.optim.Rprop", "nn.Rprop", "(", ")", "[", "]", ",", "lr=", "etas=", "0.5", "1.2", "-", "'",
      "\"", "#", "\n", "\\", "(1e-6, 50)", "True", "x", ".", "=", "*", "**", "lambda", ":", "{", "}", " "];
    let seed = 12345;
    const random = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };
    for (let i = 0; i < 3000; i++) {
      const n = 1 + Math.floor(random() * 12);
      let text = random() < 0.5 ? "torch.optim.Rprop(" : "";
      for (let k = 0; k < n; k++) text += pieces[Math.floor(random() * pieces.length)];
      for (const direction of DIRECTIONS) {
        const result = convert(direction, text);
        assert.equal(typeof result.ok, "boolean");
        if (!result.ok) assert.notEqual(result.error.id, "internal", `${text}: ${result.error.en}`);
      }
    }
  });

  test("every caveat and error is bilingual and points at a real row", () => {
    const inputs = [
      ["torch->mindspore", "torch.optim.Rprop(p, lr=x, etas=[0.5, 2], step_sizes=(2, 1), maximize=True, foreach=True, capturable=True, differentiable=False)"],
      ["torch->mindspore-experimental", "torch.optim.Rprop(p, lr=0, etas=e, step_sizes=(1e-6, 50), maximize=m, capturable=False, differentiable=True)"],
      ["mindspore->torch", "nn.Rprop(p, weight_decay=0.1)"],
      ["mindspore->torch", "nn.Rprop(p, learning_rate=[0.1, 0.2])"],
      ["mindspore-experimental->torch", "optim.Rprop(p, lr=x, etas=e, step_sizes=s, maximize=m)"],
    ];
    const seen = new Set();
    for (const [direction, text] of inputs) {
      for (const c of ok(direction, text).caveats) {
        seen.add(c.id);
        assert.ok(!c.zh.includes("undefined") && !c.en.includes("undefined"));
      }
    }
    assert.ok(seen.size >= 15, [...seen].join(", "));
  });
});

describe("verdicts: identical, different, cannot-tell, fails", () => {
  const T2M = "torch->mindspore";
  test("special floats are read as floats: float('nan'), math.inf, -float('inf')", () => {
    assert.ok(Number.isNaN(parseValue("float('nan')").value));
    assert.equal(parseValue("math.inf").value, Infinity);
    assert.equal(parseValue("-float('Infinity')").value, -Infinity);
    assert.equal(parseValue("np.float32(0.01)").type, "expr");
  });
  test("an expression copied as it is cannot be judged", () => {
    const r = convert(T2M, "torch.optim.Rprop(model.parameters(), lr=torch.tensor(0.001))");
    assert.equal(r.verdict, "cannot-tell");
    assert.equal(r.identical, false);
  });
  test("a call the source rejects fails; one with **kwargs cannot be read", () => {
    assert.equal(convert(T2M, "torch.optim.Rprop(model.parameters(), lr=float('nan'))").verdict, "fails");
    const r = convert(T2M, "torch.optim.Rprop(model.parameters(), **cfg)");
    assert.equal(r.verdict, "cannot-tell");
    assert.equal(r.error.id, "cannot-read");
  });
  test("an assignment is converted with its target", () => {
    const r = convert(T2M, "optimizer = torch.optim.Rprop(model.parameters(), lr=0.01)");
    assert.equal(r.verdict, "identical");
    assert.ok(r.code.startsWith("optimizer = mindspore.nn.Rprop(net.trainable_params(), learning_rate=0.01"), r.code);
  });
});

describe("sourceOf: the direction a pasted call picks itself (the paste-and-port box)", async () => {
  const { sourceOf } = await import("../../docs/assets/playground/convert.js");
  test("each constructor, under any of its names, with or without an assignment", () => {
    for (const [text, source] of [
      ["torch.optim.Rprop(model.parameters())", "torch"],
      ["optimizer = torch.optim.Rprop(model.parameters(), lr=0.001, etas=(0.3, 1.5))", "torch"],
      ["self.opt = optim.Rprop(model.parameters(), lr=0.001)", "torch"],
      ["Rprop(params, lr=0.01, maximize=True)", "torch"],
      ["mindspore.nn.Rprop(net.trainable_params(), learning_rate=0.01)", "mindspore"],
      ["opt = ms.nn.Rprop(net.trainable_params())", "mindspore"],
      ["nn.Rprop(params, 0.01)", "mindspore"],
      ["Rprop(params, learning_rate=0.01, weight_decay=0.1)", "mindspore"],
      ["mindspore.experimental.optim.Rprop(net.trainable_params(), lr=0.01)", "mindspore-experimental"],
      ["ms.experimental.optim.Rprop(params)", "mindspore-experimental"],
    ]) assert.equal(sourceOf(text), source, text);
  });
  test("a call it cannot read, or to another class, picks nothing", () => {
    for (const text of ["", "torch.optim.Rprop(", "torch.optim.Adam(model.parameters())", "lr = 0.01"]) {
      assert.equal(sourceOf(text), null, JSON.stringify(text));
    }
  });
});

describe("convert: the rows a converted call links to", () => {
  test("one row per argument given, then the rows of its caveats, each a row of the table", () => {
    const result = convert("torch->mindspore", "torch.optim.Rprop(model.parameters(), lr=0.001, etas=(0.3, 1.5))");
    assert.deepEqual(result.rows, ["params", "lr", "etas"]);
    const defaults = convert("torch->mindspore", "torch.optim.Rprop(model.parameters())");
    assert.deepEqual(defaults.rows, ["params", "lr"]);  // the caveat on torch's default lr
    const many = convert("mindspore->torch", "mindspore.nn.Rprop(net.trainable_params(), 0.01, (0.5, 1.2), (1e-6, 50.0), 0.1)");
    assert.deepEqual(many.rows.slice(0, 5), ["params", "lr", "etas", "step-sizes", "weight-decay"]);
    for (const row of many.rows) assert.ok(ROWS.has(row), row);
  });
});
