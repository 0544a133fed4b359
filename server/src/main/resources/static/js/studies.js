'use strict';
// Studies: the model-search studies (/studies), and one study (/studies/NAME): its trials by state, the optimisation
// history, the leaderboard with each trial's run, and the learning curves of the best trials.
(() => {
  const { api, el, main, fail, num, when, table, plot, PALETTE } = HS;
  const STATES = ['COMPLETE', 'PRUNED', 'FAILED', 'RUNNING', 'WAITING'];
  const TOP = 5;
  const parts = location.pathname.split('/').filter(Boolean);
  if (parts.length > 1) showStudy(decodeURIComponent(parts[1])); else showList();

  function studyLink(name) { return el('a', { href: '/studies/' + encodeURIComponent(name), class: 'study-link' }, name); }
  function runLink(id) { return id ? el('a', { href: '/runs/' + encodeURIComponent(id), class: 'run-link' }, id) : '–'; }
  function direction(s) { return s.metric + (s.maximise ? ' ↑' : ' ↓'); }
  function value(v) { return v === null || v === undefined ? '–' : num(v, 4); }
  function paramText(p) {
    return Object.entries(p || {}).map(([k, v]) => k + '=' + (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(4)) : (typeof v === 'object' ? JSON.stringify(v) : String(v)))).join(', ');
  }
  function counts(s) {
    const c = s.byState || {};
    return s.finished + '/' + s.trialsAsked + ' trials ended (' + STATES.slice(0, 3).map(k => (c[k] || 0) + ' ' + k.toLowerCase()).join(', ') + '), '
      + (c.RUNNING || 0) + ' running, ' + (c.WAITING || 0) + ' waiting';
  }

  async function showList() {
    const m = main('Studies');
    const box = el('div', { id: 'studies' });
    m.append(box);
    try {
      const { studies } = await api('/studies');
      if (!studies.length) { box.append(el('p', { class: 'note' }, 'No studies yet (histoscale search).')); return; }
      box.append(table(['study', 'metric', 'sampler', 'scheduler', 'trials ended', 'complete', 'pruned', 'failed', 'running', 'epochs', 'best', 'created'],
        studies.map(s => s.problem
          ? el('tr', { 'data-study': s.name }, el('td', {}, studyLink(s.name)), el('td', { class: 'error', colspan: '10' }, s.problem), el('td', {}, when(s.createdAt)))
          : el('tr', { 'data-study': s.name },
            el('td', {}, studyLink(s.name)), el('td', {}, direction(s)), el('td', {}, s.sampler), el('td', {}, s.scheduler),
            el('td', {}, s.finished + '/' + s.trialsAsked + (s.done ? ' (done)' : '')),
            ...['COMPLETE', 'PRUNED', 'FAILED', 'RUNNING'].map(k => el('td', { class: 'state-' + k }, String((s.byState || {})[k] || 0))),
            el('td', {}, String(s.epochs) + (s.epochBudget ? ' / ' + s.epochBudget : '')),
            el('td', { class: 'best' }, s.best ? value(s.best.value) + ' (trial ' + s.best.trial + ')' : '–'),
            el('td', {}, when(s.createdAt))))));
    } catch (e) { fail(box, e); }
  }

  async function showStudy(name) {
    const m = main('Study ' + name);
    let s;
    try { s = await api('/studies/' + encodeURIComponent(name)); } catch (e) { fail(m, e); return; }
    const byNumber = new Map(s.trials.map(t => [t.number, t]));
    m.append(el('p', { id: 'summary' }, counts(s) + ' · ' + s.epochs + ' epochs' + (s.epochBudget ? ' of ' + s.epochBudget : '')
      + (s.best ? ' · best ' + s.metric + ' ' + value(s.best.value) + ' (trial ' + s.best.trial + ')' : ' · no complete trial yet')));
    m.append(el('p', { class: 'note' }, 'metric ' + direction(s) + ' · sampler ' + s.sampler + settings(s.samplerSettings)
      + ' · scheduler ' + s.scheduler + settings(s.schedulerSettings) + ' · seed ' + s.seed + ' · created ' + when(s.createdAt)));

    const plots = el('div', { class: 'plots' });
    m.append(plots);
    historyPlot(plots, s);
    curvesPlot(plots, s, byNumber);

    m.append(el('h2', {}, 'Leaderboard'));
    if (!s.leaderboard.length) m.append(el('p', { class: 'note' }, 'No trial has a value yet.'));
    else m.append(withId('leaderboard', table(['rank', 'trial', 'state', s.metric, 'epochs', 'parameters', 'run'],
      s.leaderboard.map((n, i) => { const t = byNumber.get(n); return el('tr', { 'data-trial': String(n) },
        el('td', {}, String(i + 1)), el('td', {}, String(n)), el('td', { class: 'state-' + t.state }, t.state),
        el('td', {}, value(t.value)), el('td', {}, String(t.epochs)), el('td', { class: 'params' }, paramText(t.params)),
        el('td', {}, runLink(t.runId))); }))));

    m.append(el('h2', {}, 'All trials'), withId('trials', table(['trial', 'state', s.metric, 'epochs', 'attempts', 'parameters', 'run', 'started', 'ended', 'message'],
      s.trials.map(t => el('tr', { 'data-trial': String(t.number) },
        el('td', {}, String(t.number)), el('td', { class: 'state-' + t.state }, t.state), el('td', {}, value(t.value)),
        el('td', {}, String(t.epochs)), el('td', {}, String(t.attempts)), el('td', { class: 'params' }, paramText(t.params)),
        el('td', {}, runLink(t.runId)), el('td', {}, when(t.startedAt)), el('td', {}, when(t.endedAt)),
        el('td', { class: 'note' }, t.message || ''))))));
    m.append(el('h2', {}, 'Search space'), el('pre', { id: 'space' }, s.space || ''));
  }

  function settings(o) { const e = Object.entries(o || {}); return e.length ? ' (' + e.map(([k, v]) => k + ' ' + JSON.stringify(v)).join(', ') + ')' : ''; }
  function withId(id, node) { node.id = id; return node; }

  // Each trial's value by its number (complete and pruned apart), and the best complete value so far as a line.
  function historyPlot(plots, s) {
    const trials = s.trials.slice().sort((a, b) => a.number - b.number);
    if (!trials.some(t => t.value !== null)) return;
    const better = s.maximise ? (a, b) => a > b : (a, b) => a < b;
    let best = null;
    const xs = [], complete = [], pruned = [], bestSoFar = [];
    for (const t of trials) {
      xs.push(t.number);
      complete.push(t.state === 'COMPLETE' ? t.value : null);
      pruned.push(t.state === 'PRUNED' ? t.value : null);
      if (t.state === 'COMPLETE' && t.value !== null && (best === null || better(t.value, best))) best = t.value;
      bestSoFar.push(best);
    }
    const box = el('div', { class: 'plot', id: 'history-plot' });
    plots.append(box);
    const dots = (label, colour, size) => ({ label, stroke: colour, fill: colour, width: 0, paths: () => null, points: { show: true, size, fill: colour } });
    new uPlot({
      title: 'optimisation history: ' + s.metric + ' by trial', width: 560, height: 260, scales: { x: { time: false } },
      axes: [{ label: 'trial', incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] }, {}],
      series: [{ label: 'trial' }, dots('complete', PALETTE[0], 8), dots('pruned', '#9aa3ad', 6),
        { label: 'best so far', stroke: PALETTE[3], width: 2, paths: uPlot.paths.stepped({ align: 1 }), points: { show: false } }],
    }, [xs, complete, pruned, bestSoFar], box);
  }

  // The reported metric by epoch of the best trials (the leaderboard's first), overlaid.
  function curvesPlot(plots, s, byNumber) {
    const top = s.leaderboard.slice(0, TOP).map(n => byNumber.get(n)).filter(t => t.reported.length);
    if (!top.length) return;
    const epochs = [...new Set(top.flatMap(t => t.reported.map(p => p[0])))].sort((a, b) => a - b);
    const data = [epochs].concat(top.map(t => { const at = new Map(t.reported.map(p => [p[0], p[1]])); return epochs.map(e => at.has(e) ? at.get(e) : null); }));
    const box = el('div', { class: 'plot', id: 'curves-plot' });
    plots.append(box);
    plot(box, 'learning curves of the top ' + top.length + ': ' + s.metric + ' by epoch', top.map(t => 'trial ' + t.number + (t.state === 'PRUNED' ? ' (pruned)' : '')), data, 560);
  }
})();
