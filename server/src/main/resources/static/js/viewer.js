'use strict';
// The deep-zoom viewer: the slide's Deep Zoom tiles, a µm scale bar, and overlays that can be toggled and faded.
(() => {
  const { api, el, main, fail } = HS;
  const params = new URLSearchParams(location.search);
  const id = params.get('slide');
  const m = main('Slide');
  const osdBox = el('div', { id: 'osd' });
  const scale = el('div', { class: 'scalebar', id: 'scalebar' }, el('span', { id: 'scale-text' }, ''), el('div', { class: 'bar', id: 'scale-bar' }));
  const panel = el('div', { class: 'panel', id: 'layers' }, el('h2', {}, 'Overlays'));
  const info = el('p', { class: 'note', id: 'slide-info' });
  m.append(info, el('div', { class: 'viewer-wrap' }, osdBox, panel));
  window.hsViewer = { tilesLoaded: 0, tilesRequested: 0, layers: {} };
  if (!id) { fail(m, new Error('no slide given')); return; }
  const SVG = 'http://www.w3.org/2000/svg';
  const svg = (tag, attrs) => { const e = document.createElementNS(SVG, tag); for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v); return e; };

  Promise.all([api('/slides/' + id), api('/slides/' + id + '/overlays' + (params.get('stage') ? '?stage=' + encodeURIComponent(params.get('stage')) : ''))])
    .then(([slide, overlays]) => open(slide, overlays))
    .catch(e => { osdBox.remove(); fail(m, e); });

  function open(slide, overlays) {
    m.querySelector('h1').textContent = slide.name;
    document.title = slide.name + ' · HistoScale';
    info.textContent = slide.width + ' × ' + slide.height + ' px · ' + (slide.mpp ? slide.mpp.toFixed(3) + ' µm/px' : 'µm/px unknown') + ' · ' + slide.levels.length + ' levels · ' + slide.format;
    const W = slide.width, H = slide.height;
    const maxLevel = Math.ceil(Math.log2(Math.max(W, H)));
    const viewer = OpenSeadragon({
      element: osdBox, prefixUrl: '/static/vendor/openseadragon/images/', showNavigator: true, crossOriginPolicy: false,
      maxZoomPixelRatio: 2, visibilityRatio: 0.5, animationTime: 0.4,
      tileSources: { width: W, height: H, tileSize: 254, tileOverlap: 1, minLevel: 0, maxLevel,
        getTileUrl: (level, x, y) => '/api/v1/slides/' + id + '/tiles/' + level + '/' + x + '_' + y + '.jpeg' },
    });
    window.hsViewer.viewer = viewer;
    viewer.addHandler('tile-loaded', () => { window.hsViewer.tilesLoaded++; });
    viewer.addHandler('tile-load-failed', () => { window.hsViewer.tilesFailed = (window.hsViewer.tilesFailed || 0) + 1; });
    osdBox.append(scale);
    const mpp = slide.mpp;
    function updateScale() {
      if (!mpp) { scale.hidden = true; return; }
      const zoom = viewer.viewport.viewportToImageZoom(viewer.viewport.getZoom(true)); // screen px per image px
      const umPerScreenPx = mpp / zoom;
      const target = 150 * umPerScreenPx;
      const pow = Math.pow(10, Math.floor(Math.log10(target)));
      const nice = [5, 2, 1].map(k => k * pow).find(v => v <= target) || pow;
      scale.querySelector('#scale-bar').style.width = Math.round(nice / umPerScreenPx) + 'px';
      scale.querySelector('#scale-text').textContent = nice >= 1000 ? (nice / 1000) + ' mm' : nice + ' µm';
    }
    viewer.addHandler('animation', updateScale);
    viewer.addHandler('open', () => {
      updateScale();
      addLayers(viewer, overlays, W, H);
      const x = parseFloat(params.get('x')), y = parseFloat(params.get('y'));
      const w = parseFloat(params.get('w')) || 2000, h = parseFloat(params.get('h')) || 2000;
      if (!Number.isNaN(x) && !Number.isNaN(y)) {
        const pad = Math.max(w, h);
        viewer.viewport.fitBounds(viewer.viewport.imageToViewportRectangle(x - pad, y - pad, w + 2 * pad, h + 2 * pad), true);
      }
    });
  }

  function layerControl(name, label, on, opacity, setVisible, setOpacity) {
    const box = el('input', { type: 'checkbox', id: 'layer-' + name, checked: on });
    const fade = el('input', { type: 'range', min: 0, max: 100, value: Math.round(opacity * 100), id: 'opacity-' + name, 'aria-label': label + ' opacity' });
    box.addEventListener('change', () => setVisible(box.checked));
    fade.addEventListener('input', () => setOpacity(fade.value / 100));
    panel.append(el('div', { class: 'layer' }, el('label', { class: 'inline' }, el('span', {}, label), box), fade));
    window.hsViewer.layers[name] = { box, fade };
  }

  function imageLayer(viewer, name, label, o, W, on, opacity) {
    viewer.addTiledImage({
      tileSource: { type: 'image', url: '/api/v1/slides/' + id + '/' + o.url, buildPyramid: false },
      x: o.x / W, y: o.y / W, width: o.width / W, opacity: on ? opacity : 0,
      success: ev => {
        const item = ev.item;
        let visible = on, alpha = opacity;
        window.hsViewer.items = Object.assign(window.hsViewer.items || {}, { [name]: item });
        layerControl(name, label, on, opacity, v => { visible = v; item.setOpacity(v ? alpha : 0); }, a => { alpha = a; if (visible) item.setOpacity(a); });
      },
      error: ev => panel.append(el('p', { class: 'error', id: 'failed-' + name }, label + ' could not be drawn: ' + (ev.message || 'no image'))),
    });
  }

  function vectorLayer(viewer, name, label, W, H, draw, on) {
    const root = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, preserveAspectRatio: 'none', id: 'svg-' + name });
    root.style.width = '100%'; root.style.height = '100%'; root.style.pointerEvents = 'none';
    draw(root);
    const holder = el('div', { id: 'overlay-' + name });
    holder.append(root);
    viewer.addOverlay({ element: holder, location: new OpenSeadragon.Rect(0, 0, 1, H / W) });
    // OpenSeadragon sets the overlay element's display as it places it: the drawing inside is what is shown or hidden
    root.style.visibility = on ? 'visible' : 'hidden';
    layerControl(name, label, on, 1, v => { root.style.visibility = v ? 'visible' : 'hidden'; }, a => { root.style.opacity = a; });
  }

  function addLayers(viewer, o, W, H) {
    const heatOn = params.get('heatmap') === 'on';
    if (o.heatmap) imageLayer(viewer, 'heatmap', 'tumour heatmap', o.heatmap, W, heatOn, 0.6);
    else panel.append(el('p', { class: 'note', id: 'no-heatmap' }, 'Not staged yet: no heatmap.'));
    imageLayer(viewer, 'tissue', 'tissue mask', o.tissue, W, false, 0.5);
    vectorLayer(viewer, 'grid', 'patch grid', W, H, root => {
      const g = o.grid;
      const pat = svg('pattern', { id: 'grid-pattern', x: g.x, y: g.y, width: g.side, height: g.side, patternUnits: 'userSpaceOnUse' });
      pat.append(svg('path', { d: 'M ' + g.side + ' 0 L 0 0 0 ' + g.side, fill: 'none', stroke: '#00e5ff', 'stroke-width': 1, 'vector-effect': 'non-scaling-stroke' }));
      const defs = svg('defs'); defs.append(pat); root.append(defs);
      root.append(svg('rect', { x: 0, y: 0, width: W, height: H, fill: 'url(#grid-pattern)' }));
    }, false);
    if (o.lesions) {
      vectorLayer(viewer, 'lesions', 'lesions (' + o.lesions.length + ')', W, H, root => {
        const fontSize = Math.max(W, H) / 60;
        for (const l of o.lesions) {
          root.append(svg('rect', { x: l.x, y: l.y, width: l.width, height: l.height, fill: 'none', stroke: '#ffeb3b', 'stroke-width': 2, 'vector-effect': 'non-scaling-stroke' }));
          const t = svg('text', { x: l.x, y: l.y - fontSize * 0.3, 'font-size': fontSize, class: 'lesion-label' });
          t.textContent = l.diameterMm.toFixed(2) + ' mm';
          root.append(t);
        }
      }, heatOn);
    }
    const ann = o.annotations || { regions: [] };
    if (ann.error) panel.append(el('p', { class: 'error' }, 'Annotations ' + ann.file + ': ' + ann.error));
    if (ann.regions && ann.regions.length) {
      vectorLayer(viewer, 'annotations', 'annotations (' + ann.regions.length + ')', W, H, root => {
        for (const r of ann.regions) for (const ring of r.rings) {
          root.append(svg('polygon', { points: ring.map(p => p[0] + ',' + p[1]).join(' '), fill: 'none', stroke: r.colour, 'stroke-width': 2, 'vector-effect': 'non-scaling-stroke' }));
        }
      }, false);
    }
    if (o.heatmap) panel.append(el('div', { class: 'legend' }, 'p(tumour) 0', el('span', { class: 'ramp' }), '1'));
    if (o.stage) panel.append(el('p', { class: 'note' }, 'Heatmap from staging run ', el('a', { href: '/runs/' + o.stage }, o.stage)));
  }
})();
