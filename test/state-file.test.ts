import { appendFile, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type FileState, LOG_FILE, openFileState, StateLockedError } from '../src/state/file.js';
import { FileStore } from '../src/watch/file-store.js';
import { useCleanups } from './support/cleanups.js';
import { startScript } from './support/script-process.js';
import { stateContract } from './support/state-contract.js';

const MIN = 60_000;
const opened: { s: FileState; dir: string }[] = [];
const cleanup = useCleanups();

afterAll(async () => {
  for (const { s, dir } of opened) {
    await s.close();
    await rm(dir, { recursive: true, force: true });
  }
});

const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'state-file-'));
  cleanup(() => rm(dir, { recursive: true, force: true }));
  return dir;
};

stateContract('file', async (now) => {
  const dir = await mkdtemp(join(tmpdir(), 'state-file-contract-'));
  const s = await openFileState(dir, { now });
  opened.push({ s, dir });
  return s;
});

describe('file state', () => {
  it('keeps everything across a close and a reopen: records, claims, leadership, log, jobs', async () => {
    const dir = await tempDir();
    const clock = { t: Date.parse('2026-11-01T00:00:00Z') };
    const now = () => clock.t;
    const a = await openFileState(dir, { now });
    await a.put('rec', { n: 1 });
    await a.put('rec', { n: 2 });
    await a.put('soon', 'x', { ttlMs: MIN });
    const lease = (await a.claim('lease', 'me', MIN))!;
    const done = (await a.claim('done', 'me', MIN))!;
    await a.complete('done', done, { messageId: 'm1' });
    const lead = (await a.acquireLeadership('lead', 'me', MIN))!;
    const e1 = await a.append('audit', { fields: { user: 'ann' }, data: { i: 1 } });
    const e2 = await a.append('audit', { fields: { user: 'bob' }, data: { i: 2 } });
    await a.schedule({ id: 'job', kind: 'k', runAt: clock.t, payload: { undo: 'x' } });
    const [taken] = await a.takeDue({ owner: 'me', leaseMs: MIN });
    await a.close();

    const b = await openFileState(dir, { now });
    cleanup(() => b.close());
    expect(await b.get('rec')).toEqual({ value: { n: 2 }, version: 2 });
    expect(await b.get('soon')).toEqual({ value: 'x', version: 1 });
    expect(await b.renew('lease', lease, MIN)).toBe(true);
    expect(await b.claim('lease', 'other', MIN)).toBeUndefined();
    expect(await b.completed('done')).toEqual({ result: { messageId: 'm1' } });
    expect(await b.leader('lead')).toEqual(lead);
    const log = await b.query<{ i: number }>('audit');
    expect(log.entries.map((e) => [e.id, e.data!.i])).toEqual([
      [e2.id, 2],
      [e1.id, 1],
    ]);
    const e3 = await b.append('audit', { data: { i: 3 } });
    expect(Number(e3.id)).toBeGreaterThan(Number(e2.id));
    expect(await b.job('job')).toMatchObject({ state: 'running', owner: 'me', attempts: 1 });
    expect(await b.finish('job', taken!.token)).toBe(true);
    // What is read back is frozen, as in memory.
    const got = (await b.get<{ n: number }>('rec'))!;
    expect(() => {
      got.value.n = 9;
    }).toThrow(TypeError);
    clock.t += MIN;
    expect(await b.get('soon')).toBeUndefined();
  });

  it('skips a torn last line, and later writes are not glued to it', async () => {
    const dir = await tempDir();
    const a = await openFileState(dir);
    await a.put('a', 1);
    await a.put('b', 2);
    await a.close();
    // A crash in the middle of the write of `c`: half a line, no newline.
    await appendFile(join(dir, LOG_FILE), '{"t":"r","k":"c","v":{"val');
    const b = await openFileState(dir);
    expect(await b.get('a')).toEqual({ value: 1, version: 1 });
    expect(await b.get('b')).toEqual({ value: 2, version: 1 });
    expect(await b.get('c')).toBeUndefined();
    await b.put('c', 3);
    await b.close();
    const c = await openFileState(dir);
    cleanup(() => c.close());
    expect(await c.get('c')).toEqual({ value: 3, version: 1 });
    expect(await c.keys('')).toEqual(expect.arrayContaining(['a', 'b', 'c']));
  });

  it('appends a write instead of rewriting the file, so its cost does not grow with history', async () => {
    const dir = await tempDir();
    const s = await openFileState(dir, { compactMinBytes: 1 << 30 });
    cleanup(() => s.close());
    const value = { text: 'x'.repeat(100) };
    for (let i = 0; i < 20; i++) await s.put(`k${i}`, value);
    const early = await stat(s.path);
    await s.put('probe', value);
    const earlyStep = (await stat(s.path)).size - early.size;
    for (let i = 0; i < 2000; i++) await s.put(`k${i % 20}`, value);
    const late = await stat(s.path);
    await s.put('probe', value);
    const after = await stat(s.path);
    // The same file (never replaced), grown by one line whether it holds 20 writes or 2000.
    expect(after.ino).toBe(early.ino);
    expect(after.size - late.size).toBe(earlyStep);
    expect(earlyStep).toBeLessThan(200);
    expect(after.size).toBeGreaterThan(2000 * 100);
  });

  it('compacts when the file outgrows its live size, keeping it bounded and the state whole', async () => {
    const dir = await tempDir();
    const a = await openFileState(dir, { compactMinBytes: 16_384, compactFactor: 4 });
    const value = { text: 'y'.repeat(100) };
    const first = await stat(a.path);
    let largest = 0;
    for (let i = 0; i < 3000; i++) {
      await a.put(`k${i % 10}`, { ...value, i });
      largest = Math.max(largest, a.size);
    }
    await a.append('log', { data: { kept: true } });
    expect((await stat(a.path)).ino).not.toBe(first.ino);
    // 10 live records of ~150 bytes: the file never reaches more than the threshold plus one write.
    expect(largest).toBeLessThan(16_384 + 1000);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    await a.close();
    const b = await openFileState(dir);
    cleanup(() => b.close());
    expect(await b.get('k9')).toEqual({ value: { ...value, i: 2999 }, version: 300 });
    expect((await b.query('log')).entries).toHaveLength(1);
  });

  it('migrates a watch-state.json on first open and sets it aside', async () => {
    const dir = await tempDir();
    let t = Date.parse('2026-11-01T00:00:00Z');
    const old = new FileStore(dir, undefined, () => t);
    await old.put('alert:a', { state: 'firing' });
    await old.put('alert:a', { state: 'resolved' });
    await old.put('digest:daily', { slot: 7 });
    const posted = (await old.claim('post:1', 'bot', MIN))!;
    await old.complete('post:1', posted, { messageId: 'm-1' });
    const held = (await old.claim('post:2', 'bot', 10 * MIN))!;
    await old.claim('post:3', 'bot', 1000);
    t += 2000;

    const s = await openFileState(dir, { now: () => t });
    expect(await s.get('alert:a')).toEqual({ value: { state: 'resolved' }, version: 2 });
    expect(await s.get('digest:daily')).toEqual({ value: { slot: 7 }, version: 1 });
    expect(await s.completed('post:1')).toEqual({ result: { messageId: 'm-1' } });
    expect(await s.claim('post:1', 'other', MIN)).toBeUndefined();
    // A lease still running keeps its holder's token; one that ran out is gone.
    expect(await s.claim('post:2', 'other', MIN)).toBeUndefined();
    expect(await s.renew('post:2', held, MIN)).toBe(true);
    expect(await s.claim('post:3', 'other', MIN)).toBeTypeOf('string');
    const files = await readdir(dir);
    expect(files).toContain('watch-state.json.migrated');
    expect(files).not.toContain('watch-state.json');
    await s.put('alert:a', { state: 'firing' });
    await s.close();

    // Once: the reopened store keeps what was written since, not the old file's value.
    const again = await openFileState(dir, { now: () => t });
    cleanup(() => again.close());
    expect(await again.get('alert:a')).toEqual({ value: { state: 'firing' }, version: 3 });
    expect(JSON.parse(await readFile(join(dir, 'watch-state.json.migrated'), 'utf8')).records['digest:daily'].version).toBe(1);
  });

  it('refuses a second process on the same STATE_DIR (exit 2, naming the directory and the pid that holds it)', async () => {
    const dir = await tempDir();
    const holder = startScript('file-state-worker.ts', { STATE_DIR: dir });
    cleanup(() => holder.kill());
    const pid = Number((await holder.waitFor(/^ready \d+$/)).split(' ')[1]);
    expect(pid).toBe(holder.child.pid);

    const second = startScript('file-state-worker.ts', { STATE_DIR: dir });
    cleanup(() => second.kill());
    expect((await second.exited).code).toBe(2);
    expect(second.stderr()).toContain(dir);
    expect(second.stderr()).toContain(`pid ${pid}`);
    expect(second.lines).toEqual([]);

    // The same in this process, as a typed error.
    const err = await openFileState(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateLockedError);
    expect(err).toMatchObject({ dir, pid });

    // A write resolved in the holder is on disk: killed at once after, the next opener finds it, and takes
    // over the lock of the dead process without waiting for it to go stale.
    holder.send('put k {"n":1}');
    await holder.waitFor(/^put 1$/);
    await holder.kill();
    const next = await openFileState(dir);
    cleanup(() => next.close());
    expect(await next.get('k')).toEqual({ value: { n: 1 }, version: 1 });
  });

  it('lets the next process in once the holder closed', async () => {
    const dir = await tempDir();
    const holder = startScript('file-state-worker.ts', { STATE_DIR: dir });
    cleanup(() => holder.kill());
    await holder.waitFor(/^ready/);
    holder.send('put a "one"');
    await holder.waitFor(/^put 1$/);
    holder.send('close');
    await holder.waitFor(/^closed$/);
    expect((await holder.exited).code).toBe(0);
    const s = await openFileState(dir);
    cleanup(() => s.close());
    expect(await s.get('a')).toEqual({ value: 'one', version: 1 });
    await expect(openFileState(dir)).rejects.toThrow(StateLockedError);
  });
});
