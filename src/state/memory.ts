import { randomUUID } from 'node:crypto';
import {
  CLAIM_KEEP_MS,
  type Completed,
  decodeCursor,
  encodeCursor,
  freeze,
  JOB_KEEP_MS,
  LEASE_KEEP_MS,
  type Job,
  type Lease,
  type LogEntry,
  type LogFields,
  type LogPage,
  type LogQuery,
  logLimit,
  type StateStore,
  type TakenJob,
  type TakeOptions,
  type Versioned,
  type WriteOptions,
} from './store.js';

export interface Rec {
  value: unknown;
  version: number;
  expiresAt?: number;
}

export interface ClaimRow {
  owner: string;
  token: string;
  at: number;
  /** While a lease; absent once completed. */
  until?: number;
  result?: unknown;
}

export interface LeaseRow {
  owner?: string;
  term: number;
  until: number;
}

export interface LogRow {
  seq: number;
  at: number;
  fields: LogFields;
  data: unknown;
}

export interface JobRow extends Job {
  token?: string;
  updatedAt: number;
}

/**
 * The reference backend: everything in Maps, each operation synchronous
 * inside its promise, so it is atomic within the process. For unit tests,
 * and the in-memory half of the file backend.
 */
export class MemoryState implements StateStore {
  protected records = new Map<string, Rec>();
  protected claims = new Map<string, ClaimRow>();
  protected leases = new Map<string, LeaseRow>();
  protected logs = new Map<string, LogRow[]>();
  protected jobs = new Map<string, JobRow>();
  protected seq = 0;

  constructor(protected readonly now: () => number = Date.now) {}

  private live(key: string): Rec | undefined {
    const r = this.records.get(key);
    return r && (r.expiresAt === undefined || r.expiresAt > this.now()) ? r : undefined;
  }

  private write(key: string, value: unknown, version: number, options: WriteOptions | undefined): number {
    const rec: Rec = { value: freeze(structuredClone(value)), version };
    if (options?.ttlMs !== undefined) rec.expiresAt = this.now() + options.ttlMs;
    this.records.set(key, rec);
    return version;
  }

  async get<T>(key: string): Promise<Versioned<T> | undefined> {
    const r = this.live(key);
    return r ? freeze({ value: r.value as T, version: r.version }) : undefined;
  }

  async put<T>(key: string, value: T, options?: WriteOptions): Promise<number> {
    return this.write(key, value, (this.live(key)?.version ?? 0) + 1, options);
  }

  async compareAndSet<T>(key: string, expected: number, value: T, options?: WriteOptions): Promise<boolean> {
    const current = this.live(key)?.version ?? 0;
    if (current !== expected) return false;
    this.write(key, value, current + 1, options);
    return true;
  }

  async delete(key: string): Promise<void> {
    this.records.delete(key);
  }

  async keys(prefix: string): Promise<string[]> {
    return [...this.records.keys()].filter((k) => k.startsWith(prefix) && this.live(k));
  }

  private claimLive(c: ClaimRow, now: number): boolean {
    return c.until === undefined ? c.at >= now - CLAIM_KEEP_MS : c.until > now;
  }

  private heldBy(key: string, token: string): ClaimRow | undefined {
    const c = this.claims.get(key);
    return c && c.until !== undefined && c.token === token ? c : undefined;
  }

  async claim(key: string, owner: string, leaseMs: number): Promise<string | undefined> {
    const now = this.now();
    const cur = this.claims.get(key);
    if (cur && this.claimLive(cur, now)) return undefined;
    const token = `${owner}/${randomUUID()}`;
    this.claims.set(key, { owner, token, at: now, until: now + leaseMs });
    return token;
  }

  async renew(key: string, token: string, leaseMs: number): Promise<boolean> {
    const c = this.heldBy(key, token);
    if (!c) return false;
    c.until = this.now() + leaseMs;
    return true;
  }

