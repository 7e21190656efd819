import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { parseWebviewMessage, type DashboardState } from '../../src/shared/protocol';
import './dashboard.css';
import { setLocale, t } from './l10n';
import { patchChildren } from './patch';
import { renderHeader, renderSections } from './render';
import { listen, request, send } from './vscodeApi';

const app = document.getElementById('app')!;
const status = document.getElementById('status')!;
let last: DashboardState | undefined;

/**
 * Shows a state by patching the page: elements that stay are the same nodes, so focus, selection and scroll
 * stay where they were, and a screen reader is not sent back to the top. Only the status line is a live
 * region: it names the sections that changed, once per update.
 */
function show(state: DashboardState): void {
  const first = last === undefined;
  last = state;
  setLocale(state.locale);
  document.documentElement.lang = state.locale ?? 'en';
  const sections = renderSections(state);
  const before = new Map(
    [...app.querySelectorAll('section[data-section]')].map((s) => [s.getAttribute('data-section')!, s.textContent]),
  );
  patchChildren(app, [renderHeader(state), ...sections]);
  if (first) {
    status.textContent = t('Dashboard loaded.');
    return;
  }
  const changed = [...app.querySelectorAll('section[data-section]')]
    .filter((s) => before.get(s.getAttribute('data-section')!) !== s.textContent)
    .map((s) => s.querySelector('h2')?.firstChild?.textContent ?? '');
  if (changed.length) status.textContent = t('Updated: {0}.', changed.join(', '));
}

function showError(message: string): void {
  let banner = document.getElementById('error');
  if (!banner) {
    banner = document.createElement('p');
    banner.id = 'error';
    banner.setAttribute('role', 'alert');
    document.body.prepend(banner);
  }
  banner.textContent = message;
}

function refresh(): void {
  request('state/get').then(show, (e: unknown) =>
    showError(t('Could not refresh: {0}', e instanceof Error ? e.message : String(e))),
  );
}

/**
 * One click handler for the page: buttons carry their command as data (dom.ts), links to workspace files
 * carry the file (the ones in rendered markdown too: they have no real href, the host opens the file after
 * checking it is inside the workspace). vscode-button turns Enter and Space into a click; native buttons do
 * so themselves. A command is validated against the protocol before it leaves.
 */
document.addEventListener('click', (e) => {
  const target = e.target instanceof Element ? e.target : null;
  const actor = target?.closest('[data-command]');
  if (actor) {
    e.preventDefault();
    if (actor.hasAttribute('disabled')) return;
    const raw = actor.getAttribute('data-command') ?? '';
    if (raw === 'refresh') return refresh();
    let data: unknown;
    try {
      data = JSON.parse(raw);
    } catch {
      return;
    }
    const parsed = parseWebviewMessage(data);
    if (parsed.ok && parsed.value.type !== 'state/get') send(parsed.value);
    return;
  }
  const a = target?.closest('a[data-file]');
  if (!a) return;
  e.preventDefault();
  const file = a.getAttribute('data-file');
  if (file) send({ type: 'artifact/open', file });
});

listen(
  (m) => show(m.state),
  (error) => {
    showError(t('Ignored a message from the editor: {0}', error));
    if (last) show(last);
  },
);
send({ type: 'ready' });
