import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';

/** A host the sandbox refused to reach, and how the agent asked. */
export interface NetRefusal {
  host: string;
  port: number;
  via: 'connect' | 'http';
}

/** `host`, `*.suffix` or either with `:port`; a match is case-insensitive, a port must be equal when given. */
export function domainAllowed(allowed: readonly string[], host: string, port: number): boolean {
  const h = host
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  return allowed.some((entry) => {
    const m = /^(.*?)(?::(\d+))?$/.exec(entry.toLowerCase())!;
    const [pattern, p] = [m[1], m[2]];
    if (p !== undefined && Number(p) !== port) return false;
    if (pattern.startsWith('*.')) return h.endsWith(pattern.slice(1)) && h.length > pattern.length - 1;
    return h === pattern;
  });
}

export interface Bridges {
  close(): Promise<void>;
}

function listen(server: net.Server, socket: string): Promise<void> {
  try {
    fs.unlinkSync(socket);
  } catch {
    // Not there.
  }
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => {
      fs.chmodSync(socket, 0o600);
      resolve();
    });
  });
}

/**
 * The host side of the sandbox's network, in this process: an HTTP server on `apiSocket` that forwards every
 * request to ONE upstream origin (the run's model API, http or https), and a proxy on `proxySocket` that
 * tunnels (CONNECT) or forwards (plain http) only to `allowed` hosts and reports every other host. Inside, a
 * socat relay on 127.0.0.1 leads to each socket; the sandbox has no other route.
 */
export async function startBridges(o: {
  apiSocket: string;
  proxySocket: string;
  upstream: URL;
  allowed: readonly string[];
  onRefusal(r: NetRefusal): void;
  /** A request to the model API that failed below HTTP (refused, reset, timed out): the agent sees a 502. */
  onUpstreamError?(message: string): void;
}): Promise<Bridges> {
  const up = o.upstream;
  const lib = up.protocol === 'https:' ? https : http;
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };

  const api = http.createServer((req, res) => {
    const headers = { ...req.headers, host: up.host };
    delete headers['proxy-authorization'];
    const r = lib.request(
      {
        protocol: up.protocol,
        hostname: up.hostname,
        port: up.port || undefined,
        method: req.method,
        path: req.url,
        headers,
      },
      (ur) => {
        res.writeHead(ur.statusCode ?? 502, ur.headers);
        ur.pipe(res);
      },
    );
    r.on('error', (e) => {
      o.onUpstreamError?.(`${req.method ?? '?'} ${(req.url ?? '').split('?')[0]}: ${e.message}`);
      if (!res.headersSent) res.writeHead(502);
      res.end(`F-MES sandbox bridge: ${e.message}`);
    });
    req.pipe(r);
  });
  api.on('connection', track);

  const proxy = http.createServer((req, res) => {
    // A plain-http proxy request names its target in an absolute URL.
    let target: URL | undefined;
    try {
      target = new URL(req.url ?? '');
    } catch {
      target = undefined;
    }
    const port = target ? Number(target.port || (target.protocol === 'https:' ? 443 : 80)) : 0;
    if (!target || target.protocol !== 'http:' || !domainAllowed(o.allowed, target.hostname, port)) {
      if (target) o.onRefusal({ host: target.hostname, port, via: 'http' });
      res.writeHead(403, { 'content-type': 'text/plain', 'x-fmes-sandbox': 'refused' });
      res.end(
        `F-MES sandbox: ${target?.host ?? 'this request'} is not an allowed host (fmes.sandbox.allowedDomains)\n`,
      );
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const r = http.request(target, { method: req.method, headers }, (ur) => {
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      ur.pipe(res);
    });
    r.on('error', (e) => {
      if (!res.headersSent) res.writeHead(502);
      res.end(`F-MES sandbox proxy: ${e.message}`);
    });
    req.pipe(r);
  });
  proxy.on('connection', track);
  proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(req.url ?? '');
    const host = m?.[1] ?? req.url ?? '';
    const port = m ? Number(m[2]) : 0;
    if (!m || !domainAllowed(o.allowed, host, port)) {
      o.onRefusal({ host, port, via: 'connect' });
      client.end(`HTTP/1.1 403 Forbidden\r\nX-FMES-Sandbox: refused\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    const upstream = net.connect(port, host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    track(upstream);
    const end = () => {
      upstream.destroy();
      client.destroy();
    };
    upstream.on('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n'));
    client.on('error', end);
  });

  await listen(api, o.apiSocket);
  await listen(proxy, o.proxySocket);
  return {
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all([api, proxy].map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}
