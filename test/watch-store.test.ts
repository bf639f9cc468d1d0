import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.js';
import { FileStore, STATE_FILE } from '../src/watch/file-store.js';
import { addSample, forecast, type Sample } from '../src/watch/forecast.js';
import { parsePrometheus } from '../src/plexus/prometheus-text.js';
import { deltaOf, snapshotOf } from '../src/watch/metrics-snapshot.js';
import { Loop } from '../src/watch/scheduler.js';
import { MemoryStore, mutate } from '../src/watch/state-store.js';
import { useCleanups } from './support/cleanups.js';
import { startScript } from './support/script-process.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

const cleanup = useCleanups();
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'watch-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('state store', () => {
  it('compare-and-set lets exactly one of racing writers win, and claims are at most once until released', async () => {
    const s = new MemoryStore();
    const wins = await Promise.all([1, 2, 3].map((n) => s.compareAndSet('k', 0, { n })));
    expect(wins.filter(Boolean)).toHaveLength(1);
    const cur = await s.get<{ n: number }>('k');
    expect(cur?.version).toBe(1);
    expect(await s.compareAndSet('k', 0, { n: 9 })).toBe(false);
    expect(await s.compareAndSet('k', 1, { n: 9 })).toBe(true);

    const claims = await Promise.all(['a', 'b', 'c'].map((o) => s.claim('post:x', o, MIN)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    await s.release('post:x', 'not-the-token');
    expect(await s.claim('post:x', 'b', MIN)).toBeUndefined();
    const token = claims.find((c) => c !== undefined)!;
    await s.release('post:x', token);
    expect(await s.claim('post:x', 'b', MIN)).toBeTypeOf('string');

    // The same between two processes, each with its own FileStore over one file.
    const rounds = 150;
    const workers = ['w1', 'w2'].map((w, i) =>
      startScript('store-worker.ts', { STATE_DIR: dir, WORKER: w, ROUNDS: String(rounds), ...(i ? { DOWN: '1' } : {}) }),
    );
    cleanup(async () => {
      for (const w of workers) await w.kill();
    });
    await Promise.all(workers.map((w) => w.waitFor(/^ready$/)));
    for (const w of workers) w.send('go');
    type Result = { claims: number[]; first: boolean; startedAt: number; endedAt: number };
    const results = await Promise.all(workers.map(async (w) => JSON.parse((await w.waitFor(/^done /, 60_000)).slice(5)) as Result));
    const file = new FileStore(dir);
    expect((await file.get<number>('counter'))?.value).toBe(2 * rounds);
    expect(results.filter((r) => r.first)).toHaveLength(1);
    expect((await file.get<string>('first'))?.value).toBe(['w1', 'w2'][results.findIndex((r) => r.first)]);
    const won = results.flatMap((r) => r.claims);
    expect(won.sort((x, y) => x - y)).toEqual(Array.from({ length: rounds }, (_, i) => i));
    // They ran at once (each began before the other ended). Who wins which key is up to the scheduler.
    const [one, two] = results as [Result, Result];
    expect(one.startedAt < two.endedAt && two.startedAt < one.endedAt).toBe(true);
    for (const [i, r] of results.entries()) for (const c of r.claims) expect((await file.completed(`c:${c}`))?.result).toBe(`w${i + 1}`);
  }, 90_000);

  it('a lease runs out and is taken by another, whose token alone renews or completes it; a completed claim keeps its result', async () => {
    let t = 1_000_000;
    const s = new MemoryStore(() => t);
    const a = (await s.claim('post:y', 'a', MIN))!;
    t += MIN - 1;
    expect(await s.claim('post:y', 'b', MIN)).toBeUndefined();
    expect(await s.renew('post:y', a, MIN)).toBe(true);
    t += MIN - 1;
    expect(await s.claim('post:y', 'b', MIN)).toBeUndefined();
    t += 2;
    const b = (await s.claim('post:y', 'b', MIN))!;
    expect(b).toBeTypeOf('string');
    expect(b).not.toBe(a);
    // The first holder's lease is gone: its token changes nothing.
    expect(await s.renew('post:y', a, MIN)).toBe(false);
    expect(await s.complete('post:y', a, 'm-a')).toBe(false);
    await s.release('post:y', a);
    expect(await s.completed('post:y')).toBeUndefined();
    expect(await s.claim('post:y', 'c', MIN)).toBeUndefined();

    expect(await s.complete('post:y', b, 'm-b')).toBe(true);
    expect(await s.completed<string>('post:y')).toEqual({ result: 'm-b' });
    t += 29 * 86_400_000;
    expect(await s.claim('post:y', 'c', MIN)).toBeUndefined();
    expect(await s.renew('post:y', b, MIN)).toBe(false);
    await s.release('post:y', b);
    expect(await s.completed<string>('post:y')).toEqual({ result: 'm-b' });
  });

  it('mutate retries a lost race and a value read from the store cannot change it', async () => {
    const s = new MemoryStore();
    await s.put('n', { v: 0 });
    await Promise.all(Array.from({ length: 5 }, () => mutate<{ v: number }>(s, 'n', (c) => ({ v: (c?.v ?? 0) + 1 }))));
    const got = await s.get<{ v: number }>('n');
    expect(got?.value.v).toBe(5);
    expect(() => {
      got!.value.v = 100;
    }).toThrow(TypeError);
    expect((await s.get<{ v: number }>('n'))?.value.v).toBe(5);
  });

  it('the file store survives a restart, writes a private file atomically, and sets a broken file aside', async () => {
    const a = new FileStore(dir);
    await a.put('alert:x', { state: 'active' });
    const token = (await a.claim('post:x', 'one', MIN))!;
    expect(await a.claim('post:z', 'one', MIN)).toBeTypeOf('string');
    expect(await a.complete('post:x', token, 'm1')).toBe(true);
    await a.flush();
    expect((await stat(join(dir, STATE_FILE))).mode & 0o777).toBe(0o600);

    const b = new FileStore(dir);
    expect((await b.get('alert:x'))?.value).toEqual({ state: 'active' });
    expect(await b.claim('post:x', 'two', MIN)).toBeUndefined();
    expect(await b.completed('post:x')).toEqual({ result: 'm1' });
    expect(await b.claim('post:z', 'two', MIN)).toBeUndefined();
    expect(await b.keys('alert:')).toEqual(['alert:x']);

    await writeFile(join(dir, STATE_FILE), '{"records": {"alert:x": ');
    const logs: string[] = [];
    const c = new FileStore(
      dir,
      createLogger({ level: 'info', secrets: () => [], destination: { write: (l: string) => void logs.push(l) } }),
    );
    expect(await c.get('alert:x')).toBeUndefined();
    expect(logs.join('')).toContain('watch state file unreadable');
    expect((await readdir(dir)).some((f) => f.startsWith(`${STATE_FILE}.broken-`))).toBe(true);
    await c.put('k', 1);
    await c.flush();
    expect(JSON.parse(await readFile(join(dir, STATE_FILE), 'utf8')).records.k.value).toBe(1);
  });
});

