/**
 * The part of the bot's state store that the core and the adapters use:
 * records with compare-and-set, and claims with leases and tokens. The
 * watchers' `StateStore` (and the shared store after it) satisfies it;
 * src/wiring.ts creates one per process and hands it here, so whatever a
 * restart or another replica must see is read from the same place.
 */
export interface StateRecords {
  /** The record and its version (1 for the first write, +1 on each). */
  get<T>(key: string): Promise<{ value: T; version: number } | undefined>;
  put<T>(key: string, value: T): Promise<number>;
  /** Writes only when the stored version is still `expected` (0: absent); exactly one of racing writers wins. */
  compareAndSet<T>(key: string, expected: number, value: T): Promise<boolean>;
  delete(key: string): Promise<void>;
  keys(prefix: string): Promise<string[]>;
}

export interface StateClaims {
  /** A token for the first caller; undefined while another lease runs or once the claim was completed. */
  claim(key: string, owner: string, leaseMs: number): Promise<string | undefined>;
  renew(key: string, token: string, leaseMs: number): Promise<boolean>;
  /** Makes the claim held by `token` permanent. */
  complete<R>(key: string, token: string, result: R): Promise<boolean>;
  /** Gives the lease back (the work may be tried again). */
  release(key: string, token: string): Promise<void>;
}

export type SharedState = StateRecords & StateClaims;

/**
 * The part of the state layer's append-only log that the core writes: the
 * pipeline appends each audited outcome to the stream `audit`. The state
 * layer's stores satisfy it; `fields` are exact-match filters, `data` the entry.
 */
export interface StateLog {
  append(stream: string, entry: { fields?: Record<string, string>; data?: unknown; at?: number }): Promise<unknown>;
}
