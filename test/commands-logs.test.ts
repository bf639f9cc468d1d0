import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { Outcome } from '../src/core/pipeline.js';
import { createLogger } from '../src/log.js';
import { createPlexusClient } from '../src/plexus/client.js';
import type { Reply } from '../src/render/reply.js';
import { renderText } from '../src/render/text.js';
import { useCleanups } from './support/cleanups.js';
import { consoleUser, FakeClock, startHarness } from './support/harness.js';
import { startServer, type Handler } from './support/test-server.js';

const ADMIN_KEY = 'logs-test-admin-key-0123456789';
const cleanup = useCleanups();

/** The app against a small SSE server whose every line the test decides. */
async function appAgainst(handler: Handler) {
  const server = await startServer(handler);
  const logger = createLogger({ level: 'warn', secrets: () => [ADMIN_KEY], destination: { write: () => undefined } });
  const plexus = createPlexusClient({ baseUrl: server.url, adminKey: ADMIN_KEY, timeoutMs: 1000 });
  const base = loadConfig({});
  const clock = new FakeClock();
  const app = createApp({
    config: { ...base, plexus: { baseUrl: server.url, adminKey: ADMIN_KEY, concurrency: 4, timeoutMs: 1000 }, access: null },
    plexus,
    logger,
    clock,
  });
  cleanup(async () => {
    await plexus.close();
    await server.close();
  });
  const posted: string[] = [];
  let onPost: (() => void) | undefined;
  const run = (line: string): Promise<Outcome> =>
    app.pipeline.handle({
      actor: consoleUser,
      text: line,
      progress: (r: Reply) => {
        posted.push(renderText(r));
        onPost?.();
      },
    });
  const nextPost = () => new Promise<void>((resolve) => (onPost = resolve));
  return { server, run, posted, nextPost, clock };
}

const sse = (res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.flushHeaders();
};
const syslog = (res: ServerResponse, line: Record<string, unknown>) => res.write(`event: syslog\ndata: ${JSON.stringify(line)}\n\n`);
const line = (message: string, level = 'info', extra: Record<string, unknown> = {}) => ({
  message,
  level,
  timestamp: '2026-11-26 18:37:47',
  module: 'router',
  ...extra,
});

