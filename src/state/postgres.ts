import type pg from 'pg';
import { migrate } from './migrate.js';
import { openPool, type PoolOptions, StateConnectError } from './postgres-connect.js';
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

const json = (v: unknown): string => JSON.stringify(v ?? null);
const expiry = (now: number, o: WriteOptions | undefined): number | null => (o?.ttlMs === undefined ? null : now + o.ttlMs);

interface JobRow {
  id: string;
  kind: string;
  run_at: number;
  payload: unknown;
  state: Job['state'];
  attempts: number;
  owner: string | null;
  token: string | null;
  lease_until: number | null;
  error: string | null;
}

const JOB_COLUMNS = 'id, kind, run_at, payload, state, attempts, owner, token, lease_until, error';
/** A job waiting to run at $2: pending, or taken by a runner whose lease ran out. */
const WAITING = `(state = 'pending' OR (state = 'running' AND lease_until <= $2))`;

function toJob<P>(r: JobRow): Job<P> {
  return freeze({
    id: r.id,
    kind: r.kind,
    runAt: r.run_at,
    payload: r.payload as P,
    state: r.state,
    attempts: r.attempts,
    ...(r.owner === null ? {} : { owner: r.owner }),
    ...(r.lease_until === null ? {} : { leaseUntil: r.lease_until }),
    ...(r.error === null ? {} : { error: r.error }),
  });
}

const toLease = (r: { name: string; owner: string; term: number; until: number }): Lease => ({
  name: r.name,
  owner: r.owner,
  term: r.term,
  until: r.until,
});

/**
 * The state layer in PostgreSQL, shared by any number of replicas. Every write is one statement, atomic by
 * itself: INSERT … ON CONFLICT for first writers, UPDATE … WHERE version/token for the holders, and
 * FOR UPDATE SKIP LOCKED for due jobs. The time is always a parameter, the store's `now()`.
 */
export class PostgresState implements StateStore {
  constructor(
    readonly pool: pg.Pool,
    private readonly now: () => number = Date.now,
  ) {}

  private async rows<R extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<R[]> {
    return (await this.pool.query<R>(sql, params)).rows;
  }

  private async count(sql: string, params: unknown[]): Promise<number> {
    return (await this.pool.query(sql, params)).rowCount ?? 0;
  }

  async get<T>(key: string): Promise<Versioned<T> | undefined> {
    const [r] = await this.rows<{ value: T; version: number }>(
      'SELECT value, version FROM state_records WHERE key = $1 AND (expires_at IS NULL OR expires_at > $2)',
      [key, this.now()],
    );
    return r ? freeze({ value: r.value, version: r.version }) : undefined;
  }

  async put<T>(key: string, value: T, options?: WriteOptions): Promise<number> {
    const now = this.now();
    const [r] = await this.rows<{ version: number }>(
      `INSERT INTO state_records (key, value, version, expires_at) VALUES ($1, $2, 1, $3)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at,
         version = CASE WHEN state_records.expires_at <= $4 THEN 1 ELSE state_records.version + 1 END
       RETURNING version`,
      [key, json(value), expiry(now, options), now],
    );
    return r!.version;
  }

  async compareAndSet<T>(key: string, expected: number, value: T, options?: WriteOptions): Promise<boolean> {
    const now = this.now();
    if (expected === 0) {
      // Absent, or present but expired (which reads as absent).
      return (
        (await this.count(
          `INSERT INTO state_records (key, value, version, expires_at) VALUES ($1, $2, 1, $3)
           ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, version = 1, expires_at = EXCLUDED.expires_at
           WHERE state_records.expires_at <= $4`,
          [key, json(value), expiry(now, options), now],
        )) === 1
      );
    }
    return (
      (await this.count(
        `UPDATE state_records SET value = $2, version = version + 1, expires_at = $3
         WHERE key = $1 AND version = $4 AND (expires_at IS NULL OR expires_at > $5)`,
        [key, json(value), expiry(now, options), expected, now],
      )) === 1
    );
  }

  async delete(key: string): Promise<void> {
    await this.pool.query('DELETE FROM state_records WHERE key = $1', [key]);
  }

