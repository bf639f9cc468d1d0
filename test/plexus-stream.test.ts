import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { BotError } from '../src/base/errors.js';
import { createPlexusClient } from '../src/plexus/client.js';
import { PlexusHttpError } from '../src/plexus/errors.js';
import { systemPath } from '../src/plexus/path.js';
import type { PlexusApi } from '../src/base/plexus-api.js';
import { useClientRig } from './support/client-rig.js';
import { caught, closedPort, sendJson } from './support/test-server.js';

const ADMIN_KEY = 'sk-admin-stream-secret-0123456789';
const STREAM = systemPath('logs', 'stream');

const rig = useClientRig(ADMIN_KEY);
const { serve } = rig;
const clientFor = (baseUrl: string, timeoutMs = 1000): PlexusApi => rig.client(baseUrl, { timeoutMs });

const sseHead = (res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
};

const text = async (body: AsyncIterable<Buffer>, until?: (s: string) => boolean): Promise<string> => {
  let out = '';
  for await (const chunk of body) {
    out += chunk.toString('utf8');
    if (until?.(out)) break;
  }
  return out;
};

describe('plexus client: streams', () => {
  it('sends the admin key and hands over chunks as they arrive, before the answer ends', async () => {
    let later: (() => void) | undefined;
    const server = await serve((_req, res) => {
      sseHead(res);
      res.write('event: syslog\ndata: {"message":"one"}\n\n');
      later = () => res.end('event: syslog\ndata: {"message":"two"}\n\n');
    });
    const client = clientFor(`${server.url}/gateway`);
    const res = await client.stream('GET', STREAM, { query: { level: 'info' } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream');
    const it = res.body[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.value?.toString()).toContain('"one"');
    later!();
    expect(await text({ [Symbol.asyncIterator]: () => it })).toContain('"two"');
    const [req] = server.requests;
    expect(req?.url).toBe('/gateway/v0/system/logs/stream?level=info');
    expect(req?.headers['x-admin-key']).toBe(ADMIN_KEY);
    expect(req?.headers.accept).toBe('text/event-stream');
  });

  it('ends quietly when the caller aborts, and the server sees the connection close', async () => {
    let closed = false;
    const server = await serve((_req, res) => {
      sseHead(res);
      res.write('event: ping\ndata: \n\n');
      res.on('close', () => (closed = true));
    });
    const client = clientFor(server.url);
    const ctrl = new AbortController();
    const res = await client.stream('GET', STREAM, {}, ctrl.signal);
    const got = text(res.body);
    setTimeout(() => ctrl.abort(), 50);
    expect(await got).toContain('event: ping');
    await expect.poll(() => closed).toBe(true);
  });

  it('closes the connection when the caller stops reading', async () => {
    let closed = false;
    const server = await serve((_req, res) => {
      sseHead(res);
      res.write('data: a\n\n');
      res.on('close', () => (closed = true));
    });
    const res = await clientFor(server.url).stream('GET', STREAM);
    expect(await text(res.body, (s) => s.includes('a'))).toContain('data: a');
    await expect.poll(() => closed).toBe(true);
  });

  it('does not hold up other calls while a stream is open', async () => {
    const server = await serve((req, res) => {
      if (req.url?.startsWith('/v0/system')) return sseHead(res);
      sendJson(res, 200, []);
    });
    const client = createPlexusClient({ baseUrl: server.url, adminKey: ADMIN_KEY, concurrency: 1, timeoutMs: 1000 });
    rig.cleanup(() => client.close());
    const ctrl = new AbortController();
    await client.stream('GET', STREAM, {}, ctrl.signal);
    await expect(client.request('GET', '/v0/management/cooldowns')).resolves.toEqual([]);
    ctrl.abort();
  });

  it('turns an error answer into a typed error without the admin key', async () => {
    const server = await serve((_req, res) =>
      sendJson(res, 403, { error: { message: `Admin privileges required (${ADMIN_KEY})`, type: 'forbidden' } }),
    );
    const e = await caught(() => clientFor(server.url).stream('GET', STREAM));
    expect(e).toBeInstanceOf(PlexusHttpError);
    expect((e as PlexusHttpError).status).toBe(403);
    expect((e as PlexusHttpError).message).toContain('Admin privileges required');
    expect((e as PlexusHttpError).message).not.toContain(ADMIN_KEY);
  });

  it('gives up when the headers do not come within the timeout', async () => {
    const server = await serve(() => undefined);
    const e = await caught(() => clientFor(server.url, 100).stream('GET', STREAM));
    expect(e).toBeInstanceOf(BotError);
    expect((e as BotError).code).toBe('UPSTREAM_DOWN');
    expect((e as BotError).message).toContain('did not answer GET /v0/system/logs/stream within 100 ms');
  });

  it('reports an unreachable server and a connection dropped mid-stream', async () => {
    const port = await closedPort();
    const refused = await caught(() => clientFor(`http://127.0.0.1:${port}`).stream('GET', STREAM));
    expect((refused as BotError).message).toContain('connection refused');

    const server = await serve((_req, res) => {
      sseHead(res);
      res.write('data: x\n\n');
      setTimeout(() => res.socket?.destroy(), 30);
    });
    const res = await clientFor(server.url).stream('GET', STREAM);
    const dropped = await caught(() => text(res.body));
    expect(dropped).toBeInstanceOf(BotError);
    expect((dropped as BotError).code).toBe('UPSTREAM_DOWN');
  });
});
