import { statSync } from 'node:fs';
import { mkdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { lock } from 'proper-lockfile';
import writeFileAtomic from 'write-file-atomic';
import { liveClaims, MemoryStore, type StoreData } from './state-store.js';

export const STATE_FILE = 'watch-state.json';
export const LOCK_FILE = 'watch-state.lock';

/** A lock left by a killed process is taken over after this. */
const STALE_LOCK_MS = 5_000;

/**
 * The state store in STATE_DIR: a JSON file, replaced atomically (write to a
 * temp file, fsync, rename) after every change and before the change is
 * reported done, so a claim is on disk before the post it guards.
 *
 * Several processes may share the file: every read-modify-write holds a lock
 * (a lock directory beside the file) and first reloads the file if another
 * process replaced it. The file is seen unchanged when its inode, size and
 * modification time are those of the last read or write, so a process alone
 * with its file pays a stat per operation and keeps the state in memory.
 */
export class FileStore extends MemoryStore {
  /** Operations of this process, one at a time (the lock is per process, not per call). */
  private queue: Promise<unknown> = Promise.resolve();
  /** Identity of the file as last read or written; undefined: read it before trusting memory. */
  private seen: string | undefined;
  readonly path: string;

  constructor(
    private readonly dir: string,
    private readonly logger?: Logger,
    now: () => number = Date.now,
  ) {
    super(now);
    this.path = join(dir, STATE_FILE);
  }

  protected override read<R>(op: () => R): Promise<R> {
    return this.serial(async () => {
      await this.refresh();
      return op();
    });
  }

  protected override write<R>(op: () => { result: R; changed: boolean }): Promise<R> {
    return this.serial(async () => {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      const unlock = await lock(this.dir, {
        lockfilePath: join(this.dir, LOCK_FILE),
        realpath: false,
        stale: STALE_LOCK_MS,
        retries: { retries: 200, factor: 1.3, minTimeout: 2, maxTimeout: 100, randomize: true },
        onCompromised: (e) => this.logger?.error({ err: e, path: this.path }, 'watch state lock taken over while held'),
      });
      try {
        await this.refresh();
        const { result, changed } = op();
        if (changed) {
          // Until the write is known to have landed, memory may hold a change the file lacks.
          this.seen = undefined;
          await writeFileAtomic(this.path, JSON.stringify(this.data), { mode: 0o600 });
          this.seen = this.identity();
        }
        return result;
      } catch (e) {
        this.logger?.error({ err: e, path: this.path }, 'cannot write watch state');
        throw e;
      } finally {
        await unlock().catch((e: unknown) => this.logger?.warn({ err: e }, 'cannot release watch state lock'));
      }
    });
  }

  override async flush(): Promise<void> {
    await this.queue.catch(() => undefined);
  }

  private serial<R>(task: () => Promise<R>): Promise<R> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Synchronous: a stat runs before every operation, and a trip through the thread pool cost more than the stat itself. */
  private identity(): string {
    const s = statSync(this.path, { bigint: true, throwIfNoEntry: false });
    return s ? `${s.ino}:${s.size}:${s.mtimeNs}` : 'none';
  }

  /** Reloads the file when it is not the one last read or written. */
  private async refresh(): Promise<void> {
    const id = this.identity();
    if (id === this.seen) return;
    this.seen = id;
    this.data = id === 'none' ? { records: {}, claims: {} } : await this.load();
  }

  private async load(): Promise<StoreData> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { records: {}, claims: {} };
      throw e;
    }
    try {
      const parsed = JSON.parse(text) as Partial<StoreData>;
      if (!parsed || typeof parsed !== 'object' || typeof parsed.records !== 'object' || typeof parsed.claims !== 'object')
        throw new Error('not a state file');
      return { records: parsed.records ?? {}, claims: liveClaims(parsed.claims ?? {}, this.now()) };
    } catch (e) {
      // Keep the broken file for a person to look at; start empty rather than not at all.
      const aside = `${this.path}.broken-${this.now()}`;
      await rename(this.path, aside).catch(() => undefined);
      this.seen = 'none';
      this.logger?.error({ err: e, movedTo: aside }, 'watch state file unreadable; starting with empty state');
      return { records: {}, claims: {} };
    }
  }
}
