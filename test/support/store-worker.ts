/**
 * One process racing others on one FileStore (test/watch-store.test.ts).
 * Env: STATE_DIR, WORKER (its name), ROUNDS, DOWN (go through the claims
 * from the last, so two workers meet in the middle). Prints `ready`, waits
 * for `go` on stdin, then per round adds 1 to a shared counter with
 * compare-and-set and tries to claim and complete `c:<n>`; a single
 * compare-and-set on a new key `first` as well. Prints `done <json>` with
 * what it won and when it ran.
 */
import { createInterface } from 'node:readline';
import { FileStore } from '../../src/watch/file-store.js';
import { mutate } from '../../src/watch/state-store.js';

const store = new FileStore(process.env.STATE_DIR!);
const me = process.env.WORKER!;
const rounds = Number(process.env.ROUNDS);
const go = new Promise<void>((resolve) => createInterface({ input: process.stdin }).on('line', (l) => l === 'go' && resolve()));
process.stdout.write('ready\n');
await go;

const claims: number[] = [];
let first = false;
const startedAt = Date.now();
for (let round = 0; round < rounds; round++) {
  const i = process.env.DOWN ? rounds - 1 - round : round;
  // Enough attempts that only a broken compare-and-set (a lost update) can miss the count, not a long losing streak.
  await mutate<number>(store, 'counter', (n) => (n ?? 0) + 1, 10_000);
  const token = await store.claim(`c:${i}`, me, 60_000);
  if (token && (await store.complete(`c:${i}`, token, me))) claims.push(i);
  if (round === Math.floor(rounds / 2)) first = await store.compareAndSet('first', 0, me);
}
const endedAt = Date.now();
await store.flush();
process.stdout.write(`done ${JSON.stringify({ claims, first, startedAt, endedAt })}\n`);
