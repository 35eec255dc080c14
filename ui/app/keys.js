import { navigate, sharedParams } from './router.js';
import { toggleTheme } from './theme.js';

/** Keyboard: `/` search, `t` theme, `r` range, `?` help, `g` + letter to go to a page. */
const GO = {
  l: ['live', ''],
  e: ['explore', 'logs'],
  p: ['explore', 'patterns'],
  t: ['explore', 'traces'],
  m: ['explore', 'metrics'],
  i: ['incidents', ''],
  s: ['map', ''],
  d: ['drills', ''],
};

export function installKeys({ toggleHelp, closeAll, openRange }) {
  let goPending = 0;
  document.addEventListener('keydown', (e) => {
    const target = e.target;
    const typing = target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    if (e.key === 'Escape') {
      closeAll();
      if (typing) target.blur();
      return;
    }
    if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
    if (goPending && Date.now() - goPending < 1500 && GO[e.key]) {
      goPending = 0;
      e.preventDefault();
      const [page, tab] = GO[e.key];
      navigate(page, tab, sharedParams());
      return;
    }
    goPending = 0;
    switch (e.key) {
      case 'g':
        goPending = Date.now();
        break;
      case '/': {
        const search = document.querySelector('[data-search]');
        if (search) {
          e.preventDefault();
          search.focus();
          search.select?.();
        }
        break;
      }
      case 't':
        toggleTheme();
        break;
      case 'r':
        e.preventDefault();
        openRange();
        break;
      case '?':
        toggleHelp();
        break;
    }
  });
}
