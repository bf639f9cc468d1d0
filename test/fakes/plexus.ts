/**
 * A fake Plexus for tests: the demo gateway behind its own node:http server on
 * 127.0.0.1, plus fault injection (delays, failures, garbage answers, dropped
 * connections) and observation (request log, peak concurrency).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDemoGateway, type DemoGateway } from '../../src/demo/gateway.js';
import { setPreloadedBody } from '../../src/demo/http.js';
import { demoSeed } from '../../src/demo/seed.js';
import type { DemoSeed } from '../../src/demo/types.js';

export interface RequestMatch {
  method?: string;
  /** Tested against the path without the query string. */
  path?: RegExp;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** Query string without the leading `?` ('' when none). */
  query: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type GarbageKind = 'html' | 'truncated' | 'wrong-shape' | 'empty';

export interface FakePlexus {
  url: string;
  adminKey: string;
  /** The gateway answering now (a fresh one after `resetState`). */
  readonly gateway: DemoGateway;
  requests: RecordedRequest[];
  /** Highest number of concurrent requests seen. */
  maxInFlight: number;
  /** Requests being answered right now. */
  readonly inFlight: number;
  /** Delays matching answers by `ms` (until reset). */
  delay(ms: number, match?: RequestMatch): void;
  /** The next `count` matching requests answer `status` with `body` (default: a Plexus-style error for that status). */
  failNext(count: number, status: number, body?: string, match?: RequestMatch): void;
  /** Matching requests answer 200 with unusable content (until reset, or `times` times). */
  garbage(match?: RequestMatch, opts?: { kind?: GarbageKind; times?: number }): void;
  /** Matching requests get their socket destroyed without an answer (until reset, or `times` times). */
  dropConnection(match?: RequestMatch, times?: number): void;
  /** Clears faults, the request log and `maxInFlight`. */
  reset(): void;
  /** Puts the gateway back to its seed: its open streams end and a fresh one answers from now on. */
  resetState(): void;
  close(): Promise<void>;
}

interface Fault {
  match: RequestMatch;
  remaining: number;
  apply: (res: http.ServerResponse) => void;
}

const GARBAGE: Record<GarbageKind, string> = {
  html: '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>',
  truncated: '{"data":[{"requestId":"3f0c',
  'wrong-shape': '{"unexpected":true,"items":"not-a-list","total":"many"}',
  empty: '',
};

function defaultBody(status: number): string {
  if (status === 401) return JSON.stringify({ error: { message: 'Unauthorized', type: 'auth_error', code: 401 } });
  if (status === 403) return JSON.stringify({ error: { message: 'Admin privileges required', type: 'forbidden', code: 403 } });
  if (status === 404) return JSON.stringify({ error: 'Not Found' });
  if (status >= 500) return JSON.stringify({ error: 'Internal server error' });
  return JSON.stringify({ error: http.STATUS_CODES[status] ?? 'Error' });
}

const matches = (m: RequestMatch, method: string, path: string) =>
  (!m.method || m.method.toUpperCase() === method) && (!m.path || m.path.test(path));

export async function startFakePlexus(opts: { adminKey?: string; seed?: DemoSeed; now?: () => number } = {}): Promise<FakePlexus> {
  const adminKey = opts.adminKey ?? 'test-admin-key-0123456789abcdef';
  const now = opts.now ?? Date.now;
  const seed = opts.seed ?? demoSeed(now());
  const build = () => createDemoGateway({ adminKey, seed, now });
  let gateway = build();
  let faults: Fault[] = [];
  let delays: { ms: number; match: RequestMatch }[] = [];
  let inFlight = 0;

  const fake: FakePlexus = {
    url: '',
    adminKey,
    get gateway() {
      return gateway;
    },
    requests: [],
    maxInFlight: 0,
    get inFlight() {
      return inFlight;
    },
    delay(ms, match = {}) {
      delays.push({ ms, match });
    },
    failNext(count, status, body, match = {}) {
      const payload = body ?? defaultBody(status);
      faults.push({
        match,
        remaining: count,
        apply: (res) => {
          res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload) });
          res.end(payload);
        },
      });
    },
    garbage(match = {}, o = {}) {
      const kind = o.kind ?? 'html';
      const type = kind === 'html' ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8';
      faults.push({
        match,
        remaining: o.times ?? Infinity,
        apply: (res) => {
          res.writeHead(200, { 'content-type': type, 'content-length': Buffer.byteLength(GARBAGE[kind]) });
          res.end(GARBAGE[kind]);
        },
      });
    },
    dropConnection(match = {}, times = Infinity) {
      faults.push({ match, remaining: times, apply: (res) => res.socket?.destroy() });
    },
    reset() {
      faults = [];
      delays = [];
      fake.requests.length = 0;
      fake.maxInFlight = inFlight;
    },
    resetState() {
      gateway.shutdown();
      gateway = build();
    },
    close: async () => {},
  };

  const server = http.createServer((req, res) => {
    inFlight++;
    fake.maxInFlight = Math.max(fake.maxInFlight, inFlight);
    let done = false;
    const finish = () => {
      if (!done) {
        done = true;
        inFlight--;
      }
    };
    res.on('close', finish);
    res.on('finish', finish);
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://fake.invalid');
      const method = (req.method ?? 'GET').toUpperCase();
      fake.requests.push({
        method,
        path: url.pathname,
        query: url.search.replace(/^\?/, ''),
        headers: req.headers,
        body: body.toString('utf8'),
      });
      const wait = delays.filter((d) => matches(d.match, method, url.pathname)).reduce((s, d) => s + d.ms, 0);
      if (wait > 0) await delayed(wait);
      const fault = faults.find((f) => f.remaining > 0 && matches(f.match, method, url.pathname));
      if (fault) {
        fault.remaining--;
        fault.apply(res);
        return;
      }
      setPreloadedBody(req, body);
      gateway.handler(req, res);
    })().catch(() => res.socket?.destroy());
  });
  // Delayed answers still pending at close are dropped, so they cannot hold the process open.
  const pending = new Set<NodeJS.Timeout>();
  const delayed = (ms: number) =>
    new Promise<void>((r) => {
      const t = setTimeout(() => {
        pending.delete(t);
        r();
      }, ms);
      pending.add(t);
    });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let closing: Promise<void> | undefined;
  fake.close = () => {
    closing ??= new Promise<void>((resolve) => {
      gateway.shutdown();
      for (const t of pending) clearTimeout(t);
      pending.clear();
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };
  return fake;
}
