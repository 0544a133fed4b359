'use strict';
// Cluster: partitions, nodes and the queue as Slurm reports them.
(() => {
  const { api, el, main, fail, table } = HS;
  const m = main('Cluster');
  const rows = (list) => list.map(r => el('tr', {}, Object.values(r).map(v => el('td', {}, v))));
  api('/cluster').then(c => {
    if (!c.available) { m.append(el('p', { class: 'note', id: 'cluster-problem' }, c.problem)); return; }
    m.append(el('h2', {}, 'Partitions'), c.partitions.length ? table(Object.keys(c.partitions[0]), rows(c.partitions)) : el('p', {}, 'none'));
    m.append(el('h2', {}, 'Nodes'), c.nodes.length ? table(Object.keys(c.nodes[0]), rows(c.nodes)) : el('p', {}, 'none'));
    m.append(el('h2', {}, 'Queue'), c.queue.length ? table(Object.keys(c.queue[0]), rows(c.queue)) : el('p', { class: 'note', id: 'queue-empty' }, 'The queue is empty.'));
  }).catch(e => fail(m, e));
})();
