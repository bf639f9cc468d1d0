/**
 * Watchers: what one digest costs as the usage table grows (the bot's Plexus
 * calls must not grow with the records), and the watcher's resident memory
 * after many polls over many keys (bench/watch-memory.ts, own process).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pino from 'pino';
import { Pool } from 'undici';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { systemClock, type Clock } from '../src/core/clock.js';
import { createPlexusClient } from '../src/plexus/client.js';
import { startFakePlexus } from '../test/fakes/plexus.js';
import type { MemoryFigures } from './watch-memory.js';
import { median } from './stats.js';

const POLLS = Number(process.env.BENCH_WATCH_POLLS ?? 10_000);
const KEYS = Number(process.env.BENCH_WATCH_KEYS ?? 1_000);
const TARGET_MB = 150;
const ROUNDS = 3;
const root = fileURLToPath(new URL('..', import.meta.url));
const logger = pino({ level: 'silent' });

interface DigestCost {
  calls: number;
  ms: number;
  /** The same requests sent straight to the fake, one after another: the fake's own share (medians of ROUNDS). */
  fakeMs: number;
  /** The first, untimed-in-the-median round. */
  coldMs: number;
}

/** One digest preview against a fake whose usage table holds `n` records: the seeded ones, cloned with spread-out times. */
async function digestCost(n: number): Promise<DigestCost> {
  const t = Date.parse('2026-11-26T12:00:00Z');
  const clock: Clock = { ...systemClock, now: () => t };
  const fake = await startFakePlexus({ now: clock.now });
  const state = fake.gateway.state;
  const template = state.usage;
  const span = 30 * 86_400_000;
  const rows = new Array(n);
  for (let i = 0; i < n; i++) {
    const r = template[i % template.length]!;
    const startTime = t - span + Math.floor((i / n) * span);
    rows[i] = { ...r, requestId: `bench-${i}`, startTime, date: new Date(startTime).toISOString() };
  }
  state.usage = rows;
  const plexus = createPlexusClient({ baseUrl: fake.url, adminKey: fake.adminKey, logger, timeoutMs: 120_000 });
  const app = createApp({ config: loadConfig({}), plexus, logger, clock });
  const raw = new Pool(fake.url, { connections: 1 });
  // Round 0 is reported apart: the first pass over a million fresh rows is mostly warm-up (GC of the new rows, JIT).
  let calls = 0;
  let coldMs = 0;
  const digestTimes: number[] = [];
  const fakeTimes: number[] = [];
  for (let round = 0; round <= ROUNDS; round++) {
    fake.reset();
    const t0 = performance.now();
    await app.deps.digests!.preview('daily');
    const ms = performance.now() - t0;
    const sent = fake.requests.map((r) => ({ method: r.method, path: r.query ? `${r.path}?${r.query}` : r.path }));
    const r0 = performance.now();
    for (const s of sent) {
      const res = await raw.request({ method: s.method as 'GET', path: s.path, headers: { 'x-admin-key': fake.adminKey } });
      await res.body.arrayBuffer();
    }
    if (round === 0) {
      coldMs = ms;
      continue;
    }
    calls = Math.max(calls, sent.length);
    digestTimes.push(ms);
    fakeTimes.push(performance.now() - r0);
  }
  await raw.close();
  await plexus.close();
  await fake.close();
  return { calls, ms: median(digestTimes), fakeMs: median(fakeTimes), coldMs };
}

/**
 * Compiles watch-memory.ts (and the src it imports) to plain JS, as the bot
 * ships, so the figure is not the TypeScript loader's; falls back to tsx.
 */
