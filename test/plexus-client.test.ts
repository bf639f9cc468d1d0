import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BotError } from '../src/base/errors.js';
import { createPlexusClient } from '../src/plexus/client.js';
import { PlexusHttpError } from '../src/plexus/errors.js';
import { mgmtPath, slug } from '../src/plexus/path.js';
import { cooldownListSchema, usagePageSchema } from '../src/plexus/schemas.js';
import { useClientRig } from './support/client-rig.js';
import { caught, closedPort, sendJson } from './support/test-server.js';
import { loadSample } from './support/samples.js';

const ADMIN_KEY = 'sk-admin-very-secret-0123456789';

const { serve, client: clientFor } = useClientRig(ADMIN_KEY, { retryMaxMs: 5 });

const captureLogs = () => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
};

describe('plexus client: requests', () => {
  it('sends x-admin-key, accept and a JSON body with its content type', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, { success: true, slug: 'p' }));
    const client = clientFor(server.url);
    const out = await client.request('PUT', mgmtPath('providers', 'p'), { body: { enabled: true } });
    expect(out).toEqual({ success: true, slug: 'p' });
    const [req] = server.requests;
    expect(req?.method).toBe('PUT');
    expect(req?.url).toBe('/v0/management/providers/p');
    expect(req?.headers['x-admin-key']).toBe(ADMIN_KEY);
    expect(req?.headers.accept).toBe('application/json');
    expect(req?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req?.body ?? '')).toEqual({ enabled: true });
  });

  it('sends the admin key on every call, GET without a body', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, []));
    const client = clientFor(server.url);
    await client.request('GET', mgmtPath('cooldowns'));
    await client.request('DELETE', mgmtPath('cooldowns'));
    expect(server.requests.map((r) => r.headers['x-admin-key'])).toEqual([ADMIN_KEY, ADMIN_KEY]);
    expect(server.requests[0]?.headers['content-type']).toBeUndefined();
  });

  it('builds the query without undefined/null values and keeps a base path prefix', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, loadSample('usage-fields').body));
    const client = clientFor(`${server.url}/gateway/`);
    const page = await client.request('GET', mgmtPath('usage'), {
      query: { limit: 3, apiKey: 'bot quota', provider: undefined, offset: null, fields: 'requestId,date' },
      schema: usagePageSchema,
    });
    expect(page.data).toHaveLength(3);
    expect(server.requests[0]?.url).toBe('/gateway/v0/management/usage?limit=3&apiKey=bot+quota&fields=requestId%2Cdate');
    expect(client.baseUrl).toBe(`${server.url}/gateway`);
  });

  it('keeps the slashes of a provider slug and encodes other segments', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, { success: true }));
    const client = clientFor(server.url);
    await client.request('DELETE', mgmtPath('providers', slug('org/team')), { query: { cascade: true } });
    await client.request('DELETE', mgmtPath('keys', 'a/b c'));
    expect(server.requests.map((r) => r.url)).toEqual(['/v0/management/providers/org/team?cascade=true', '/v0/management/keys/a%2Fb%20c']);
  });

  it('validates with the schema and returns the parsed value', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, loadSample('cooldowns-list').body));
    const client = clientFor(server.url);
    const list = await client.request('GET', mgmtPath('cooldowns'), { schema: cooldownListSchema });
    expect(list[0]?.provider).toBe('openai-dead');
  });

  it('requestRaw returns non-JSON answers as bytes with headers', async () => {
    const metrics = loadSample('metrics');
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': metrics.content_type ?? 'text/plain' });
      res.end(String(metrics.body));
    });
    const client = clientFor(server.url);
    const raw = await client.requestRaw('GET', mgmtPath('metrics'));
    expect(raw.status).toBe(200);
    expect(raw.headers['content-type']).toContain('text/plain');
    expect(raw.body.toString('utf8')).toContain('plexus_requests_total');
    expect(server.requests[0]?.headers['x-admin-key']).toBe(ADMIN_KEY);
  });

  it('requestRaw sends binary bodies as they are', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, { success: true }));
    const client = clientFor(server.url);
    const bytes = Buffer.from([0x1f, 0x8b, 0x08, 0x00]);
    await client.requestRaw('POST', mgmtPath('restore'), { body: bytes, headers: { 'Content-Type': 'application/gzip' } });
    expect(server.requests[0]?.headers['content-type']).toBe('application/gzip');
    expect(server.requests[0]?.raw.equals(bytes)).toBe(true);
  });

  it('requestRaw errors are typed too', async () => {
    const server = await serve((_req, res) => sendJson(res, 401, loadSample('auth-verify-wrong-key').body));
    const client = clientFor(server.url);
    const err = await caught(() => client.requestRaw('GET', mgmtPath('backup'), { query: { full: true } }));
    expect(err).toBeInstanceOf(PlexusHttpError);
    expect((err as PlexusHttpError).path).toBe('/v0/management/backup');
  });
});

