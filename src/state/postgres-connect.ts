import pg from 'pg';

/** DATABASE_URL could not be used: the message is one line, names the problem, and never carries the password. */
export class StateConnectError extends Error {
  override name = 'StateConnectError';
}

export interface Target {
  host: string;
  port: number;
  user: string;
  database: string;
}

/** Where a postgres:// URL points, checked before any connection is tried. */
export function parseDatabaseUrl(url: string): Target {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new StateConnectError('DATABASE_URL is not a valid URL (expected postgres://user:password@host:5432/database)');
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new StateConnectError(`DATABASE_URL must start with postgres:// or postgresql://, not ${u.protocol}//`);
  }
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!u.hostname) throw new StateConnectError('DATABASE_URL names no host');
  if (!database) throw new StateConnectError('DATABASE_URL names no database (the path after the host)');
  return { host: u.hostname, port: Number(u.port || 5432), user: decodeURIComponent(u.username), database };
}

const where = (t: Target) => `${t.host}:${t.port}`;

/** One line for a failed first connection; the password is taken out of anything the driver said. */
export function describeConnectError(err: unknown, t: Target, password: string): string {
  const e = err as { code?: string; message?: string; errors?: { code?: string }[] };
  const code = e.code ?? e.errors?.[0]?.code;
  const scrub = (s: string) => (password ? s.split(password).join('***') : s).replace(/\s+/g, ' ').trim();
  switch (code) {
    case 'ECONNREFUSED':
      return `cannot reach PostgreSQL at ${where(t)}: connection refused`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot reach PostgreSQL: host ${t.host} not found`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `cannot reach PostgreSQL at ${where(t)}: ${code}`;
    case '28P01':
      return `PostgreSQL at ${where(t)} refused the password of user ${t.user}`;
    case '28000':
      return `PostgreSQL at ${where(t)} does not let user ${t.user} in: ${scrub(e.message ?? '')}`;
    case '3D000':
      return `PostgreSQL at ${where(t)} has no database ${t.database}`;
  }
  if (/timeout/i.test(e.message ?? '')) return `cannot reach PostgreSQL at ${where(t)}: no answer in time`;
  return `cannot use PostgreSQL at ${where(t)}: ${scrub(e.message ?? String(err))}`;
}

/** int8 (bigint) columns hold milliseconds and versions, well within a double: read them as numbers. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

export interface PoolOptions {
  max?: number;
  connectTimeoutMs?: number;
}

/** A pool on `url`, its first connection made (so a bad URL, host or password fails here, in one line). */
export async function openPool(url: string, options: PoolOptions = {}): Promise<pg.Pool> {
  const target = parseDatabaseUrl(url);
  const password = decodeURIComponent(new URL(url).password);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    types,
  });
  // An idle connection dropped by the server must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  try {
    const client = await pool.connect();
    client.release();
  } catch (err) {
    await pool.end().catch(() => {});
    throw new StateConnectError(describeConnectError(err, target, password));
  }
  return pool;
}
