import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectPostgres, type PostgresState } from '../src/state/postgres.js';
import { useCleanups } from './support/cleanups.js';
import { freshDatabase } from './support/postgres.js';
import { startScript } from './support/script-process.js';

const url = await freshDatabase();
const cleanup = useCleanups();
let store: PostgresState;
beforeAll(async () => {
  store = await connectPostgres(url);
});
afterAll(async () => {
  await store?.close();
});

it('two processes on one database: the counter is exact, each claim and each job is won once, one leader', async () => {
  const ns = `${randomUUID()}:`;
  const rounds = 200;
  const jobCount = 120;
  for (let i = 0; i < jobCount; i++) await store.schedule({ id: `${ns}j${i}`, kind: `${ns}job`, runAt: Date.now() - 1000, payload: { i } });
  // Both connect and check the schema at once (under the advisory lock one waits for the other; nothing is left to run).
  const workers = ['w1', 'w2'].map((w, i) =>
    startScript('state-worker.ts', { DATABASE_URL: url, WORKER: w, NS: ns, ROUNDS: String(rounds), ...(i ? { DOWN: '1' } : {}) }),
  );
  cleanup(async () => {
    for (const w of workers) await w.kill();
  });
  await Promise.all(workers.map((w) => w.waitFor(/^ready$/)));
  for (const w of workers) w.send('go');
  type Result = { leader: boolean; claims: number[]; jobs: string[]; casRetries: number; startedAt: number; endedAt: number };
  const results = await Promise.all(workers.map(async (w) => JSON.parse((await w.waitFor(/^done /, 60_000)).slice(5)) as Result));

  expect((await store.get<number>(`${ns}counter`))?.value).toBe(2 * rounds);
  expect(results.filter((r) => r.leader)).toHaveLength(1);
  expect(results.flatMap((r) => r.claims).sort((a, b) => a - b)).toEqual(Array.from({ length: rounds }, (_, i) => i));
  for (const [i, r] of results.entries())
    for (const c of r.claims) expect((await store.completed(`${ns}c:${c}`))?.result).toBe(`w${i + 1}`);
  const jobs = results.flatMap((r) => r.jobs);
  expect(jobs).toHaveLength(jobCount);
  expect(new Set(jobs).size).toBe(jobCount);
  for (let i = 0; i < jobCount; i++) expect((await store.job(`${ns}j${i}`))?.state).toBe('done');
  // They ran at once (each began before the other ended), and both won some of the contested work.
  const [one, two] = results as [Result, Result];
  expect(one.startedAt < two.endedAt && two.startedAt < one.endedAt).toBe(true);
  expect(one.jobs.length > 0 && two.jobs.length > 0).toBe(true);
}, 90_000);
