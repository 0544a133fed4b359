'use strict';
// Submit: a form per command, made from the command line's own options; validated by the command line itself.
(() => {
  const { api, el, main, fail, role } = HS;
  const m = main('Submit');
  if (role === 'viewer') m.append(el('p', { class: 'note' }, 'Your role is viewer: submitting needs the researcher role.'));
  api('/jobs/forms').then(forms => {
    const pick = el('select', { id: 'command' }, forms.commands.map(c => el('option', { value: c.command }, c.command)));
    const area = el('div', { id: 'form-area' });
    m.append(el('p', { class: 'note' }, 'Paths are relative to the work folder ' + forms.workFolder + '; slides may also come from ' + forms.slideFolders.join(', ') + '.'),
      el('label', {}, 'command', pick), area);
    const show = () => area.replaceChildren(form(forms, forms.commands.find(c => c.command === pick.value)));
    pick.addEventListener('change', show);
    const wanted = new URLSearchParams(location.search).get('command');
    if (wanted) pick.value = wanted;
    show();
  }).catch(e => fail(m, e));

  function form(forms, c) {
    const inputs = [];
    const fields = c.fields.map(f => {
      let input;
      const name = f.positional ? '' : f.name;
      const id = 'f-' + c.command + '-' + (f.positional ? 'inputs' : f.name.replace(/^--/, ''));
      if (f.type === 'flag') input = el('input', { type: 'checkbox', id });
      else if (f.choices) input = el('select', { id }, [el('option', { value: '' }, f.default ? '(default ' + f.default + ')' : '')].concat(f.choices.map(x => el('option', { value: x }, x))));
      else if (f.multiple) input = el('textarea', { id, rows: 2, placeholder: 'one per line' });
      else input = el('input', { id, type: f.type === 'int' || f.type === 'number' ? 'text' : 'text', placeholder: f.default || '', inputmode: f.type === 'int' ? 'numeric' : null });
      inputs.push([name, f, input]);
      return el('label', { title: f.description }, (f.positional ? f.label : f.name) + (f.required ? ' *' : ''), input, el('span', { class: 'note' }, f.description));
    });
    const executor = el('select', { id: 'executor' }, forms.executors.map(x => el('option', { value: x }, x)));
    const resources = forms.resources.map(r => [r.name, el('input', { id: 'r-' + r.name.replace(/^--/, ''), placeholder: '' })]);
    const result = el('div', { id: 'result', role: 'status' });
    const submit = el('button', { type: 'submit', class: 'primary', id: 'submit' }, 'Submit ' + c.command);
    const f = el('form', { class: 'job', id: 'job-form' },
      el('p', { class: 'note' }, c.description),
      el('fieldset', {}, el('legend', {}, c.command), el('div', { class: 'fields' }, fields)),
      el('fieldset', {}, el('legend', {}, 'where it runs'), el('div', { class: 'fields' },
        el('label', {}, 'executor', executor),
        forms.resources.map((r, i) => el('label', {}, r.label, resources[i][1])))),
      submit, result);
    f.addEventListener('submit', async ev => {
      ev.preventDefault();
      const values = {};
      for (const [name, spec, input] of inputs) {
        if (spec.type === 'flag') { if (input.checked) values[name] = 'true'; continue; }
        if (input.value.trim() === '') continue;
        values[name] = spec.multiple ? input.value.split(/\n/).map(s => s.trim()).filter(Boolean) : input.value.trim();
      }
      const res = {};
      for (const [name, input] of resources) if (input.value.trim()) res[name] = input.value.trim();
      result.replaceChildren(el('p', { class: 'note' }, 'Submitting…'));
      submit.disabled = true;
      try {
        const r = await api('/jobs', { method: 'POST', json: { command: c.command, values, executor: executor.value, resources: res } });
        result.replaceChildren(el('p', {}, 'Submitted as run ', el('a', { href: '/runs/' + r.run, id: 'new-run' }, r.run), '.'));
        location.href = '/runs/' + r.run;
      } catch (e) { result.replaceChildren(); fail(result, e); } finally { submit.disabled = false; }
    });
    return f;
  }
})();
