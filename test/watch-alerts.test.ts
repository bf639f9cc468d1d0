import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { createApp } from '../src/app.js';
import { loadConfig, type BotConfig } from '../src/config.js';
import type { Actor } from '../src/core/actor.js';
import type { UsageRecord } from '../src/demo/types.js';
import { mgmtPath } from '../src/plexus/path.js';
import type { PlexusApi } from '../src/base/plexus-api.js';
import { renderText } from '../src/render/text.js';
import { alertKey, type AlertRecord, type QuotaView } from '../src/watch/alert-model.js';
import { FileStore, MemoryStore, type StateStore, type Watchers } from '../src/watch/index.js';
import { startFakePlexus, type FakePlexus } from './fakes/plexus.js';
import { useCleanups } from './support/cleanups.js';
import { FakeClock, wireApp } from './support/harness.js';
import { RecordingPoster } from './support/recording-poster.js';
import { ALERTS, until, watchWorld } from './support/watch-world.js';

const MIN = 60_000;
const ONCALL = 'C0ONCALL';
const bob: Actor = { platform: 'slack', userId: 'U0BOB', channelId: ONCALL, groups: [], displayName: 'Bob' };
const reader: Actor = { platform: 'slack', userId: 'U0READ', channelId: ONCALL, groups: [] };

interface Rig {
  fake: FakePlexus;
  clock: FakeClock;
  poster: RecordingPoster;
  store: StateStore;
  plexus: PlexusApi;
  watchers: Watchers;
  app: ReturnType<typeof createApp>;
  logs: string[];
  /** Stops the bot and starts a new one on the same store, Plexus and channel (a restart). */
  restart(store?: StateStore): Promise<void>;
  close(): Promise<void>;
}

const cleanup = useCleanups();

async function rig(
  o: { keys?: string[]; meters?: boolean; cooldowns?: boolean; autoStart?: boolean; store?: (clock: FakeClock) => StateStore } = {},
): Promise<Rig> {
  const clock = new FakeClock();
  const fake = await startFakePlexus({ now: () => clock.now() });
  if (!o.meters) fake.gateway.state.quotaSnapshots.clear();
  const poster = new RecordingPoster();
  const logs: string[] = [];
  const config: BotConfig = {
    ...loadConfig({}),
    access: [
      { platform: 'slack', channels: [ONCALL], users: ['U0BOB'], tier: 'write' },
      { platform: 'slack', channels: [ONCALL], tier: 'read' },
    ],
    alerts: {
      pollSeconds: 60,
      channels: { slack: ONCALL },
      quota: { thresholds: [80, 95, 100] },
      cooldowns: o.cooldowns ?? true,
      keys: o.keys ?? [],
    },
  };
  const build = (store: StateStore) => {
    const { plexus, app } = wireApp({ fake, clock, config, logs });
    const watchers = app.startWatchers({
      posters: [poster],
      store,
      autoStart: o.autoStart ?? false,
      delivery: { intervalMs: 0, retryMinMs: 1 },
    });
    return { plexus, app, watchers };
  };
  const r: Rig = {
    fake,
    clock,
    poster,
    logs,
    store: o.store ? o.store(clock) : new MemoryStore(() => clock.now()),
    ...({} as { plexus: PlexusApi; app: ReturnType<typeof createApp>; watchers: Watchers }),
    async restart(store) {
      await r.watchers.stop();
      await r.plexus.close();
      if (store) r.store = store;
      Object.assign(r, build(r.store));
    },
    async close() {
      await r.watchers.stop();
      await r.plexus.close();
      await fake.close();
    },
  };
  Object.assign(r, build(r.store));
  cleanup(() => r.close());
  return r;
}

/** One poll a minute, as the bot would. */
async function poll(r: Rig, times = 1): Promise<void> {
  for (let i = 0; i < times; i++) {
    r.clock.advance(MIN);
    await r.watchers.tick();
  }
}

