import { onStatus, streamStats } from './live-stream.js';
import { installKeys } from './keys.js';
import { mountRangePicker } from './range-picker.js';
import { currentRoute } from './router.js';
import { applyStoredTheme, toggleTheme } from './theme.js';
import { explorePage } from './pages/explore.js';
import { livePage } from './pages/live.js';
import { capacityPage } from './pages/capacity.js';
import { changeRiskPage } from './pages/change-risk.js';
import { costPage } from './pages/cost.js';
import { doraPage } from './pages/dora.js';
import { drillsPage } from './pages/drills.js';
import { incidentsPage } from './pages/incidents.js';
import { serviceMapPage } from './pages/service-map.js';

/** Boot: theme, top bar, keyboard, and the page the URL names. */
const PAGES = { live: livePage, explore: explorePage, incidents: incidentsPage, map: serviceMapPage, drills: drillsPage, 'change-risk': changeRiskPage, dora: doraPage, capacity: capacityPage, cost: costPage };

applyStoredTheme();
const root = document.getElementById('page');
const help = document.getElementById('help');
const picker = mountRangePicker(document.getElementById('range-picker'));
let current; // { key, view }

function render() {
  const route = currentRoute();
  const page = PAGES[route.page] ? route.page : 'live';
  for (const a of document.querySelectorAll('.nav a')) a.classList.toggle('active', a.dataset.page === page);
  picker.update(route.range);
  if (current?.key === page) {
    current.view.update(route);
    return;
  }
  current?.view.unmount();
  root.replaceChildren();
  root.scrollTop = 0;
  current = { key: page, view: PAGES[page](root, route) };
}

window.addEventListener('hashchange', render);
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

render();
