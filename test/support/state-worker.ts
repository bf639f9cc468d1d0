/**
 * One process racing others on one PostgreSQL state store (test/state-postgres-race.test.ts).
 * Env: DATABASE_URL, WORKER (its name), NS (key prefix), ROUNDS, DOWN (go through the claims from the last,
 * so two workers meet in the middle). Prints `ready`, waits for `go` on stdin, then tries to take the
 * leadership lease once, and per round adds 1 to a shared counter with compare-and-set, claims and completes
 * `c:<n>`, and takes and finishes due jobs, until its rounds are done and no job is left. Prints
 * `done <json>` with what it won and when it ran.
 */
import { createInterface } from 'node:readline';
import { connectPostgres } from '../../src/state/postgres.js';

const store = await connectPostgres(process.env.DATABASE_URL!, { max: 4 });
const me = process.env.WORKER!;
const ns = process.env.NS!;
const rounds = Number(process.env.ROUNDS);
const go = new Promise<void>((resolve) => createInterface({ input: process.stdin }).on('line', (l) => l === 'go' && resolve()));
process.stdout.write('ready\n');
await go;

const startedAt = Date.now();
const leader = (await store.acquireLeadership(`${ns}lead`, me, 60_000)) !== undefined;
const claims: number[] = [];
const jobs: string[] = [];
let casRetries = 0;
const takeJobs = async () => {
  const taken = await store.takeDue({ owner: me, leaseMs: 60_000, limit: 2, kinds: [`${ns}job`] });
  for (const j of taken) if (await store.finish(j.id, j.token)) jobs.push(j.id);
  return taken.length;
};
for (let round = 0; round < rounds; round++) {
  const i = process.env.DOWN ? rounds - 1 - round : round;
  for (;;) {
    const cur = await store.get<number>(`${ns}counter`);
    if (await store.compareAndSet(`${ns}counter`, cur?.version ?? 0, (cur?.value ?? 0) + 1)) break;
    casRetries++;
  }
  const token = await store.claim(`${ns}c:${i}`, me, 60_000);
  if (token && (await store.complete(`${ns}c:${i}`, token, me))) claims.push(i);
  await takeJobs();
}
while ((await takeJobs()) > 0) {}
const endedAt = Date.now();
await store.close();
process.stdout.write(`done ${JSON.stringify({ leader, claims, jobs, casRetries, startedAt, endedAt })}\n`);