  async keys(prefix: string): Promise<string[]> {
    const like = `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = await this.rows<{ key: string }>(
      'SELECT key FROM state_records WHERE key LIKE $1 AND (expires_at IS NULL OR expires_at > $2) ORDER BY key',
      [like, this.now()],
    );
    return rows.map((r) => r.key);
  }

  async claim(key: string, owner: string, leaseMs: number): Promise<string | undefined> {
    const now = this.now();
    const token = `${owner}/${crypto.randomUUID()}`;
    const taken = await this.count(
      `INSERT INTO state_claims (key, owner, token, at, until) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (key) DO UPDATE SET owner = EXCLUDED.owner, token = EXCLUDED.token, at = EXCLUDED.at,
         until = EXCLUDED.until, result = NULL
       WHERE state_claims.until <= $4 OR (state_claims.until IS NULL AND state_claims.at < $6)`,
      [key, owner, token, now, now + leaseMs, now - CLAIM_KEEP_MS],
    );
    return taken === 1 ? token : undefined;
  }

  async renew(key: string, token: string, leaseMs: number): Promise<boolean> {
    return (
      (await this.count('UPDATE state_claims SET until = $3 WHERE key = $1 AND token = $2 AND until IS NOT NULL', [
        key,
        token,
        this.now() + leaseMs,
      ])) === 1
    );
  }

  async complete<R>(key: string, token: string, result: R): Promise<boolean> {
    return (
      (await this.count('UPDATE state_claims SET until = NULL, at = $3, result = $4 WHERE key = $1 AND token = $2 AND until IS NOT NULL', [
        key,
        token,
        this.now(),
        result === undefined ? null : json(result),
      ])) === 1
    );
  }

  async completed<R>(key: string): Promise<Completed<R> | undefined> {
    const [r] = await this.rows<{ result: R | null }>('SELECT result FROM state_claims WHERE key = $1 AND until IS NULL AND at >= $2', [
      key,
      this.now() - CLAIM_KEEP_MS,
    ]);
    // SQL NULL is "no result"; a JSON null result is the jsonb value null, which pg reads as null too.
    return r ? { result: (r.result ?? undefined) as R | undefined } : undefined;
  }

  async release(key: string, token: string): Promise<void> {
    await this.pool.query('DELETE FROM state_claims WHERE key = $1 AND token = $2 AND until IS NOT NULL', [key, token]);
  }

  async acquireLeadership(name: string, owner: string, leaseMs: number): Promise<Lease | undefined> {
    const now = this.now();
    const [r] = await this.rows<{ name: string; owner: string; term: number; until: number }>(
      `INSERT INTO state_leases (name, owner, term, until) VALUES ($1, $2, 1, $4)
       ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, until = EXCLUDED.until,
         term = CASE WHEN state_leases.owner = EXCLUDED.owner AND state_leases.until > $3
                     THEN state_leases.term ELSE state_leases.term + 1 END
       WHERE state_leases.owner IS NULL OR state_leases.until <= $3 OR state_leases.owner = EXCLUDED.owner
       RETURNING name, owner, term, until`,
      [name, owner, now, now + leaseMs],
    );
    return r ? toLease(r) : undefined;
  }

  async renewLeadership(name: string, term: number, leaseMs: number): Promise<Lease | undefined> {
    const [r] = await this.rows<{ name: string; owner: string; term: number; until: number }>(
      `UPDATE state_leases SET until = $3 WHERE name = $1 AND term = $2 AND owner IS NOT NULL
       RETURNING name, owner, term, until`,
      [name, term, this.now() + leaseMs],
    );
    return r ? toLease(r) : undefined;
  }

  async resignLeadership(name: string, term: number): Promise<boolean> {
    return (
      (await this.count('UPDATE state_leases SET owner = NULL, until = $3 WHERE name = $1 AND term = $2 AND owner IS NOT NULL', [
        name,
        term,
        this.now(),
      ])) === 1
    );
  }

  async leader(name: string): Promise<Lease | undefined> {
    const [r] = await this.rows<{ name: string; owner: string; term: number; until: number }>(
      'SELECT name, owner, term, until FROM state_leases WHERE name = $1 AND owner IS NOT NULL AND until > $2',
      [name, this.now()],
    );
    return r ? toLease(r) : undefined;
  }

  async append<D>(stream: string, entry: { fields?: LogFields; data?: D; at?: number }): Promise<LogEntry<D>> {
    const at = entry.at ?? this.now();
    const fields = { ...entry.fields };
    const [r] = await this.rows<{ seq: number }>('INSERT INTO state_log (stream, at, fields, data) VALUES ($1, $2, $3, $4) RETURNING seq', [
      stream,
      at,
      json(fields),
      entry.data === undefined ? null : json(entry.data),
    ]);
    return freeze({ id: String(r!.seq), stream, at, fields, data: entry.data === undefined ? undefined : structuredClone(entry.data) });
  }

  async query<D>(stream: string, q: LogQuery = {}): Promise<LogPage<D>> {
    const limit = logLimit(q);
    const params: unknown[] = [stream];
    const conds = ['stream = $1'];
    const add = (sql: (n: string) => string, ...values: unknown[]) => {
      const names = values.map((v) => `$${params.push(v)}`);
      conds.push(sql(names.join(', ')));
    };
    if (q.where && Object.keys(q.where).length > 0) add((p) => `fields @> ${p}`, json(q.where));
    if (q.since !== undefined) add((p) => `at >= ${p}`, q.since);
    if (q.until !== undefined) add((p) => `at < ${p}`, q.until);
    if (q.cursor !== undefined) {
      const c = decodeCursor(q.cursor);
      add((p) => `(at, seq) < (${p})`, c.at, c.seq);
    }
    const rows = await this.rows<{ seq: number; at: number; fields: LogFields; data: D | null }>(
      `SELECT seq, at, fields, data FROM state_log WHERE ${conds.join(' AND ')} ORDER BY at DESC, seq DESC LIMIT ${limit + 1}`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      entries: page.map((r) => freeze({ id: String(r.seq), stream, at: r.at, fields: r.fields, data: r.data ?? undefined })),
      ...(rows.length > limit && last ? { next: encodeCursor(last.at, last.seq) } : {}),
    };
  }

  async prune(stream: string, before: number): Promise<number> {
    return this.count('DELETE FROM state_log WHERE stream = $1 AND at < $2', [stream, before]);
  }

  async schedule<P>(job: { id: string; kind: string; runAt: number; payload: P }): Promise<boolean> {
    return (
      (await this.count(
        `INSERT INTO state_jobs (id, kind, run_at, payload, state, updated_at) VALUES ($1, $2, $3, $4, 'pending', $5)
         ON CONFLICT (id) DO NOTHING`,
        [job.id, job.kind, job.runAt, json(job.payload), this.now()],
      )) === 1
    );
  }

  async takeDue<P>(o: TakeOptions): Promise<TakenJob<P>[]> {
    const now = this.now();
    const rows = await this.rows<JobRow>(
      `WITH due AS (
         SELECT id FROM state_jobs
         WHERE state IN ('pending', 'running') AND ${WAITING} AND run_at <= $2 AND ($5::text[] IS NULL OR kind = ANY($5))
         ORDER BY run_at, id LIMIT $4
         FOR UPDATE SKIP LOCKED
       )
       UPDATE state_jobs j SET state = 'running', owner = $1, token = $1 || '/' || gen_random_uuid(), lease_until = $3,
         attempts = j.attempts + 1, updated_at = $2, error = NULL
       FROM due WHERE j.id = due.id
       RETURNING ${JOB_COLUMNS.split(', ')
         .map((c) => `j.${c}`)
         .join(', ')}`,
      [o.owner, now, now + o.leaseMs, o.limit ?? 10, o.kinds ?? null],
    );
    return rows.sort((a, b) => a.run_at - b.run_at || (a.id < b.id ? -1 : 1)).map((r) => ({ ...toJob<P>(r), token: r.token! }));
  }

  private async settle(id: string, token: string, state: Job['state'], runAt: number | null, error: string | null): Promise<boolean> {
    return (
      (await this.count(
        `UPDATE state_jobs SET state = $3, run_at = COALESCE($4, run_at), error = $5, owner = NULL, token = NULL,
           lease_until = NULL, updated_at = $6
         WHERE id = $1 AND token = $2 AND state = 'running'`,
        [id, token, state, runAt, error, this.now()],
      )) === 1
    );
  }

  finish(id: string, token: string): Promise<boolean> {
    return this.settle(id, token, 'done', null, null);
  }

  fail(id: string, token: string, options: { error?: string; retryAt?: number } = {}): Promise<boolean> {
    return this.settle(id, token, options.retryAt === undefined ? 'failed' : 'pending', options.retryAt ?? null, options.error ?? null);
  }

  async cancel(id: string): Promise<boolean> {
    return (
      (await this.count(
        `UPDATE state_jobs SET state = 'cancelled', owner = NULL, token = NULL, lease_until = NULL, updated_at = $2
         WHERE id = $1 AND ${WAITING}`,
        [id, this.now()],
      )) === 1
    );
  }

  async reschedule<P>(id: string, runAt: number, payload?: P): Promise<boolean> {
    return (
      (await this.count(
        `UPDATE state_jobs SET state = 'pending', run_at = $3, payload = COALESCE($4, payload), owner = NULL, token = NULL,
           lease_until = NULL, updated_at = $2
         WHERE id = $1 AND ${WAITING}`,
        [id, this.now(), runAt, payload === undefined ? null : json(payload)],
      )) === 1
    );
  }

  async job<P>(id: string): Promise<Job<P> | undefined> {
    const [r] = await this.rows<JobRow>(`SELECT ${JOB_COLUMNS} FROM state_jobs WHERE id = $1`, [id]);
    return r ? toJob<P>(r) : undefined;
  }

  async sweep(): Promise<number> {
    const now = this.now();
    const counts = await Promise.all([
      this.count('DELETE FROM state_records WHERE expires_at <= $1', [now]),
      this.count('DELETE FROM state_claims WHERE until <= $1 OR (until IS NULL AND at < $2)', [now - LEASE_KEEP_MS, now - CLAIM_KEEP_MS]),
      this.count(`DELETE FROM state_jobs WHERE state IN ('done', 'failed', 'cancelled') AND updated_at < $1`, [now - JOB_KEEP_MS]),
    ]);
    return counts.reduce((a, b) => a + b, 0);
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    await this.pool.end();
  }
}

export interface ConnectOptions extends PoolOptions {
  now?: () => number;
}

/** Connects to DATABASE_URL and brings the schema up to date; a problem is a one-line `StateConnectError`. */
export async function connectPostgres(url: string, options: ConnectOptions = {}): Promise<PostgresState> {
  const pool = await openPool(url, options);
  try {
    await migrate(pool);
  } catch (err) {
    await pool.end().catch(() => {});
    if (err instanceof StateConnectError) throw err;
    throw new StateConnectError(`cannot bring the state schema up to date: ${String((err as Error).message ?? err).replace(/\s+/g, ' ')}`);
  }
  return new PostgresState(pool, options.now);
}
