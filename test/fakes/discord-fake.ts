/**
 * A Discord for tests on 127.0.0.1: REST under /api/v10, the gateway as a
 * WebSocket on /gateway (announced by GET /gateway/bot), attachment
 * downloads under /attachments. Start it, point discord.js's `rest.api` at
 * `apiUrl`, and drive interactions with `interact`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeGateway } from './discord-gateway.js';
import { snowflake, user, type FakeGuild, type FakeUser } from './discord-payloads.js';
import { DiscordRestState, type DiscordCall, type UploadedFile } from './discord-rest.js';

export interface FakeDiscord {
  /** For `rest: { api }` / DISCORD_API_URL. */
  apiUrl: string;
  token: string;
  applicationId: string;
  commandId: string;
  bot: FakeUser;
  guild: FakeGuild;
  rest: DiscordRestState;
  gateway: FakeGateway;
  calls: DiscordCall[];
  /** Dispatches INTERACTION_CREATE (the REST side then knows its token) and returns the payload. */
  interact<T extends { id: string }>(payload: T): T;
  /** The first call (already made, or to come) matching `pred`. */
  waitForCall(pred: (c: DiscordCall) => boolean, timeoutMs?: number): Promise<DiscordCall>;
  /** Calls made for one interaction (callback and webhooks), in order. */
  callsOf(interactionId: string): DiscordCall[];
  close(): Promise<void>;
}

async function parseBody(req: http.IncomingMessage, raw: Buffer): Promise<{ body: unknown; files: UploadedFile[] }> {
  const type = req.headers['content-type'] ?? '';
  if (raw.length === 0) return { body: undefined, files: [] };
  if (type.startsWith('multipart/form-data')) {
    const form = await new Request('http://fake.invalid/', { method: 'POST', headers: { 'content-type': type }, body: raw }).formData();
    const files: UploadedFile[] = [];
    let body: unknown;
    for (const [field, value] of form.entries()) {
      if (field === 'payload_json' && typeof value === 'string') body = JSON.parse(value);
      else if (typeof value !== 'string')
        files.push({ field, name: value.name, contentType: value.type, data: Buffer.from(await value.arrayBuffer()) });
    }
    return { body, files };
  }
  return { body: JSON.parse(raw.toString('utf8')), files: [] };
}

export async function startFakeDiscord(opts: { heartbeatIntervalMs?: number } = {}): Promise<FakeDiscord> {
  const token = 'MTA5ODc2NTQzMjEwOTg3NjU0.Gfake.discord-bot-token-for-tests-only';
  const applicationId = '1098765432109876543';
  const bot = user(applicationId, 'plexus-bot', true);
  const guild: FakeGuild = {
    id: '1111111111111111111',
    name: 'LLM Ops',
    ownerId: '2222222222222222222',
    roles: [
      { id: '3333333333333333333', name: 'platform' },
      { id: '4444444444444444444', name: 'viewers' },
    ],
    channels: [{ id: '5555555555555555555', name: 'llm-ops' }],
  };
  const rest = new DiscordRestState(token, applicationId, bot);
  const gateway = new FakeGateway({
    token,
    applicationId,
    bot,
    guild,
    ...(opts.heartbeatIntervalMs ? { heartbeatIntervalMs: opts.heartbeatIntervalMs } : {}),
  });
  const watchers: { pred: (c: DiscordCall) => boolean; resolve: (c: DiscordCall) => void }[] = [];

  const server = http.createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const url = new URL(req.url ?? '/', 'http://fake.invalid');
      const path = url.pathname
        .split('/')
        .map((s) => decodeURIComponent(s))
        .join('/');
      const att = path.match(/^\/attachments\/(\d+)\//);
      if (att) {
        const a = rest.attachments.get(att[1]!);
        rest.downloads.push(att[1]!);
        res.writeHead(a ? 200 : 404, { 'content-type': a?.contentType ?? 'text/plain' });
        res.end(a?.data ?? 'Not Found');
        return;
      }
      if (!path.startsWith('/api/v10/')) {
        res.writeHead(404).end();
        return;
      }
      const route = path.slice('/api/v10'.length);
      const { body, files } = await parseBody(req, Buffer.concat(chunks));
      const out = rest.handle((req.method ?? 'GET').toUpperCase(), route, Object.fromEntries(url.searchParams), req.headers, body, files);
      const call = rest.calls[rest.calls.length - 1]!;
      const headers = {
        ...rest.rateLimitHeaders(req.method ?? 'GET', route),
        ...(out.json !== undefined ? { 'content-type': 'application/json' } : {}),
      };
      res.writeHead(out.status, headers);
      res.end(out.json !== undefined ? JSON.stringify(out.json) : undefined);
      for (const w of watchers.splice(0)) {
        if (w.pred(call)) w.resolve(call);
        else watchers.push(w);
      }
    })().catch((e: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 0, message: String(e) }));
    });
  });
  server.on('upgrade', (req, socket, head) => {
    if (!req.url?.startsWith('/gateway')) return void socket.destroy();
    gateway.wss.handleUpgrade(req, socket, head, (ws) => gateway.wss.emit('connection', ws, req));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  rest.origin = `http://127.0.0.1:${port}`;
  rest.gatewayUrl = `ws://127.0.0.1:${port}/gateway`;
  gateway.url = rest.gatewayUrl;

  return {
    apiUrl: `http://127.0.0.1:${port}/api`,
    token,
    applicationId,
    commandId: snowflake(),
    bot,
    guild,
    rest,
    gateway,
    calls: rest.calls,
    interact(payload) {
      rest.registerInteraction(payload as unknown as Record<string, unknown>);
      gateway.dispatch('INTERACTION_CREATE', payload);
      return payload;
    },
    waitForCall(pred, timeoutMs = 5000) {
      const done = rest.calls.find(pred);
      if (done) return Promise.resolve(done);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no matching Discord call in time')), timeoutMs);
        watchers.push({
          pred,
          resolve: (c) => {
            clearTimeout(timer);
            resolve(c);
          },
        });
      });
    },
    callsOf: (id) => rest.calls.filter((c) => c.interactionId === id),
    close: () =>
      new Promise<void>((resolve) => {
        gateway.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
