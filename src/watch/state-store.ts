import { randomUUID } from 'node:crypto';
import type { Completed, StateStore as State, Versioned } from '../state/store.js';

export type { Completed, Versioned };

/**
 * What the watchers use of the state layer (src/state): records with compare-and-set and claims with a lease.
 * `MemoryStore` below and `FileStore` (file-store.ts, one state file shared by processes) implement it too.
 */
export type StateStore = Pick<
  State,
  'get' | 'put' | 'compareAndSet' | 'delete' | 'keys' | 'claim' | 'renew' | 'complete' | 'completed' | 'release' | 'flush'
>;

export interface Claim {
  owner: string;
  /** When claimed, or when completed. */
  at: number;
  /** Absent on a claim written before leases existed: such a claim is permanent. */
  token?: string;
  /** While a lease: when it runs out. Absent once completed. */
  until?: number;
  result?: unknown;
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

/** A completed claim guards one post; older than this, the alert it guarded is long gone. */
export const CLAIM_KEEP_MS = 30 * 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;

const isPermanent = (c: Claim): boolean => c.until === undefined;

/** Claims worth keeping at `now`: completed ones for 30 days, leases while they run. */
export function liveClaims(claims: Record<string, Claim>, now: number): Record<string, Claim> {
  return Object.fromEntries(Object.entries(claims).filter(([, c]) => c && (isPermanent(c) ? c.at >= now - CLAIM_KEEP_MS : c.until! > now)));
}

/**
 * The in-process store (tests, and the base of the file store). Each
 * operation runs synchronously inside `read` or `write`, so compare-and-set
 * and claim are atomic within one process; the file store wraps the same
 * two in a lock and a reload to make them atomic across processes.
 */
export class MemoryStore implements StateStore {
  protected data: StoreData = { records: {}, claims: {} };
  private prunedAt = 0;

  constructor(protected readonly now: () => number = Date.now) {}

  get<T>(key: string): Promise<Versioned<T> | undefined> {
    return this.read(() => {
      const r = this.data.records[key];
      return r ? freeze(r as Versioned<T>) : undefined;
    });
  }

  put<T>(key: string, value: T): Promise<number> {
    return this.write(() => {
      const version = (this.data.records[key]?.version ?? 0) + 1;
      this.data.records[key] = freeze({ value, version });
      return { result: version, changed: true };
    });
  }

  compareAndSet<T>(key: string, expected: number, value: T): Promise<boolean> {
    return this.write(() => {
      const current = this.data.records[key]?.version ?? 0;
      if (current !== expected) return { result: false, changed: false };
      this.data.records[key] = freeze({ value, version: current + 1 });
      return { result: true, changed: true };
    });
  }

  delete(key: string): Promise<void> {
    return this.write(() => {
      const changed = key in this.data.records;
      delete this.data.records[key];
      return { result: undefined, changed };
    });
  }

  keys(prefix: string): Promise<string[]> {
    return this.read(() => Object.keys(this.data.records).filter((k) => k.startsWith(prefix)));
  }

  claim(key: string, owner: string, leaseMs: number): Promise<string | undefined> {
    return this.write(() => {
      const now = this.now();
      const cur = this.data.claims[key];
      if (cur && (isPermanent(cur) ? cur.at >= now - CLAIM_KEEP_MS : cur.until! > now)) return { result: undefined, changed: false };
      this.pruneClaims(now);
      const token = `${owner}/${randomUUID()}`;
      this.data.claims[key] = { owner, at: now, token, until: now + leaseMs };
      return { result: token, changed: true };
    });
  }

  renew(key: string, token: string, leaseMs: number): Promise<boolean> {
    return this.write(() => {
      const cur = this.heldBy(key, token);
      if (!cur) return { result: false, changed: false };
      this.data.claims[key] = { ...cur, until: this.now() + leaseMs };
      return { result: true, changed: true };
    });
  }

  complete<R>(key: string, token: string, result: R): Promise<boolean> {
    return this.write(() => {
      const cur = this.heldBy(key, token);
      if (!cur) return { result: false, changed: false };
      this.data.claims[key] = freeze({ owner: cur.owner, at: this.now(), token, ...(result === undefined ? {} : { result }) });
      return { result: true, changed: true };
    });
  }

  completed<R>(key: string): Promise<Completed<R> | undefined> {
    return this.read(() => {
      const c = this.data.claims[key];
      return c && isPermanent(c) && c.at >= this.now() - CLAIM_KEEP_MS ? { result: c.result as R | undefined } : undefined;
    });
  }

  release(key: string, token: string): Promise<void> {
    return this.write(() => {
      const held = this.heldBy(key, token) !== undefined;
      if (held) delete this.data.claims[key];
      return { result: undefined, changed: held };
    });
  }

  async flush(): Promise<void> {}

  /** The lease on `key` if `token` holds it (run out or not: nobody else took it), never a completed claim. */
  private heldBy(key: string, token: string): Claim | undefined {
    const cur = this.data.claims[key];
    return cur && !isPermanent(cur) && cur.token === token ? cur : undefined;
  }

  /** Drops old claims now and then, so a long-running bot does not keep every claim it ever made. */
  private pruneClaims(now: number): void {
    if (now - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = now;
    this.data.claims = liveClaims(this.data.claims, now);
  }

  /** Runs a read of `data`; the file store first picks up what other processes wrote. */
  protected async read<R>(op: () => R): Promise<R> {
    return op();
  }

  /** Runs a read-modify-write of `data`; the file store holds its lock around it and persists a change. */
  protected async write<R>(op: () => { result: R; changed: boolean }): Promise<R> {
    return op().result;
  }
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
