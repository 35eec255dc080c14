import uPlot from '/ui/vendor/uplot.esm.js';

/** uPlot charts themed from the CSS variables; rebuilt by their owner when the theme changes. */
export function themeColors() {
  const css = getComputedStyle(document.documentElement);
  const v = (name) => css.getPropertyValue(name).trim();
  return { text: v('--muted'), grid: v('--grid'), accent: v('--accent'), band: v('--band'), expected: v('--expected'), mark: v('--mark'), shade: v('--shade'), warn: v('--warn'), fault: v('--fault-shade') };
}

export const PALETTE = ['#5794f2', '#73bf69', '#b877d9', '#ff9830', '#37bdbd', '#f2cc0c', '#e0483e', '#8ab8ff', '#96d98d', '#ca95e5'];

function axes(c, yWidth = 52) {
  const axis = { stroke: c.text, grid: { stroke: c.grid, width: 1 }, ticks: { stroke: c.grid, width: 1 }, font: '11px system-ui, sans-serif' };
  return [{ ...axis }, { ...axis, size: yWidth }];
}

/** Keeps a chart as wide as its element (height fixed, so updates never shift layout). */
function autoWidth(u, el) {
  let frame = 0;
  const observer = new ResizeObserver(() => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => {
      const width = Math.floor(el.clientWidth);
      if (width > 0 && width !== u.width) u.setSize({ width, height: u.height });
    });
  });
  observer.observe(el);
  return () => {
    cancelAnimationFrame(frame);
    observer.disconnect();
  };
}

/** Columns from GET /api/v1/series/:key/scores as uPlot data (x in seconds). */
export function scoresToData(s) {
  const num = (a) => a.map((x) => (x === null || Number.isNaN(x) ? null : x));
  return [s.times.map((t) => t / 1000), num(s.values), num(s.expected), num(s.lower), num(s.upper)];
}

/**
 * Shades each anomaly's window and marks the points inside it, drawn under and over
 * the series respectively. `windows()` returns [[startSec, endSec], …].
 */
function anomalyMarkers(windows, c) {
  const inAny = (t, ws) => ws.some(([s, e]) => t >= s && t <= e);
  return {
    hooks: {
      drawAxes: [(u) => {
        const { ctx, bbox } = u;
        ctx.save();
        ctx.fillStyle = c.shade;
        for (const [s, e] of windows()) {
          const x0 = Math.max(bbox.left, u.valToPos(s, 'x', true));
          const x1 = Math.min(bbox.left + bbox.width, u.valToPos(e, 'x', true));
          if (x1 > x0 - 2) ctx.fillRect(x0, bbox.top, Math.max(2, x1 - x0), bbox.height);
        }
        ctx.restore();
      }],
      draw: [(u) => {
        const ws = windows();
        if (ws.length === 0) return;
        const [xs, ys] = [u.data[0], u.data[1]];
        const { ctx } = u;
        const r = 3 * devicePixelRatio;
        ctx.save();
        ctx.fillStyle = c.mark;
        const [i0, i1] = [u.series[0].idxs?.[0] ?? 0, u.series[0].idxs?.[1] ?? xs.length - 1];
        for (let i = i0; i <= i1; i++) {
          if (ys[i] === null || !inAny(xs[i], ws)) continue;
          ctx.beginPath();
          ctx.arc(u.valToPos(xs[i], 'x', true), u.valToPos(ys[i], 'y', true), r, 0, 2 * Math.PI);
          ctx.fill();
        }
        ctx.restore();
      }],
    },
  };
}

/** Shades injected-fault windows (chaos drills) under everything else; `windows()` as above. */
function faultShading(windows, c) {
  return {
    hooks: {
      drawAxes: [(u) => {
        const { ctx, bbox } = u;
        ctx.save();
        ctx.fillStyle = c.fault;
        for (const [s, e] of windows()) {
          const x0 = Math.max(bbox.left, u.valToPos(s, 'x', true));
          const x1 = Math.min(bbox.left + bbox.width, u.valToPos(e, 'x', true));
          if (x1 > x0) ctx.fillRect(x0, bbox.top, x1 - x0, bbox.height);
        }
        ctx.restore();
      }],
    },
  };
}

