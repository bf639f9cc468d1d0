import { describe, expect, it } from 'vitest';
import type { createApp } from '../src/app.js';
import { loadConfig, type BotConfig } from '../src/config.js';
import type { Actor } from '../src/core/actor.js';
import type { UsageRecord } from '../src/demo/types.js';
import type { PlexusApi } from '../src/base/plexus-api.js';
import { SPARK_CHARS } from '../src/render/sparkline.js';
import { renderText } from '../src/render/text.js';
import { MemoryStore, type StateStore, type Watchers } from '../src/watch/index.js';
import { startFakePlexus, type FakePlexus } from './fakes/plexus.js';
import { useCleanups } from './support/cleanups.js';
import { FakeClock, wireApp } from './support/harness.js';
import { RecordingPoster } from './support/recording-poster.js';

const OPS = 'C0LLMOPS';
const me: Actor = { platform: 'console', userId: 'alice', channelId: 'console', groups: [] };
const daily: BotConfig['digests'][number] = {
  name: 'daily',
  schedule: '0 9 * * *',
  timezone: 'Europe/Berlin',
  range: 'day',
  channels: { slack: OPS },
};

interface Rig {
  fake: FakePlexus;
  clock: FakeClock;
  poster: RecordingPoster;
  store: StateStore;
  logs: string[];
  plexus: PlexusApi;
  app: ReturnType<typeof createApp>;
  watchers: Watchers;
  /** A new bot process on the same store, Plexus and channel. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

const cleanup = useCleanups();

async function rig(digests: BotConfig['digests'] = [daily]): Promise<Rig> {
  const clock = new FakeClock();
  const fake = await startFakePlexus({ now: () => clock.now() });
  const logs: string[] = [];
  const config: BotConfig = { ...loadConfig({}), access: [{ platform: 'console', tier: 'read' }], digests };
  const build = () => {
    const { plexus, app } = wireApp({ fake, clock, config, logs });
    return {
      plexus,
      app,
      watchers: app.startWatchers({ posters: [r.poster], store: r.store, autoStart: false, delivery: { intervalMs: 0, retryMinMs: 1 } }),
    };
  };
  const r = {
    fake,
    clock,
    logs,
    poster: new RecordingPoster(),
    store: new MemoryStore(() => clock.now()),
    async restart() {
      await r.watchers.stop();
      await r.plexus.close();
      Object.assign(r, build());
    },
    async close() {
      await r.watchers.stop();
      await r.plexus.close();
      await fake.close();
    },
  } as unknown as Rig;
  Object.assign(r, build());
  cleanup(() => r.close());
  return r;
}

let seq = 0;
function addRequests(r: Rig, n: number, extra: Partial<UsageRecord>): void {
  const state = r.fake.gateway.state;
  const tpl = state.usage[state.usage.length - 1] as UsageRecord;
  for (let i = 0; i < n; i++) {
    const t = r.clock.now() - 10_000 + i;
    state.addUsage({
      ...structuredClone(tpl),
      requestId: `digest-${++seq}`,
      startTime: t,
      date: new Date(t).toISOString(),
      responseStatus: 'success',
      ...extra,
    });
  }
}

const at = (r: Rig, iso: string) => {
  r.clock.t = Date.parse(iso);
};

describe('scheduled digests', () => {
  it('posts on its cron in its time zone, once, with changes against the previous period, from aggregates only', async () => {
    const r = await rig();
    await r.watchers.tick(); // 26 Nov 12:00 UTC: the counters now are the baseline
    at(r, '2026-11-27T07:00:00Z');
    addRequests(r, 8, { provider: 'openai', apiKey: 'web-app', costTotal: 0.5 });
    addRequests(r, 2, { provider: 'openai', apiKey: 'web-app', costTotal: null, responseStatus: 'error' });
    await r.watchers.tick();
    expect(r.poster.posts).toHaveLength(0);

    at(r, '2026-11-27T08:00:20Z'); // 09:00 in Berlin
    await r.watchers.tick();
    at(r, '2026-11-27T08:05:00Z');
    await r.watchers.tick();
    expect(r.poster.posts).toHaveLength(1);
    const first = r.poster.posts[0]!;
    const shown = renderText(first.reply);
    expect(first.channelId).toBe(OPS);
    expect(first.reply.title).toBe('Digest "daily": last 24 h');
    expect(shown).toMatch(/Cost:\s+\$4\.00\n/);
    expect(shown).toMatch(/Error share:\s+20\.0 %\n/);
    expect(shown).toMatch(/Requests:\s+[\d,]+ \([+−]?[\d.]+ %\)/);
    expect(shown).toContain('26 Nov, 09:00 to 27 Nov, 09:00 (Europe/Berlin)');
    expect(shown).toContain('cover 2026-11-26 12:00 UTC to 2026-11-27 08:00 UTC');
    expect(shown).toContain('Cost and error share have no previous period to compare with yet.');
    expect(SPARK_CHARS.some((c) => shown.includes(c))).toBe(true);
    expect(shown).toContain('No provider in cooldown.');

    at(r, '2026-11-28T07:00:00Z');
    addRequests(r, 4, { provider: 'openai', apiKey: 'web-app', costTotal: 1.25 });
    at(r, '2026-11-28T08:00:10Z');
    await r.watchers.tick();
    expect(r.poster.posts).toHaveLength(2);
    const second = renderText(r.poster.posts[1]!.reply);
    expect(second).toMatch(/Cost:\s+\$5\.00 \(\+25\.0 %\)/);
    expect(second).toMatch(/Error share:\s+0\.0 % \(−20 pts\)/);
    expect(second).toMatch(/Top providers\s+requests\s+cost\n.*\nopenai\s+4 \(100 %\)\s+\$5\.00/);
    expect(second).not.toContain('Partial');
    // Built from usage/summary, metrics, cooldowns and quotas: never from the usage records.
    expect(r.fake.requests.some((q) => q.path === '/v0/management/usage')).toBe(false);
  });

  it('a digest another bot claimed and never recorded (it died) is posted once its lease runs out, not skipped', async () => {
    const r = await rig();
    await r.watchers.tick();
    const slot = Date.parse('2026-11-27T08:00:00Z'); // 09:00 in Berlin
    at(r, '2026-11-27T08:00:20Z');
    expect(await r.store.claim(`post:digest:daily:${slot}:slack:${OPS}`, 'a-bot-that-died', 5 * 60_000)).toBeTypeOf('string');
    await r.watchers.tick();
    at(r, '2026-11-27T08:04:00Z');
    await r.watchers.tick();
    expect(r.poster.posts).toHaveLength(0);
    at(r, '2026-11-27T08:06:00Z');
    await r.watchers.tick();
    at(r, '2026-11-27T08:07:00Z');
    await r.watchers.tick();
    expect(r.poster.posts.map((p) => p.reply.title)).toEqual(['Digest "daily": last 24 h']);
  });

  it('a digest whose time passed while the bot was down is posted once on start if less than an hour late, never twice', async () => {
    const r = await rig();
    await r.watchers.tick();
    await r.watchers.stop();
    at(r, '2026-11-27T08:40:00Z');
    await r.restart();
    await r.watchers.tick();
    expect(r.poster.posts).toHaveLength(1);
    await r.restart();
    await r.watchers.tick();
    expect(r.poster.posts).toHaveLength(1);

    at(r, '2026-11-28T09:30:00Z'); // 90 minutes late: skipped
    await r.restart();
    await r.watchers.tick();
    expect(r.poster.posts).toHaveLength(1);
    expect(r.logs.join('\n')).toContain('digest skipped: its time passed more than an hour ago');

    at(r, '2026-11-29T08:00:05Z');
    await r.watchers.tick();
    expect(r.poster.posts).toHaveLength(2);
  });

  it('a Plexus failure at digest time is retried on the next tick and still posts once', async () => {
    const r = await rig();
    await r.watchers.tick();
    at(r, '2026-11-27T08:00:05Z');
    r.fake.failNext(20, 503, undefined, { path: /usage\/summary/ });
    await r.watchers.tick();
    expect(r.poster.posts).toHaveLength(0);
    expect(r.logs.join('\n')).toContain('digest failed; will retry');
    r.fake.reset();
    at(r, '2026-11-27T08:01:05Z');
    await r.watchers.tick();
    await r.watchers.tick();
    expect(r.poster.posts).toHaveLength(1);
  });

  it('a bad schedule is reported once and does not stop the others', async () => {
    const r = await rig([{ ...daily, name: 'broken', schedule: 'every morning' }, daily]);
    await r.watchers.tick();
    at(r, '2026-11-27T08:00:05Z');
    await r.watchers.tick();
    await r.watchers.tick();
    expect(r.poster.posts).toHaveLength(1);
    expect(r.logs.filter((l) => l.includes('digest not scheduled'))).toHaveLength(1);
    const list = renderText((await r.app.pipeline.handle({ actor: me, text: 'digest list' })).reply);
    expect(list).toMatch(/broken\s+every morning \(Europe\/Berlin\)\s+day\s+slack:C0LLMOPS\s+not scheduled/);
    expect(list).toContain('`broken` is not scheduled: invalid schedule "every morning"');
  });
});

describe('digest commands', () => {
  it('`digest list` shows schedules and the next run; `digest now` shows a preview to the requester and posts nothing', async () => {
    const r = await rig();
    const list = await r.app.pipeline.handle({ actor: me, text: 'digest list' });
    expect(list.status).toBe('ok');
    expect(renderText(list.reply)).toMatch(/daily\s+0 9 \* \* \* \(Europe\/Berlin\)\s+day\s+slack:C0LLMOPS\s+2026-11-27 08:00 UTC/);

    const now = await r.app.pipeline.handle({ actor: me, text: 'digest now daily' });
    expect(now.status).toBe('ok');
    expect(now.reply.title).toBe('Preview of digest "daily": last 24 h');
    expect(renderText(now.reply)).toContain('Preview for you only: nothing was posted');
    expect(renderText(now.reply)).toContain('Partial: there is no earlier metrics snapshot');
    expect(r.poster.posts).toHaveLength(0);

    const json = await r.app.pipeline.handle({ actor: me, text: 'digest now daily --json' });
    expect(json.status).toBe('ok');
    expect(JSON.parse((json.reply.blocks[0] as { text: string }).text)).toMatchObject({
      name: 'daily',
      range: 'day',
      timezone: 'Europe/Berlin',
    });

    const unknown = await r.app.pipeline.handle({ actor: me, text: 'digest now weekly' });
    expect(unknown.status).toBe('error');
    expect(renderText(unknown.reply)).toContain('No digest named `weekly` is configured.');
    expect(renderText(unknown.reply)).toContain('Configured: `daily`.');
  });

  it('once the watchers keep a snapshot, a preview uses it', async () => {
    const r = await rig();
    await r.watchers.tick();
    r.clock.advance(3_600_000);
    addRequests(r, 3, { provider: 'anthropic', costTotal: 0.25 });
    r.clock.advance(60_000);
    const shown = renderText((await r.app.pipeline.handle({ actor: me, text: 'digest now daily' })).reply);
    expect(shown).toMatch(/Cost:\s+\$0\.75\n/);
    expect(shown).not.toContain('Partial');
  });
});
