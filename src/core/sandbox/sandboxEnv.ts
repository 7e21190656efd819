import { SANDBOX_RUN_DIR } from './bwrapArgs';

/** The ports of the relays inside the sandbox (its network namespace is its own: any free port would do). */
export const API_PORT = 47480;
export const PROXY_PORT = 47481;

export const API_SOCKET_INSIDE = `${SANDBOX_RUN_DIR}/api.sock`;
export const PROXY_SOCKET_INSIDE = `${SANDBOX_RUN_DIR}/proxy.sock`;
export const ENV_FILE_INSIDE = `${SANDBOX_RUN_DIR}/env.sh`;

/**
 * The run's environment as the sandbox gives it: the CLI's model API at the in-sandbox relay (same path), every
 * proxy variable at F-MES's proxy, loopback direct, the temp dir the run's own.
 */
export function sandboxedEnv(
  env: Readonly<Record<string, string>>,
  o: { baseUrlVar: string; upstream: URL; tmpDir: string; runtimeDir: string },
): Record<string, string> {
  const out = { ...env };
  const base = o.upstream.pathname.replace(/\/+$/, '');
  out[o.baseUrlVar] = `http://127.0.0.1:${API_PORT}${base}`;
  const proxy = `http://127.0.0.1:${PROXY_PORT}`;
  for (const v of ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'all_proxy']) out[v] = proxy;
  out.NO_PROXY = out.no_proxy = '127.0.0.1,localhost,::1';
  out.TMPDIR = o.tmpDir;
  if (out.CLAUDE_CODE_TMPDIR !== undefined) out.CLAUDE_CODE_TMPDIR = o.tmpDir;
  out.XDG_RUNTIME_DIR = o.runtimeDir;
  out.FMES_SANDBOX = 'bwrap';
  return out;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A shell file that exports `env` (sourced inside, after `--clearenv`): the values never appear on a command
 * line, where any user of the machine could read them. Names that are not shell names are left out.
 */
export function envFile(env: Readonly<Record<string, string>>): string {
  return Object.entries(env)
    .filter(([k]) => NAME.test(k))
    .map(([k, v]) => `export ${k}='${v.replace(/'/g, `'\\''`)}'\n`)
    .join('');
}

/**
 * The script bash runs inside before the agent: the two relays to the host's bridge and proxy, a wait until
 * they listen, then the environment, then `exec` of the agent (its argv follows the script).
 */
export function innerScript(relayLog: string): string {
  // socat's errors (a connection the bridge refused, a relay that died) go to the run's relay log, which F-MES
  // reads after each attempt (runDiagnostics.ts): an agent's "fetch failed" then comes with its reason.
  const log = `'${relayLog.replace(/'/g, `'\\''`)}'`;
  const relay = (port: number, sock: string) =>
    `socat TCP-LISTEN:${port},bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:${sock} 2>>${log} &`;
  // `:` with a redirection opens and closes the connection without a fork; a failed one does not end the shell.
  // A busy wait first (socat listens within milliseconds), then a gentler one, for about 30 s in all (a loaded
  // machine can take seconds to start socat). A relay that never listens stops the run with a clear reason
  // rather than letting the agent fail on "connection refused" (fail closed, and say why).
  const wait = (port: number, what: string) =>
    `n=0; until { : 3<>/dev/tcp/127.0.0.1/${port}; } 2>/dev/null; do n=$((n+1)); [ $n -gt 3000 ] && sleep 0.05; ` +
    `[ $n -gt 3600 ] && { echo "F-MES sandbox: the relay to ${what} did not start within 30 s" >&2; exit 70; }; done`;
  return [
    relay(API_PORT, API_SOCKET_INSIDE),
    relay(PROXY_PORT, PROXY_SOCKET_INSIDE),
    wait(API_PORT, 'the model API'),
    wait(PROXY_PORT, "F-MES's proxy"),
    `. ${ENV_FILE_INSIDE}`,
    'exec "$@"',
  ].join('\n');
}
