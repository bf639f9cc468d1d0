/**
 * The state layer: the few primitives every feature builds on, with one
 * meaning on every backend (memory, files, PostgreSQL). A superset of the
 * watchers' `StateStore` (src/watch/state-store.ts), same semantics there.
 *
 * Time is always the store's injected `now()` (ms since the epoch), never
 * the database's clock, so one contract suite runs every backend on a fake
 * clock. Values are plain JSON; a value read is frozen and shared by nobody.
 */

export interface Versioned<T> {
  value: T;
  /** 1 for the first write, +1 on each write; an expired or deleted record starts again at 1. */
  version: number;
}

/** A claim made permanent: the work it guarded is done, and what it produced. */
export interface Completed<R> {
  result: R | undefined;
}

export interface WriteOptions {
  /** The record reads as absent this long after the write. Omitted: it never expires (a write without it clears an expiry). */
  ttlMs?: number;
}

/** A leadership lease. `term` only grows: each new holding of the lease gets a higher one (a fencing token). */
export interface Lease {
  name: string;
  owner: string;
  term: number;
  /** When it runs out unless renewed. */
  until: number;
}

export type LogFields = Record<string, string>;

export interface LogEntry<D = unknown> {
  /** Unique within the store, in the order entries were appended. */
  id: string;
  stream: string;
  at: number;
  /** What queries filter on (user, command, outcome, instance …): exact matches. */
  fields: LogFields;
  data: D | undefined;
}

export interface LogQuery {
  /** Every field given must match exactly. */
  where?: LogFields;
  /** Entries at or after this time. */
  since?: number;
  /** Entries before this time. */
  until?: number;
  /** At most this many entries (default 50, at most 1000). */
  limit?: number;
  /** The `next` of an earlier page: entries older than its last. */
  cursor?: string;
}

export interface LogPage<D = unknown> {
  /** Newest first. */
  entries: LogEntry<D>[];
  /** Present when more entries match: pass it as `cursor` for the next page. */
  next?: string;
}

export type JobState = 'pending' | 'running' | 'done' | 'failed' | 'cancelled';

export interface Job<P = unknown> {
  id: string;
  kind: string;
  runAt: number;
  payload: P;
  state: JobState;
  /** How many times it was taken. */
  attempts: number;
  /** While running: who took it and until when. */
  owner?: string;
  leaseUntil?: number;
  error?: string;
}

/** A job taken to run: only `token` can finish or fail it. */
export interface TakenJob<P = unknown> extends Job<P> {
  token: string;
}

export interface TakeOptions {
  owner: string;
  leaseMs: number;
  /** At most this many jobs (default 10). */
  limit?: number;
  /** Only jobs of these kinds. */
  kinds?: string[];
}

export interface StateStore {
  // --- Versioned records
  get<T>(key: string): Promise<Versioned<T> | undefined>;
  /** Unconditional write; returns the new version. */
  put<T>(key: string, value: T, options?: WriteOptions): Promise<number>;
  /** Writes only when the stored version is still `expected` (0: the key must be absent). True when written. */
  compareAndSet<T>(key: string, expected: number, value: T, options?: WriteOptions): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Every live key starting with `prefix`. */
  keys(prefix: string): Promise<string[]>;

  // --- Claim-once keys with a lease
  /**
   * A lease on `key` for `leaseMs`: a token for the first caller, undefined while someone's lease runs or once the
   * claim was completed (for CLAIM_KEEP_MS). A lease that ran out can be taken by anyone; its old token is then refused.
   */
  claim(key: string, owner: string, leaseMs: number): Promise<string | undefined>;
  /** Extends a lease still held by `token` (run out or not: nobody else took it); false when it was lost. */
  renew(key: string, token: string, leaseMs: number): Promise<boolean>;
  /** Makes the claim held by `token` permanent with what the work produced, in one write. */
  complete<R>(key: string, token: string, result: R): Promise<boolean>;
  completed<R>(key: string): Promise<Completed<R> | undefined>;
  /** Gives a lease back (the work failed and may be retried). */
  release(key: string, token: string): Promise<void>;