describe('burn-rate forecast', () => {
  const burn = (from: number, perMin: number, minutes: number, start = 0): Sample[] => {
    let s: Sample[] = [];
    for (let i = 0; i <= minutes; i++) s = addSample(s, { t: from + i * MIN, used: start + perMin * i });
    return s;
  };

  it('a steady burn forecasts the true time to exhaustion', () => {
    const t0 = Date.parse('2026-11-26T12:00:00Z');
    const samples = burn(t0, 100, 30, 1000); // 4000 used after 30 min, 100 a minute
    const now = t0 + 30 * MIN;
    const f = forecast(samples, 10_000, now, now + 24 * HOUR);
    const truth = 60 * MIN; // 6000 left at 100 a minute
    expect(Math.abs(f.exhaustAt! - now - truth)).toBeLessThanOrEqual(truth * 0.1);
    expect(f.text).toBe('at this rate exhausted in about 1 h');
  });

  it('says "not before reset" when the limit would be reached after the reset, and nothing alarming when usage is flat', () => {
    const t0 = 0;
    const now = t0 + 30 * MIN;
    expect(forecast(burn(t0, 10, 30, 0), 10_000, now, now + HOUR).text).toBe('at this rate not exhausted before the reset (in 1 h)');
    expect(forecast(burn(t0, 0, 30, 500), 10_000, now, null).text).toBe('usage is not rising: not exhausted at this rate');
    expect(forecast(burn(t0, 10, 0, 0), 10_000, t0, null).text).toBe('no forecast yet (needs another reading)');
  });

  it('a drop in usage (a reset) starts a new series', () => {
    const s = addSample(burn(0, 50, 10, 0), { t: 11 * MIN, used: 3 });
    expect(s).toEqual([{ t: 11 * MIN, used: 3 }]);
  });
});

