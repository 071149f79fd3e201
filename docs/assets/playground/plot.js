// Minimal SVG line plots for the playground: no chart library, nothing loaded from elsewhere.
// Colours come from CSS custom properties, so the plots follow Material's light and dark palettes.

const NS = "http://www.w3.org/2000/svg";
const W = 640, H = 300, M = {left: 64, right: 12, top: 12, bottom: 36};

function el(name, attrs = {}, text) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function ticks(lo, hi, log) {
  if (log) {
    const out = [];
    for (let e = Math.ceil(Math.log10(lo)); e <= Math.floor(Math.log10(hi)); e++) out.push(10 ** e);
    return out.length ? out : [lo, hi];
  }
  const span = hi - lo || 1, step = 10 ** Math.floor(Math.log10(span / 4));
  const unit = [1, 2, 5, 10].map((m) => m * step).find((s) => span / s <= 6);
  const out = [];
  for (let v = Math.ceil(lo / unit) * unit; v <= hi + 1e-12; v += unit) out.push(+v.toPrecision(12));
  return out;
}

function format(v) {
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(0) : String(+v.toPrecision(3));
}

// series: [{label, values (array, index = x), className}]; options: {log, xLabel, yLabel, title}
export function linePlot(svg, series, options = {}) {
  const log = !!options.log;
  const finite = series.flatMap((s) => s.values).filter((v) => Number.isFinite(v) && (!log || v > 0));
  let lo = finite.length ? Math.min(...finite) : 0, hi = finite.length ? Math.max(...finite) : 1;
  if (lo === hi) { lo = log ? lo / 2 : lo - 1; hi = log ? hi * 2 : hi + 1; }
  const n = Math.max(1, ...series.map((s) => s.values.length - 1));
  const x = (i) => M.left + (i / n) * (W - M.left - M.right);
  const y = (v) => {
    const t = log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo);
    return H - M.bottom - t * (H - M.top - M.bottom);
  };
  svg.replaceChildren();
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  if (options.title) svg.append(el("title", {}, options.title));
  for (const v of ticks(lo, hi, log)) {
    svg.append(el("line", {x1: M.left, x2: W - M.right, y1: y(v), y2: y(v), class: "grid"}));
    svg.append(el("text", {x: M.left - 6, y: y(v) + 4, "text-anchor": "end", class: "tick"}, format(v)));
  }
  for (const i of ticks(0, n, false)) {
    svg.append(el("text", {x: x(i), y: H - M.bottom + 16, "text-anchor": "middle", class: "tick"}, format(i)));
  }
  svg.append(el("line", {x1: M.left, x2: M.left, y1: M.top, y2: H - M.bottom, class: "axis"}));
  svg.append(el("line", {x1: M.left, x2: W - M.right, y1: H - M.bottom, y2: H - M.bottom, class: "axis"}));
  svg.append(el("text", {x: (M.left + W - M.right) / 2, y: H - 4, "text-anchor": "middle", class: "label"}, options.xLabel || ""));
  svg.append(el("text", {x: 14, y: (M.top + H - M.bottom) / 2, "text-anchor": "middle", class: "label",
                         transform: `rotate(-90 14 ${(M.top + H - M.bottom) / 2})`}, options.yLabel || ""));
  for (const s of series) {
    const points = s.values.map((v, i) => (Number.isFinite(v) && (!log || v > 0) ? `${x(i).toFixed(1)},${y(v).toFixed(1)}` : null))
      .filter(Boolean).join(" ");
    svg.append(el("polyline", {points, class: `series ${s.className}`, "data-label": s.label}));
  }
  if (options.marker !== undefined && options.marker !== null) {
    svg.append(el("line", {x1: x(options.marker), x2: x(options.marker), y1: M.top, y2: H - M.bottom, class: "marker"}));
  }
}

// Contour lines of f on [x0, x1] × [y0, y1] (marching squares at the given levels) and paths.
export function contourPlot(svg, f, box, levels, paths) {
  const [x0, x1, y0, y1] = box, N = 80;
  const sx = (v) => M.left + ((v - x0) / (x1 - x0)) * (W - M.left - M.right);
  const sy = (v) => H - M.bottom - ((v - y0) / (y1 - y0)) * (H - M.top - M.bottom);
  svg.replaceChildren();
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  const key = `${box}|${levels}`;  // the contour lines depend only on f, the box and the levels
  if (!CONTOURS.has(key)) CONTOURS.set(key, contourPath(f, box, levels, N, sx, sy));
  const d = CONTOURS.get(key);
  svg.append(el("path", {d, class: "contour"}));
  for (const v of [x0, (x0 + x1) / 2, x1]) svg.append(el("text", {x: sx(v), y: H - M.bottom + 16, "text-anchor": "middle", class: "tick"}, format(v)));
  for (const v of [y0, (y0 + y1) / 2, y1]) svg.append(el("text", {x: M.left - 6, y: sy(v) + 4, "text-anchor": "end", class: "tick"}, format(v)));
  for (const p of paths) {
    const inside = p.points.filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
    svg.append(el("polyline", {points: inside.map(([a, b]) => `${sx(a).toFixed(1)},${sy(b).toFixed(1)}`).join(" "),
                               class: `series ${p.className}`, "data-label": p.label}));
  }
}

const CONTOURS = new Map();

function contourPath(f, [x0, x1, y0, y1], levels, N, sx, sy) {
  const grid = [];
  for (let j = 0; j <= N; j++) {
    grid.push([]);
    for (let i = 0; i <= N; i++) grid[j].push(f(x0 + (i / N) * (x1 - x0), y0 + (j / N) * (y1 - y0)));
  }
  const px = (i) => x0 + (i / N) * (x1 - x0), py = (j) => y0 + (j / N) * (y1 - y0);
  let d = "";
  for (const level of levels) {
    for (let j = 0; j < N; j++) for (let i = 0; i < N; i++) {
      const c = [grid[j][i], grid[j][i + 1], grid[j + 1][i + 1], grid[j + 1][i]];
      const corners = [[px(i), py(j)], [px(i + 1), py(j)], [px(i + 1), py(j + 1)], [px(i), py(j + 1)]];
      const cross = [];
      for (let k = 0; k < 4; k++) {
        const a = c[k], b = c[(k + 1) % 4];
        if ((a < level) !== (b < level)) {
          const t = (level - a) / (b - a), [ax, ay] = corners[k], [bx, by] = corners[(k + 1) % 4];
          cross.push([ax + t * (bx - ax), ay + t * (by - ay)]);
        }
      }
      for (let k = 0; k + 1 < cross.length; k += 2) {
        d += `M${sx(cross[k][0]).toFixed(1)},${sy(cross[k][1]).toFixed(1)}L${sx(cross[k + 1][0]).toFixed(1)},${sy(cross[k + 1][1]).toFixed(1)}`;
      }
    }
  }
  return d;
}
