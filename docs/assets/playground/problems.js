// The two problems of scripts/experiments/problems.py for the playground, with float32 parameters
// and gradients, computed the way NumPy 1.26 computes the Python versions (the tests compare them:
// tests/test_js_engine.py).
//
// Constants: `linear_data()` and `linear_init()` of problems.py (NumPy `default_rng(0)` and
// `default_rng(1)`), printed once as the float64 value of each float32 so that they round-trip
// exactly, with
//   .venv/bin/python -c "import sys; sys.path.insert(0, 'scripts');
//     from experiments.problems import linear_data, linear_init
//     print([repr(float(v)) for a in (*linear_data(), *linear_init().values()) for v in a.ravel()])"
//
// Rounding, as NumPy does it:
// - linear-l1: both matrix products go through BLAS; OpenBLAS's float32 kernels accumulate
//   sequentially with fused multiply-adds from 0, which `dot` reproduces (`fma32`). Other BLAS
//   kernels may sum in another order: then the last bits of the residuals and weight gradients can
//   differ (the test falls back to a tolerance there). The mean of |residual| is NumPy's pairwise
//   sum in float32; the bias gradient sums the rows in order.
// - rosenbrock: in NumPy 1.26, `float32_scalar ** 2` and `int * float32_scalar` are float64, so the
//   Python loss is a float64 computed from float32 intermediates, and the gradient is computed in
//   float64 and rounded to float32 once. This module does the same.

const f32 = Math.fround;

const INPUTS = Float32Array.of(  // linear_data()[0], 16 × 2, row-major
  0.1257302165031433, -0.13210485875606537,
  0.6404226422309875, 0.10490011423826218,
  -0.5356693863868713, 0.3615950644016266,
  1.3040000200271606, 0.9470809698104858,
  -0.7037352323532104, -1.2654215097427368,
  -0.6232744455337524, 0.04132597893476486,
  -2.32503080368042, -0.218791663646698,
  -1.2459110021591187, -0.7322673797607422,
  -0.5442590117454529, -0.3163001537322998,
  0.4116305410861969, 1.042513370513916,
  -0.12853465974330902, 1.3664634227752686,
  -0.6651946902275085, 0.35151007771492004,
  0.9034701585769653, 0.0940122976899147,
  -0.7434992790222168, -0.9217253923416138,
  -0.4577258229255676, 0.22019512951374054,
  -1.0096181631088257, -0.20917557179927826,
);

const TARGETS = Float32Array.of(  // linear_data()[1], 16 × 3, row-major
  0.5368825793266296, -0.31515517830848694, 0.5627094507217407,
  0.8863710165023804, 0.05972857028245926, 0.07284101098775864,
  -1.3482967615127563, -0.056896522641181946, 1.2001615762710571,
  0.3132305145263672, 1.433668613433838, -0.2890986204147339,
  1.6016857624053955, -1.948681354522705, 1.2331818342208862,
  -0.721537709236145, -0.39014774560928345, 1.4651163816452026,
  -2.9142251014709473, -1.8021389245986938, 2.9698874950408936,
  -0.23868420720100403, -1.7840590476989746, 1.802356243133545,
  -0.04080180823802948, -0.8188254237174988, 1.0467722415924072,
  -1.433751106262207, 0.9046851396560669, 0.43201756477355957,
  -2.651792049407959, 0.9526050090789795, 1.203047513961792,
  -1.6266692876815796, -0.12273998558521271, 1.5851082801818848,
  1.33051598072052, 0.025396406650543213, -0.17476420104503632,
  0.8965705037117004, -1.4930789470672607, 1.1512773036956787,
  -0.8447778224945068, -0.4407108724117279, 1.1466217041015625,
  -0.9025709629058838, -1.0090792179107666, 1.8575636148452759,
);

const WEIGHT = Float32Array.of(  // linear_init()["weight"], 3 × 2, row-major
  0.0118216248229146, 0.4504636824131012,
  -0.35584038496017456, 0.44864943623542786,
  -0.18816854059696198, -0.07667355239391327,
);

const BIAS = Float32Array.of(0.3277025818824768, -0.09080086648464203, 0.04959368705749512);  // linear_init()["bias"]

const ROWS = 16, IN = 2, OUT = 3;

// np.sign: +0.0 for both zeros, NaN stays NaN.
function sign(x) { return x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : x; }

// fma(a, b, c) rounded once to float32, for float32 a, b, c. a * b is exact in float64 and
// TwoSum gives the exact error e of s = a * b + c, so rounding s to float32 is right unless s lies
// exactly halfway between two float32 values and e breaks the tie.
const TIE_VIEW = new DataView(new ArrayBuffer(8));
function fma32(a, b, c) {
  const p = a * b, s = p + c, r = f32(s);
  if (!Number.isFinite(s)) return r;
  const t = s - p, e = (p - (s - t)) + (c - t);
  if (e === 0 || !halfway(s)) return r;
  return f32(s + Math.sign(e) * Math.abs(s) * 2 ** -40);  // off the tie, towards the exact value
}

