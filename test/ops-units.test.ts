import { describe, expect, it } from 'vitest';
import { BotError } from '../src/base/errors.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { BotMetrics } from '../src/ops/metrics.js';
import { checkReadiness } from '../src/ops/readiness.js';
import { OTHER_ROUTE, routeTemplate } from '../src/plexus/route-template.js';
import { reply, text } from '../src/render/reply.js';
import { Delivery, type DeliveryObservation } from '../src/watch/delivery.js';
import { MemoryStore } from '../src/watch/state-store.js';
import { RecordingPoster } from './support/recording-poster.js';

describe('route templates for metric labels', () => {
  it.each([
    ['/v0/management/keys/sk-live-9f8e7d', '/v0/management/keys/{name}'],
    ['/v0/management/keys/ops%20team/disable', '/v0/management/keys/{name}/disable'],
    ['/v0/management/providers/org/team', '/v0/management/providers/{slug}'],
    ['/v0/management/providers/fetch-models', '/v0/management/providers/fetch-models'],
    ['/v0/management/usage/summary?range=day', '/v0/management/usage/summary'],
    ['/v0/management/usage/3f0c-aa', '/v0/management/usage/{requestId}'],
    ['/v0/management/quotas/openai-checker/history', '/v0/management/quotas/{checkerId}/history'],
    ['/v0/management/config/failover', '/v0/management/config/{section}'],
    ['/v0/management/config/status', '/v0/management/config/status'],
    ['/v0/system/logs/stream', '/v0/system/logs/stream'],
  ])('%s → %s', (path, template) => {
    expect(routeTemplate(path)).toBe(template);
  });

  it('a path no template knows is one label, never the path', () => {
    expect(routeTemplate('/v0/management/brand-new/secret-id')).toBe(OTHER_ROUTE);
    expect(routeTemplate('/elsewhere/sk-123')).toBe(OTHER_ROUTE);
  });
});

describe('readiness', () => {
  it('runs the checks at once, each bounded by its timeout, and says which failed and why', async () => {
    const started = performance.now();
    const report = await checkReadiness({
      replica: 'r1',
      timeoutMs: 200,
      checks: {
        slow: () => new Promise(() => undefined),
        slower: () => new Promise(() => undefined),
        down: async () => {
          throw new BotError('UPSTREAM_DOWN', 'Plexus at https://admin:hunter2@plexus.example.com is unreachable');
        },
        fine: async () => 'not configured',
      },
    });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(report.ready).toBe(false);
    expect(report.replica).toBe('r1');
    expect(report.checks.slow).toMatchObject({ ok: false, error: 'no answer within 200 ms' });
    expect(report.checks.slower!.ok).toBe(false);
    expect(report.checks.down!.error).toBe('UPSTREAM_DOWN: Plexus at https://plexus.example.com is unreachable');
    expect(report.checks.fine).toMatchObject({ ok: true, note: 'not configured' });
  });

  it('is ready when every check answers', async () => {
    const report = await checkReadiness({ replica: 'r2', checks: { a: async () => undefined, b: async () => undefined } });
    expect(report).toMatchObject({ ready: true, checks: { a: { ok: true }, b: { ok: true } } });
  });

  it('masks known secrets in a reason', async () => {
    const report = await checkReadiness({
      replica: 'r3',
      mask: (s) => s.replaceAll('s3cret-value', '[redacted]'),
      checks: { x: () => Promise.reject(new Error('refused with s3cret-value')) },
    });
    expect(report.checks.x!.error).toBe('refused with [redacted]');
  });
});

describe('REPLICA_ID', () => {
  it('defaults to hostname:pid and takes a name', () => {
    expect(loadConfig({}).replicaId).toMatch(new RegExp(`:${process.pid}$`));
    expect(loadConfig({ REPLICA_ID: 'bot-a.eu-1' }).replicaId).toBe('bot-a.eu-1');
  });

  it('refuses a name a log or label would mangle', () => {
    expect(() => loadConfig({ REPLICA_ID: 'two words' })).toThrow(ConfigError);
  });

  it('is on every line of a logger, children included', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', secrets: () => [], replica: 'bot-b', destination: { write: (l) => void lines.push(l) } });
    logger.info('one');
    logger.child({ module: 'watch' }).warn('two');
    expect(lines.map((l) => JSON.parse(l).replica)).toEqual(['bot-b', 'bot-b']);
  });
});

describe('delivery metrics', () => {
  it('counts alert and digest posts, failed posts and edits', async () => {
    const seen: DeliveryObservation[] = [];
    const poster = new RecordingPoster();
    const logger = createLogger({ level: 'silent', secrets: () => [], destination: { write: () => undefined } });
    const delivery = new Delivery(new MemoryStore(), logger, {
      owner: 'a',
      intervalMs: 0,
      retries: 0,
      retryMinMs: 1,
      onDelivery: (d) => void seen.push(d),
    });
    const t = { poster, channelId: 'C0ONCALL' };
    const message = reply({ title: 'x', blocks: [text('y')] });
    const posted = await delivery.postOnce('post:occ1:slack:C0ONCALL', t, message);
    await delivery.postOnce('post:digest:daily:2026-11-26:slack:C0ONCALL', t, message);
    poster.failures = 1;
    await expect(delivery.postOnce('post:occ2:slack:C0ONCALL', t, message)).rejects.toThrow();
    await delivery.update(t, posted!.messageId!, message);
    expect(seen).toEqual([
      { kind: 'alert', action: 'post', platform: 'slack', outcome: 'ok' },
      { kind: 'digest', action: 'post', platform: 'slack', outcome: 'ok' },
      { kind: 'alert', action: 'post', platform: 'slack', outcome: 'failed' },
      { kind: 'alert', action: 'edit', platform: 'slack', outcome: 'ok' },
    ]);
    expect(delivery.queued).toBe(0);

    const metrics = new BotMetrics({ replica: 'r' });
    for (const d of seen) metrics.onDelivery(d);
    const out = await metrics.text();
    expect(out).toContain('plexus_chatops_deliveries_total{kind="digest",action="post",platform="slack",outcome="ok"} 1');
    expect(out).toContain('plexus_chatops_deliveries_total{kind="alert",action="post",platform="slack",outcome="failed"} 1');
  });

  it('each BotMetrics has its own registry', async () => {
    const a = new BotMetrics({ replica: 'a' });
    const b = new BotMetrics({ replica: 'b' });
    a.onOutcome({ command: 'help', status: 'ok', durationMs: 5 });
    expect(await a.text()).toContain('plexus_chatops_commands_total{command="help",outcome="ok"} 1');
    expect(await b.text()).not.toContain('command="help"');
  });
});
