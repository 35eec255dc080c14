/** Dark and light themes: the system preference unless the user picked one (remembered). */
const KEY = 'vigil.theme';

export function currentTheme() {
  const set = document.documentElement.dataset.theme;
  if (set) return set;
  return matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}

export function applyStoredTheme() {
  const stored = localStorage.getItem(KEY);
  if (stored === 'dark' || stored === 'light') document.documentElement.dataset.theme = stored;
  renderButton();
  matchMedia('(prefers-color-scheme: light)').addEventListener('change', () => {
    if (!document.documentElement.dataset.theme) announce();
  });
}

export function toggleTheme() {
  const next = currentTheme() === 'dark' ? 'light' : 'dark';
  document.documentElement.dataset.theme = next;
  localStorage.setItem(KEY, next);
  announce();
}

function announce() {
  renderButton();
  // Charts draw on canvas with colours read from CSS: their owners rebuild them.
  window.dispatchEvent(new CustomEvent('vigil:theme', { detail: currentTheme() }));
}

function renderButton() {
  const button = document.getElementById('theme-toggle');
  if (button) button.textContent = currentTheme() === 'dark' ? '☀' : '☾';
}
