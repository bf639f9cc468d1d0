import { readdir } from 'node:fs/promises';
import { runner } from 'node-pg-migrate';
import type pg from 'pg';
import { StateConnectError } from './postgres-connect.js';

export const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url).pathname;
const TABLE = 'state_migrations';
/** Our own advisory lock id (node-pg-migrate's default is shared by every project using it). */
const LOCK_ID = 0x706c6578_7573; // "plexus"

export async function knownMigrations(dir = MIGRATIONS_DIR): Promise<string[]> {
  return (await readdir(dir))
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .map((f) => f.replace(/\.sql$/, ''))
    .sort();
}

async function appliedMigrations(client: pg.ClientBase): Promise<string[]> {
  const exists = await client.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [TABLE]);
  if (!exists.rows[0]?.t) return [];
  return (await client.query<{ name: string }>(`SELECT name FROM ${TABLE} ORDER BY run_on, id`)).rows.map((r) => r.name);
}

/**
 * Creates or upgrades the schema from the numbered SQL files of src/state/migrations, each in its own transaction,
 * under an advisory lock held for the whole run (a second replica starting at once waits, then finds nothing to do).
 * Refuses a database that has migrations this code does not know: it was migrated by newer code. Returns what ran.
 */
export async function migrate(pool: pg.Pool, dir = MIGRATIONS_DIR): Promise<string[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_ID]);
    try {
      const known = await knownMigrations(dir);
      const unknown = (await appliedMigrations(client)).filter((m) => !known.includes(m));
      if (unknown.length > 0) {
        throw new StateConnectError(
          `the database schema is newer than this code (it has migration ${unknown.join(', ')}; this code knows up to ${known.at(-1)})`,
        );
      }
      const ran = await runner({
        dbClient: client,
        dir,
        direction: 'up',
        migrationsTable: TABLE,
        noLock: true,
        checkOrder: true,
        singleTransaction: false,
        log: () => {},
      });
      return ran.map((m) => m.name);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [LOCK_ID]);
    }
  } finally {
    client.release();
  }
}