let seq = 0;
/** `n` finished requests by `key`, just now. */
function addRequests(r: Rig, key: string, n: number): void {
  const state = r.fake.gateway.state;
  const tpl = state.usage[state.usage.length - 1] as UsageRecord;
  for (let i = 0; i < n; i++) {
    const t = r.clock.now() - n + i;
    state.addUsage({
      ...structuredClone(tpl),
      requestId: `watch-${++seq}`,
      apiKey: key,
      startTime: t,
      date: new Date(t).toISOString(),
      responseStatus: 'success',
    });
  }
}

const record = async (r: Rig, id: string) => (await r.store.get<AlertRecord>(alertKey(id)))?.value;

describe('cooldown alerts', () => {
  it('entering cooldown posts one alert with the details and a Clear button; leaving edits the same message', async () => {
    const r = await rig();
    await r.watchers.tick();
    await poll(r, 3);
    expect(r.poster.posts).toHaveLength(1);
    expect(r.poster.updates).toHaveLength(0);
    const [alert] = r.poster.posts;
    const shown = renderText(alert!.reply);
    expect(alert!.channelId).toBe(ONCALL);
    expect(alert!.reply.title).toBe('Cooldown: groq/llama-3.3-70b-versatile');
    expect(shown).toMatch(/Consecutive failures:\s+4/);
    expect(shown).toContain('17 min from 12:00 UTC (until 12:17 UTC)');
    expect(shown).toMatch(/Last error:\s+\S/);
    expect(alert!.reply.actions?.[0]?.id).toBe('run:cooldowns clear groq model=llama-3.3-70b-versatile');

    // Another failure lengthens it: the same message says so.
    const cd = r.fake.gateway.state.cooldowns[0]!;
    cd.consecutiveFailures = 5;
    cd.expiry += 10 * MIN;
    await poll(r);
    expect(r.poster.posts).toHaveLength(1);
    expect(r.poster.updates).toHaveLength(1);
    expect(r.poster.shown(alert!.messageId)).toMatch(/Consecutive failures:\s+5/);

    // The button runs `cooldowns clear` as the clicker: a reader may not, Bob may.
    const denied = await r.app.pipeline.action(reader, alert!.reply.actions![0]!.id);
    expect(denied.status).toBe('denied');
    expect(r.fake.gateway.state.activeCooldowns()).toHaveLength(1);
    const cleared = await r.app.pipeline.action(bob, alert!.reply.actions![0]!.id);
    expect(cleared.status).toBe('ok');
    expect(r.fake.gateway.state.activeCooldowns()).toHaveLength(0);

    await poll(r, 3);
    expect(r.poster.posts).toHaveLength(1);
    expect(r.poster.updates).toHaveLength(2);
    const resolved = r.poster.updates[1]!;
    expect(resolved.messageId).toBe(alert!.messageId);
    expect(resolved.reply.title).toBe('Resolved: cooldown groq/llama-3.3-70b-versatile');
    expect(renderText(resolved.reply)).toContain('back in rotation after about 5 min');
    expect(renderText(resolved.reply)).toContain('ended before its expiry');
    expect(resolved.reply.actions ?? []).toHaveLength(0);
  });

  it('a cooldown that ends at its expiry unseen is resolved with how long it lasted, and flapping reopens the same message', async () => {
    const r = await rig();
    await r.watchers.tick();
    await poll(r, 17);
    expect(r.poster.updates).toHaveLength(1);
    expect(renderText(r.poster.updates[0]!.reply)).toContain('after about 17 min in cooldown (12:00 UTC to 12:17 UTC)');

    // Back in cooldown one poll after it ended: the same message, marked as flapping.
    r.fake.gateway.state.cooldowns.push({
      provider: 'groq',
      model: 'llama-3.3-70b-versatile',
      expiry: r.clock.now() + 5 * MIN,
      consecutiveFailures: 1,
      lastError: 'HTTP 503',
    });
    await poll(r);
    expect(r.poster.posts).toHaveLength(1);
    expect(r.poster.shown(r.poster.posts[0]!.messageId)).toContain('Flapping: back in cooldown 1×');
  });
});

