import { randomUUID } from 'node:crypto';
import { copyFile, type FileHandle, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { lock } from 'proper-lockfile';
import writeFileAtomic from 'write-file-atomic';
import { type ClaimRow, type JobRow, type LogRow, MemoryState, type Rec } from './memory.js';
import {
  CLAIM_KEEP_MS,
  freeze,
  type Lease,
  type LogEntry,
  type LogFields,
  type TakenJob,
  type TakeOptions,
  type WriteOptions,
} from './store.js';

/** The state, as JSON lines: a snapshot (written by compaction) followed by the rows changed since. */
export const LOG_FILE = 'state.jsonl';
/** proper-lockfile's lock (a directory), held for the whole life of the process. */
export const LOCK_FILE = 'state.lock';
/** Who holds the lock: `{ pid, host, since }`, written once the lock is taken. */
export const OWNER_FILE = 'state.owner.json';
/** The watchers' state file of earlier versions (src/watch/file-store.ts), migrated on first open. */
export const LEGACY_FILE = 'watch-state.json';

/** A lock whose holder stopped refreshing it (killed) is taken over after this. */
const STALE_LOCK_MS = 10_000;

/** Another process holds STATE_DIR. */
export class StateLockedError extends Error {
  override name = 'StateLockedError';
  constructor(
    readonly dir: string,
    readonly pid: number | undefined,
  ) {
    super(
      `STATE_DIR ${dir} is in use by another process (${pid === undefined ? 'pid unknown' : `pid ${pid}`}); ` +
        'one process per STATE_DIR: stop it, use another STATE_DIR, or set DATABASE_URL to share state',
    );
  }
}

export interface FileStateOptions {
  now?: () => number;
  logger?: Logger;
  /** Compact when the file is larger than this many times its live size (default 4)… */
  compactFactor?: number;
  /** …and larger than this (default 1 MiB). */
  compactMinBytes?: number;
  /** What to do when the lock was lost while held (default: log and exit the process). */
  onCompromised?: (err: Error) => void;
}

type Table = 'r' | 'c' | 'L' | 'j';

type Line =
  | { t: 'h'; format: number }
  | { t: Table; k: string; v: unknown }
  | { t: 'l'; s: string; v: LogRow }
  | { t: 'p'; s: string; b: number }
  | { t: 's'; seq: number };

/** Directories this process holds: a second open here is refused, never taken for a dead holder's lock. */
const heldHere = new Set<string>();

/**
 * The state layer in files under STATE_DIR, for one process. The state lives in memory (`MemoryState`); every
 * change appends the rows it changed as JSON lines to `state.jsonl` and fsyncs before the operation resolves
 * (concurrent operations share one write and one fsync). When the file grows past `compactFactor` × its live
 * size it is rewritten as a snapshot: temp file, fsync, rename, fsync of the directory. On open the file is
 * replayed (a torn last line, from a crash mid-write, is skipped) and compacted.
 *
 * The directory is locked for the life of the process (proper-lockfile, refreshed in the background); a
 * second process is refused with `StateLockedError`. Use `openFileState`.
 */
export class FileState extends MemoryState {
  private fh: FileHandle | undefined;
  private pending: string[] = [];
  private waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private writing: Promise<void> | undefined;
  private fileBytes = 0;
  private liveBytes = 0;
  private closed = false;
  private unlock: (() => Promise<void>) | undefined;
  private readonly factor: number;
  private readonly minBytes: number;
  private readonly logger: Logger | undefined;
  readonly path: string;

  private constructor(
    readonly dir: string,
    options: FileStateOptions,
  ) {
    super(options.now);
    this.path = join(dir, LOG_FILE);
    this.logger = options.logger;
    this.factor = options.compactFactor ?? 4;
    this.minBytes = options.compactMinBytes ?? 1 << 20;
  }

  /** Locks `dir`, replays its file, migrates a `watch-state.json`, and compacts. */
  static async open(dir: string, options: FileStateOptions = {}): Promise<FileState> {
    const abs = resolve(dir);
    const s = new FileState(abs, options);
    await mkdir(abs, { recursive: true, mode: 0o700 });
    s.unlock = await takeLock(abs, (err) => {
      if (s.closed) return;
      if (options.onCompromised) return options.onCompromised(err);
      s.logger?.fatal({ err, dir: abs }, 'the lock on STATE_DIR was lost while held; exiting so no two processes write it');
      process.exit(1);
    });
    try {
      await s.load();
      return s;
    } catch (e) {
      await s.releaseLock();
      throw e;
    }
  }

  // --- Records

  override async put<T>(key: string, value: T, options?: WriteOptions): Promise<number> {
    const version = await super.put(key, value, options);
    await this.save('r', key);
    return version;
  }

  override async compareAndSet<T>(key: string, expected: number, value: T, options?: WriteOptions): Promise<boolean> {
    return this.saveIf(await super.compareAndSet(key, expected, value, options), 'r', key);
  }

  override async delete(key: string): Promise<void> {
    const had = this.records.has(key);
    await super.delete(key);
    if (had) await this.save('r', key);
  }

  // --- Claims

  override async claim(key: string, owner: string, leaseMs: number): Promise<string | undefined> {
    const token = await super.claim(key, owner, leaseMs);
    if (token !== undefined) await this.save('c', key);
    return token;
  }

  override async renew(key: string, token: string, leaseMs: number): Promise<boolean> {
    return this.saveIf(await super.renew(key, token, leaseMs), 'c', key);
  }

  override async complete<R>(key: string, token: string, result: R): Promise<boolean> {
    return this.saveIf(await super.complete(key, token, result), 'c', key);
  }

  override async release(key: string, token: string): Promise<void> {
    const had = this.claims.get(key);
    await super.release(key, token);
    if (had && !this.claims.has(key)) await this.save('c', key);
  }

  // --- Leadership

  override async acquireLeadership(name: string, owner: string, leaseMs: number): Promise<Lease | undefined> {
    const lease = await super.acquireLeadership(name, owner, leaseMs);
    if (lease) await this.save('L', name);
    return lease;
  }

  override async renewLeadership(name: string, term: number, leaseMs: number): Promise<Lease | undefined> {
    const lease = await super.renewLeadership(name, term, leaseMs);
    if (lease) await this.save('L', name);
    return lease;
  }

  override async resignLeadership(name: string, term: number): Promise<boolean> {
    return this.saveIf(await super.resignLeadership(name, term), 'L', name);
  }

  // --- Log: the line is queued in the same turn as the change, so appends and prunes replay in their order.

  override async append<D>(stream: string, entry: { fields?: LogFields; data?: D; at?: number }): Promise<LogEntry<D>> {
    const appended = super.append(stream, entry);
    const row = this.logs.get(stream)!.at(-1)!;
    const saved = this.persist([line({ t: 'l', s: stream, v: row })]);
    const result = await appended;
    await saved;
    return result;
  }

  override async prune(stream: string, before: number): Promise<number> {
    const pruned = super.prune(stream, before);
    const saved = this.persist([line({ t: 'p', s: stream, b: before })]);
    const n = await pruned;
    await saved;
    return n;
  }

  // --- Jobs

  override async schedule<P>(job: { id: string; kind: string; runAt: number; payload: P }): Promise<boolean> {
    return this.saveIf(await super.schedule(job), 'j', job.id);
  }

  override async takeDue<P>(options: TakeOptions): Promise<TakenJob<P>[]> {
    const taken = await super.takeDue<P>(options);
    await this.persist(taken.map((j) => this.row('j', j.id)));
    return taken;
  }

  override async finish(id: string, token: string): Promise<boolean> {
    return this.saveIf(await super.finish(id, token), 'j', id);
  }

  override async fail(id: string, token: string, options?: { error?: string; retryAt?: number }): Promise<boolean> {
    return this.saveIf(await super.fail(id, token, options), 'j', id);
  }

  override async cancel(id: string): Promise<boolean> {
    return this.saveIf(await super.cancel(id), 'j', id);
  }

  override async reschedule<P>(id: string, runAt: number, payload?: P): Promise<boolean> {
    return this.saveIf(await super.reschedule(id, runAt, payload), 'j', id);
  }

  // --- Housekeeping

  override async sweep(): Promise<number> {
    const before = this.tables().map(([t, m]) => [t, new Set(m.keys())] as const);
    const swept = super.sweep();
    const gone = before.flatMap(([t, keys]) => [...keys].filter((k) => !this.table(t).has(k)).map((k) => this.row(t, k)));
    const saved = this.persist(gone);
    const n = await swept;
    await saved;
    return n;
  }

  override async flush(): Promise<void> {
    await this.writing?.catch(() => undefined);
  }

  /** Waits for pending writes, closes the file and gives the lock back. */
  override async close(): Promise<void> {
    if (this.closed) return;
    while (this.writing) await this.flush();
    this.closed = true;
    await this.fh?.close().catch(() => undefined);
    this.fh = undefined;
    await this.releaseLock();
  }

  /** Bytes in the file now (tests and the bench watch it stay bounded). */
  get size(): number {
    return this.fileBytes;
  }

  // --- Persistence

  private tables(): [Table, Map<string, unknown>][] {
    return [
      ['r', this.records],
      ['c', this.claims],
      ['L', this.leases],
      ['j', this.jobs],
    ];
  }

  private table(t: Table): Map<string, unknown> {
    return t === 'r' ? this.records : t === 'c' ? this.claims : t === 'L' ? this.leases : this.jobs;
  }

  /** The row `k` of table `t` as it is now (null: gone). Lines are upserts, so a later state written late is harmless. */
  private row(t: Table, k: string): string {
    return line({ t, k, v: this.table(t).get(k) ?? null });
  }

  private save(t: Table, k: string): Promise<void> {
    return this.persist([this.row(t, k)]);
  }

  private async saveIf(changed: boolean, t: Table, k: string): Promise<boolean> {
    if (changed) await this.save(t, k);
    return changed;
  }

  /** Resolves once `lines` are in the file and fsync'd. */
  private persist(lines: string[]): Promise<void> {
    if (lines.length === 0) return Promise.resolve();
    if (this.closed) return Promise.reject(new Error(`the state in ${this.dir} is closed`));
    this.pending.push(...lines);
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.writing ??= this.drain().finally(() => {
        this.writing = undefined;
      });
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const text = this.pending.join('');
      const waiters = this.waiters;
      this.pending = [];
      this.waiters = [];
      try {
        const bytes = Buffer.from(text);
        await this.fh!.write(bytes);
        await this.fh!.datasync();
        this.fileBytes += bytes.length;
        for (const w of waiters) w.resolve();
      } catch (e) {
        this.logger?.error({ err: e, path: this.path }, 'cannot write the state file');
        for (const w of waiters) w.reject(e);
        continue;
      }
      if (this.fileBytes > this.minBytes && this.fileBytes > this.factor * this.liveBytes) {
        await this.compact().catch((e: unknown) => this.logger?.error({ err: e, path: this.path }, 'cannot compact the state file'));
      }
    }
  }

  /** Everything live, as lines a replay turns back into this state. */
  private snapshot(): string {
    const out = [line({ t: 'h', format: 1 })];
    for (const [t, m] of this.tables()) for (const [k, v] of m) out.push(line({ t, k, v }));
    const logs = [...this.logs].flatMap(([s, rows]) => rows.map((v) => ({ s, v })));
    logs.sort((a, b) => a.v.seq - b.v.seq);
    for (const { s, v } of logs) out.push(line({ t: 'l', s, v }));
    out.push(line({ t: 's', seq: this.seq }));
    return out.join('');
  }

  /** Rewrites the file as a snapshot: temp file, fsync, rename over, fsync the directory; then appends go to it. */
  private async compact(): Promise<void> {
    const bytes = Buffer.from(this.snapshot());
    const tmp = `${this.path}.tmp`;
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.write(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, this.path);
    await syncDir(this.dir);
    await this.fh?.close().catch(() => undefined);
    this.fh = await open(this.path, 'a', 0o600);
    this.fileBytes = this.liveBytes = bytes.length;
  }

  private async load(): Promise<void> {
    let text = '';
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const lines = text.split('\n');
    const last = lines.length - 1;
    let broken = 0;
    lines.forEach((l, i) => {
      if (l === '') return;
      try {
        this.apply(JSON.parse(l) as Line);
      } catch (e) {
        // The last line without its newline is a write torn by a crash: that operation never resolved.
        if (i === last) this.logger?.warn({ path: this.path }, 'state file ends in a torn line (a crash mid-write); skipped');
        else {
          broken++;
          this.logger?.error({ err: e, path: this.path, line: i + 1 }, 'state file line unreadable; skipped');
        }
      }
    });
    if (broken > 0) await copyFile(this.path, `${this.path}.broken-${this.now()}`);
    const legacy = await this.readLegacy();
    await this.compact();
    if (legacy) {
      await rename(legacy, `${legacy}.migrated`);
      await syncDir(this.dir);
      this.logger?.info({ from: legacy }, 'watch state migrated into the state store');
    }
  }

  private apply(l: Line): void {
    switch (l.t) {
      case 'h':
        return;
      case 's':
        this.seq = Math.max(this.seq, l.seq);
        return;
      case 'l': {
        // Already in (a snapshot, then the same append queued before it was taken) or pruned since.
        if (l.v.seq <= this.seq) return;
        this.seq = l.v.seq;
        const rows = this.logs.get(l.s) ?? [];
        rows.push(freeze(l.v));
        this.logs.set(l.s, rows);
        return;
      }
      case 'p':
        this.logs.set(
          l.s,
          (this.logs.get(l.s) ?? []).filter((r) => r.at >= l.b),
        );
        return;
      case 'r':
      case 'c':
      case 'L':
      case 'j':
        this.setRow(l.t, l.k, l.v);
        return;
      default:
        throw new Error(`unknown state line ${JSON.stringify(l).slice(0, 80)}`);
    }
  }

  /** Claims, leases and jobs are changed in place (renew, takeDue): only the values they carry are frozen, as in memory. */
  private setRow(t: Table, k: string, v: unknown): void {
    const m = this.table(t);
    if (v === null) {
      m.delete(k);
      return;
    }
    if (t === 'r') freeze((v as Rec).value);
    if (t === 'c') freeze((v as ClaimRow).result);
    if (t === 'j') freeze((v as JobRow).payload);
    m.set(k, v);
  }

  /** Reads a watch-state.json of earlier versions into memory; its path, to be renamed aside once compacted. */
  private async readLegacy(): Promise<string | undefined> {
    const path = join(this.dir, LEGACY_FILE);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    let data: { records?: Record<string, { value: unknown; version: number }>; claims?: Record<string, LegacyClaim> };
    try {
      data = JSON.parse(text);
      if (!data || typeof data !== 'object' || typeof data.records !== 'object' || typeof data.claims !== 'object')
        throw new Error('not a watch state file');
    } catch (e) {
      const aside = `${path}.broken-${this.now()}`;
      await rename(path, aside);
      this.logger?.error({ err: e, movedTo: aside }, 'watch state file unreadable; not migrated');
      return undefined;
    }
    const now = this.now();
    for (const [k, r] of Object.entries(data.records ?? {})) {
      if (r && typeof r.version === 'number') this.records.set(k, { value: freeze(r.value), version: r.version } satisfies Rec);
    }
    for (const [k, c] of Object.entries(data.claims ?? {})) {
      if (!c || typeof c.owner !== 'string' || typeof c.at !== 'number') continue;
      const live = c.until === undefined ? c.at >= now - CLAIM_KEEP_MS : c.until > now;
      if (!live) continue;
      const row: ClaimRow = { owner: c.owner, token: c.token ?? `${c.owner}/${randomUUID()}`, at: c.at };
      if (c.until !== undefined) row.until = c.until;
      if (c.result !== undefined) row.result = freeze(c.result);
      this.claims.set(k, row);
    }
    return path;
  }

  private async releaseLock(): Promise<void> {
    const unlock = this.unlock;
    this.unlock = undefined;
    if (!unlock) return;
    heldHere.delete(this.dir);
    await rm(join(this.dir, OWNER_FILE), { force: true });
    await unlock().catch((e: unknown) => this.logger?.warn({ err: e, dir: this.dir }, 'cannot release the lock on STATE_DIR'));
  }
}

