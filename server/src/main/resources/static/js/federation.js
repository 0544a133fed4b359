'use strict';
// Federation: federated runs, their sites and rounds, validation curves per site, audit verdicts.
(() => {
  const { api, el, main, fail, num, table, when, plot } = HS;
  const m = main('Federation');
  api('/federation').then(({ runs, audits }) => {
    if (!runs.length) m.append(el('p', { class: 'note' }, 'No federated runs yet.'));
    else m.append(table(['run', 'status', 'created', 'message'], runs.map(r => el('tr', {},
      el('td', {}, el('a', { href: '#', 'data-run': r.id, onclick: ev => { ev.preventDefault(); show(r.id); } }, r.id)),
      el('td', { class: 'status-' + r.status }, r.status), el('td', {}, when(r.createdAt)), el('td', { class: 'note' }, r.message || '')))));
    m.append(el('h2', {}, 'Audits'), audits.length ? table(['site', 'verdict', 'run'], audits.map(a => el('tr', {},
      el('td', {}, a.site), el('td', { class: 'status-' + a.status }, a.verdict), el('td', {}, el('a', { href: '/runs/' + a.id }, a.id)))))
      : el('p', { class: 'note' }, 'No audits yet (histoscale federate audit).'));
    m.append(el('div', { id: 'federation-run' }));
    if (runs.length) show(runs[0].id);
  }).catch(e => fail(m, e));
  async function show(id) {
    const box = document.getElementById('federation-run');
    box.replaceChildren();
    try {
      const f = await api('/federation/' + id);
      box.append(el('h2', {}, 'Run ' + id + (f.strategy ? ' · ' + f.strategy : '')));
      for (const x of f.missing) box.append(el('p', { class: 'error' }, x));
      box.append(table(['site', 'answered'], f.sites.map(s => el('tr', {}, el('td', {}, s.site), el('td', {}, s.answered ? 'yes' : 'not connected')))));
      box.append(el('h2', {}, 'Rounds'), table(['round', 'seconds', 'bytes', 'answers'], f.rounds.map(r => el('tr', {},
        el('td', {}, String(r.round)), el('td', {}, num(r.seconds, 1)), el('td', {}, String(r.bytes)),
        el('td', {}, (r.results || []).map(s => s.site + ': loss ' + num(s.train_loss) + (s.validation_auc !== undefined ? ', AUC ' + num(s.validation_auc) : '')).join('; '))))));
      const sites = Object.keys(f.validationCurves);
      if (sites.length) {
        const rounds = [...new Set(sites.flatMap(s => f.validationCurves[s].map(p => p[0])))].sort((a, b) => a - b);
        const data = [rounds].concat(sites.map(s => rounds.map(r => { const p = f.validationCurves[s].find(q => q[0] === r); return p ? p[1] : null; })));
        const plotBox = el('div', { class: 'plot' }); box.append(el('h2', {}, 'Validation AUC per site'), plotBox);
        plot(plotBox, 'validation AUC', sites, data, 600);
      }
      if (f.result) box.append(el('h2', {}, 'Result'), el('pre', {}, JSON.stringify(f.result, null, 2)));
    } catch (e) { fail(box, e); }
  }
})();
