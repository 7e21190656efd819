import type { DashboardState } from '../../src/shared/protocol';
import './dashboard.css';
import { renderDashboard, type Actions } from './render';
import { listen, request, send } from './vscodeApi';

const app = document.getElementById('app')!;
let last: DashboardState | undefined;

function show(state: DashboardState): void {
  last = state;
  // Re-rendering replaces the page: keep the reader where they were.
  const y = window.scrollY;
  renderDashboard(app, state, actions);
  window.scrollTo(0, y);
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

const actions: Actions = {
  send,
  refresh: () => {
    request('state/get').then(show, (e: unknown) =>
      showError(`Could not refresh: ${e instanceof Error ? e.message : String(e)}`),
    );
  },
};

// One handler for every link to a workspace file, the ones in rendered markdown included: they carry no
// real href, the host opens the file after checking it is inside the workspace.
document.addEventListener('click', (e) => {
  const a = e.target instanceof Element ? e.target.closest('a[data-file]') : null;
  if (!a) return;
  e.preventDefault();
  const file = a.getAttribute('data-file');
  if (file) send({ type: 'artifact/open', file });
});

listen(
  (m) => show(m.state),
  (error) => {
    showError(`Ignored a message from the editor: ${error}`);
    if (last) show(last);
  },
);
send({ type: 'ready' });
