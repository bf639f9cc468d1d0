/**
 * Watchers: what one digest costs as the usage table grows (Plexus calls must
 * not grow with the records), and the watcher's memory after many polls over
 * many keys.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { createApp } from '../src/app.js';
import { loadConfig, type BotConfig } from '../src/config.js';
import type { ChannelPoster } from '../src/core/channel-poster.js';
import type { PlexusApi, RequestOptions } from '../src/plexus/types.js';
import { createPlexusClient } from '../src/plexus/client.js';
import { MemoryStore, startWatchers } from '../src/watch/index.js';
import { startFakePlexus } from '../test/fakes/plexus.js';

const POLLS = Number(process.env.BENCH_WATCH_POLLS ?? 10_000);
const KEYS = 1_000;
const logger = pino({ level: 'silent' });

class Clock {
  constructor(public t = Date.parse('2026-11-26T12:00:00Z')) {}
  now = () => this.t;
}

/** Usage rows: the seeded ones, repeated with shifted times and ids until there are `n`. */
async function digestCost(n: number): Promise<{ calls: number; ms: number }> {
  const clock = new Clock();
  const fake = await startFakePlexus({ now: clock.now });
  const state = fake.gateway.state;
  const template = state.usage;
  const span = 30 * 86_400_000;
  const rows = new Array(n);
  for (let i = 0; i < n; i++) {
    const r = template[i % template.length]!;
    const startTime = clock.t - span + Math.floor((i / n) * span);
    rows[i] = { ...r, requestId: `bench-${i}`, startTime, date: new Date(startTime).toISOString() };
  }
  state.usage = rows;
  const config = loadConfig({});
  const plexus = createPlexusClient({ baseUrl: fake.url, adminKey: fake.adminKey, logger, timeoutMs: 120_000 });
  const app = createApp({ config, plexus, logger, clock });
  fake.reset();
  const t = performance.now();
  await app.deps.digests!.preview('daily');
  const ms = performance.now() - t;
  const calls = fake.requests.length;
  await plexus.close();
  await fake.close();
  return { calls, ms };
}

/** An in-process Plexus for the watcher routes, answering precomputed data (no HTTP: the watcher is what is measured). */
function stubPlexus(clock: Clock): PlexusApi {
  const keys = Object.fromEntries(Array.from({ length: KEYS }, (_, i) => [`key-${i}`, { secret: `sk-${i}`, quotas: ['daily'] }]));
  const status = (i: number) => {
    const used = (i * 37) % 100;
    const resetsAt = new Date(Math.ceil(clock.t / 86_400_000) * 86_400_000).toISOString();
    return {
      key: `key-${i}`,
      quotas: [{ name: 'daily', limitType: 'requests', limit: 100, currentUsage: used, remaining: 100 - used, allowed: used < 100, resetsAt, source: 'assigned' }],
      quota_name: 'daily',
      allowed: used < 100,
      current_usage: used,
      limit: 100,
      remaining: 100 - used,
      resets_at: resetsAt,
    };
  };
  const answer = (path: string): unknown => {
    if (path.endsWith('/keys')) return keys;
    if (path.endsWith('/cooldowns')) return [];
    if (path.endsWith('/quotas')) return [];
    const m = /quota\/status\/key-(\d+)$/.exec(path);
    if (m) return status(Number(m[1]));
    throw new Error(`bench stub: no route ${path}`);
  };
  return {
    baseUrl: 'http://bench.invalid',
    demo: false,
    request: async <T>(_method: string, path: string, opts?: RequestOptions<T>) => {
      const data = answer(path);
      return (opts?.schema ? opts.schema.parse(data) : data) as T;
    },
    requestRaw: async () => {
      throw new Error('bench stub: no raw routes');
    },
    stream: async () => {
      throw new Error('bench stub: no streams');
    },
    close: async () => {},
  };
}

export async function watcherMemory(): Promise<{ before: number; after: number; posts: number; ms: number; heap: number[] }> {
  const clock = new Clock();
  const base = loadConfig({});
  const config: BotConfig = { ...base, alerts: { pollSeconds: 60, channels: { slack: 'C0ONCALL' }, quota: { thresholds: [80, 95, 100] }, cooldowns: true, keys: ['*'] } };
  const app = createApp({ config, plexus: stubPlexus(clock), logger, clock });
  let posts = 0;
  const poster: ChannelPoster = {
    platform: 'slack',
    post: async () => ({ messageId: String(++posts) }),
    update: async () => {},
  };
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage().rss;
  const watchers = startWatchers({ app, config, logger, clock, posters: [poster], store: new MemoryStore(clock.now), autoStart: false, delivery: { intervalMs: 0, retryMinMs: 1 } });
  const t = performance.now();
  const heap: number[] = [];
  for (let i = 0; i < POLLS; i++) {
    await watchers.tick();
    clock.t += 60_000;
    if ((i + 1) % Math.max(1, Math.floor(POLLS / 5)) === 0) {
      gc?.();
      heap.push(Math.round(process.memoryUsage().heapUsed / 1024 / 1024));
    }
  }
  const ms = performance.now() - t;
  await watchers.stop();
  gc?.();
  return { before, after: process.memoryUsage().rss, posts, ms, heap };
}

function inChild(): Promise<{ before: number; after: number; posts: number; ms: number; heap: number[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(new URL('./watch-memory.ts', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`watch-memory exited ${code}`))));
  });
}

export async function benchWatch(): Promise<boolean> {
  const small = await digestCost(1_000);
  const large = await digestCost(1_000_000);
  console.log('\n== watch: one digest (built-in daily preview) on the Plexus fake');
  console.log(`  1 000 usage records:     ${small.calls} Plexus calls, ${small.ms.toFixed(0)} ms`);
  console.log(`  1 000 000 usage records: ${large.calls} Plexus calls, ${large.ms.toFixed(0)} ms (the fake's own aggregation over the records is most of this)`);
  console.log(`  ratio 1M/1k: calls ${(large.calls / small.calls).toFixed(2)}, time ${(large.ms / small.ms).toFixed(1)}`);

  // A fresh process, so the million rows above do not count, with GC exposed for honest figures.
  const mem = await inChild();
  const mb = (b: number) => (b / 1024 / 1024).toFixed(0);
  console.log(`== watch: ${POLLS} polls over ${KEYS} keys (own process, in-process stub Plexus, RSS after a forced GC)`);
  console.log(`  RSS before the watcher ${mb(mem.before)} MB (node + tsx + modules), after ${mb(mem.after)} MB: the watcher adds ${mb(mem.after - mem.before)} MB (target <= 150 MB: ${mem.after <= 150 * 1024 * 1024 ? 'met' : mem.after - mem.before <= 150 * 1024 * 1024 ? 'met by the watcher, not by the whole tsx process' : 'NOT met'})`);
  console.log(`  ${mem.posts} alerts posted; ${(mem.ms / POLLS).toFixed(1)} ms a poll`);
  console.log(`  heap after GC at each fifth of the run: ${mem.heap.join(', ')} MB`);
  return small.calls === large.calls;
}