async function memoryCommand(): Promise<{ args: string[]; how: string }> {
  const dir = `${root}node_modules/.cache/plexus-bench`;
  try {
    await mkdir(dir, { recursive: true });
    const tsconfig = {
      extends: '../../../tsconfig.json',
      compilerOptions: { noEmit: false, noCheck: true, outDir: 'out', rootDir: '../../..' },
      include: [],
      files: ['../../../bench/watch-memory.ts'],
    };
    await writeFile(`${dir}/tsconfig.json`, JSON.stringify(tsconfig));
    await promisify(execFile)(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${dir}/tsconfig.json`], { cwd: root });
    return { args: ['--expose-gc', `${dir}/out/bench/watch-memory.js`], how: 'compiled JS' };
  } catch {
    return {
      args: ['--expose-gc', '--import', 'tsx', `${root}bench/watch-memory.ts`],
      how: 'tsx (compiling failed), RSS includes the loader',
    };
  }
}

async function inChild(args: string[]): Promise<MemoryFigures> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...args, String(POLLS), String(KEYS)], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(out) as MemoryFigures) : reject(new Error(`watch-memory exited ${code}`)),
    );
  });
}

const mb = (b: number) => (b / 1024 / 1024).toFixed(0);

export async function benchWatch(): Promise<boolean> {
  const small = await digestCost(1_000);
  const large = await digestCost(1_000_000);
  const share = (d: DigestCost) => `${((d.fakeMs / d.ms) * 100).toFixed(0)} %`;
  console.log(`\n== watch: one digest (built-in daily preview) on the Plexus fake, median of ${ROUNDS} after a first run`);
  console.log(
    `  1 000 usage records       ${small.calls} Plexus calls, ${small.ms.toFixed(0)} ms, first run ${small.coldMs.toFixed(0)} ms ` +
      `(the fake answering those calls alone: ${small.fakeMs.toFixed(0)} ms, ${share(small)})`,
  );
  console.log(
    `  1 000 000 usage records   ${large.calls} Plexus calls, ${large.ms.toFixed(0)} ms, first run ${large.coldMs.toFixed(0)} ms ` +
      `(the fake answering those calls alone: ${large.fakeMs.toFixed(0)} ms, ${share(large)})`,
  );
  console.log(`  ratio 1M / 1k             calls ${(large.calls / small.calls).toFixed(2)}, time ${(large.ms / small.ms).toFixed(1)}`);
  const botMs = (d: DigestCost) => Math.max(0, d.ms - d.fakeMs);
  const why =
    large.fakeMs >= large.ms / 2
      ? 'most of the 1M time is the demo gateway aggregating the records server-side, not the bot'
      : "the bot's own part grew: look into it";
  console.log(`  bot's own part            ${botMs(small).toFixed(0)} ms at 1k, ${botMs(large).toFixed(0)} ms at 1M: ${why}`);

  const cmd = await memoryCommand();
  const state = process.env.BENCH_WATCH_STORE === 'file' ? 'state file' : 'in-memory state';
  console.log(
    `== watch: ${POLLS} polls over ${KEYS} keys x 2 user quotas ` +
      `(own process, ${cmd.how}, in-process stub Plexus, fake clock 60 s a poll, ${state})`,
  );
  const mem = await inChild(cmd.args);
  const met = mem.after <= TARGET_MB * 1024 * 1024;
  console.log(
    `  RSS after a forced GC     before the watcher ${mb(mem.before)} MB, after ${mb(mem.after)} MB ` +
      `(+${mb(mem.after - mem.before)} MB); target <= ${TARGET_MB} MB: ${met ? 'met' : 'NOT met'}`,
  );
  console.log(
    `  heap used at each fifth   ${mem.heap.join(', ')} MB (heap total ${mem.heapTotal} MB, external ${mem.external} MB at the end)`,
  );
  console.log(
    `  alerts                    ${mem.posts} posted, ${mem.edits} edited; ${mem.records} state records, ${mem.claims} post claims kept`,
  );
  console.log(
    `  time                      ${(mem.ms / 1000).toFixed(0)} s, ${(mem.ms / mem.polls).toFixed(1)} ms a poll; ` +
      `one copy of the quota sample book ${mem.sampleBookCopyMs.toFixed(1)} ms (a poll makes two)`,
  );
  return small.calls === large.calls;
}
