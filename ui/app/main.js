import { h } from './dom.js';
import { onStatus, streamStats } from './live-stream.js';
import { installKeys } from './keys.js';
import { mountRangePicker } from './range-picker.js';
import { currentRoute } from './router.js';
import { applyStoredTheme, toggleTheme } from './theme.js';

/**
 * Boot: theme, top bar, keyboard, and the page the URL names. Pages load on first visit,
 * so the first paint waits only for the modules of the page the URL names.
 */
const PAGES = {
  live: () => import('./pages/live.js').then((m) => m.livePage),
  explore: () => import('./pages/explore.js').then((m) => m.explorePage),
  incidents: () => import('./pages/incidents.js').then((m) => m.incidentsPage),
  map: () => import('./pages/service-map.js').then((m) => m.serviceMapPage),
  drills: () => import('./pages/drills.js').then((m) => m.drillsPage),
  'change-risk': () => import('./pages/change-risk.js').then((m) => m.changeRiskPage),
  dora: () => import('./pages/dora.js').then((m) => m.doraPage),
  capacity: () => import('./pages/capacity.js').then((m) => m.capacityPage),
  cost: () => import('./pages/cost.js').then((m) => m.costPage),
};

applyStoredTheme();
const root = document.getElementById('page');
const help = document.getElementById('help');
const picker = mountRangePicker(document.getElementById('range-picker'));
let current; // { key, view }

let navigation = 0; // the newest page change wins when loads overlap

async function render() {
  const route = currentRoute();
  const page = PAGES[route.page] ? route.page : 'live';
  for (const a of document.querySelectorAll('.nav a')) a.classList.toggle('active', a.dataset.page === page);
  picker.update(route.range);
  if (current?.key === page) {
    current.view.update(route);
    return;
  }
  const ticket = ++navigation;
  let mount;
  try {
    mount = await PAGES[page]();
  } catch (err) {
    if (ticket === navigation) root.replaceChildren(h('div', { class: 'error-banner', text: `Could not load the page: ${err.message}` }));
    return;
  }
  if (ticket !== navigation) return;
  current?.view.unmount();
  root.replaceChildren();
  root.scrollTop = 0;
  current = { key: page, view: mount(root, currentRoute()) };
}

window.addEventListener('hashchange', () => void render());
document.getElementById('theme-toggle').addEventListener('click', () => toggleTheme());
const showHelp = (show) => { help.hidden = !show; };
document.getElementById('help-toggle').addEventListener('click', () => showHelp(help.hidden));
help.addEventListener('click', (e) => { if (e.target === help) showHelp(false); });
installKeys({ toggleHelp: () => showHelp(help.hidden), closeAll: () => { showHelp(false); picker.close(); }, openRange: () => picker.open() });

const statusEl = document.getElementById('stream-status');
let lastReceived = 0;
let statusText = '';
onStatus((status) => {
  statusEl.hidden = status === 'idle';
  statusEl.className = `stream-status ${status === 'live' ? 'live' : status === 'idle' ? '' : 'down'}`;
  statusText = status === 'live' ? 'Live' : status === 'connecting' ? 'Connecting…' : 'Reconnecting…';
  statusEl.textContent = statusText;
});
// Event rate shown beside the stream status, once a second.
setInterval(() => {
  const rate = streamStats.received - lastReceived;
  lastReceived = streamStats.received;
  if (!statusEl.hidden) statusEl.textContent = rate > 0 ? `${statusText} · ${rate} ev/s` : statusText;
}, 1000);

void render();
