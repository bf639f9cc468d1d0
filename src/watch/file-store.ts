import { mkdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import writeFileAtomic from 'write-file-atomic';
import { CLAIM_KEEP_MS, MemoryStore, type StoreData } from './state-store.js';

export const STATE_FILE = 'watch-state.json';
/** Claims are kept this long, then forgotten (their posts are long done). */

/**
 * The state store of one bot process: a JSON file in STATE_DIR, replaced
 * atomically (write to a temp file, fsync, rename) after every change and
 * before the change is reported done, so a claim is on disk before the post
 * it guards. One process per file; replicas need a shared store.
 */
export class FileStore extends MemoryStore {
  private loading: Promise<void> | undefined;
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;
  readonly path: string;

  constructor(
    private readonly dir: string,
    private readonly logger?: Logger,
    now: () => number = Date.now,
  ) {
    super(now);
    this.path = join(dir, STATE_FILE);
  }

  protected override ready(): Promise<void> {
    this.loading ??= this.load();
    return this.loading;
  }

  private async load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    try {
      const parsed = JSON.parse(text) as Partial<StoreData>;
      if (!parsed || typeof parsed !== 'object' || typeof parsed.records !== 'object' || typeof parsed.claims !== 'object') throw new Error('not a state file');
      const cutoff = this.now() - CLAIM_KEEP_MS;
      const claims = Object.fromEntries(Object.entries(parsed.claims ?? {}).filter(([, c]) => c && c.at >= cutoff));
      this.data = { records: parsed.records ?? {}, claims };
    } catch (e) {
      // Keep the broken file for a person to look at; start empty rather than not at all.
      const aside = `${this.path}.broken-${this.now()}`;
      await rename(this.path, aside).catch(() => undefined);
      this.logger?.error({ err: e, movedTo: aside }, 'watch state file unreadable; starting with empty state');
    }
  }

  protected override changed(): Promise<void> {
    this.dirty = true;
    // Writes run one after another; a write that starts late carries every change made before it.
    this.writing = this.writing.then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      await writeFileAtomic(this.path, JSON.stringify(this.data), { mode: 0o600 });
    });
    const done = this.writing;
    // A failed write must not wedge every later one.
    this.writing = done.catch((e: unknown) => {
      this.dirty = true;
      this.logger?.error({ err: e, path: this.path }, 'cannot write watch state');
    });
    return done;
  }

  override async flush(): Promise<void> {
    await this.writing;
  }
}
