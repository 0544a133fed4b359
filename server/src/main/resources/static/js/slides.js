'use strict';
// Slides: the configured slide folders.
(() => {
  const { api, el, main, fail, table } = HS;
  const m = main('Slides');
  api('/slides').then(({ folders, slides }) => {
    m.append(el('p', { class: 'note' }, 'Folders: ' + folders.join(', ')));
    if (!slides.length) { m.append(el('p', { class: 'note' }, 'No slides in these folders.')); return; }
    m.append(table(['slide', 'folder', 'size (MB)'], slides.map(s => el('tr', {},
      el('td', {}, el('a', { href: '/slides/view?slide=' + encodeURIComponent(s.id), class: 'slide-link' }, s.path)),
      el('td', {}, folders[s.folder]), el('td', {}, (s.bytes / 1e6).toFixed(1))))));
  }).catch(e => fail(m, e));
})();
