import { ApiError } from '../api.js';
import { h } from '../dom.js';
import { errorLine, fmt, panel, table } from './xops-common.js';

/** Change risk: a form for a planned change, and the score with each factor's evidence. */
export function changeRiskPage(root) {
  const result = h('div', { 'data-testid': 'risk-result' });
  const field = (name, label, attrs = {}) => h('label', {}, `${label} `, h('input', { name, ...attrs }));
  const form = h('form', { class: 'toolbar', 'data-testid': 'risk-form' },
    field('service', 'Service', { required: true, placeholder: 'checkout' }),
    field('type', 'Type', { required: true, value: 'deploy' }),
    field('plannedAt', 'Planned at', { placeholder: 'now' }),
    field('size', 'Lines changed', { type: 'number', min: 0 }),
    h('button', { type: 'submit', text: 'Assess' }));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    const body = { service: data.service, type: data.type };
    if (data.plannedAt) body.plannedAt = data.plannedAt;
    if (data.size) body.size = Number(data.size);
    result.replaceChildren(h('p', { class: 'muted', text: 'Assessing…' }));
    try {
      const res = await fetch('/api/v1/change-risk', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
      const json = await res.json();
      if (!res.ok) throw new ApiError(res.status, json.code, json.message);
      result.replaceChildren(
        h('p', {}, h('strong', { 'data-testid': 'risk-score', text: `${Math.round(json.score)}/100` }), ' ', h('span', { class: `badge sev-${json.level}`, 'data-testid': 'risk-level', text: json.level }),
          ` · ${json.type} to ${json.service} at ${json.plannedAt}`),
        table(['factor', 'weight', 'points', 'evidence'], json.factors.map((f) => [f.name, fmt(f.weight), fmt(f.points, 1), f.evidence]), { testid: 'risk-factors' }),
        h('p', { class: 'muted', text: `Blast radius: ${json.blastRadius.length ? json.blastRadius.join(', ') : 'none known'}` }));
    } catch (err) {
      result.replaceChildren(errorLine(err));
    }
  });
  root.append(panel('Change risk', form, result));
  return { update() {}, unmount() {} };
}