function halfway(s) {  // s is exactly halfway between two adjacent float32 values
  const a = Math.abs(s);
  if (a < 2 ** -126) return (a * 2 ** 149) % 1 === 0.5;  // float32 subnormals: spacing 2**-149
  TIE_VIEW.setFloat64(0, a);
  return (TIE_VIEW.getUint32(4) & 0x1fffffff) === 0x10000000;  // the 29 bits float32 drops: 100…0
}

// Σ_k a[k] b[k] as OpenBLAS's float32 kernels compute it: fused multiply-adds in order, from 0.
function dot(n, a, aOffset, aStride, b, bOffset, bStride) {
  let acc = 0;
  for (let k = 0; k < n; k++) acc = fma32(a[aOffset + k * aStride], b[bOffset + k * bStride], acc);
  return acc;
}

// NumPy's float32 sum of a contiguous array of 8 to 128 values (pairwise_sum: 8 accumulators).
function numpySum(values) {
  const n = values.length;
  if (n < 8) return values.reduce((acc, v) => f32(acc + v), 0);
  const r = Array.from(values.subarray(0, 8));
  let i = 8;
  for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] = f32(r[j] + values[i + j]);
  let sum = f32(f32(f32(r[0] + r[1]) + f32(r[2] + r[3])) + f32(f32(r[4] + r[5]) + f32(r[6] + r[7])));
  for (; i < n; i++) sum = f32(sum + values[i]);
  return sum;
}

// problems.py `linear_l1`: mean absolute error of x @ W.T + b and its gradient.
function linearLossAndGrads(params) {
  const weight = params.weight, bias = params.bias, n = ROWS * OUT;
  const residual = new Float32Array(n), dResidual = new Float32Array(n);
  for (let i = 0; i < ROWS; i++) {
    for (let j = 0; j < OUT; j++) {
      const r = f32(f32(dot(IN, INPUTS, i * IN, 1, weight, j * IN, 1) + bias[j]) - TARGETS[i * OUT + j]);
      residual[i * OUT + j] = r;
      dResidual[i * OUT + j] = f32(sign(r) / n);
    }
  }
  const loss = f32(numpySum(residual.map(Math.abs)) / n);
  const gradWeight = new Float32Array(OUT * IN), gradBias = new Float32Array(OUT);
  for (let j = 0; j < OUT; j++) {
    for (let c = 0; c < IN; c++) gradWeight[j * IN + c] = dot(ROWS, dResidual, j, OUT, INPUTS, c, IN);
    for (let i = 0; i < ROWS; i++) gradBias[j] = f32(gradBias[j] + dResidual[i * OUT + j]);
  }
  return [loss, {weight: gradWeight, bias: gradBias}];
}

// problems.py `rosenbrock`: f(x, y) = (1 - x)² + 100 (y - x²)², minimum 0 at (1, 1).
function rosenbrockLossAndGrads(params) {
  const [x, y] = params.xy;
  const a = f32(1 - x), d = f32(y - f32(x * x));  // float32, as in NumPy
  const loss = a * a + 100 * (d * d);  // float64, as NumPy promotes `** 2`
  return [loss, {xy: Float32Array.of(-2 * a - 400 * x * d, 200 * d)}];  // float64, rounded once
}

// problems.py `rosenbrock_grid`: the float64 loss on an n × n grid over [-2, 2] × [-1, 3], for
// contour plots; z[j * n + i] is the loss at (xs[i], ys[j]).
function rosenbrockGrid(n = 161) {
  const xs = linspace(-2, 2, n), ys = linspace(-1, 3, n), z = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const a = 1 - xs[i], d = ys[j] - xs[i] * xs[i];
      z[j * n + i] = a * a + 100 * (d * d);
    }
  }
  return {xs, ys, z};
}

function linspace(start, stop, n) {  // np.linspace(start, stop, n)
  const step = (stop - start) / (n - 1), out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = n > 1 ? i * step + start : start;
  if (n > 1) out[n - 1] = stop;
  return out;
}

/** Linear(2, 3) with the L1 loss on the upstream example's 16 points; starts at `linear_init()`. */
export const linearL1 = Object.freeze({
  name: "linear-l1",
  shapes: Object.freeze({weight: Object.freeze([OUT, IN]), bias: Object.freeze([OUT])}),
  init: () => ({weight: WEIGHT.slice(), bias: BIAS.slice()}),
  lossAndGrads: linearLossAndGrads,
});

/** The Rosenbrock function of (x, y) = params.xy, starting at (-1.5, 2). */
export const rosenbrock = Object.freeze({
  name: "rosenbrock",
  shapes: Object.freeze({xy: Object.freeze([2])}),
  init: () => ({xy: Float32Array.of(-1.5, 2)}),
  lossAndGrads: rosenbrockLossAndGrads,
  grid: rosenbrockGrid,
});