describe('plexus client: retries', () => {
  it('retries a GET answered 503 and then succeeds', async () => {
    let attempts = 0;
    const server = await serve((_req, res) => {
      attempts += 1;
      if (attempts < 3) sendJson(res, 503, { error: 'busy' });
      else sendJson(res, 200, []);
    });
    const client = clientFor(server.url, { retries: 3 });
    await expect(client.request('GET', mgmtPath('cooldowns'))).resolves.toEqual([]);
    expect(attempts).toBe(3);
  });

  it('gives up after the configured retries with the last HTTP error', async () => {
    const server = await serve((_req, res) => sendJson(res, 504, { error: 'gateway timeout upstream' }));
    const client = clientFor(server.url, { retries: 2 });
    const err = await caught(() => client.request('GET', mgmtPath('usage')));
    expect(err).toBeInstanceOf(PlexusHttpError);
    expect((err as PlexusHttpError).status).toBe(504);
    expect(server.requests).toHaveLength(3);
  });

  it.each(['PUT', 'POST', 'PATCH', 'DELETE'] as const)('never retries %s', async (method) => {
    const server = await serve((_req, res) => sendJson(res, 503, { error: 'busy' }));
    const client = clientFor(server.url, { retries: 5 });
    const err = await caught(() => client.request(method, mgmtPath('keys', 'k'), { body: method === 'DELETE' ? undefined : { a: 1 } }));
    expect(err).toBeInstanceOf(PlexusHttpError);
    expect((err as PlexusHttpError).status).toBe(503);
    expect(server.requests).toHaveLength(1);
  });

  it('does not retry a GET answered 404 or 500', async () => {
    let status = 404;
    const server = await serve((_req, res) => sendJson(res, status, { error: 'x' }));
    const client = clientFor(server.url, { retries: 3 });
    await caught(() => client.request('GET', mgmtPath('keys', 'nope')));
    status = 500;
    await caught(() => client.request('GET', mgmtPath('keys', 'nope')));
    expect(server.requests).toHaveLength(2);
  });

  it('retries a GET whose connection was reset, never a POST', async () => {
    let attempts = 0;
    const server = await serve((req, res) => {
      attempts += 1;
      if (req.method === 'POST' || attempts === 1) {
        req.socket.destroy();
        return;
      }
      sendJson(res, 200, { ok: true, role: 'admin' });
    });
    const client = clientFor(server.url, { retries: 2 });
    await expect(client.request('GET', mgmtPath('auth', 'verify'))).resolves.toEqual({ ok: true, role: 'admin' });
    expect(attempts).toBe(2);

    attempts = 0;
    const err = await caught(() => client.request('POST', mgmtPath('restart')));
    expect(err).toBeInstanceOf(BotError);
    expect((err as BotError).code).toBe('UPSTREAM_DOWN');
    expect((err as BotError).message).toMatch(/^Cannot reach Plexus at http:\/\/127\.0\.0\.1:\d+: /);
    expect(attempts).toBe(1);
  });

  it('honours Retry-After, bounded', async () => {
    let attempts = 0;
    const server = await serve((_req, res) => {
      attempts += 1;
      if (attempts === 1) sendJson(res, 503, { error: 'busy' }, { 'retry-after': '30' });
      else sendJson(res, 200, []);
    });
    const client = clientFor(server.url, { retries: 1, retryAfterMaxMs: 80 });
    const started = Date.now();
    await client.request('GET', mgmtPath('cooldowns'));
    const elapsed = Date.now() - started;
    expect(attempts).toBe(2);
    expect(elapsed).toBeGreaterThanOrEqual(70);
    expect(elapsed).toBeLessThan(2_000);
  });

  it('waits what Retry-After says instead of the backoff, on every retry', async () => {
    let attempts = 0;
    const server = await serve((_req, res) => {
      attempts += 1;
      if (attempts < 4) sendJson(res, 503, { error: 'busy' }, { 'retry-after': '0' });
      else sendJson(res, 200, []);
    });
    const client = clientFor(server.url, { retries: 3, retryMinMs: 3_000, retryMaxMs: 3_000 });
    const started = Date.now();
    await expect(client.request('GET', mgmtPath('cooldowns'))).resolves.toEqual([]);
    expect(attempts).toBe(4);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('backs off between retries when the answer has no Retry-After', async () => {
    let attempts = 0;
    const server = await serve((_req, res) => {
      attempts += 1;
      if (attempts < 3) sendJson(res, 503, { error: 'busy' });
      else sendJson(res, 200, []);
    });
    // 40 ms, then 80 ms, each up to twice that with jitter, capped at 100 ms.
    const client = clientFor(server.url, { retries: 2, retryMinMs: 40, retryMaxMs: 100 });
    const started = Date.now();
    await client.request('GET', mgmtPath('cooldowns'));
    const elapsed = Date.now() - started;
    expect(attempts).toBe(3);
    expect(elapsed).toBeGreaterThanOrEqual(115);
    expect(elapsed).toBeLessThan(2_000);
  });
});

describe('plexus client: network failures', () => {
  it('times out quickly with UPSTREAM_DOWN when Plexus does not answer', async () => {
    const server = await serve(() => {
      /* never answers */
    });
    const client = clientFor(server.url, { timeoutMs: 100, retries: 0 });
    const started = Date.now();
    const err = await caught(() => client.request('GET', mgmtPath('usage', 'summary'), { query: { range: 'day' } }));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(err).toBeInstanceOf(BotError);
    expect((err as BotError).code).toBe('UPSTREAM_DOWN');
    expect((err as BotError).message).toBe('Plexus did not answer GET /v0/management/usage/summary within 100 ms');
  });

  it('times out when the body stalls, and retries a GET timeout', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"data":');
    });
    const client = clientFor(server.url, { timeoutMs: 80, retries: 1 });
    const err = await caught(() => client.request('GET', mgmtPath('usage')));
    expect((err as BotError).code).toBe('UPSTREAM_DOWN');
    expect((err as BotError).message).toContain('did not answer GET /v0/management/usage within');
    expect(server.requests).toHaveLength(2);
  });

  it('retries a timed-out GET once at most', async () => {
    const server = await serve(() => {
      /* never answers */
    });
    const client = clientFor(server.url, { timeoutMs: 50, retries: 3 });
    const err = await caught(() => client.request('GET', mgmtPath('usage')));
    expect((err as BotError).code).toBe('UPSTREAM_DOWN');
    expect(server.requests).toHaveLength(2);
  });

  it('never retries a timed-out POST', async () => {
    const server = await serve(() => {
      /* never answers */
    });
    const client = clientFor(server.url, { timeoutMs: 50, retries: 3 });
    const err = await caught(() => client.request('POST', mgmtPath('quota', 'clear'), { body: { key: 'k' } }));
    expect((err as BotError).message).toBe('Plexus did not answer POST /v0/management/quota/clear within 50 ms');
    expect(server.requests).toHaveLength(1);
  });

  it('uses a per-call timeout override', async () => {
    const server = await serve((_req, res) => {
      setTimeout(() => sendJson(res, 200, { success: true }), 150);
    });
    const client = clientFor(server.url, { timeoutMs: 50, retries: 0 });
    await expect(client.request('POST', mgmtPath('restore'), { body: {}, timeoutMs: 2_000 })).resolves.toEqual({ success: true });
  });

  it('reports a refused connection as UPSTREAM_DOWN naming the origin', async () => {
    const port = await closedPort();
    const client = clientFor(`http://127.0.0.1:${port}`, { retries: 1 });
    const err = await caught(() => client.request('GET', mgmtPath('auth', 'verify')));
    expect(err).toBeInstanceOf(BotError);
    expect((err as BotError).code).toBe('UPSTREAM_DOWN');
    expect((err as BotError).message).toBe(`Cannot reach Plexus at http://127.0.0.1:${port}: connection refused`);
    expect((err as BotError).message).not.toContain(ADMIN_KEY);
  });

  it('fails calls after close() with UPSTREAM_DOWN, and close() is idempotent', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, {}));
    const client = clientFor(server.url);
    await client.request('GET', mgmtPath('config', 'status'));
    await client.close();
    await client.close();
    const err = await caught(() => client.request('GET', mgmtPath('config', 'status')));
    expect((err as BotError).code).toBe('UPSTREAM_DOWN');
    expect((err as BotError).message).toContain('the client is closed');
  });
});

