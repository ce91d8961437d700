/**
 * In-page probes of the till-ui benchmark. They run inside Chromium (as source text handed to
 * `page.evaluate` / `addInitScript`, which the page's CSP does not apply to), so every figure is
 * taken with the page's own `performance.now()` clock and no CDP round trip is inside a sample.
 *
 * "Visible" is the first paint after the DOM shows the line: the MutationObserver sees the
 * cart's selected row carry the product's name and the expected quantity, then a
 * requestAnimationFrame callback runs just before that frame paints, and a message posted from
 * it is delivered once the frame is done (the usual "rAF + task" next-paint mark).
 */

/** The page side of `window.__tillBench`: arm(name, qty) before a scan, result() after it. */
export const scan_probe_source = String.raw`(() => {
  if (window.__tillBench) return;
  const nextPaint = () => new Promise((resolve) => requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve(performance.now());
    channel.port2.postMessage(0);
  }));
  let pending = null;
  // The selected row of the cart table is the line the last scan added or counted up.
  const lineShown = (expect) => {
    const row = document.querySelector('table[aria-label="Cart"] tbody tr[aria-selected="true"]');
    if (row === null) return false;
    const cells = row.cells;
    return cells.length > 1 && cells[0].textContent.startsWith(expect.name) && cells[1].textContent.trim() === expect.qty;
  };
  const check = () => {
    if (pending === null || pending.t0 === undefined || pending.dom !== undefined) return;
    if (!lineShown(pending.expect)) return;
    const current = pending;
    current.dom = performance.now();
    nextPaint().then((painted) => current.done({ latency_ms: painted - current.t0, dom_ms: current.dom - current.t0 }));
  };
  new MutationObserver(check).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['aria-selected'] });
  // Capture phase on window: before React's own handler at the root sees the Enter.
  window.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' || pending === null || pending.t0 !== undefined) return;
    const now = performance.now();
    // The event's own time stamp includes any wait for a busy main thread; use it when sane.
    pending.t0 = event.timeStamp > 0 && event.timeStamp <= now && now - event.timeStamp < 1000 ? event.timeStamp : now;
    queueMicrotask(check);
  }, true);
  window.__tillBench = {
    arm(name, qty) {
      let done;
      const result = new Promise((resolve) => { done = resolve; });
      pending = { expect: { name, qty }, done, result };
    },
    result(timeout_ms) {
      const current = pending;
      if (current === null) return Promise.reject(new Error('arm() was not called'));
      const timer = new Promise((_, reject) => setTimeout(() => reject(new Error('line not shown within ' + timeout_ms + ' ms: ' + current.expect.name + ' x' + current.expect.qty)), timeout_ms));
      return Promise.race([current.result, timer]).finally(() => { if (pending === current) pending = null; });
    },
  };
})()`;

/**
 * The baseline page, built on a 404 page of the same till host (same origin, so `POST /rpc`
 * passes the host's loopback guard): an input that keeps focus and a cart table of the same
 * shape. mode "lookup": Enter → the same `lookupBarcode` call the app makes → add the row or count
 * it up, in plain DOM code. mode "echo": Enter → a row with the typed text, no network at all
 * (the browser's own floor for a keypress that shows a row).
 */
export const baseline_page_source = String.raw`((mode) => {
  document.title = 'till-ui baseline';
  document.body.innerHTML = '<input id="scan" autocomplete="off"><table aria-label="Cart"><tbody></tbody></table>';
  const input = document.getElementById('scan');
  const tbody = document.querySelector('tbody');
  const rows = new Map();
  const select = (row) => {
    for (const other of tbody.querySelectorAll('tr[aria-selected="true"]')) other.setAttribute('aria-selected', 'false');
    row.setAttribute('aria-selected', 'true');
  };
  const show = (id, name) => {
    let row = rows.get(id);
    if (row === undefined) {
      row = document.createElement('tr');
      row.innerHTML = '<td></td><td></td>';
      row.cells[0].textContent = name;
      row.cells[1].textContent = '0';
      rows.set(id, row);
      tbody.appendChild(row);
    }
    row.cells[1].textContent = String(Number(row.cells[1].textContent) + 1);
    select(row);
  };
  window.__baselineReset = () => { rows.clear(); tbody.textContent = ''; };
  input.addEventListener('keydown', async (event) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    const code = input.value.trim();
    input.value = '';
    if (mode === 'echo') return show(code, code);
    const response = await fetch('/rpc/lookupBarcode', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ barcode: code }) });
    const body = await response.json();
    if (body.product) show(body.product.product_id, body.product.name);
  });
  input.focus();
})`;

/**
 * First load, installed before any of the page's scripts: when the login screen is ready (PIN
 * box focused, names listed), and, after the PIN's Enter, when the sell screen is ready (search
 * box focused), each to the next paint, on the page's clock (0 = navigation start).
 */
export const load_probe_source = String.raw`(() => {
  const marks = {};
  window.__tillLoad = marks;
  const nextPaint = () => new Promise((resolve) => requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve(performance.now());
    channel.port2.postMessage(0);
  }));
  const check = () => {
    const active = document.activeElement;
    if (marks.login_dom === undefined && active instanceof HTMLInputElement && active.type === 'password' && document.querySelectorAll('select option').length > 0) {
      marks.login_dom = performance.now();
      nextPaint().then((t) => { marks.login_ready = t; });
    }
    if (marks.pin_enter !== undefined && marks.sell_dom === undefined && active !== null && active.id === 'sell-search') {
      marks.sell_dom = performance.now();
      nextPaint().then((t) => { marks.sell_ready = t; });
    }
  };
  window.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && marks.login_dom !== undefined && marks.pin_enter === undefined) marks.pin_enter = event.timeStamp > 0 ? event.timeStamp : performance.now();
  }, true);
  document.addEventListener('focusin', check, true);
  const start = () => new MutationObserver(check).observe(document.documentElement, { subtree: true, childList: true });
  if (document.documentElement) start(); else document.addEventListener('readystatechange', start, { once: true });
})()`;

export function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Number(sorted[Math.max(0, index)]!.toFixed(2));
}

export interface LatencySummary {
  n: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  ops_per_s: number;
}

export function summarise(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const total = samples.reduce((sum, ms) => sum + ms, 0);
  return {
    n: samples.length,
    p50_ms: percentile(sorted, 50),
    p95_ms: percentile(sorted, 95),
    p99_ms: percentile(sorted, 99),
    max_ms: Number(sorted[sorted.length - 1]!.toFixed(2)),
    ops_per_s: Math.round((samples.length / total) * 1000),
  };
}