describe('quota alerts', () => {
  it('80/95/100 fire once each per period on one message, resolve once, and a new period re-arms', async () => {
    const r = await rig({ keys: ['ci-pipeline'], cooldowns: false });
    await r.watchers.tick();
    expect(r.poster.posts).toHaveLength(0); // 9 of 120 requests

    addRequests(r, 'ci-pipeline', 88); // 97/120 = 80.8 %
    await poll(r, 3);
    expect(r.poster.posts).toHaveLength(1);
    const msg = r.poster.posts[0]!;
    expect(msg.reply.title).toBe('Quota 80 %: key ci-pipeline · requests-daily');
    expect(msg.reply.actions?.map((a) => a.label)).toEqual(['Snooze 1 h', 'Snooze 4 h', 'Snooze 24 h']);

    await r.restart();
    addRequests(r, 'ci-pipeline', 18); // 115/120 = 95.8 %
    await poll(r, 3);
    addRequests(r, 'ci-pipeline', 5); // 120/120: blocked
    await poll(r, 3);
    expect(r.poster.posts).toHaveLength(1);
    expect(r.poster.updates.map((u) => [u.messageId, u.reply.title, u.reply.severity])).toEqual([
      [msg.messageId, 'Quota 95 %: key ci-pipeline · requests-daily', 'warning'],
      [msg.messageId, 'Quota exhausted: key ci-pipeline · requests-daily', 'error'],
    ]);
    expect(r.poster.shown(msg.messageId)).toContain('refused (429)');

    // Midnight UTC: a new period, usage back to 0.
    r.clock.t = Date.parse('2026-11-27T00:00:30Z');
    await poll(r, 3);
    await r.restart();
    await poll(r);
    expect(r.poster.updates).toHaveLength(3);
    expect(r.poster.updates[2]!.reply.title).toBe('Resolved: quota key ci-pipeline · requests-daily');
    expect(r.poster.shown(msg.messageId)).toContain('The quota period reset');

    addRequests(r, 'ci-pipeline', 100); // 83 % of the new day
    await poll(r, 2);
    expect(r.poster.posts).toHaveLength(2);
    expect(r.poster.posts[1]!.reply.title).toBe('Quota 80 %: key ci-pipeline · requests-daily');
    expect(r.poster.updates).toHaveLength(3);
  });

  it('resolves only below the lowest threshold minus hysteresis; a second crossing in the period reopens the same message', async () => {
    const r = await rig({ keys: ['ci-pipeline'], cooldowns: false });
    const setLimit = (limit: number) => r.plexus.request('PATCH', mgmtPath('user-quotas', 'requests-daily'), { body: { limit } });
    addRequests(r, 'ci-pipeline', 91); // 100/120 = 83 %
    await r.watchers.tick();
    expect(r.poster.posts).toHaveLength(1);
    await setLimit(128); // 78 %: under 80, within the hysteresis
    await poll(r, 2);
    expect(r.poster.updates).toHaveLength(0);
    await setLimit(150); // 67 %
    await poll(r, 2);
    expect(r.poster.updates.map((u) => u.reply.title)).toEqual(['Resolved: quota key ci-pipeline · requests-daily']);
    expect(r.poster.shown(r.poster.posts[0]!.messageId)).toContain('Back under 80 %: now at 67 %');
    await setLimit(120);
    await poll(r, 2);
    expect(r.poster.posts).toHaveLength(1);
    expect(r.poster.updates.map((u) => u.reply.title)).toEqual([
      'Resolved: quota key ci-pipeline · requests-daily',
      'Quota 80 %: key ci-pipeline · requests-daily',
    ]);
  });

  it('provider meters alert too, keyed by checker and meter', async () => {
    const r = await rig({ meters: true, cooldowns: false });
    await r.watchers.tick();
    expect(r.poster.posts.map((p) => p.reply.title)).toEqual(['Quota 80 %: anthropic · Five-hour window']);
    expect(renderText(r.poster.posts[0]!.reply)).toContain('meter "Five-hour window" is at 81 %');
  });

  it('the forecast for a steady burn is within 10 % of the true time to exhaustion', async () => {
    const r = await rig({ keys: ['ci-pipeline'], cooldowns: false });
    await r.watchers.tick();
    // 2 requests a minute from 9/120: 80 % (96) is crossed after 44 minutes.
    let used = 9;
    while (r.poster.posts.length === 0) {
      r.clock.advance(MIN);
      addRequests(r, 'ci-pipeline', 2);
      used += 2;
      await r.watchers.tick();
    }
    const trueMs = ((120 - used) / 2) * MIN;
    const view = (await record(r, 'quota:key:ci-pipeline/requests-daily'))!.view as QuotaView;
    expect(view.exhaustAt).not.toBeNull();
    expect(Math.abs(view.exhaustAt! - r.clock.now() - trueMs)).toBeLessThanOrEqual(trueMs * 0.1);
    expect(renderText(r.poster.posts[0]!.reply)).toMatch(/Forecast:\s+at this rate exhausted in about 1[12] min/);
  });
});