  async complete<R>(key: string, token: string, result: R): Promise<boolean> {
    const c = this.heldBy(key, token);
    if (!c) return false;
    const row: ClaimRow = { owner: c.owner, token, at: this.now() };
    if (result !== undefined) row.result = freeze(structuredClone(result));
    this.claims.set(key, row);
    return true;
  }

  async completed<R>(key: string): Promise<Completed<R> | undefined> {
    const c = this.claims.get(key);
    return c && c.until === undefined && this.claimLive(c, this.now()) ? { result: c.result as R | undefined } : undefined;
  }

  async release(key: string, token: string): Promise<void> {
    if (this.heldBy(key, token)) this.claims.delete(key);
  }

  private lease(name: string, row: LeaseRow): Lease {
    return { name, owner: row.owner!, term: row.term, until: row.until };
  }

  async acquireLeadership(name: string, owner: string, leaseMs: number): Promise<Lease | undefined> {
    const now = this.now();
    const cur = this.leases.get(name);
    const held = cur?.owner !== undefined && cur.until > now;
    if (held && cur.owner !== owner) return undefined;
    const term = held ? cur!.term : (cur?.term ?? 0) + 1;
    const row = { owner, term, until: now + leaseMs };
    this.leases.set(name, row);
    return this.lease(name, row);
  }

  async renewLeadership(name: string, term: number, leaseMs: number): Promise<Lease | undefined> {
    const cur = this.leases.get(name);
    if (!cur || cur.owner === undefined || cur.term !== term) return undefined;
    cur.until = this.now() + leaseMs;
    return this.lease(name, cur);
  }

  async resignLeadership(name: string, term: number): Promise<boolean> {
    const cur = this.leases.get(name);
    if (!cur || cur.owner === undefined || cur.term !== term) return false;
    this.leases.set(name, { term, until: this.now() });
    return true;
  }

  async leader(name: string): Promise<Lease | undefined> {
    const cur = this.leases.get(name);
    return cur?.owner !== undefined && cur.until > this.now() ? this.lease(name, cur) : undefined;
  }

  async append<D>(stream: string, entry: { fields?: LogFields; data?: D; at?: number }): Promise<LogEntry<D>> {
    const row: LogRow = {
      seq: ++this.seq,
      at: entry.at ?? this.now(),
      fields: freeze({ ...entry.fields }),
      data: freeze(entry.data === undefined ? undefined : structuredClone(entry.data)),
    };
    const rows = this.logs.get(stream) ?? [];
    rows.push(row);
    this.logs.set(stream, rows);
    return toEntry<D>(stream, row);
  }

  async query<D>(stream: string, q: LogQuery = {}): Promise<LogPage<D>> {
    const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    const limit = logLimit(q);
    const where = Object.entries(q.where ?? {});
    const matched = (this.logs.get(stream) ?? [])
      .filter(
        (r) =>
          (q.since === undefined || r.at >= q.since) &&
          (q.until === undefined || r.at < q.until) &&
          (after === undefined || r.at < after.at || (r.at === after.at && r.seq < after.seq)) &&
          where.every(([k, v]) => r.fields[k] === v),
      )
      .sort((a, b) => b.at - a.at || b.seq - a.seq);
    const page = matched.slice(0, limit);
    const last = page.at(-1);
    return {
      entries: page.map((r) => toEntry<D>(stream, r)),
      ...(matched.length > limit && last ? { next: encodeCursor(last.at, last.seq) } : {}),
    };
  }

  async prune(stream: string, before: number): Promise<number> {
    const rows = this.logs.get(stream) ?? [];
    const kept = rows.filter((r) => r.at >= before);
    this.logs.set(stream, kept);
    return rows.length - kept.length;
  }

  async schedule<P>(job: { id: string; kind: string; runAt: number; payload: P }): Promise<boolean> {
    if (this.jobs.has(job.id)) return false;
    const payload = freeze(structuredClone(job.payload));
    this.jobs.set(job.id, { id: job.id, kind: job.kind, runAt: job.runAt, payload, state: 'pending', attempts: 0, updatedAt: this.now() });
    return true;
  }

