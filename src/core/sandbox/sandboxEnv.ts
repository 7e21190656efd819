import { SANDBOX_RUN_DIR } from './bwrapArgs';

/**
 * The ports of the relays inside the sandbox. Its network namespace is its own, so nothing else listens there;
 * but they must lie outside the ephemeral range (32768–60999, a new namespace's default), which outgoing
 * connections draw their source ports from: with 47480, a connection the CLI (or a wait) opened from source
 * port 47480 took it first, socat's bind failed with "Address already in use", and every request of the run
 * failed (seen as "fetch failed" in about one run in a hundred).
 */
export const API_PORT = 17480;
export const PROXY_PORT = 17481;

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
 * both listen, then the environment, then `exec` of the agent (its argv follows the script).
 *
 * The wait reads the namespace's listening sockets from /proc/net/tcp (bash builtins only) instead of
 * connecting: a connection to a port nobody listens on yet can come from that very port (TCP's self-connect),
 * succeed, and take the port from the relay. A relay that exits (its bind failed) or does not listen within
 * 30 s stops the run with its reason (exit 70) rather than letting the agent fail on "connection refused".
 */
export function innerScript(relayLog: string): string {
  // socat's errors (a connection the bridge refused, a relay that died) go to the run's relay log, which F-MES
  // reads after each attempt (runDiagnostics.ts): an agent's "fetch failed" then comes with its reason.
  const log = `'${relayLog.replace(/'/g, `'\\''`)}'`;
  const relay = (port: number, sock: string, v: string) =>
    `socat TCP-LISTEN:${port},bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:${sock} 2>>${log} & ${v}=$!`;
  const hex = (port: number) => port.toString(16).toUpperCase().padStart(4, '0');
  // The relay's liveness first: a relay whose bind failed is reported as such, whatever else listens.
  const wait = (port: number, v: string, what: string) =>
    `while :; do ` +
    `kill -0 $${v} 2>/dev/null || { echo "F-MES sandbox: the relay to ${what} stopped: $(tail -n 2 ${log} 2>/dev/null)" >&2; exit 70; }; ` +
    `listening ${hex(port)} && break; ` +
    `[ $SECONDS -ge 30 ] && { echo "F-MES sandbox: the relay to ${what} did not start within 30 s" >&2; exit 70; }; ` +
    `sleep 0.01; done`;
  return [
    // Is 127.0.0.1:<hex port> in LISTEN (0A)? Fields of /proc/net/tcp: sl, local, remote, state, …
    'listening() { local a b c d; while read -r a b c d _; do [ "$b" = "0100007F:$1" ] && [ "$d" = 0A ] && return 0; done < /proc/net/tcp; return 1; }',
    relay(API_PORT, API_SOCKET_INSIDE, 'api'),
    relay(PROXY_PORT, PROXY_SOCKET_INSIDE, 'proxy'),
    wait(API_PORT, 'api', 'the model API'),
    wait(PROXY_PORT, 'proxy', "F-MES's proxy"),
    `. ${ENV_FILE_INSIDE}`,
    'exec "$@"',
  ].join('\n');
}
