/**
 * The watcher's resident memory after many polls over many keys. Run by
 * bench/watch.ts in its own process with `--expose-gc` (so the rows of the
 * digest bench do not count and a GC can be forced); prints JSON.
 *
 * Plexus here is an in-process stub answering the three routes a poll reads,
 * in the shapes of the recorded samples: ~1 000 HTTP requests a poll, 10 000
 * polls, would be hours over real HTTP on two cores, and the HTTP client is
 * not what grows with polls. The watcher's own work (schemas, alert state,
 * rendering, delivery) is all real.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { loadConfig, type BotConfig } from '../src/config.js';
import type { ChannelPoster } from '../src/core/channel-poster.js';
import { systemClock, type Clock } from '../src/core/clock.js';
import type { PlexusApi, RequestOptions } from '../src/base/plexus-api.js';
import { FileStore, MemoryStore } from '../src/watch/index.js';
import { wireBot } from '../src/wiring.js';

export interface MemoryFigures {
  polls: number;
  keys: number;
  before: number;
  after: number;
  posts: number;
  edits: number;
  ms: number;
  /** heapUsed after GC at each fifth of the run (MB). */
  heap: number[];
  /** process.memoryUsage() after the run and a GC (MB): what the RSS is made of. */
  heapTotal: number;
  external: number;
  /** Stored records and post claims, and the cost of reading the biggest record (the quota sample book) once, ms. */
  records: number;
  claims: number;
  sampleBookCopyMs: number;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

/**
 * 1 000 keys with the two user quotas of the samples. Daily requests climb through the day at a rate of each key's own
 * and reset at midnight (about a third cross 80 % each day); the rolling hour wobbles under 80 %.
 */
function stubPlexus(keyCount: number, now: () => number): PlexusApi {
  const names = Array.from({ length: keyCount }, (_, i) => `key-${String(i).padStart(4, '0')}`);
  const rate = (i: number) => ((i * 37) % 125) / 100;
  const keys = () =>
    Object.fromEntries(
      names.map((n) => [
        n,
        { secret: `sk-bench-${n}`, comment: 'bench', quotas: ['tokens-rolling-hour', 'requests-daily'], allowRawPassthrough: false },
      ]),
    );
  const quota = (name: string, limitType: string, limit: number, used: number, resetsAt: string) => ({
    name,
    limitType,
    limit,
    currentUsage: used,
    remaining: Math.max(0, limit - used),
    allowed: used < limit,
    resetsAt,
    scope: {},
    global: true,
    shared: false,
    source: 'assigned',
  });
  const status = (i: number) => {
    const t = now();
    const midnight = Math.floor(t / DAY) * DAY;
    const daily = Math.floor(1000 * Math.min(1, ((t - midnight) / DAY) * rate(i)));
    const hourly = ((i * 53 + Math.floor(t / HOUR) * 7) % 70) * 1000;
    const quotas = [
      quota('tokens-rolling-hour', 'tokens', 100_000, hourly, new Date(t + HOUR).toISOString()),
      quota('requests-daily', 'requests', 1000, daily, new Date(midnight + DAY).toISOString()),
    ];
    return {
      key: names[i],
      quotas,
      quota_name: 'requests-daily',
      allowed: daily < 1000,
      current_usage: daily,
      limit: 1000,
      remaining: 1000 - daily,
      resets_at: quotas[1]!.resetsAt,
    };
  };
  const answer = (path: string): unknown => {
    if (path === '/v0/management/keys') return keys();
    if (path === '/v0/management/cooldowns') return [];
    if (path === '/v0/management/quotas') return [];
    const m = /^\/v0\/management\/quota\/status\/key-(\d+)$/.exec(path);
    if (m) return status(Number(m[1]));
    throw new Error(`bench stub: no route ${path}`);
  };
  const none = async (): Promise<never> => {
    throw new Error('bench stub: only the poll routes');
  };
  return {
    baseUrl: 'http://bench.invalid',
    demo: false,
    async request<T>(_method: string, path: string, opts?: RequestOptions<T>): Promise<T> {
      const data = answer(path);
      return (opts?.schema ? opts.schema.parse(data) : data) as T;
    },
    requestRaw: none,
    stream: none,
    close: async () => {},
  };
}

/** The in-memory store, able to say how many post claims it holds. */
class CountingStore extends MemoryStore {
  get claimCount(): number {
    return Object.keys(this.data.claims).length;
  }
}

/** The same on a state file in a temp dir (BENCH_WATCH_STORE=file): what a bot runs on. */
class CountingFileStore extends FileStore {
  get claimCount(): number {
    return Object.keys(this.data.claims).length;
  }
}

const mb = (b: number) => Math.round(b / 1024 / 1024);

export async function watcherMemory(polls: number, keyCount: number): Promise<MemoryFigures> {
  const logger = pino({ level: 'silent' });
  let t = Date.parse('2026-11-26T12:00:00Z');
  const clock: Clock = { ...systemClock, now: () => t };
  const config: BotConfig = {
    ...loadConfig({}),
    alerts: { pollSeconds: 60, channels: { slack: 'C0ONCALL' }, quota: { thresholds: [80, 95, 100] }, cooldowns: true, keys: ['*'] },
  };
  const bot = wireBot({ config, plexus: stubPlexus(keyCount, clock.now), logger, clock });
  let posts = 0;
  let edits = 0;
  // Counts only: a poster that kept the replies would be what grows.
  const poster: ChannelPoster = {
    platform: 'slack',
    post: async () => ({ messageId: `1700000000.${String(++posts).padStart(6, '0')}` }),
    update: async () => {
      edits++;
    },
  };
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage().rss;
  const stateDir = process.env.BENCH_WATCH_STORE === 'file' ? await mkdtemp(join(tmpdir(), 'bench-watch-')) : undefined;
  const store = stateDir ? new CountingFileStore(stateDir, undefined, clock.now) : new CountingStore(clock.now);
  const watchers = bot.startWatchers({ posters: [poster], store, autoStart: false, delivery: { intervalMs: 0, retryMinMs: 1 } });
  const heap: number[] = [];
  const fifth = Math.max(1, Math.floor(polls / 5));
  const t0 = performance.now();
  for (let i = 0; i < polls; i++) {
    await watchers.tick();
    t += 60_000;
    if ((i + 1) % fifth === 0) {
      gc?.();
      heap.push(mb(process.memoryUsage().heapUsed));
    }
  }
  const ms = performance.now() - t0;
  gc?.();
  const usage = process.memoryUsage();
  const records = (await store.keys('')).length;
  const c0 = performance.now();
  await store.get('quota-samples');
  const sampleBookCopyMs = performance.now() - c0;
  await watchers.stop();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
  return {
    polls,
    keys: keyCount,
    before,
    after: usage.rss,
    heapTotal: mb(usage.heapTotal),
    external: mb(usage.external),
    posts,
    edits,
    ms,
    heap,
    records,
    claims: store.claimCount,
    sampleBookCopyMs,
  };
}

const polls = Number(process.argv[2] ?? 10_000);
const keyCount = Number(process.argv[3] ?? 1_000);
process.stdout.write(JSON.stringify(await watcherMemory(polls, keyCount)));