describe('plexus client: invalid answers', () => {
  it('turns a 200 with garbage JSON into UPSTREAM_INVALID', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>login</html>');
    });
    const client = clientFor(server.url);
    const err = await caught(() => client.request('GET', mgmtPath('providers'), { query: { secret: 'x' } }));
    expect(err).toBeInstanceOf(BotError);
    expect((err as BotError).code).toBe('UPSTREAM_INVALID');
    expect((err as BotError).message).toBe(
      'Plexus answered GET /v0/management/providers with data the bot does not understand: the answer is not JSON (text/html)',
    );
  });

  it('turns a 200 of the wrong shape into UPSTREAM_INVALID with a short zod summary', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, { data: [{ requestId: 42 }], total: 'many' }));
    const client = clientFor(server.url);
    const err = await caught(() => client.request('GET', mgmtPath('usage'), { schema: usagePageSchema }));
    expect((err as BotError).code).toBe('UPSTREAM_INVALID');
    expect((err as BotError).message).toMatch(
      /^Plexus answered GET \/v0\/management\/usage with data the bot does not understand: data\[0\]\.requestId: .*; total: /,
    );
    expect((err as BotError).details.map((d) => d.path)).toEqual(['data[0].requestId', 'total']);
  });

  it('turns an array where an object is expected into UPSTREAM_INVALID', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, [1, 2]));
    const client = clientFor(server.url);
    const err = await caught(() => client.request('GET', mgmtPath('x'), { schema: z.object({ a: z.string() }) }));
    expect((err as BotError).code).toBe('UPSTREAM_INVALID');
    expect((err as BotError).message).toContain('(root)');
  });

  it('refuses an answer larger than maxResponseBytes', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, { data: 'x'.repeat(5000) }));
    const client = clientFor(server.url, { maxResponseBytes: 1000 });
    const err = await caught(() => client.request('GET', mgmtPath('usage')));
    expect((err as BotError).code).toBe('UPSTREAM_INVALID');
    expect((err as BotError).message).toContain('larger than 1000 bytes');
    expect(server.requests).toHaveLength(1);
  });

  it('rejects a base URL that is not http(s) without echoing it', () => {
    expect(() => createPlexusClient({ baseUrl: 'ftp://u:pw@host', adminKey: ADMIN_KEY })).toThrow(/must be http or https/);
    expect(() => createPlexusClient({ baseUrl: 'not a url', adminKey: ADMIN_KEY })).toThrow(BotError);
  });

  it('drops credentials of the base URL from baseUrl and messages', () => {
    const client = clientFor('http://user:pw@127.0.0.1:9/');
    expect(client.baseUrl).toBe('http://127.0.0.1:9');
    expect(client.demo).toBe(false);
  });

  it('only ever throws BotError', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, {}));
    const client = clientFor(server.url);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const err = await caught(() => client.request('POST', mgmtPath('x'), { body: circular }));
    expect(err).toBeInstanceOf(BotError);
    expect((err as BotError).code).toBe('INTERNAL');
    expect(server.requests).toHaveLength(0);
  });
});