describe('metrics snapshots', () => {
  it('reads the counters of a real Plexus answer, and a counter that went down counts as restarted', async () => {
    const sample = JSON.parse(await readFile(new URL('./fixtures/samples/metrics.json', import.meta.url), 'utf8')) as { body: string };
    expect(parsePrometheus('a_total{x="q\\"uote"} 3\n# HELP b\nbroken line\n')).toEqual([
      { name: 'a_total', labels: { x: 'q"uote' }, value: 3 },
    ]);
    const snap = snapshotOf(sample.body, 1);
    expect(snap.requests).toBe(13);
    expect(snap.errors).toBe(8);
    expect(snap.providers['anthropic-like']).toEqual({ requests: 5, cost: 0.000508 });
    expect(snap.aliases['smart-model']).toEqual({ requests: 5, cost: null });
    expect(snap.keys['bot-basic']?.requests).toBe(8);

    const later = { ...snap, at: 2, requests: 20, errors: 9 };
    expect(deltaOf(later, snap)).toMatchObject({ requests: 7, errors: 1, reset: false });
    const restarted = { ...snap, at: 3, requests: 4 };
    expect(deltaOf(restarted, snap)).toMatchObject({ requests: 4, reset: true });
    expect(() => snapshotOf('<html>502</html>', 1)).toThrow(/plexus_requests_total/);
  });
});

describe('loop', () => {
  it('a failing tick is logged, never thrown, and ticks never overlap', async () => {
    const logs: string[] = [];
    let running = 0;
    let overlap = false;
    let n = 0;
    const loop = new Loop(
      async () => {
        running++;
        overlap ||= running > 1;
        await new Promise((r) => setImmediate(r));
        running--;
        if (++n % 2 === 1) throw new Error('boom');
      },
      () => 60_000,
      createLogger({ level: 'info', secrets: () => [], destination: { write: (l: string) => void logs.push(l) } }),
    );
    await Promise.all([loop.runNow(), loop.runNow(), loop.runNow(), loop.runNow()]);
    await loop.stop();
    expect(n).toBe(4);
    expect(overlap).toBe(false);
    expect(logs.filter((l) => l.includes('watcher tick failed'))).toHaveLength(2);
  });
});

describe('claims over a long run', () => {
  it('a completed claim older than 30 days is dropped, a recent one kept', async () => {
    let t = Date.parse('2026-11-01T00:00:00Z');
    const s = new MemoryStore(() => t);
    const old = (await s.claim('post:old', 'me', MIN))!;
    expect(await s.complete('post:old', old, 'm1')).toBe(true);
    t += 31 * 86_400_000;
    const fresh = (await s.claim('post:new', 'me', MIN))!;
    expect(fresh).toBeTypeOf('string');
    expect(await s.complete('post:new', fresh, 'm2')).toBe(true);
    expect(await s.completed('post:old')).toBeUndefined();
    expect(await s.claim('post:old', 'me', MIN)).toBeTypeOf('string');
    expect(await s.claim('post:new', 'me', MIN)).toBeUndefined();
  });

  it('a claim file from before leases: its claims count as done', async () => {
    const t = Date.parse('2026-11-01T00:00:00Z');
    await writeFile(join(dir, STATE_FILE), JSON.stringify({ records: {}, claims: { 'post:a': { owner: 'old', at: t - 86_400_000 } } }));
    const s = new FileStore(dir, undefined, () => t);
    expect(await s.claim('post:a', 'me', MIN)).toBeUndefined();
    expect(await s.completed('post:a')).toEqual({ result: undefined });
  });
});
