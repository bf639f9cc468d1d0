import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knownMigrations, migrate } from '../src/state/migrate.js';
import { connectPostgres, PostgresState } from '../src/state/postgres.js';
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