describe('plexus client: concurrency', () => {
  it('a burst of 200 calls never has more than 4 in flight, and all succeed', async () => {
    const server = await serve((req, res) => {
      setTimeout(() => sendJson(res, 200, { path: req.url }), 2);
    });
    const client = clientFor(server.url, { concurrency: 4 });
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => client.request<{ path: string }>('GET', mgmtPath('usage', String(i)))),
    );
    expect(results).toHaveLength(200);
    expect(results.map((r) => r.path)).toEqual(Array.from({ length: 200 }, (_, i) => `/v0/management/usage/${i}`));
    expect(server.maxInFlight).toBeLessThanOrEqual(4);
    expect(server.maxInFlight).toBeGreaterThan(1);
  });
});

describe('plexus client: the admin key stays secret', () => {
  it('never appears in error messages, details or log lines', async () => {
    const { logger, lines } = captureLogs();
    const server = await serve((req, res) => {
      if (req.url?.startsWith('/v0/management/echo')) {
        sendJson(res, 400, {
          error: { message: `bad key ${ADMIN_KEY}`, type: 'invalid_request_error' },
          details: [{ path: ['key'], message: `value ${ADMIN_KEY} rejected` }],
        });
      } else sendJson(res, 503, { error: `overloaded for ${ADMIN_KEY}` });
    });
    const client = clientFor(server.url, { logger, retries: 1 });
    const e1 = (await caught(() => client.request('POST', mgmtPath('echo')))) as PlexusHttpError;
    const e2 = (await caught(() => client.request('GET', mgmtPath('busy')))) as PlexusHttpError;
    for (const e of [e1, e2]) {
      expect(e.message).not.toContain(ADMIN_KEY);
      expect(JSON.stringify(e.details)).not.toContain(ADMIN_KEY);
      expect(JSON.stringify(e.body)).not.toContain(ADMIN_KEY);
    }
    expect(e1.message).toBe('bad key ***');
    expect(e1.details).toEqual([{ path: 'key', message: 'value *** rejected' }]);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.some((l) => l.includes('retrying'))).toBe(true);
    for (const line of lines) expect(line).not.toContain(ADMIN_KEY);
  });
});
