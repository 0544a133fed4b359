'use strict';
// Patients: a staging result as a pathologist reads it.
(() => {
  const { api, el, main, fail, num, table, when } = HS;
  const m = main('Patients');
  const pick = el('select', { id: 'stage-run' });
  const body = el('div', { id: 'patients' });
  m.append(el('label', {}, 'staging run', pick), body);
  api('/stages').then(({ stages }) => {
    if (!stages.length) { body.append(el('p', { class: 'note' }, 'No completed staging runs yet: submit one (stage) or run histoscale stage.')); return; }
    for (const s of stages) pick.append(el('option', { value: s.id }, s.id + ' · ' + when(s.createdAt)));
    const wanted = new URLSearchParams(location.search).get('run');
    if (wanted) pick.value = wanted;
    pick.addEventListener('change', () => show(pick.value));
    show(pick.value);
  }).catch(e => fail(body, e));

  async function show(run) {
    body.replaceChildren();
    try {
      const r = await api('/stages/' + run);
      const cards = el('div', { class: 'cards' },
        el('div', { class: 'card' }, 'patients', el('div', { class: 'big' }, String(r.patients.length))),
        el('div', { class: 'card' }, 'quadratic κ', el('div', { class: 'big', id: 'kappa' }, r.kappa === undefined ? '–' : num(r.kappa))),
        el('div', { class: 'card' }, 'stage accuracy', el('div', { class: 'big' }, r.stageAccuracy === undefined ? '–' : num(r.stageAccuracy, 2))));
      body.append(cards);
      for (const n of r.notes || []) body.append(el('p', { class: 'error' }, n));
      const rows = r.patients.map(p => el('tr', { 'data-patient': p.patient },
        el('td', {}, p.patient),
        el('td', { class: 'predicted ' + (p.truth ? (p.truth === p.predicted ? 'stage-ok' : 'stage-off') : '') }, p.predicted),
        el('td', { class: 'truth' }, p.truth || '–'),
        el('td', {}, el('table', { class: 'slides' }, p.slides.map(s => el('tr', {},
          el('td', {}, s.slideId ? el('a', { href: '/slides/view?slide=' + encodeURIComponent(s.slideId) + '&stage=' + r.run + '&heatmap=on' + (s.largestLesion ? '&x=' + s.largestLesion.x + '&y=' + s.largestLesion.y + '&w=' + s.largestLesion.width + '&h=' + s.largestLesion.height : ''), class: 'open-slide' }, s.slide) : s.slide),
          el('td', { class: s.truth && s.truth !== s.label ? 'stage-off' : '' }, s.label + (s.truth && s.truth !== s.label ? ' (truth ' + s.truth + ')' : '')),
          el('td', {}, s.largestLesion ? 'largest lesion ' + num(s.largestLesion.diameterMm, 2) + ' mm' : 'no lesion')))))));
      body.append(el('h2', {}, 'Patients'), table(['patient', 'predicted pN', 'truth', 'slides: label, largest lesion'], rows));
      if (r.confusion) body.append(el('h2', {}, 'Confusion matrix (rows truth, columns predicted)'), matrix(r.confusion, 'stage-matrix'));
      if (r.slideConfusion) body.append(el('h2', {}, 'Slide labels'), matrix(r.slideConfusion, 'slide-matrix'));
    } catch (e) { fail(body, e); }
  }
  function matrix(c, id) {
    return el('table', { class: 'matrix', id }, el('tr', {}, el('th', {}, ''), c.categories.map(x => el('th', {}, x))),
      c.counts.map((row, i) => el('tr', {}, el('th', {}, c.categories[i]), row.map(v => el('td', {}, String(v))))));
  }
})();