/**
 * A scored series: actual value, expected value, the expected band (lower..upper),
 * anomaly markers and, for drills, fault windows. Returns { setData, destroy, uplot }.
 */
export function bandChart(el, { height, legend = false, onZoom, syncKey } = {}) {
  const c = themeColors();
  let windows = [];
  let faults = [];
  const u = new uPlot({
    width: Math.max(100, el.clientWidth),
    height,
    legend: { show: legend },
    cursor: { drag: { x: true, y: false, setScale: true }, sync: syncKey ? { key: syncKey } : undefined },
    scales: { x: { time: true } },
    axes: axes(c),
    series: [
      {},
      { label: 'actual', stroke: c.accent, width: 1.5, points: { show: false } },
      { label: 'expected', stroke: c.expected, width: 1, dash: [4, 4], points: { show: false } },
      { label: 'lower', stroke: c.band, width: 0.5, points: { show: false } },
      { label: 'upper', stroke: c.band, width: 0.5, points: { show: false } },
    ],
    bands: [{ series: [4, 3], fill: c.band }],
    plugins: [faultShading(() => faults, c), anomalyMarkers(() => windows, c)],
    hooks: onZoom ? { setScale: [(self, key) => key === 'x' && onZoom(self.scales.x.min, self.scales.x.max)] } : {},
  }, [[], [], [], [], []], el);
  const stop = autoWidth(u, el);
  return {
    uplot: u,
    /** `anomalyWindows`, `faultWindows`: [[startMs, endMs], …]. */
    setData(data, anomalyWindows = [], faultWindows = []) {
      windows = anomalyWindows.map(([s, e]) => [s / 1000, e / 1000]);
      faults = faultWindows.map(([s, e]) => [s / 1000, e / 1000]);
      u.setData(data);
    },
    destroy() {
      stop();
      u.destroy();
    },
  };
}

/** The anomaly score (0..1) of a series, with the default threshold drawn. */
export function scoreChart(el, { height, syncKey, threshold = 0.5 }) {
  const c = themeColors();
  const u = new uPlot({
    width: Math.max(100, el.clientWidth),
    height,
    legend: { show: false },
    cursor: { drag: { x: true, y: false, setScale: true }, sync: syncKey ? { key: syncKey } : undefined },
    scales: { x: { time: true }, y: { range: [0, 1] } },
    axes: axes(c),
    series: [{}, { label: 'score', stroke: c.warn, width: 1, fill: c.shade, points: { show: false } }],
    hooks: {
      drawAxes: [(self) => {
        const y = self.valToPos(threshold, 'y', true);
        self.ctx.save();
        self.ctx.strokeStyle = c.mark;
        self.ctx.setLineDash([3, 3]);
        self.ctx.beginPath();
        self.ctx.moveTo(self.bbox.left, y);
        self.ctx.lineTo(self.bbox.left + self.bbox.width, y);
        self.ctx.stroke();
        self.ctx.restore();
      }],
    },
  }, [[], []], el);
  const stop = autoWidth(u, el);
  return { uplot: u, setData: (data) => u.setData(data), destroy() { stop(); u.destroy(); } };
}

/** Several series on one time axis (a metric's attribute sets). `series`: [{ label, points: [[sec, v]…] }]. */
export function linesChart(el, series, { height }) {
  const c = themeColors();
  const data = uPlot.join(series.map((s) => [s.points.map((p) => p[0]), s.points.map((p) => p[1])]));
  const u = new uPlot({
    width: Math.max(100, el.clientWidth),
    height,
    cursor: { drag: { x: true, y: false, setScale: true } },
    scales: { x: { time: true } },
    axes: axes(c),
    series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: PALETTE[i % PALETTE.length], width: 1.3, spanGaps: false, points: { show: false } }))],
  }, data, el);
  const stop = autoWidth(u, el);
  return { uplot: u, destroy() { stop(); u.destroy(); } };
}
