import { h } from './dom.js';
import { updateParams } from './router.js';
import { isValidTime, PRESETS, rangeLabel, toMs } from './time.js';

/** The time range picker in the top bar: presets and a custom from/to (relative or absolute). */
export function mountRangePicker(el) {
  let range = { from: 'now-1h', to: 'now' };
  const button = h('button', { class: 'range-button', type: 'button', title: 'Time range (r)', 'aria-haspopup': 'true', onclick: () => (menu.hidden ? open() : close()) });
  const fromInput = h('input', { name: 'from', placeholder: 'now-1h or 2026-01-01T12:00', autocomplete: 'off' });
  const toInput = h('input', { name: 'to', placeholder: 'now', autocomplete: 'off' });
  const error = h('div', { class: 'error-banner', hidden: true });
  const presetButtons = PRESETS.map((p) =>
    h('button', { type: 'button', dataset: { from: p.from }, onclick: () => apply(p.from, 'now'), text: p.label }),
  );
  const form = h('form', {
    onsubmit: (e) => {
      e.preventDefault();
      const [from, to] = [fromInput.value.trim() || 'now-1h', toInput.value.trim() || 'now'];
      if (!isValidTime(from) || !isValidTime(to)) return showError('Use now, now-15m, now-2d, an epoch or a date like 2026-01-01T12:00');
      if (toMs(to) <= toMs(from)) return showError('"To" must be after "From"');
      // Absolute dates are sent as ISO in UTC so the link means the same everywhere.
      const norm = (t) => (t.startsWith('now') || /^\d+$/.test(t) ? t : new Date(toMs(t)).toISOString());
      apply(norm(from), norm(to));
    },
  },
  h('label', {}, 'From', fromInput),
  h('label', {}, 'To', toInput),
  error,
  h('button', { class: 'primary', type: 'submit', text: 'Apply' }));
  const menu = h('div', { class: 'range-menu', hidden: true }, h('div', { class: 'presets' }, presetButtons), form);
  el.append(button, menu);
  document.addEventListener('mousedown', (e) => {
    if (!menu.hidden && !el.contains(e.target)) close();
  });

  function showError(text) {
    error.textContent = text;
    error.hidden = false;
  }
  function apply(from, to) {
    close();
    updateParams({ from, to: to === 'now' ? undefined : to });
  }
  function open() {
    fromInput.value = range.from;
    toInput.value = range.to;
    error.hidden = true;
    menu.hidden = false;
    presetButtons.find((b) => b.dataset.from === range.from && range.to === 'now')?.focus() ?? fromInput.focus();
  }
  function close() {
    menu.hidden = true;
  }
  return {
    open,
    close,
    update(next) {
      range = next;
      button.textContent = `◷ ${rangeLabel(next)}`;
      for (const b of presetButtons) b.classList.toggle('active', b.dataset.from === next.from && next.to === 'now');
    },
  };
}
