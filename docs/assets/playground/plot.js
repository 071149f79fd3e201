// Minimal SVG line plots for the playground: no chart library, nothing loaded from elsewhere.
// Colours come from CSS custom properties, so the plots follow Material's light and dark palettes.

const NS = "http://www.w3.org/2000/svg";
const TICK = 12, LABEL = 13;  // px, as in playground.css: the SVG is drawn at its rendered size

// The drawing size: the figure's width in CSS pixels (so that 12 px text is 12 px on a phone too),
// and margins that fit the widest y tick label, the rotated y label and half the last x tick label.
function frame(svg, yTicks, lastXTick) {
  const W = Math.round(svg.parentElement.getBoundingClientRect().width) || 640;
  const H = Math.round(Math.min(360, Math.max(220, W * 0.5)));
  const labelX = 2 + 1.2 * LABEL;  // the rotated label's baseline; its glyphs reach ~1.2 em left of it
  const left = Math.ceil(labelX + 0.35 * LABEL + 8 + Math.max(0, ...yTicks.map((t) => textWidth(svg, t))));
  const right = Math.ceil(Math.max(12, textWidth(svg, lastXTick) / 2 + 4));
  return {W, H, labelX, M: {left, right, top: 12, bottom: TICK + LABEL + 16}};
}

function textWidth(svg, text) {
  const probe = el("text", {class: "tick"}, text);
  svg.append(probe);
  const width = probe.getComputedTextLength() || 0.62 * TICK * text.length;  // 0 while hidden
  probe.remove();
  return width;
}

function axes(svg, {W, H, M, labelX}, xLabel, yLabel) {
  svg.append(el("line", {x1: M.left, x2: M.left, y1: M.top, y2: H - M.bottom, class: "axis"}));
  svg.append(el("line", {x1: M.left, x2: W - M.right, y1: H - M.bottom, y2: H - M.bottom, class: "axis"}));
  if (xLabel) svg.append(el("text", {x: (M.left + W - M.right) / 2, y: H - 5, "text-anchor": "middle", class: "label"}, xLabel));
  const mid = (M.top + H - M.bottom) / 2;
  if (yLabel) {
    svg.append(el("text", {x: labelX, y: mid, "text-anchor": "middle", class: "label",
                           transform: `rotate(-90 ${labelX} ${mid})`}, yLabel));
  }
}

const xTickY = (H, M) => H - M.bottom + TICK + 4;

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
  const yTicks = ticks(lo, hi, log), xTicks = ticks(0, n, false);
  svg.replaceChildren();
  const f = frame(svg, yTicks.map(format), format(xTicks[xTicks.length - 1])), {W, H, M} = f;
  const x = (i) => M.left + (i / n) * (W - M.left - M.right);
  const y = (v) => {
    const t = log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo);
    return H - M.bottom - t * (H - M.top - M.bottom);
  };
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  if (options.title) svg.append(el("title", {}, options.title));
  for (const v of yTicks) {
    svg.append(el("line", {x1: M.left, x2: W - M.right, y1: y(v), y2: y(v), class: "grid"}));
    svg.append(el("text", {x: M.left - 6, y: y(v) + 4, "text-anchor": "end", class: "tick"}, format(v)));
  }
  for (const i of xTicks) {
    svg.append(el("text", {x: x(i), y: xTickY(H, M), "text-anchor": "middle", class: "tick"}, format(i)));
  }
  axes(svg, f, options.xLabel, options.yLabel);
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
export function contourPlot(svg, f, box, levels, paths, options = {}) {
  const [x0, x1, y0, y1] = box, N = 80;
  const xs = [x0, (x0 + x1) / 2, x1], ys = [y0, (y0 + y1) / 2, y1];
  svg.replaceChildren();
  const fr = frame(svg, ys.map(format), format(x1)), {W, H, M} = fr;
  const sx = (v) => M.left + ((v - x0) / (x1 - x0)) * (W - M.left - M.right);
  const sy = (v) => H - M.bottom - ((v - y0) / (y1 - y0)) * (H - M.top - M.bottom);
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  const key = `${W}x${H}|${box}|${levels}`;  // the contour lines depend only on the size, f, the box and the levels
  if (!CONTOURS.has(key)) CONTOURS.set(key, contourPath(f, box, levels, N, sx, sy));
  svg.append(el("path", {d: CONTOURS.get(key), class: "contour"}));
  for (const v of xs) svg.append(el("text", {x: sx(v), y: xTickY(H, M), "text-anchor": "middle", class: "tick"}, format(v)));
  for (const v of ys) svg.append(el("text", {x: M.left - 6, y: sy(v) + 4, "text-anchor": "end", class: "tick"}, format(v)));
  axes(svg, fr, options.xLabel, options.yLabel);
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
