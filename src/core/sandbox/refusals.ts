/** Messages by which the OS tells a program the sandbox refused it. */
const REFUSED =
  /Read-only file system|\bEROFS\b|Permission denied|\bEACCES\b|Device or resource busy|\bEBUSY\b|Operation not permitted|\bEPERM\b|Invalid cross-device link|\bEXDEV\b|Is a directory|\bEISDIR\b|is not an allowed host|X-FMES-Sandbox: refused/i;

/**
 * The lines of a tool's output that show a refusal by the sandbox (a write to a read-only path, a hidden file,
 * a host the proxy refused), at most `max` of them, each clipped. An agent's own text that merely quotes such a
 * message is not a tool result and is never passed here.
 */
export function sandboxRefusals(output: string, max = 5): string[] {
  const out: string[] = [];
  for (const line of output.split('\n')) {
    if (!REFUSED.test(line)) continue;
    const t = line.trim();
    out.push(t.length > 300 ? `${t.slice(0, 299)}…` : t);
    if (out.length >= max) break;
  }
  return out;
}
