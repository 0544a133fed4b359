'use strict';
// Runs: every run in the registry, filtered; select several to overlay their curves.
(() => {
  const { api, el, main, fail, when, num, table, plot } = HS;
  const m = main('Runs');
  const params = new URLSearchParams(location.search);
  const f = {
    kind: el('input', { name: 'kind', placeholder: 'train, tile, stage…', value: params.get('kind') || '' }),
    status: el('select', { name: 'status' }, ['', 'PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'].map(s => el('option', { value: s, selected: s === (params.get('status') || '') }, s || 'any'))),
    user: el('input', { name: 'user', value: params.get('user') || '' }),
    from: el('input', { name: 'from', type: 'date', value: params.get('from') || '' }),
    to: el('input', { name: 'to', type: 'date', value: params.get('to') || '' }),
  };
  const go = el('button', { type: 'submit', class: 'primary' }, 'Filter');
  const form = el('form', { class: 'filters', id: 'filters' },
    Object.entries(f).map(([k, input]) => el('label', {}, k, input)), go);
  const overlay = el('button', { id: 'overlay', type: 'button' }, 'Overlay curves of selected runs');
  const list = el('div', { id: 'runs' });
  const plots = el('div', { class: 'plots', id: 'overlay-plots' });
  m.append(form, list, el('div', { class: 'row' }, overlay), plots);
  form.addEventListener('submit', ev => { ev.preventDefault(); load(); });
  overlay.addEventListener('click', drawOverlay);
  async function load() {
    const q = new URLSearchParams();
    for (const [k, input] of Object.entries(f)) if (input.value) q.set(k, input.value);
    history.replaceState(null, '', '/runs' + (q.toString() ? '?' + q : ''));
    list.replaceChildren();
    try {
      const { runs } = await api('/runs?' + q);
      if (!runs.length) { list.append(el('p', { class: 'note' }, 'No runs match.')); return; }
      list.append(table(['', 'run', 'kind', 'status', 'user', 'executor', 'created', 'duration (s)', 'AUC', 'message'],
        runs.map(r => el('tr', { 'data-run': r.id },
          el('td', {}, el('input', { type: 'checkbox', class: 'pick', value: r.id, 'aria-label': 'select ' + r.id })),
          el('td', {}, el('a', { href: '/runs/' + r.id }, r.id)), el('td', {}, r.kind),
          el('td', { class: 'status-' + r.status }, r.status), el('td', {}, r.user || ''), el('td', {}, r.executor || ''),
          el('td', {}, when(r.createdAt)), el('td', {}, num(r.seconds, 1)),
          el('td', {}, num((r.metrics || {}).val_auc)), el('td', { class: 'note' }, r.message || '')))));
    } catch (e) { fail(list, e); }
  }
  async function drawOverlay() {
    plots.replaceChildren();
    const ids = [...document.querySelectorAll('input.pick:checked')].map(c => c.value);
    if (!ids.length) { plots.append(el('p', { class: 'note' }, 'Select runs first.')); return; }
    const all = await Promise.all(ids.map(id => api('/runs/' + id + '/metrics')));
    for (const [key, title] of [['trainLoss', 'training loss'], ['val.auc', 'validation AUC'], ['imagesPerSecond', 'images/s']]) {
      const epochs = [...new Set(all.flatMap(a => a.history.map(h => h.epoch)))].filter(e => e !== undefined).sort((a, b) => a - b);
      if (!epochs.length) continue;
      const data = [epochs].concat(all.map(a => epochs.map(e => { const h = a.history.find(x => x.epoch === e); return h && h[key] !== undefined ? h[key] : null; })));
      const box = el('div', { class: 'plot' });
      plots.append(box);
      plot(box, title, ids, data);
    }
  }
  load();
})();
