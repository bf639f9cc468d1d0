/**
 * `npm run bench -- state`: p50/p99 of each state-layer primitive, one caller at a time, on the memory backend
 * (the baseline) and on PostgreSQL (TEST_DATABASE_URL, or an embedded server started here, over 127.0.0.1).
 * Each primitive is timed in its common case: a write that wins, a claim of a new key, a job taken and finished.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { MemoryState } from '../src/state/memory.js';
import { connectPostgres } from '../src/state/postgres.js';
import type { StateStore } from '../src/state/store.js';
import { startEmbeddedPostgres } from '../test/support/embedded-postgres.js';
import { percentile } from './stats.js';

const N = Number(process.env.BENCH_ITERATIONS ?? 200);
const MIN = 60_000;

type Op = (s: StateStore, i: number, ns: string) => Promise<unknown>;

/** Each op is timed alone; `prepare` runs untimed before the loop (rows to read, claims to complete …). */
const primitives: { name: string; prepare?: Op; op: Op }[] = [
  { name: 'get', prepare: (s, i, ns) => s.put(`${ns}r${i}`, { i, text: 'x'.repeat(200) }), op: (s, i, ns) => s.get(`${ns}r${i}`) },
  { name: 'put', op: (s, i, ns) => s.put(`${ns}p${i % 20}`, { i, text: 'x'.repeat(200) }) },
  { name: 'put with ttl', op: (s, i, ns) => s.put(`${ns}t${i % 20}`, { i }, { ttlMs: MIN }) },
  {
    name: 'compareAndSet',
    prepare: (s, i, ns) => s.put(`${ns}c${i}`, { i }),
    op: (s, i, ns) => s.compareAndSet(`${ns}c${i}`, 1, { i: i + 1 }),
  },
  { name: 'keys (20 of many)', prepare: (s, i, ns) => s.put(`${ns}k${i % 15}:${i}`, i), op: (s, i, ns) => s.keys(`${ns}k${i % 15}:`) },
  { name: 'claim', op: (s, i, ns) => s.claim(`${ns}claim${i}`, 'bench', MIN) },
  {
    name: 'claim + complete',
    op: async (s, i, ns) => s.complete(`${ns}done${i}`, (await s.claim(`${ns}done${i}`, 'bench', MIN))!, { messageId: `m${i}` }),
  },
  { name: 'leadership renew', prepare: (s, _i, ns) => s.acquireLeadership(`${ns}lead`, 'bench', MIN), op: (s, _i, ns) => lead(s, ns) },
  {
    name: 'log append',
    op: (s, i, ns) => s.append(`${ns}audit`, { fields: { user: `u${i % 7}`, command: 'keys rotate', outcome: 'ok' }, data: { i } }),
  },
  { name: 'log query (user, 20)', op: (s, i, ns) => s.query(`${ns}audit`, { where: { user: `u${i % 7}` }, limit: 20 }) },
  {
    name: 'job schedule',
    op: (s, i, ns) => s.schedule({ id: `${ns}job${i}`, kind: `${ns}kind`, runAt: Date.now() - 1, payload: { i } }),
  },
  {
    name: 'job take + finish',
    op: async (s, _i, ns) => {
      const [j] = await s.takeDue({ owner: 'bench', leaseMs: MIN, limit: 1, kinds: [`${ns}kind`] });
      if (!j || !(await s.finish(j.id, j.token))) throw new Error('no job to take');
    },
  },
];

async function lead(s: StateStore, ns: string): Promise<void> {
  const l = await s.leader(`${ns}lead`);
  if (!l || !(await s.renewLeadership(`${ns}lead`, l.term, MIN))) throw new Error('lost the lease');
}

async function measure(s: StateStore): Promise<Map<string, { p50: number; p99: number }>> {
  const ns = `${randomUUID()}:`;
  const out = new Map<string, { p50: number; p99: number }>();
  for (const p of primitives) {
    if (p.prepare) for (let i = 0; i < N; i++) await p.prepare(s, i, ns);
    const times: number[] = [];
    for (let i = 0; i < N; i++) {
      const t = performance.now();
      await p.op(s, i, ns);
      times.push(performance.now() - t);
    }
    const warm = times.slice(Math.floor(N / 10));
    out.set(p.name, { p50: percentile(warm, 50), p99: percentile(warm, 99) });
  }
  return out;
}

const us = (ms: number) => `${(ms * 1000).toFixed(0).padStart(6)} µs`;

export async function benchState(): Promise<boolean> {
  const given = process.env.TEST_DATABASE_URL;
  const server = given ? undefined : await startEmbeddedPostgres();
  const admin = given ?? server!.url;
  const db = `bench_${randomUUID().replaceAll('-', '')}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`CREATE DATABASE ${db}`);
  const url = new URL(admin);
  url.pathname = `/${db}`;
  const postgres = await connectPostgres(url.toString());
  try {
    const memory = await measure(new MemoryState());
    const pgFigures = await measure(postgres);
    console.log(`\n== state: each primitive, one caller at a time (${N} runs, first 10 % dropped)`);
    const head = ['memory p50'.padStart(10), 'p99'.padStart(9), '  ', 'postgres p50'.padStart(12), 'p99'.padStart(9), ' x p50'];
    console.log(`  ${'primitive'.padEnd(22)} ${head.join(' ')}`);
    for (const [name, m] of memory) {
      const p = pgFigures.get(name)!;
      const ratio = (p.p50 / Math.max(m.p50, 0.001)).toFixed(0);
      console.log(
        `  ${name.padEnd(22)} ${us(m.p50).padStart(10)} ${us(m.p99)}   ${us(p.p50).padStart(12)} ${us(p.p99)}  ${ratio.padStart(5)}`,
      );
    }
    console.log(`  postgres: ${given ? 'TEST_DATABASE_URL' : 'embedded server'} over 127.0.0.1; ratio against memory's p50 (floor 1 µs)`);
    return true;
  } finally {
    await postgres.close();
    await c.query(`DROP DATABASE ${db} WITH (FORCE)`);
    await c.end();
    await server?.stop();
  }
}
