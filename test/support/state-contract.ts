import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CLAIM_KEEP_MS, JOB_KEEP_MS, type StateStore } from '../../src/state/store.js';

const MIN = 60_000;
const DAY = 86_400_000;

/** A store over the test's own clock; the backend keeps it open for the file (no clearing: keys are random). */
export type MakeStore = (now: () => number) => Promise<StateStore>;

export interface ContractOptions {
  /** Per-test timeout, for backends behind a network. */
  timeout?: number;
}

/**
 * What every backend of the state layer must do, run by each backend's own test file. Every test gets a fresh
 * namespace (random keys, streams and job ids) and a fake clock, so tests share a store and run in any order.
 */
export function stateContract(name: string, makeStore: MakeStore, options: ContractOptions = {}): void {
  const setup = async () => {
    const clock = { t: Date.parse('2026-11-01T00:00:00Z') };
    const s = await makeStore(() => clock.t);
    const ns = `${randomUUID()}:`;
    return { s, clock, k: (key: string) => `${ns}${key}` };
  };
  const test = (title: string, fn: () => Promise<void>) => it(title, fn, options.timeout);

  describe(`state contract: ${name}`, () => {
    test('records: versions, compare-and-set from absent and from a version, delete, keys by prefix', async () => {
      const { s, k } = await setup();
      expect(await s.get(k('a'))).toBeUndefined();
      expect(await s.put(k('a'), { n: 1 })).toBe(1);
      expect(await s.put(k('a'), { n: 2 })).toBe(2);
      expect(await s.get(k('a'))).toEqual({ value: { n: 2 }, version: 2 });
      expect(await s.compareAndSet(k('a'), 0, { n: 3 })).toBe(false);
      expect(await s.compareAndSet(k('a'), 1, { n: 3 })).toBe(false);
      expect(await s.compareAndSet(k('a'), 2, { n: 3 })).toBe(true);
      expect(await s.get(k('a'))).toEqual({ value: { n: 3 }, version: 3 });
      expect(await s.compareAndSet(k('b'), 1, 'x')).toBe(false);
      expect(await s.compareAndSet(k('b'), 0, 'x')).toBe(true);
      expect(await s.get(k('b'))).toEqual({ value: 'x', version: 1 });
      await s.put(k('b%_\\'), [1, null, 'two']);
      await s.put(k('bc'), true);
      expect((await s.keys(k('b'))).sort()).toEqual([k('b'), k('b%_\\'), k('bc')].sort());
      expect(await s.keys(k('b%'))).toEqual([k('b%_\\')]);
      expect(await s.keys(k('b%_\\'))).toEqual([k('b%_\\')]);
      await s.delete(k('a'));
      await s.delete(k('never'));
      expect(await s.get(k('a'))).toBeUndefined();
      expect(await s.keys(k('a'))).toEqual([]);
      expect(await s.compareAndSet(k('a'), 3, 'late')).toBe(false);
      expect(await s.put(k('a'), 'again')).toBe(1);
    });

    test('records: a value read or written cannot change what is stored; racing writers from one version, one wins', async () => {
      const { s, k } = await setup();
      const v = { list: [1, 2], deep: { x: 'y' } };
      await s.put(k('v'), v);
      v.list.push(3);
      const got = (await s.get<typeof v>(k('v')))!;
      expect(got.value).toEqual({ list: [1, 2], deep: { x: 'y' } });
      expect(() => {
        got.value.deep.x = 'changed';
      }).toThrow(TypeError);
      expect((await s.get<typeof v>(k('v')))!.value.deep.x).toBe('y');

      const wins = await Promise.all(Array.from({ length: 8 }, (_, i) => s.compareAndSet(k('race'), 0, { i })));
      expect(wins.filter(Boolean)).toHaveLength(1);
      const next = await Promise.all(Array.from({ length: 8 }, (_, i) => s.compareAndSet(k('race'), 1, { i })));
      expect(next.filter(Boolean)).toHaveLength(1);
      expect((await s.get(k('race')))?.version).toBe(2);
    });

    test('expiring records read as absent once their time is up, and a write without a ttl clears the expiry', async () => {
      const { s, clock, k } = await setup();
      expect(await s.put(k('e'), 'soon', { ttlMs: MIN })).toBe(1);
      clock.t += MIN - 1;
      expect(await s.get(k('e'))).toEqual({ value: 'soon', version: 1 });
      expect(await s.keys(k('e'))).toEqual([k('e')]);
      clock.t += 1;
      expect(await s.get(k('e'))).toBeUndefined();
      expect(await s.keys(k('e'))).toEqual([]);
      // Expired reads as absent to compare-and-set too: the old version is refused, "absent" wins and starts again at 1.
      expect(await s.compareAndSet(k('e'), 1, 'stale')).toBe(false);
      expect(await s.compareAndSet(k('e'), 0, 'fresh', { ttlMs: MIN })).toBe(true);
      expect(await s.get(k('e'))).toEqual({ value: 'fresh', version: 1 });
      expect(await s.compareAndSet(k('e'), 1, 'kept')).toBe(true);
      clock.t += 10 * MIN;
      expect(await s.get(k('e'))).toEqual({ value: 'kept', version: 2 });

      await s.put(k('p'), 1, { ttlMs: MIN });
      clock.t += 2 * MIN;
      expect(await s.put(k('p'), 2, { ttlMs: MIN })).toBe(1);
      await s.put(k('p'), 3);
      clock.t += DAY;
      expect(await s.get(k('p'))).toEqual({ value: 3, version: 2 });

      await s.put(k('gone'), 'x', { ttlMs: 1 });
      clock.t += 2;
      expect(await s.sweep()).toBeGreaterThanOrEqual(1);
      expect(await s.get(k('gone'))).toBeUndefined();
      expect(await s.get(k('p'))).toEqual({ value: 3, version: 2 });
    });

    test('claims: one holder at a time, a lease runs out and is taken by another, whose token alone counts', async () => {
      const { s, clock, k } = await setup();
      const key = k('post');
      const claims = await Promise.all(['a', 'b', 'c', 'd'].map((o) => s.claim(key, o, MIN)));
      expect(claims.filter(Boolean)).toHaveLength(1);
      const a = claims.find((c) => c !== undefined)!;
      await s.release(key, 'not-the-token');
      expect(await s.claim(key, 'x', MIN)).toBeUndefined();
      clock.t += MIN - 1;
      expect(await s.renew(key, a, MIN)).toBe(true);
      clock.t += MIN - 1;
      expect(await s.claim(key, 'b', MIN)).toBeUndefined();
      clock.t += 2;
      const b = (await s.claim(key, 'b', MIN))!;
      expect(b).toBeTypeOf('string');
      expect(b).not.toBe(a);
      expect(await s.renew(key, a, MIN)).toBe(false);
      expect(await s.complete(key, a, 'm-a')).toBe(false);
      await s.release(key, a);
      expect(await s.claim(key, 'c', MIN)).toBeUndefined();
      expect(await s.completed(key)).toBeUndefined();

      expect(await s.complete(key, b, { messageId: 'm-b' })).toBe(true);
      expect(await s.completed(key)).toEqual({ result: { messageId: 'm-b' } });
      expect(await s.complete(key, b, 'again')).toBe(false);
      expect(await s.renew(key, b, MIN)).toBe(false);
      await s.release(key, b);
      clock.t += CLAIM_KEEP_MS - DAY;
      expect(await s.claim(key, 'c', MIN)).toBeUndefined();
      expect(await s.completed(key)).toEqual({ result: { messageId: 'm-b' } });
      clock.t += 2 * DAY;
      expect(await s.completed(key)).toBeUndefined();
      expect(await s.claim(key, 'c', MIN)).toBeTypeOf('string');
    });

    test('claims: a released lease can be claimed again; a completion without a result reads as an undefined result', async () => {
      const { s, k } = await setup();
      const t1 = (await s.claim(k('r'), 'one', MIN))!;
      await s.release(k('r'), t1);
      const t2 = (await s.claim(k('r'), 'two', MIN))!;
      expect(t2).toBeTypeOf('string');
      expect(await s.complete(k('r'), t1, 'x')).toBe(false);
      expect(await s.complete(k('r'), t2, undefined)).toBe(true);
      expect(await s.completed(k('r'))).toEqual({ result: undefined });
      expect(await s.completed(k('other'))).toBeUndefined();
    });

    test('leadership: one holder, terms only grow, and a stale term is refused', async () => {
      const { s, clock, k } = await setup();
      const name = k('leader');
      expect(await s.leader(name)).toBeUndefined();
      const got = await Promise.all(['r1', 'r2', 'r3'].map((o) => s.acquireLeadership(name, o, MIN)));
      const won = got.filter((l) => l !== undefined);
      expect(won).toHaveLength(1);
      const first = won[0]!;
      expect(first.term).toBeGreaterThanOrEqual(1);
      expect(await s.leader(name)).toEqual(first);
      const other = first.owner === 'r1' ? 'r2' : 'r1';
      expect(await s.acquireLeadership(name, other, MIN)).toBeUndefined();
      // The holder acquiring again extends its own term.
      clock.t += MIN / 2;
      expect(await s.acquireLeadership(name, first.owner, MIN)).toEqual({ ...first, until: clock.t + MIN });
      clock.t += MIN / 2;
      expect((await s.renewLeadership(name, first.term, MIN))?.until).toBe(clock.t + MIN);

      clock.t += MIN;
      expect(await s.leader(name)).toBeUndefined();
      const second = (await s.acquireLeadership(name, other, MIN))!;
      expect(second.owner).toBe(other);
      expect(second.term).toBeGreaterThan(first.term);
      expect(await s.renewLeadership(name, first.term, MIN)).toBeUndefined();
      expect(await s.resignLeadership(name, first.term)).toBe(false);
      expect(await s.leader(name)).toEqual(second);

      expect(await s.resignLeadership(name, second.term)).toBe(true);
      expect(await s.leader(name)).toBeUndefined();
      expect(await s.renewLeadership(name, second.term, MIN)).toBeUndefined();
      const third = (await s.acquireLeadership(name, first.owner, MIN))!;
      expect(third.term).toBeGreaterThan(second.term);
      // The same owner taking the lease again after it ran out is a new term too.
      clock.t += 2 * MIN;
      const fourth = (await s.acquireLeadership(name, first.owner, MIN))!;
      expect(fourth.term).toBeGreaterThan(third.term);
      expect(await s.leader(k('another'))).toBeUndefined();
    });

    test('log: filtered queries, newest first, pages by cursor, streams apart, retention', async () => {
      const { s, clock, k } = await setup();
      const audit = k('audit');
      const users = ['ann', 'bob', 'cid'];
      for (let i = 0; i < 30; i++) {
        clock.t += 1000;
        await s.append(audit, {
          fields: { user: users[i % 3]!, command: i % 2 ? 'keys rotate' : 'quota set', outcome: i % 5 ? 'ok' : 'error', instance: 'prod' },
          data: { i },
        });
      }
      // Two entries at one instant keep the order they were appended in.
      const same = clock.t;
      await s.append(audit, { fields: { user: 'dee' }, data: { i: 30 }, at: same });
      await s.append(audit, { fields: { user: 'dee' }, data: { i: 31 }, at: same });
      await s.append(k('other'), { fields: { user: 'ann' }, data: { i: -1 } });

      const all = await s.query<{ i: number }>(audit, { limit: 1000 });
      expect(all.entries.map((e) => e.data!.i)).toEqual(Array.from({ length: 32 }, (_, i) => 31 - i));
      expect(all.next).toBeUndefined();
      expect(all.entries[0]).toMatchObject({ stream: audit, at: same, fields: { user: 'dee' } });
      expect(new Set(all.entries.map((e) => e.id)).size).toBe(32);

      const ann = await s.query<{ i: number }>(audit, { where: { user: 'ann', outcome: 'error' } });
      expect(ann.entries.map((e) => e.data!.i)).toEqual([15, 0]);
      const start = same - 30_000;
      const ranged = await s.query<{ i: number }>(audit, {
        where: { command: 'keys rotate' },
        since: start + 10_000,
        until: start + 20_000,
      });
      expect(ranged.entries.map((e) => e.data!.i)).toEqual([17, 15, 13, 11, 9]);
      expect((await s.query(audit, { where: { user: 'nobody' } })).entries).toEqual([]);

      const seen: number[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await s.query<{ i: number }>(audit, { where: { instance: 'prod' }, limit: 7, ...(cursor ? { cursor } : {}) });
        seen.push(...page.entries.map((e) => e.data!.i));
        cursor = page.next;
        pages++;
      } while (cursor);
      expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => 29 - i));
      expect(pages).toBe(5);

      // Entry i was appended at start + (i + 1) s.
      expect(await s.prune(audit, start + 10_000)).toBe(9);
      const left = await s.query<{ i: number }>(audit, { limit: 1000 });
      expect(left.entries.at(-1)!.data!.i).toBe(9);
      expect(left.entries).toHaveLength(23);
      expect((await s.query(k('other'))).entries).toHaveLength(1);
    });

    test('jobs: scheduled once by id, taken once when due, finished or failed by their token only', async () => {
      const { s, clock, k } = await setup();
      const kind = k('revert');
      const id = k('job-1');
      expect(await s.schedule({ id, kind, runAt: clock.t + MIN, payload: { undo: 'x' } })).toBe(true);
      expect(await s.schedule({ id, kind, runAt: clock.t, payload: { undo: 'y' } })).toBe(false);
      expect(await s.takeDue({ owner: 'w', leaseMs: MIN, kinds: [kind] })).toEqual([]);
      clock.t += MIN;
      const takes = await Promise.all(['w1', 'w2', 'w3'].map((owner) => s.takeDue({ owner, leaseMs: MIN, kinds: [kind] })));
      const taken = takes.flat();
      expect(taken).toHaveLength(1);
      const job = taken[0]!;
      expect(job).toMatchObject({ id, kind, payload: { undo: 'x' }, state: 'running', attempts: 1, leaseUntil: clock.t + MIN });
      expect(await s.job(id)).toMatchObject({ state: 'running', owner: job.owner });

      // The runner died: after its lease another takes the job, and the first token finishes nothing.
      clock.t += MIN;
      const again = (await s.takeDue({ owner: 'w9', leaseMs: MIN, kinds: [kind] }))[0]!;
      expect(again).toMatchObject({ id, attempts: 2, owner: 'w9' });
      expect(again.token).not.toBe(job.token);
      expect(await s.finish(id, job.token)).toBe(false);
      expect(await s.fail(id, job.token, { error: 'late' })).toBe(false);
      expect(await s.cancel(id)).toBe(false);
      expect(await s.reschedule(id, clock.t + DAY)).toBe(false);
      expect(await s.finish(id, again.token)).toBe(true);
      expect(await s.finish(id, again.token)).toBe(false);
      expect(await s.job(id)).toMatchObject({ state: 'done', attempts: 2 });
      expect(await s.takeDue({ owner: 'w', leaseMs: MIN, kinds: [kind] })).toEqual([]);
      // Scheduling the same id again stays a no-op while the finished job is kept.
      expect(await s.schedule({ id, kind, runAt: clock.t, payload: {} })).toBe(false);
      clock.t += JOB_KEEP_MS + 1;
      await s.sweep();
      expect(await s.job(id)).toBeUndefined();
      expect(await s.job(k('never'))).toBeUndefined();
    });

    test('jobs: failure with a retry, cancel, reschedule, kinds, order and limit', async () => {
      const { s, clock, k } = await setup();
      const [a, b] = [k('kind-a'), k('kind-b')];
      const t0 = clock.t;
      for (let i = 0; i < 5; i++) await s.schedule({ id: k(`a${i}`), kind: a, runAt: t0 + (5 - i) * 1000, payload: { i } });
      await s.schedule({ id: k('b0'), kind: b, runAt: t0, payload: null });
      clock.t += 10_000;
      const first = await s.takeDue<{ i: number }>({ owner: 'w', leaseMs: MIN, kinds: [a], limit: 2 });
      expect(first.map((j) => j.payload.i)).toEqual([4, 3]);

      expect(await s.fail(first[0]!.id, first[0]!.token, { error: 'upstream 502', retryAt: clock.t + MIN })).toBe(true);
      expect(await s.job(first[0]!.id)).toMatchObject({ state: 'pending', runAt: clock.t + MIN, error: 'upstream 502', attempts: 1 });
      expect(await s.fail(first[1]!.id, first[1]!.token, { error: 'gave up' })).toBe(true);
      expect(await s.job(first[1]!.id)).toMatchObject({ state: 'failed', error: 'gave up' });

      expect(await s.cancel(k('a2'))).toBe(true);
      expect(await s.cancel(k('a2'))).toBe(false);
      expect(await s.job(k('a2'))).toMatchObject({ state: 'cancelled' });
      expect(await s.reschedule(k('a1'), clock.t + 2 * MIN, { i: 11 })).toBe(true);
      expect(await s.reschedule(k('nope'), clock.t)).toBe(false);

      const rest = await s.takeDue<{ i: number }>({ owner: 'w', leaseMs: MIN, kinds: [a] });
      expect(rest.map((j) => j.payload.i)).toEqual([0]);
      // A running job whose lease still runs can be neither cancelled nor moved.
      expect(await s.cancel(rest[0]!.id)).toBe(false);
      expect(await s.reschedule(rest[0]!.id, clock.t + DAY)).toBe(false);
      clock.t += 2 * MIN;
      const later = await s.takeDue<{ i: number }>({ owner: 'w', leaseMs: MIN, kinds: [a] });
      expect(later.map((j) => [j.payload.i, j.attempts])).toEqual([
        [0, 2],
        [4, 2],
        [11, 1],
      ]);
      const bs = await s.takeDue({ owner: 'w', leaseMs: MIN, kinds: [b] });
      expect(bs).toMatchObject([{ id: k('b0'), payload: null }]);
    });
  });
}
