'use strict';
// One run: configuration, provenance, live curves over server-sent events, the log tail, Cancel.
(() => {
  const { api, el, main, fail, when, num, table, plot, role } = HS;
  const id = location.pathname.split('/').pop();
  const m = main('Run ' + id);
  const status = el('span', { id: 'status' }, '…');
  const epoch = el('span', { id: 'epoch', class: 'big' }, '0');
  const loss = el('span', { id: 'loss', class: 'big' }, '–');
  const auc = el('span', { id: 'auc', class: 'big' }, '–');
  const speed = el('span', { id: 'speed', class: 'big' }, '–');
  const cancel = el('button', { id: 'cancel', type: 'button' }, 'Cancel');
  const message = el('p', { id: 'message', class: 'note' });
  const cards = el('div', { class: 'cards' },
    el('div', { class: 'card' }, 'status', el('div', { class: 'big' }, status)),
    el('div', { class: 'card' }, 'epoch', el('div', {}, epoch)),
    el('div', { class: 'card' }, 'training loss', el('div', {}, loss)),
    el('div', { class: 'card' }, 'validation AUC', el('div', {}, auc)),
    el('div', { class: 'card' }, 'images/s', el('div', {}, speed)));
  const plots = el('div', { class: 'plots', id: 'plots' });
  const log = el('pre', { id: 'log' });
  const details = el('div', { id: 'details' });
  m.append(cards, el('div', { class: 'row' }, cancel), message, plots, el('h2', {}, 'Log'), log, details);
  if (role === 'viewer') cancel.disabled = true;
  const history = [];
  const charts = {};
  const SERIES = [['trainLoss', 'training loss', 'val.loss', 'validation loss'], ['val.auc', 'validation AUC'], ['imagesPerSecond', 'images/s']];
  function draw() {
    const xs = history.map(h => h.epoch);
    SERIES.forEach((s, i) => {
      const keys = s.filter((_, k) => k % 2 === 0), names = s.filter((_, k) => k % 2 === 1);
      const data = [xs].concat(keys.map(k => history.map(h => h[k] === undefined ? null : h[k])));
      if (!charts[i]) { const box = el('div', { class: 'plot', id: 'plot-' + i }); plots.append(box); charts[i] = plot(box, names.join(' / '), names, data); }
      else charts[i].setData(data);
    });
  }
  function onEpoch(h) {
    const at = history.findIndex(x => x.epoch === h.epoch); // a reconnected stream sends the epochs again
    if (at >= 0) history[at] = h; else history.push(h);
    epoch.textContent = String(h.epoch);
    loss.textContent = num(h.trainLoss);
    auc.textContent = num(h['val.auc']);
    speed.textContent = num(h.imagesPerSecond, 0);
    draw();
  }
  function onStatus(r) {
    status.textContent = r.status; status.className = 'status-' + r.status;
    message.textContent = r.message || '';
    cancel.hidden = ['COMPLETED', 'FAILED', 'CANCELLED'].includes(r.status);
  }
  cancel.addEventListener('click', async () => {
    try { onStatus(await api('/runs/' + id + '/cancel', { method: 'POST' })); } catch (e) { fail(message, e); }
  });
  async function loadDetails() {
    try {
      const r = await api('/runs/' + id);
      onStatus(r);
      details.replaceChildren(el('h2', {}, 'Configuration'),
        table(['setting', 'value'], Object.entries(r.config || {}).map(([k, v]) => el('tr', {}, el('td', {}, k), el('td', {}, typeof v === 'object' ? JSON.stringify(v) : String(v))))),
        el('h2', {}, 'Recorded'),
        table(['', ''], [['kind', r.kind], ['user', r.user], ['executor', r.executor], ['job', r.jobId], ['host', r.host],
          ['created', when(r.createdAt)], ['started', when(r.startedAt)], ['ended', when(r.endedAt)], ['exit code', r.exitCode],
          ['command', (r.command || []).join(' ')], ['work folder', r.workDir], ['log', r.logPath]]
          .map(([k, v]) => el('tr', {}, el('td', {}, k), el('td', {}, v === null || v === undefined ? '–' : String(v))))));
      if (r.missing && r.missing.length) details.prepend(el('div', { id: 'missing', class: 'error' }, el('h2', {}, 'Missing files'), el('ul', {}, r.missing.map(x => el('li', {}, x)))));
      if (r.provenance) details.append(el('h2', {}, 'Provenance'), el('pre', { id: 'provenance' }, JSON.stringify(r.provenance, null, 2)));
    } catch (e) { fail(details, e); }
  }
  loadDetails().then(() => {
    const events = new EventSource('/api/v1/runs/' + id + '/events');
    events.addEventListener('epoch', ev => onEpoch(JSON.parse(ev.data)));
    events.addEventListener('status', ev => { const r = JSON.parse(ev.data); onStatus(r); if (['COMPLETED', 'FAILED', 'CANCELLED'].includes(r.status)) { events.close(); loadDetails(); } });
    events.addEventListener('log', ev => { log.textContent = JSON.parse(ev.data).log; log.scrollTop = log.scrollHeight; });
    events.onerror = () => { if (events.readyState === EventSource.CLOSED) return; };
  });
})();