interface LegacyClaim {
  owner: string;
  at: number;
  token?: string;
  until?: number;
  result?: unknown;
}

/** Opens the file state in `dir`; `StateLockedError` when another process holds it. */
export function openFileState(dir: string, options: FileStateOptions = {}): Promise<FileState> {
  return FileState.open(dir, options);
}

const line = (l: Line): string => `${JSON.stringify(l)}\n`;

async function syncDir(dir: string): Promise<void> {
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

interface Owner {
  pid: number;
  host: string;
  since: string;
}

async function readOwner(dir: string): Promise<Owner | undefined> {
  try {
    const o = JSON.parse(await readFile(join(dir, OWNER_FILE), 'utf8')) as Owner;
    return typeof o.pid === 'number' ? o : undefined;
  } catch {
    return undefined;
  }
}

/** A lock left by a process of this host that is gone (or whose pid is now ours) is taken over at once. */
function ownerGone(o: Owner): boolean {
  if (o.host !== hostname()) return false;
  if (o.pid === process.pid) return true;
  try {
    process.kill(o.pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function takeLock(dir: string, onCompromised: (err: Error) => void): Promise<() => Promise<void>> {
  const lockfilePath = join(dir, LOCK_FILE);
  if (heldHere.has(dir)) throw new StateLockedError(dir, process.pid);
  for (let attempt = 0; ; attempt++) {
    try {
      const unlock = await lock(dir, { lockfilePath, realpath: false, stale: STALE_LOCK_MS, retries: 0, onCompromised });
      heldHere.add(dir);
      const owner: Owner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
      await writeFileAtomic(join(dir, OWNER_FILE), `${JSON.stringify(owner)}\n`, { mode: 0o600 });
      return unlock;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ELOCKED') throw e;
      // The holder writes its pid just after taking the lock: give it a moment.
      let owner = await readOwner(dir);
      for (let i = 0; i < 10 && !owner; i++) {
        await new Promise((r) => setTimeout(r, 50));
        owner = await readOwner(dir);
      }
      if (attempt === 0 && owner && ownerGone(owner)) {
        await rm(lockfilePath, { recursive: true, force: true });
        continue;
      }
      throw new StateLockedError(dir, owner?.pid);
    }
  }
}