  // --- Leadership
  /** Takes the lease `name` when free or run out, or extends it for its own holder; undefined while another holds it. */
  acquireLeadership(name: string, owner: string, leaseMs: number): Promise<Lease | undefined>;
  /** Extends the lease held with `term`; undefined when that term is over (someone else took it, or it was resigned). */
  renewLeadership(name: string, term: number, leaseMs: number): Promise<Lease | undefined>;
  /** Gives the lease back at once; false when `term` no longer holds it. */
  resignLeadership(name: string, term: number): Promise<boolean>;
  /** The holder now, if any. */
  leader(name: string): Promise<Lease | undefined>;

  // --- Append-only log
  append<D>(stream: string, entry: { fields?: LogFields; data?: D; at?: number }): Promise<LogEntry<D>>;
  query<D>(stream: string, query?: LogQuery): Promise<LogPage<D>>;
  /** Retention: drops the entries of `stream` older than `before`; returns how many. */
  prune(stream: string, before: number): Promise<number>;

  // --- Due jobs
  /** Adds a job unless one with this id exists (in any state); true when added. */
  schedule<P>(job: { id: string; kind: string; runAt: number; payload: P }): Promise<boolean>;
  /** Jobs due now, each to one taker only: pending ones, and running ones whose lease ran out. */
  takeDue<P>(options: TakeOptions): Promise<TakenJob<P>[]>;
  /** Marks the job held by `token` done; false when the token no longer holds it. */
  finish(id: string, token: string): Promise<boolean>;
  /** Marks it failed, or pending again at `retryAt`. */
  fail(id: string, token: string, options?: { error?: string; retryAt?: number }): Promise<boolean>;
  /** Cancels a job not yet running (or whose runner's lease ran out); false when too late or unknown. */
  cancel(id: string): Promise<boolean>;
  /** Moves a job not yet running to `runAt` (and a new payload if given); false when too late or unknown. */
  reschedule<P>(id: string, runAt: number, payload?: P): Promise<boolean>;
  job<P>(id: string): Promise<Job<P> | undefined>;

  // --- Housekeeping
  /** Drops expired records, claims past keeping and jobs finished long ago; returns how many rows went. */
  sweep(): Promise<number>;
  /** Waits for pending writes. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** A completed claim guards one post; older than this, the work it guarded is long gone. */
export const CLAIM_KEEP_MS = 30 * 86_400_000;
/** Finished, failed and cancelled jobs are kept this long, so scheduling the same id again stays a no-op. */
export const JOB_KEEP_MS = 30 * 86_400_000;
/** A lease that ran out is swept this long after (until then its holder may still renew it if nobody took it). */
export const LEASE_KEEP_MS = 86_400_000;
export const DEFAULT_LOG_LIMIT = 50;
export const MAX_LOG_LIMIT = 1000;

export const logLimit = (q: LogQuery | undefined): number => Math.max(1, Math.min(MAX_LOG_LIMIT, q?.limit ?? DEFAULT_LOG_LIMIT));

/** A log cursor: the position of the last entry of a page (its time and its order of appending). */
export function encodeCursor(at: number, seq: number): string {
  return Buffer.from(`${at}.${seq}`).toString('base64url');
}

export function decodeCursor(cursor: string): { at: number; seq: number } {
  const m = /^(-?\d+)\.(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw new Error('log cursor is not one this store gave');
  return { at: Number(m[1]), seq: Number(m[2]) };
}

/** Deep-freezes a value read or written, so callers share it without changing what is stored. */
export function freeze<T>(v: T): T {
  if (v === null || typeof v !== 'object' || Object.isFrozen(v)) return v;
  Object.freeze(v);
  for (const x of Object.values(v)) freeze(x);
  return v;
}