  /** Waiting to run: pending, or taken by a runner whose lease ran out. */
  private waiting(j: JobRow, now: number): boolean {
    return j.state === 'pending' || (j.state === 'running' && j.leaseUntil! <= now);
  }

  async takeDue<P>(o: TakeOptions): Promise<TakenJob<P>[]> {
    const now = this.now();
    const due = [...this.jobs.values()]
      .filter((j) => this.waiting(j, now) && j.runAt <= now && (o.kinds === undefined || o.kinds.includes(j.kind)))
      .sort((a, b) => a.runAt - b.runAt || (a.id < b.id ? -1 : 1))
      .slice(0, o.limit ?? 10);
    return due.map((j) => {
      Object.assign(j, { state: 'running', owner: o.owner, token: `${o.owner}/${randomUUID()}`, leaseUntil: now + o.leaseMs });
      j.attempts++;
      j.updatedAt = now;
      return { ...publicJob<P>(j), token: j.token! };
    });
  }

  private running(id: string, token: string): JobRow | undefined {
    const j = this.jobs.get(id);
    return j && j.state === 'running' && j.token === token ? j : undefined;
  }

  private settle(j: JobRow, state: JobState, runAt = j.runAt, error?: string): void {
    const { owner: _o, token: _t, leaseUntil: _l, error: _e, ...rest } = j;
    this.jobs.set(j.id, { ...rest, state, runAt, updatedAt: this.now(), ...(error === undefined ? {} : { error }) });
  }

  async finish(id: string, token: string): Promise<boolean> {
    const j = this.running(id, token);
    if (j) this.settle(j, 'done');
    return j !== undefined;
  }

  async fail(id: string, token: string, options: { error?: string; retryAt?: number } = {}): Promise<boolean> {
    const j = this.running(id, token);
    if (j) this.settle(j, options.retryAt === undefined ? 'failed' : 'pending', options.retryAt, options.error);
    return j !== undefined;
  }

  async cancel(id: string): Promise<boolean> {
    const j = this.jobs.get(id);
    if (!j || !this.waiting(j, this.now())) return false;
    this.settle(j, 'cancelled');
    return true;
  }

  async reschedule<P>(id: string, runAt: number, payload?: P): Promise<boolean> {
    const j = this.jobs.get(id);
    if (!j || !this.waiting(j, this.now())) return false;
    this.settle(j, 'pending', runAt, j.error);
    if (payload !== undefined) this.jobs.get(id)!.payload = freeze(structuredClone(payload));
    return true;
  }

  async job<P>(id: string): Promise<Job<P> | undefined> {
    const j = this.jobs.get(id);
    return j ? publicJob<P>(j) : undefined;
  }

  async sweep(): Promise<number> {
    const now = this.now();
    let n = 0;
    const drop = <V>(m: Map<string, V>, dead: (v: V) => boolean) => {
      for (const [k, v] of m) if (dead(v) && m.delete(k)) n++;
    };
    drop(this.records, (r) => r.expiresAt !== undefined && r.expiresAt <= now);
    drop(this.claims, (c) => (c.until === undefined ? c.at < now - CLAIM_KEEP_MS : c.until <= now - LEASE_KEEP_MS));
    drop(this.jobs, (j) => (j.state === 'done' || j.state === 'failed' || j.state === 'cancelled') && j.updatedAt < now - JOB_KEEP_MS);
    return n;
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {}
}

type JobState = Job['state'];

function toEntry<D>(stream: string, r: LogRow): LogEntry<D> {
  return { id: String(r.seq), stream, at: r.at, fields: r.fields, data: r.data as D | undefined };
}

function publicJob<P>(j: JobRow): Job<P> {
  const { token: _t, updatedAt: _u, ...rest } = j;
  return freeze(structuredClone(rest)) as Job<P>;
}
