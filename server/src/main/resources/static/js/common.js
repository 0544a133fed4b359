'use strict';
// Shared helpers for the pages: the API with the session's CSRF token, element building, formatting.
const HS = (() => {
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content || '';
  const role = document.querySelector('meta[name="role"]')?.content || 'viewer';
  async function api(path, options = {}) {
    const opts = Object.assign({ headers: {} }, options);
    opts.headers = Object.assign({ 'Accept': 'application/json' }, opts.headers);
    if (opts.method && opts.method !== 'GET') opts.headers['X-CSRF-Token'] = csrf;
    if (opts.json !== undefined) { opts.body = JSON.stringify(opts.json); opts.headers['Content-Type'] = 'application/json'; }
    const res = await fetch('/api/v1' + path, opts);
    let body = null;
    try { body = await res.json(); } catch (e) { body = null; }
    if (res.status === 401) { location.href = '/login?next=' + encodeURIComponent(location.pathname + location.search); }
    if (!res.ok) { const err = new Error((body && body.error) || ('HTTP ' + res.status)); err.status = res.status; throw err; }
    return body;
  }
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (k === 'text') e.textContent = v;
      else e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat()) { if (c !== null && c !== undefined) e.append(c instanceof Node ? c : document.createTextNode(String(c))); }
    return e;
  }
  function main(title) {
    const m = document.getElementById('main');
    m.replaceChildren(el('h1', {}, title));
    return m;
  }
  function fail(where, e) {
    where.append(el('p', { class: 'error', role: 'alert' }, e.message || String(e)));
  }
  function num(v, digits = 3) { return v === null || v === undefined || Number.isNaN(v) ? '–' : Number(v).toFixed(digits); }
  function when(iso) { return iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '–'; }
  function table(headers, rows) {
    return el('table', {}, el('thead', {}, el('tr', {}, headers.map(h => el('th', {}, h)))), el('tbody', {}, rows));
  }
  function plot(target, title, series, data, width = 420) {
    const opts = { title, width, height: 220, scales: { x: { time: false } }, axes: [{ incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500] }, {}],
      series: [{ label: 'epoch' }].concat(series.map((s, i) => ({ label: s, stroke: PALETTE[i % PALETTE.length], width: 2, points: { show: true } }))) };
    return new uPlot(opts, data, target);
  }
  const PALETTE = ['#7b2d8e', '#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];
  return { api, el, main, fail, num, when, table, plot, csrf, role, PALETTE };
})();
