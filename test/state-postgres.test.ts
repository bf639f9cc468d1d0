import { createServer } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knownMigrations, migrate } from '../src/state/migrate.js';
import { connectPostgres, PostgresState } from '../src/state/postgres.js';
import { StateConnectError } from '../src/state/postgres-connect.js';
import { freshDatabase } from './support/postgres.js';
import { stateContract } from './support/state-contract.js';

const url = await freshDatabase();
let shared: PostgresState;
beforeAll(async () => {
  shared = await connectPostgres(url);
});
afterAll(async () => {
  await shared?.close();
});

// One pool for the file; each test gets a store over it with its own fake clock.
stateContract('postgres', async (now) => new PostgresState(shared.pool, now), { timeout: 30_000 });

describe('postgres schema', () => {
  it('is created once: a second start migrates nothing, and a database newer than the code is refused', async () => {
    const ran = await Promise.all([migrate(shared.pool), migrate(shared.pool)]);
    expect(ran).toEqual([[], []]);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const names = (await c.query<{ name: string }>('SELECT name FROM state_migrations ORDER BY id')).rows.map((r) => r.name);
      expect(names).toEqual(await knownMigrations());
      await c.query(`INSERT INTO state_migrations (name, run_on) VALUES ('999_from_the_future', now())`);
      try {
        await expect(connectPostgres(url)).rejects.toThrow(/schema is newer than this code.*999_from_the_future/);
      } finally {
        await c.query(`DELETE FROM state_migrations WHERE name = '999_from_the_future'`);
      }
    } finally {
      await c.end();
    }
  });
});

describe('connecting', () => {
  const secret = 's3cret-Pa55word';
  const refused = async (u: string): Promise<string> => {
    const err = await connectPostgres(u, { connectTimeoutMs: 3000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StateConnectError);
    const message = (err as Error).message;
    expect(message).not.toContain('\n');
    expect(message).not.toContain(secret);
    return message;
  };

  it('a malformed URL, an unreachable server, a wrong password or a missing database: one line, never the password', async () => {
    expect(await refused(`not a url ${secret}`)).toMatch(/^DATABASE_URL is not a valid URL/);
    expect(await refused(`mysql://u:${secret}@127.0.0.1/db`)).toMatch(/must start with postgres:\/\//);
    expect(await refused(`postgres://u:${secret}@127.0.0.1:5432`)).toMatch(/names no database/);

    const closed = await closedPort();
    const unreachable = await refused(`postgres://u:${secret}@127.0.0.1:${closed}/db`);
    expect(unreachable).toBe(`cannot reach PostgreSQL at 127.0.0.1:${closed}: connection refused`);

    const wrong = new URL(url);
    wrong.password = secret;
    const bad = await refused(wrong.toString());
    expect(bad).toMatch(new RegExp(`^PostgreSQL at 127\\.0\\.0\\.1:${wrong.port} refused the password of user ${wrong.username}$`));

    const missing = new URL(url);
    missing.pathname = '/no_such_db';
    expect(await refused(missing.toString())).toMatch(/has no database no_such_db$/);
  });
});

/** A port nobody listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}