describe('snooze', () => {
  it('silences one alert (no edit, no new message), says who, and ends on time', async () => {
    const r = await rig({ keys: ['ci-pipeline'], cooldowns: false });
    addRequests(r, 'ci-pipeline', 88);
    await r.watchers.tick();
    const msg = r.poster.posts[0]!;
    const snooze = msg.reply.actions!.find((a) => a.label === 'Snooze 1 h')!.id;

    const refused = await r.app.pipeline.action(reader, snooze);
    expect(refused.status).toBe('denied');
    expect(renderText(refused.reply)).toContain('`alerts snooze` needs the write tier');
    expect(r.poster.updates).toHaveLength(0);

    const out = await r.app.pipeline.action(bob, snooze);
    expect(out.status).toBe('ok');
    expect(renderText(out.reply)).toContain('Snoozed for 1 h by Bob, until 13:00 UTC');
    expect(r.poster.updates).toHaveLength(1);
    expect(r.poster.shown(msg.messageId)).toContain('Snoozed for 1 h by Bob, until 13:00 UTC');

    addRequests(r, 'ci-pipeline', 20); // 97 %: would be an escalation
    await poll(r, 30);
    await r.restart();
    await poll(r, 29);
    expect(r.poster.posts).toHaveLength(1);
    expect(r.poster.updates).toHaveLength(1);

    await poll(r, 2); // the hour is over
    expect(r.poster.posts).toHaveLength(1);
    expect(r.poster.updates).toHaveLength(2);
    expect(r.poster.updates[1]!.reply.title).toBe('Quota 95 %: key ci-pipeline · requests-daily');
    expect(r.poster.shown(msg.messageId)).not.toContain('Snoozed');
  });
});

