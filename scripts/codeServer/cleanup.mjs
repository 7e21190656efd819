// Last-chance teardown: whatever the harness started (code-server groups, temp folders) is registered here
// and torn down when the process exits, also on Ctrl-C, SIGTERM or an uncaught error.
const hooks = new Set();
let installed = false;

/** Registers a synchronous hook to run at exit; returns a function that unregisters it. */
export function onExit(hook) {
  install();
  hooks.add(hook);
  return () => hooks.delete(hook);
}

function runHooks() {
  for (const hook of [...hooks].reverse()) {
    try {
      hook();
    } catch {
      // best effort: keep tearing down the rest
    }
  }
  hooks.clear();
}

function install() {
  if (installed) return;
  installed = true;
  process.on('exit', runHooks);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      runHooks();
      process.exit(128 + { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 }[signal]);
    });
  }
}