describe('logs tail', () => {
  it('posts lines as they arrive, ignores pings, and stops at the line limit', async () => {
    let stream: ServerResponse | undefined;
    let closed = false;
    const t = await appAgainst((_req, res) => {
      sse(res);
      res.on('close', () => (closed = true));
      res.write('event: ping\ndata: \n\n');
      syslog(res, line('Resolved alias smart'));
      syslog(res, line('openrouter returned 502', 'warn', { module: 'dispatch' }));
      stream = res;
    });
    const first = t.nextPost();
    const outcome = t.run('logs tail seconds=20 lines=3');
    await first;
    expect(t.posted[0]).toContain('18:37:47 INFO  [router] Resolved alias smart');
    expect(t.posted[0]).toContain('WARN  [dispatch] openrouter returned 502');
    expect(t.posted[0]).not.toContain('ping');
    syslog(stream!, line('third'));
    syslog(stream!, line('fourth, over the limit'));
    const o = await outcome;
    expect(o.status).toBe('ok');
    expect(renderText(o.reply)).toContain('Logs: 3 lines in');
    expect(renderText(o.reply)).toContain('the limit of 3 lines was reached');
    expect(t.posted.join('\n')).toContain('third');
    expect(t.posted.join('\n')).not.toContain('fourth');
    expect(t.server.requests[0]?.headers['x-admin-key']).toBe(ADMIN_KEY);
    await expect.poll(() => closed).toBe(true);
  });

  it('stops after the given seconds and says when nothing new came', async () => {
    let closed = false;
    let pinged = false;
    const t = await appAgainst((_req, res) => {
      sse(res);
      res.write('event: ping\ndata: \n\n', () => (pinged = true));
      res.on('close', () => (closed = true));
    });
    let done = false;
    const running = t.run('logs tail seconds=1').finally(() => (done = true));
    await expect.poll(() => pinged).toBe(true);
    t.clock.advance(999);
    await new Promise((r) => setTimeout(r, 50));
    expect(done).toBe(false);
    expect(closed).toBe(false);
    t.clock.advance(1);
    const o = await running;
    expect(t.clock.pendingTimers).toBe(0);
    expect(renderText(o.reply)).toContain('No new log lines in 1 s.');
    expect(renderText(o.reply)).toContain('No new log lines in 1');
    expect(renderText(o.reply)).toContain('`logging level` shows it');
    expect(t.posted).toEqual([]);
    await expect.poll(() => closed).toBe(true);
  });

  it('filters by level, masks secret fields, shows unreadable data as text, and notes a closed stream', async () => {
    const t = await appAgainst((_req, res) => {
      sse(res);
      syslog(res, line('chatty', 'debug'));
      syslog(res, line('upstream refused', 'error', { provider: 'openai', api_key: 'sk-live-abcdefghijklmnopqrstuvwx' }));
      syslog(res, line('slow target', 'warn'));
      res.write('event: syslog\ndata: plain text line\n\n');
      res.end();
    });
    const o = await t.run('logs tail seconds=5 level=warn');
    const posted = t.posted.join('\n');
    expect(posted).toContain('ERROR [router] upstream refused provider=openai api_key=••••');
    expect(posted).not.toContain('sk-live-abcdefghijklmnopqrstuvwx');
    expect(posted).toContain('slow target');
    expect(posted).not.toContain('chatty');
    expect(posted).not.toContain('plain text line');
    expect(renderText(o.reply)).toContain('Logs: 2 lines');
    expect(renderText(o.reply)).toContain('Plexus closed the stream');

    const all = await t.run('logs tail seconds=5');
    expect(t.posted.join('\n')).toContain('INFO  plain text line');
    expect(renderText(all.reply)).toContain('Logs: 4 lines');
  });

  it('keeps the lines of a stream that broke, and says so', async () => {
    const t = await appAgainst((_req, res) => {
      sse(res);
      syslog(res, line('before the break'));
      setTimeout(() => res.socket?.destroy(), 50);
    });
    const o = await t.run('logs tail seconds=5');
    expect(o.status).toBe('ok');
    expect(o.reply.severity).toBe('warning');
    expect(renderText(o.reply)).toContain('The stream broke');
    expect(t.posted.join('\n')).toContain('before the break');
  });

  it('reports a refused stream, and bad options before connecting', async () => {
    const t = await appAgainst((_req, res) => {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Admin privileges required', type: 'forbidden' } }));
    });
    const refused = await t.run('logs tail seconds=1');
    expect(refused.status).toBe('error');
    expect(renderText(refused.reply)).toContain('Admin privileges required');
    expect(renderText((await t.run('logs tail seconds=301')).reply)).toContain('seconds: must be at most 300');
    expect(renderText((await t.run('logs tail level=loud')).reply)).toContain('expected one of error, warn, info, debug, verbose, silly');
    expect(t.server.requests).toHaveLength(1);
  });
});

describe('logs tail against the demo gateway', () => {
  it('streams its synthetic lines, and answers --json with the lines', async () => {
    const h = await startHarness();
    cleanup(() => h.close());
    const o = await h.run('logs tail seconds=5 lines=1 --json');
    expect(o.status).toBe('ok');
    const code = o.reply.blocks.find((b) => b.type === 'code');
    const body = JSON.parse(code && code.type === 'code' ? code.text : '{}') as {
      lines: { message: string; level: string }[];
      ended: string;
    };
    expect(body.lines).toHaveLength(1);
    expect(body.lines[0]?.message).toEqual(expect.any(String));
    expect(body.ended).toBe('lines');
    expect(h.fake.requests.some((r) => r.path === '/v0/system/logs/stream' && r.headers['x-admin-key'] === h.fake.adminKey)).toBe(true);
  });
});