describe('alerts snooze, the command behind the buttons', () => {
  const audits = (r: Rig) =>
    r.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.audit === true && String(l.command).startsWith('alerts snooze'));

  it('is reached through run:, authorised and audited by the pipeline like any command', async () => {
    const r = await rig({ keys: ['ci-pipeline'], cooldowns: false });
    addRequests(r, 'ci-pipeline', 88);
    await r.watchers.tick();
    const msg = r.poster.posts[0]!;
    const ref = (await record(r, 'quota:key:ci-pipeline/requests-daily'))!.ref;
    expect(msg.reply.actions!.map((a) => a.id)).toEqual([1, 4, 24].map((h) => `run:alerts snooze ${ref} ${h}`));

    expect((await r.app.pipeline.action(reader, `run:alerts snooze ${ref} 4`)).status).toBe('denied');
    expect(audits(r)).toMatchObject([{ user: 'U0READ', tier: 'write', outcome: 'denied' }]);
    const bad = await r.app.pipeline.action(bob, `run:alerts snooze ${ref} 3`);
    expect(bad.status).toBe('error');
    expect(renderText(bad.reply)).toContain('expected 1, 4 or 24');
    expect(r.poster.updates).toHaveLength(0);

    const out = await r.app.pipeline.handle({ actor: bob, text: `alerts snooze ${ref} 4` });
    expect(out.status).toBe('ok');
    // The alert message itself tells the channel; the answer is the clicker's.
    expect(out.audience).toBe('requester');
    expect(renderText(out.reply)).toContain('Snoozed for 4 h by Bob, until 16:00 UTC');
    expect(r.poster.shown(msg.messageId)).toContain('Snoozed for 4 h by Bob');
    expect(audits(r).at(-1)).toMatchObject({ user: 'U0BOB', command: `alerts snooze ${ref} 4`, tier: 'write', outcome: 'ok' });
    const gone = await r.app.pipeline.handle({ actor: bob, text: 'alerts snooze 000000000000 1' });
    expect(renderText(gone.reply)).toContain('no longer tracked');
  });

  it('old snooze:<ref>:<hours> buttons run the same command', async () => {
    const r = await rig({ keys: ['ci-pipeline'], cooldowns: false });
    addRequests(r, 'ci-pipeline', 88);
    await r.watchers.tick();
    const msg = r.poster.posts[0]!;
    const ref = (await record(r, 'quota:key:ci-pipeline/requests-daily'))!.ref;
    expect((await r.app.pipeline.action(reader, `snooze:${ref}:1`)).status).toBe('denied');
    const out = await r.app.pipeline.action(bob, `snooze:${ref}:1`);
    expect(renderText(out.reply)).toContain('Snoozed for 1 h by Bob, until 13:00 UTC');
    expect(r.poster.shown(msg.messageId)).toContain('Snoozed for 1 h by Bob');
    expect(audits(r).map((a) => [a.user, a.outcome])).toEqual([
      ['U0READ', 'denied'],
      ['U0BOB', 'ok'],
    ]);
    expect(renderText((await r.app.pipeline.action(bob, 'snooze:oops')).reply)).toContain('no longer understood');
  });
});

