/**
 * What the watchers remember across polls and restarts. Small on purpose so
 * that a shared store (Redis: GET/SET with a version field in a Lua script
 * for compareAndSet, SET NX for claim; Postgres: a row per key with a version
 * column) can implement it and two replicas never post the same alert twice.
 */
export interface Versioned<T> {
  value: T;
  /** 1 for the first write, +1 on each write. */
  version: number;
}

export interface StateStore {
  /** A copy of the record (changing it changes nothing stored). */
  get<T>(key: string): Promise<Versioned<T> | undefined>;
  /** Unconditional write; returns the new version. */
  put<T>(key: string, value: T): Promise<number>;
  /**
   * Writes only when the stored version is still `expected` (0: the key must
   * not exist). True when written: exactly one of several racing writers wins.
   */
  compareAndSet<T>(key: string, expected: number, value: T): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Every key starting with `prefix`. */
  keys(prefix: string): Promise<string[]>;
  /**
   * At-most-once: true for the first caller per key, false for every later
   * one (any owner), until the claim is released.
   */
  claim(key: string, owner: string): Promise<boolean>;
  /** Gives a claim back (the work it guarded failed and may be retried). */
  release(key: string, owner: string): Promise<void>;
  /** Waits for pending writes. */
  flush(): Promise<void>;
}

export interface Claim {
  owner: string;
  at: number;
}

/** The whole state as plain JSON: what the file store writes. */
export interface StoreData {
  records: Record<string, Versioned<unknown>>;
  claims: Record<string, Claim>;
}

/**
 * Stored values are shared, not copied: they are deep-frozen on write, so a
 * caller can neither change what is stored nor what it read. Parts already
 * frozen (kept from an earlier value) are skipped, so a write costs what is
 * new in it, not the size of the record: the quota sample book is rewritten
 * every poll and copying it whole dominated a poll over many keys.
 */
function freeze<T>(v: T): T {
  if (v === null || typeof v !== 'object' || Object.isFrozen(v)) return v;
  Object.freeze(v);
  for (const x of Object.values(v)) freeze(x);
  return v;
}

/**
 * The in-process store (tests, and the base of the file store). Every
 * operation is synchronous inside, so compare-and-set and claim are atomic
 * within one process.
 */
/** A claim guards one post; older than this, the alert it guarded is long gone. */
export const CLAIM_KEEP_MS = 30 * 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;

export class MemoryStore implements StateStore {
  protected data: StoreData = { records: {}, claims: {} };
  private prunedAt = 0;

  constructor(protected readonly now: () => number = Date.now) {}

  async get<T>(key: string): Promise<Versioned<T> | undefined> {
    await this.ready();
    const r = this.data.records[key];
    return r ? freeze(r as Versioned<T>) : undefined;
  }

  async put<T>(key: string, value: T): Promise<number> {
    await this.ready();
    const version = (this.data.records[key]?.version ?? 0) + 1;
    this.data.records[key] = freeze({ value, version });
    await this.changed();
    return version;
  }

  async compareAndSet<T>(key: string, expected: number, value: T): Promise<boolean> {
    await this.ready();
    const current = this.data.records[key]?.version ?? 0;
    if (current !== expected) return false;
    this.data.records[key] = freeze({ value, version: current + 1 });
    await this.changed();
    return true;
  }

  async delete(key: string): Promise<void> {
    await this.ready();
    if (!(key in this.data.records)) return;
    delete this.data.records[key];
    await this.changed();
  }

  async keys(prefix: string): Promise<string[]> {
    await this.ready();
    return Object.keys(this.data.records).filter((k) => k.startsWith(prefix));
  }

  async claim(key: string, owner: string): Promise<boolean> {
    await this.ready();
    if (this.data.claims[key]) return false;
    this.pruneClaims();
    this.data.claims[key] = { owner, at: this.now() };
    await this.changed();
    return true;
  }

  async release(key: string, owner: string): Promise<void> {
    await this.ready();
    if (this.data.claims[key]?.owner !== owner) return;
    delete this.data.claims[key];
    await this.changed();
  }

  async flush(): Promise<void> {}

  /** Drops old claims now and then, so a long-running bot does not keep every claim it ever made. */
  protected pruneClaims(): void {
    const now = this.now();
    if (now - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = now;
    for (const [k, c] of Object.entries(this.data.claims)) if (c.at < now - CLAIM_KEEP_MS) delete this.data.claims[k];
  }

  /** Hook: the file store loads its file before the first operation. */
  protected async ready(): Promise<void> {}

  /** Hook: the file store persists after each change. */
  protected async changed(): Promise<void> {}
}

/**
 * Reads a record, lets `update` compute the next value, and writes it with
 * compare-and-set, retrying on a lost race. `update` returning undefined
 * means "no change". Returns the value written (or the current one).
 */
export async function mutate<T>(
  store: StateStore,
  key: string,
  update: (current: T | undefined) => T | undefined,
  attempts = 8,
): Promise<{ value: T | undefined; changed: boolean }> {
  for (let i = 0; i < attempts; i++) {
    const cur = await store.get<T>(key);
    const next = update(cur ? cur.value : undefined);
    if (next === undefined) return { value: cur?.value, changed: false };
    if (await store.compareAndSet(key, cur?.version ?? 0, next)) return { value: next, changed: true };
  }
  throw new Error(`state record ${key} kept changing under concurrent writers`);
}