describe('restarts', () => {
  it('after a restart on the same state file: no alert again, none lost, and edits go to the original messages', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'watch-state-'));
    try {
      const r = await rig({ keys: ['ci-pipeline'], store: (clock) => new FileStore(dir, undefined, () => clock.now()) });
      addRequests(r, 'ci-pipeline', 88);
      await r.watchers.tick();
      expect(r.poster.posts.map((p) => p.reply.title)).toEqual([
        'Cooldown: groq/llama-3.3-70b-versatile',
        'Quota 80 %: key ci-pipeline · requests-daily',
      ]);
      const [cooldownMsg, quotaMsg] = r.poster.posts;

      await r.restart(new FileStore(dir, undefined, () => r.clock.now()));
      await poll(r, 2);
      expect(r.poster.posts).toHaveLength(2);
      expect(r.poster.updates).toHaveLength(0);

      // While the bot is down: a new cooldown starts, the quota escalates, groq's cooldown is cleared.
      await r.watchers.stop();
      r.fake.gateway.state.cooldowns = [
        { provider: 'openai', model: 'gpt-4o', expiry: r.clock.now() + 30 * MIN, consecutiveFailures: 2, lastError: 'HTTP 429' },
      ];
      addRequests(r, 'ci-pipeline', 18);
      r.clock.advance(5 * MIN);
      await r.restart(new FileStore(dir, undefined, () => r.clock.now()));
      await r.watchers.tick();
      await poll(r, 2);
      expect(r.poster.posts.map((p) => p.reply.title)).toEqual([
        'Cooldown: groq/llama-3.3-70b-versatile',
        'Quota 80 %: key ci-pipeline · requests-daily',
        'Cooldown: openai/gpt-4o',
      ]);
      expect(r.poster.updates.map((u) => [u.messageId, u.reply.title])).toEqual(
        expect.arrayContaining([
          [cooldownMsg!.messageId, 'Resolved: cooldown groq/llama-3.3-70b-versatile'],
          [quotaMsg!.messageId, 'Quota 95 %: key ci-pipeline · requests-daily'],
        ]),
      );
      expect(r.poster.updates).toHaveLength(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('two bots on one store post each alert once', async () => {
    // Two processes, each with its own FileStore over one STATE_DIR, polling one Plexus into one channel, started together.
    const w = await watchWorld(cleanup);
    const bots = [w.bot({ WAIT_FOR_GO: '1' }), w.bot({ WAIT_FOR_GO: '1' })];
    await Promise.all(bots.map((b) => b.waitFor(/^ready$/)));
    for (const b of bots) b.send('go');
    await until('every alert is posted and recorded', () => w.allRecorded());
    // Both keep polling while the alerts stand.
    await Promise.all(bots.map((b) => b.waitFor(new RegExp(`^tick ${b.lines.filter((l) => l.startsWith('tick ')).length + 3}$`))));
    w.clearCooldowns();
    await until('every alert shows resolved', () => w.allResolved());
    for (const b of bots) b.send('stop');
    for (const b of bots) expect(await b.exited).toEqual({ code: 0, signal: null });
    for (const a of ALERTS) expect(w.posts(a), a.provider).toHaveLength(1);
    expect(bots.flatMap((b) => b.lines.filter((l) => l.startsWith('step posted ')))).toHaveLength(ALERTS.length);
  }, 60_000);
});

describe('timers', () => {
  it('started on its own, it polls at once and keeps running until stopped', async () => {
    const r = await rig({ autoStart: true });
    for (let i = 0; i < 200 && r.poster.posts.length === 0; i++) await new Promise((res) => setTimeout(res, 10));
    expect(r.poster.posts.map((p) => p.reply.title)).toEqual(['Cooldown: groq/llama-3.3-70b-versatile']);
    await r.watchers.stop();
    expect(r.logs.join('\n')).toContain('watchers started');
  });
});

describe('delivery', () => {
  it('a failing post is retried without duplicates, and one that keeps failing is tried again on the next poll', async () => {
    const r = await rig();
    r.poster.failures = 2;
    await r.watchers.tick();
    expect(r.poster.posts).toHaveLength(1);
    await poll(r);
    expect(r.poster.posts).toHaveLength(1);

    const fresh = await rig();
    fresh.poster.failures = 4; // more than the retries
    await fresh.watchers.tick();
    expect(fresh.poster.posts).toHaveLength(0);
    expect(fresh.logs.join('\n')).toContain('alert delivery failed; will retry');
    await poll(fresh);
    expect(fresh.poster.posts).toHaveLength(1);
  });
});

describe('Plexus unreachable', () => {
  it('down for ten polls: one "cannot reach" message, no alert resolved by mistake, one recovery edit', async () => {
    const r = await rig();
    await r.watchers.tick();
    expect(r.poster.posts).toHaveLength(1); // groq's cooldown
    r.fake.dropConnection();
    await poll(r, 10);
    const down = r.poster.titled('Cannot reach Plexus');
    expect(down).toHaveLength(1);
    expect(renderText(down[0]!.reply)).toContain('Cannot reach Plexus since 12:01 UTC');
    expect(r.poster.posts).toHaveLength(2);
    expect(r.poster.updates).toHaveLength(0);

    r.fake.reset();
    await poll(r, 3);
    expect(r.poster.posts).toHaveLength(2);
    expect(r.poster.updates.map((u) => [u.messageId, u.reply.title])).toEqual([[down[0]!.messageId, 'Plexus reachable again']]);
    expect(renderText(r.poster.updates[0]!.reply)).toContain('unreachable from 12:01 UTC to 12:11 UTC');
  });

  it('a malformed answer counts as unreachable, and a restart mid-outage does not report it twice', async () => {
    const r = await rig();
    await r.watchers.tick();
    r.fake.garbage({ path: /\/cooldowns$/ }, { kind: 'wrong-shape' });
    await poll(r, 3);
    await r.restart();
    await poll(r, 3);
    expect(r.poster.titled('Cannot reach Plexus')).toHaveLength(1);
    expect(r.logs.join('\n')).toContain('watcher could not read Plexus');
    r.fake.reset();
    await poll(r);
    expect(r.poster.updates.map((u) => u.reply.title)).toEqual(['Plexus reachable again']);
  });
});
